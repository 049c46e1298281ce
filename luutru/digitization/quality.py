"""Page quality checks of TT 05/2025 Điều 8 (``regulations.md`` §2.1), each with a reason in
Vietnamese the scanning operator can act on.

An ``error`` sends the page back: it must be scanned again (or removed) before the batch is
accepted. A ``warning`` is shown beside the page and does not block. Thresholds are module
constants; what grey or bitonal scans get is the ``DIGITIZATION_LOW_DEPTH`` setting.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from django.conf import settings
from PIL import Image

MIN_DPI = 200  # administrative records
MIN_DPI_DRAWINGS = 300  # maps (30 Bản đồ) and technical drawings (31 Bản vẽ kỹ thuật)
DRAWING_TYPES = frozenset({"30", "31"})
MAX_SKEW_DEGREES = 1.0
MIN_CONFIDENCE = 60.0  # mean Tesseract word confidence below which a page is flagged
BLANK_INK_SHARE = 0.0015  # share of dark pixels below which a page counts as blank
PREVIEW_WIDTH = 600  # pixels across the copy that the blank and skew checks look at
A3_MM = (297.0, 420.0)  # a page larger than this may be a map or a drawing
SIZE_TOLERANCE_MM = 5.0  # a scanner's margin around an A3 sheet


@dataclass(frozen=True)
class Flag:
    code: str
    level: str  # "error" | "warning"
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_image(
    image: Image.Image,
    dpi: int | None,
    *,
    doc_type: str = "",
    small: Image.Image | None = None,
) -> list[Flag]:
    """Resolution, colour depth, blank page and skew of one decoded page (``small``: its
    ``preview``, when the caller already made one)."""
    flags = [*_resolution(dpi, doc_type), *_depth(image)]
    grey = _grey(small if small is not None else preview(image))
    blank = _is_blank(grey)
    if blank:
        flags.append(Flag("blank_page", "warning", "Trang trắng: không thấy nội dung trên ảnh."))
    else:
        angle = estimate_skew(grey)
        if abs(angle) > MAX_SKEW_DEGREES:
            shown = f"{abs(angle):.1f}".replace(".", ",")
            flags.append(
                Flag(
                    "skewed",
                    "warning",
                    f"Trang bị nghiêng khoảng {shown}°; nên đặt lại tài liệu cho thẳng rồi "
                    "quét lại.",
                )
            )
    return flags


def check_ocr(confidence: float | None, words: int, *, blank: bool) -> list[Flag]:
    """A page whose words were read with low confidence (a blank page has none to read)."""
    if blank:
        return []
    if words == 0 or confidence is None:
        return [Flag("no_text", "warning", "Không nhận dạng được chữ nào trên trang.")]
    if confidence < MIN_CONFIDENCE:
        return [
            Flag(
                "low_confidence",
                "warning",
                f"Độ tin cậy nhận dạng chữ thấp ({confidence:.0f}%); ảnh có thể mờ, nhòe "
                "hoặc quét sai chế độ.",
            )
        ]
    return []


def check_page_count(declared: int | None, counted: int) -> Flag | None:
    """Pages scanned against the pages the metadata declares (số lượng trang)."""
    if declared is None or declared == counted:
        return None
    return Flag(
        "page_count_mismatch",
        "warning",
        f"Siêu dữ liệu khai {declared} trang nhưng bản quét có {counted} trang.",
    )


def page_size_mm(width: int, height: int, dpi: int) -> tuple[float, float]:
    """The scanned sheet's size in millimetres, short side first."""
    sides = sorted((width * 25.4 / dpi, height * 25.4 / dpi))
    return sides[0], sides[1]


def check_large_page(
    width: int | None, height: int | None, dpi: int | None, doc_type: str
) -> Flag | None:
    """A sheet larger than A3 in a document not typed as a map or drawing: ask whether it is
    one, since maps and technical drawings must be scanned at 300 dpi whatever type was picked
    (TT 05/2025 Điều 8)."""
    if not width or not height or not dpi or doc_type in DRAWING_TYPES:
        return None
    short, long = page_size_mm(width, height, dpi)
    if short <= A3_MM[0] + SIZE_TOLERANCE_MM and long <= A3_MM[1] + SIZE_TOLERANCE_MM:
        return None
    message = (
        f"Trang khổ {short:.0f}x{long:.0f} mm, lớn hơn A3: đây có phải bản đồ hoặc bản vẽ kỹ "
        "thuật không? Nếu phải, hãy chọn tên loại “Bản đồ” hoặc “Bản vẽ kỹ thuật”; loại này "
        f"phải quét tối thiểu {MIN_DPI_DRAWINGS} dpi (TT 05/2025 Điều 8)"
    )
    if dpi < MIN_DPI_DRAWINGS:
        message += f", trang đang ở {dpi} dpi"
    return Flag("large_page", "warning", message + ".")


def check_drawing_resolution(dpi: int | None, doc_type: str) -> Flag | None:
    """The resolution rule for the document's confirmed type (chosen after recognition)."""
    flags = _resolution(dpi, doc_type) if doc_type in DRAWING_TYPES else []
    return flags[0] if flags else None


def _resolution(dpi: int | None, doc_type: str) -> list[Flag]:
    minimum = MIN_DPI_DRAWINGS if doc_type in DRAWING_TYPES else MIN_DPI
    if dpi is None:
        return [
            Flag(
                "unknown_resolution",
                "error",
                "Ảnh không ghi độ phân giải (dpi); hãy quét lại bằng máy quét, tối thiểu "
                f"{minimum} dpi.",
            )
        ]
    if dpi < minimum:
        what = "bản đồ, bản vẽ kỹ thuật" if doc_type in DRAWING_TYPES else "tài liệu hành chính"
        return [
            Flag(
                "low_resolution",
                "error",
                f"Độ phân giải {dpi} dpi thấp hơn mức tối thiểu {minimum} dpi cho {what} "
                "(TT 05/2025 Điều 8); hãy quét lại.",
            )
        ]
    return []


def colour_bits(image: Image.Image) -> int:
    """Bits per pixel of colour information (alpha not counted)."""
    if image.mode == "1":
        return 1
    if image.mode in {"L", "P", "LA", "PA"}:
        return 8
    if image.mode.startswith("I;16") or image.mode == "I":
        return 16
    return 24 if image.mode in {"RGB", "RGBA", "YCbCr", "LAB", "HSV"} else 32


def _depth(image: Image.Image) -> list[Flag]:
    policy = settings.DIGITIZATION_LOW_DEPTH
    bits = colour_bits(image)
    if policy == "allow" or (bits >= 24 and image.mode != "I;16"):
        return []
    kind = {1: "ảnh đen trắng 1 bit", 8: "ảnh xám hoặc bảng màu 8 bit"}.get(bits, "ảnh xám")
    return [
        Flag(
            "low_colour_depth",
            "error" if policy == "error" else "warning",
            f"Trang là {kind}; TT 05/2025 yêu cầu độ sâu màu từ 24 bit, màu như bản gốc.",
        )
    ]


def preview(image: Image.Image, width: int = PREVIEW_WIDTH) -> Image.Image:
    """A small RGB or grey copy of the page for the blank and skew checks and the thumbnail.

    Box-averaged by a whole factor straight from the full image (one pass over its pixels),
    so a 300 dpi page costs a few milliseconds rather than a full-size conversion.
    """
    factor = image.width // width
    if factor > 1 and image.mode in {"L", "RGB", "RGBA", "LA", "I", "F"}:
        image = image.reduce(factor)
    if image.mode not in {"L", "RGB"}:
        image = image.convert("L" if image.mode in {"1", "LA", "I", "F", "I;16"} else "RGB")
    if image.width > width:
        image = image.resize((width, max(1, round(image.height * width / image.width))))
    return image


def _grey(small: Image.Image) -> np.ndarray:
    """The preview as an array of grey levels (0 = black)."""
    return np.asarray(small.convert("L"), dtype=np.float32)


def _ink(grey: np.ndarray) -> np.ndarray:
    background = float(np.percentile(grey, 90))
    return grey < min(background - 60.0, 160.0)


def _is_blank(grey: np.ndarray) -> bool:
    return float(_ink(grey).mean()) < BLANK_INK_SHARE


def estimate_skew(grey: np.ndarray) -> float:
    """The angle (degrees) that makes text lines most horizontal: the rotation whose row
    profile of dark pixels is sharpest."""
    ink = _ink(grey).astype(np.uint8) * 255
    picture = Image.fromarray(ink)

    def sharpness(angle: float) -> float:
        rotated = np.asarray(picture.rotate(angle, resample=Image.Resampling.NEAREST))
        rows = rotated.sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(rows)).sum())

    # A coarse sweep in whole degrees, then quarter degrees around the best.
    coarse = max(np.arange(-5.0, 5.01, 1.0), key=lambda a: sharpness(float(a)))
    fine = np.arange(coarse - 0.75, coarse + 0.76, 0.25)
    return -float(max(fine, key=lambda a: sharpness(float(a))))
