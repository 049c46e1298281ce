"""Vietnamese administrative pages with known text, drawn with Pillow and Debian's fonts, for the
tests, the benchmark and the demo (nothing is fetched: the fonts are system packages)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/noto")]
FONTS = ["DejaVuSerif.ttf", "NotoSerif-Regular.ttf", "DejaVuSans.ttf", "NotoSans-Regular.ttf"]

DECISION = [
    "ỦY BAN NHÂN DÂN TỈNH",
    "SỞ TÀI CHÍNH",
    "QUYẾT ĐỊNH",
    "Về việc phân bổ dự toán ngân sách nhà nước năm 2024",
    "Căn cứ Luật Ngân sách nhà nước ngày 25 tháng 6 năm 2015;",
    "Căn cứ Nghị định số 163/2016/NĐ-CP của Chính phủ;",
    "Xét đề nghị của Trưởng phòng Quản lý ngân sách,",
    "Điều 1. Phân bổ dự toán kinh phí cho các đơn vị trực thuộc.",
    "Điều 2. Giao Chánh Văn phòng theo dõi, đôn đốc thực hiện.",
    "Điều 3. Quyết định này có hiệu lực kể từ ngày ký.",
]
LAND = [
    "ỦY BAN NHÂN DÂN HUYỆN",
    "BIÊN BẢN",
    "Giao nhận hồ sơ đất đai tại xã Tân Phước",
    "Hôm nay, ngày 12 tháng 3 năm 2024, tại trụ sở Ủy ban,",
    "chúng tôi gồm đại diện phòng Tài nguyên và Môi trường",
    "và đại diện Ủy ban nhân dân xã đã tiến hành giao nhận",
    "mười hai hồ sơ cấp giấy chứng nhận quyền sử dụng đất.",
    "Biên bản được lập thành hai bản có giá trị như nhau.",
]
REPORT = [
    "BÁO CÁO",
    "Tình hình thực hiện nhiệm vụ lưu trữ năm 2023",
    "Trong năm, cơ quan đã chỉnh lý được ba trăm mét giá tài liệu,",
    "số hóa mười nghìn trang hồ sơ có giá trị bảo quản vĩnh viễn",
    "và phục vụ độc giả khai thác, sử dụng tài liệu đúng quy định.",
    "Đề nghị cấp trên bố trí kinh phí cho việc tu bổ tài liệu hư hỏng.",
]
# A decision's header as NĐ 30/2020 lays it out (agency, number and notation, place and date,
# title), for the suggestions read from a scan.
HEADED = [
    "SỞ TÀI CHÍNH",
    "Số: 12/QĐ-STC",
    "Sơn Nam, ngày 05 tháng 3 năm 2024",
    "QUYẾT ĐỊNH",
    "Về việc phân bổ dự toán ngân sách nhà nước năm 2024",
    "Điều 1. Phân bổ dự toán kinh phí cho các đơn vị trực thuộc.",
]
TEXTS = [DECISION, LAND, REPORT]


def font(size: int, index: int = 0) -> ImageFont.FreeTypeFont:
    name = FONTS[index % len(FONTS)]
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return ImageFont.truetype(str(folder / name), size)
    return ImageFont.truetype(str(FONT_DIRS[0] / FONTS[0]), size)


def page_image(
    lines: list[str] | None = None,
    *,
    dpi: int = 200,
    height_inches: float = 5.8,
    font_index: int = 0,
    mode: str = "RGB",
) -> Image.Image:
    """An A4-wide page (half height by default) with ``lines`` in 12 pt type at ``dpi``."""
    lines = DECISION if lines is None else lines
    width, height = round(8.27 * dpi), round(height_inches * dpi)
    image = Image.new("RGB", (width, height), (252, 251, 247))
    draw = ImageDraw.Draw(image)
    face = font(round(12 * dpi / 72), font_index)
    y = round(0.7 * dpi)
    for line in lines:
        draw.text((round(0.9 * dpi), y), line, font=face, fill=(20, 20, 20))
        y += round(20 * dpi / 72)
    return image.convert(mode) if mode != "RGB" else image


def image_bytes(image: Image.Image, fmt: str = "PNG", dpi: int | None = 200) -> bytes:
    out = io.BytesIO()
    options: dict[str, object] = {"dpi": (dpi, dpi)} if dpi else {}
    if fmt.upper() == "PDF":
        options = {"resolution": float(dpi or 200)}
    image.save(out, format=fmt, **options)
    return out.getvalue()


def write(path: Path, image: Image.Image, fmt: str = "PNG", dpi: int | None = 200) -> Path:
    path.write_bytes(image_bytes(image, fmt, dpi))
    return path
