"""What an archive needs to know about a photo, a sound or a film before accepting it.

Pictures are read with Pillow, sound and moving pictures with ffprobe (JSON output) and then
decoded once, whole, with ffmpeg into nothing: a truncated file, or a container that declares a
codec its data is not, fails there even when its header reads well. Every outside program runs
with a timeout and is killed when it passes it (``subprocess.run`` kills and reaps the child),
so no process outlives the check. Limits are the caller's (settings ``MEDIA_*``): a file larger
than ``max_bytes`` or a picture of more than ``max_pixels`` is refused before it is decoded.

The findings are plain JSON-able values (``MediaReport.technical``) kept on the document's file
and written to the AIP as PREMIS object characteristics. EXIF text is kept as text: it is
truncated, stripped of control characters and never interpreted.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

__all__ = ["AV_EXTENSIONS", "IMAGE_EXTENSIONS", "MediaReport", "kind_of", "probe", "transcode"]

log = logging.getLogger(__name__)

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".tif", ".tiff", ".png", ".dng"})
AUDIO_EXTENSIONS = frozenset({".wav", ".mp3", ".flac"})
VIDEO_EXTENSIONS = frozenset({".mp4", ".mkv", ".mov", ".m4v"})
AV_EXTENSIONS = AUDIO_EXTENSIONS | VIDEO_EXTENSIONS
# EXIF tags kept (IFD0 and the Exif IFD), as text, each at most _EXIF_CHARS characters.
_EXIF_TAGS = {
    270: "ImageDescription",
    271: "Make",
    272: "Model",
    305: "Software",
    306: "DateTime",
    315: "Artist",
    33432: "Copyright",
}
_EXIF_IFD_TAGS = {36867: "DateTimeOriginal", 37510: "UserComment"}
_EXIF_CHARS = 300
_BITS = {"1": 1, "L": 8, "P": 8, "RGB": 8, "RGBA": 8, "CMYK": 8, "YCbCr": 8, "LA": 8,
         "I;16": 16, "I;16B": 16, "I;16L": 16, "I": 32, "F": 32}  # fmt: skip
_ADDRESS = re.compile(r"^\[[^\]]*@ 0x[0-9a-f]+\]\s*")  # "[h264 @ 0x55…] "
_ERROR_LINES = 5  # lines of ffmpeg's complaints quoted in a message


@dataclass
class MediaReport:
    """What was found. ``damaged``/``too_large`` are Vietnamese messages when the file must be
    refused; ``unchecked`` when it could not be fully checked (a warning, not a refusal)."""

    kind: str  # image | audio | video
    technical: dict[str, Any] = field(default_factory=dict)
    damaged: str | None = None
    too_large: str | None = None
    unchecked: str | None = None


def kind_of(path: Path, mime: str | None = None) -> str | None:
    """image, audio or video by MIME type (from PRONOM identification) or extension."""
    major = (mime or "").split("/")[0]
    if major in {"image", "audio", "video"}:
        return major
    suffix = path.suffix.lower()
    if suffix in IMAGE_EXTENSIONS:
        return "image"
    if suffix in AUDIO_EXTENSIONS:
        return "audio"
    if suffix in VIDEO_EXTENSIONS:
        return "video"
    return None


def probe(
    path: Path,
    kind: str,
    *,
    max_bytes: int,
    max_pixels: int,
    probe_seconds: int = 60,
    decode_seconds: int = 900,
    ffprobe: str = "ffprobe",
    ffmpeg: str = "ffmpeg",
) -> MediaReport:
    """Read and check one media file; never raises for a bad file."""
    report = MediaReport(kind=kind)
    size = path.stat().st_size
    if size > max_bytes:
        report.too_large = (
            f"Tệp “{path.name}” dung lượng {size / 1024**3:.1f} GB, vượt giới hạn "
            f"{max_bytes / 1024**3:.0f} GB cho một tệp ảnh, ghi âm, ghi hình (MEDIA_MAX_GB)."
        )
        return report
    if kind == "image":
        _probe_image(path, report, max_pixels)
    else:
        _probe_av(path, report, probe_seconds, decode_seconds, ffprobe, ffmpeg)
    return report


def _probe_image(path: Path, report: MediaReport, max_pixels: int) -> None:
    name = path.name
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                report.technical.update(
                    {
                        "width": width,
                        "height": height,
                        "container": image.format or "",
                        "color_mode": image.mode,
                        "bits_per_sample": _BITS.get(image.mode, 8),
                        "frames": getattr(image, "n_frames", 1),
                    }
                )
                if width * height > max_pixels:
                    report.too_large = (
                        f"Ảnh “{name}” có {width:,} x {height:,} điểm ảnh, vượt giới hạn "
                        f"{max_pixels / 1e6:.0f} triệu điểm ảnh (MEDIA_MAX_MEGAPIXELS); không mở "
                        "để tránh làm cạn bộ nhớ. Hãy chia nhỏ hoặc giảm độ phân giải."
                    ).replace(",", ".")
                    return
                dpi = image.info.get("dpi")
                if dpi:
                    report.technical["dpi"] = [round(float(v)) for v in dpi[:2]]
                exif = _exif(image)
                if exif:
                    report.technical["exif"] = exif
                if image.format == "JPEG":
                    # Decode at 1/8 scale: every byte is still read, truncation still found.
                    image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                image.load()
                if not _complete(path, image.format or ""):
                    raise OSError("tệp bị cắt cụt, thiếu phần cuối")
    except Image.DecompressionBombError:  # Pillow's own limit, when a library left it on
        report.too_large = (
            f"Ảnh “{name}” có quá nhiều điểm ảnh, vượt giới hạn {max_pixels / 1e6:.0f} triệu "
            "điểm ảnh (MEDIA_MAX_MEGAPIXELS); không mở để tránh làm cạn bộ nhớ. Hãy chia nhỏ "
            "hoặc giảm độ phân giải."
        )
    except UnidentifiedImageError:
        if path.suffix.lower() == ".dng":
            _unreadable_raw(report, name, "")
        else:
            report.damaged = f"Tệp ảnh “{name}” hỏng hoặc không phải ảnh, không đọc được."
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        if path.suffix.lower() == ".dng":
            _unreadable_raw(report, name, str(exc))
        else:
            report.damaged = f"Tệp ảnh “{name}” hỏng hoặc bị cắt cụt, không giải mã được ({exc})."


def _unreadable_raw(report: MediaReport, name: str, why: str) -> None:
    """A camera RAW (DNG) Pillow cannot decode (it reads only the DNGs laid out as plain TIFF,
    not mosaic sensor data or lossless-JPEG tiles): a warning, not a refusal. The original is
    kept and preserved as it came; nothing can be drawn from it, so it gets no preview, and
    ``technical["no_preview"]`` says so wherever the file is shown."""
    because = f" ({why})" if why else ""
    report.technical["no_preview"] = (
        "Không tạo được ảnh xem trước: ảnh RAW (DNG) này không giải mã được bằng Pillow"
        f"{because}; bản gốc được bảo quản nguyên vẹn."
    )
    report.unchecked = (
        f"Không giải mã được ảnh RAW “{name}” (DNG){because}: chưa kiểm tra được nội dung ảnh "
        "và không tạo được ảnh xem trước; bản gốc vẫn được tiếp nhận và bảo quản."
    )


def _clean_text(value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    text = "".join(c for c in str(value) if c.isprintable() or c == " ").strip()
    return text[:_EXIF_CHARS]


def _exif(image: Image.Image) -> dict[str, str]:
    try:
        exif = image.getexif()
        found = {name: exif.get(tag) for tag, name in _EXIF_TAGS.items()}
        inner = exif.get_ifd(0x8769)
        found |= {name: inner.get(tag) for tag, name in _EXIF_IFD_TAGS.items()}
    except Exception:  # EXIF is a courtesy: a broken block does not make the picture bad
        log.info("unreadable EXIF", exc_info=True)
        return {}
    return {name: text for name, value in found.items() if value and (text := _clean_text(value))}


def _run(command: list[str], seconds: int) -> subprocess.CompletedProcess[bytes] | None:
    """Run a tool; None when it ran out of time (it has then been killed and reaped)."""
    try:
        return subprocess.run(command, capture_output=True, timeout=seconds, check=False)  # noqa: S603
    except subprocess.TimeoutExpired:
        return None


def _probe_av(
    path: Path,
    report: MediaReport,
    probe_seconds: int,
    decode_seconds: int,
    ffprobe: str,
    ffmpeg: str,
) -> None:
    name = path.name
    done = _run(
        [ffprobe, "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
         "-i", str(path)],
        probe_seconds,
    )  # fmt: skip
    if done is None:
        report.damaged = f"Đọc thông tin tệp “{name}” quá {probe_seconds} giây; đã dừng."
        return
    try:
        data = json.loads(done.stdout or b"{}")
    except ValueError:
        data = {}
    streams = [s for s in data.get("streams", []) if isinstance(s, dict)]
    media_streams = [s for s in streams if s.get("codec_type") in {"audio", "video"}]
    if done.returncode != 0 or not media_streams:
        why = _complaint(done.stderr, path) or "không có luồng âm thanh hay hình ảnh"
        report.damaged = f"Tệp “{name}” hỏng hoặc bị cắt cụt, không đọc được: {why}."
        return
    fmt = data.get("format", {})
    technical = report.technical
    technical["container"] = str(fmt.get("format_name", ""))
    duration = _number(fmt.get("duration"))
    if duration is not None:
        technical["duration"] = round(duration, 3)
    bit_rate = _number(fmt.get("bit_rate"))
    if bit_rate is not None:
        technical["bit_rate"] = int(bit_rate)
    technical["streams"] = [_stream(s) for s in media_streams]
    video = next((s for s in media_streams if s.get("codec_type") == "video"
                  and not (s.get("disposition") or {}).get("attached_pic")), None)  # fmt: skip
    if video is not None:
        technical["width"], technical["height"] = video.get("width"), video.get("height")
    audio = next((s for s in media_streams if s.get("codec_type") == "audio"), None)
    if audio is not None:
        technical["sample_rate"] = int(_number(audio.get("sample_rate")) or 0) or None
        technical["channels"] = audio.get("channels")
        depth = audio.get("bits_per_raw_sample") or audio.get("bits_per_sample")
        if depth and int(depth):
            technical["bits_per_sample"] = int(depth)
    if report.kind == "video" and video is None:
        report.kind = "audio"  # an .mp4 that holds sound only
    # Decode everything into nothing: truncation and lies about the codec surface here.
    decoded = _run(
        [ffmpeg, "-nostdin", "-hide_banner", "-v", "error", "-xerror", "-i", str(path),
         "-map", "0:a?", "-map", "0:v?", "-f", "null", "-"],
        decode_seconds,
    )  # fmt: skip
    if decoded is None:
        report.unchecked = (
            f"Giải mã thử tệp “{name}” chưa xong sau {decode_seconds} giây; đã dừng, tệp chưa "
            "được kiểm tra hết."
        )
        return
    complaint = _complaint(decoded.stderr, path)
    if decoded.returncode != 0 or complaint:
        report.damaged = (
            f"Tệp “{name}” hỏng, bị cắt cụt hoặc khai sai mã hóa (codec), không giải mã hết "
            f"được: {complaint or 'lỗi giải mã'}."
        )


def _stream(stream: dict[str, Any]) -> dict[str, Any]:
    keep = ("codec_type", "codec_name", "profile", "width", "height", "pix_fmt",
            "sample_rate", "channels", "sample_fmt", "avg_frame_rate")  # fmt: skip
    out = {k: stream[k] for k in keep if stream.get(k) not in (None, "", "0/0")}
    depth = stream.get("bits_per_raw_sample") or stream.get("bits_per_sample")
    if depth and str(depth).isdigit() and int(depth):
        out["bits_per_sample"] = int(depth)
    return out


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _complaint(stderr: bytes | None, path: Path) -> str:
    """The first lines ffmpeg wrote to stderr, without the file's path or ffmpeg's addresses."""
    lines = []
    for line in (stderr or b"").decode("utf-8", errors="replace").splitlines():
        line = _ADDRESS.sub("", line.replace(f"{path}: ", "")).strip()
        if line and line not in lines:
            lines.append(line)
    return "; ".join(lines[:_ERROR_LINES])[:500]


def _complete(path: Path, container: str) -> bool:
    """A PNG ends with its IEND chunk, a JPEG with its end marker. Checked on the bytes, because
    WeasyPrint, once imported, makes Pillow pad truncated images instead of failing
    (``ImageFile.LOAD_TRUNCATED_IMAGES``); the same check as digitization's."""
    if container not in {"PNG", "JPEG"}:
        return True
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - 4096))
        tail = handle.read()
    return b"IEND\xaeB`\x82" in tail if container == "PNG" else b"\xff\xd9" in tail


def transcode(
    source: Path,
    target: Path,
    kind: str,
    *,
    seconds: int = 3600,
    ffmpeg: str = "ffmpeg",
) -> str | None:
    """A copy a browser plays: MP4 (H.264 + AAC, ``faststart``) for film, MP3 for sound.

    The source is only read. The copy is written beside ``target`` and renamed into place, so
    a reader never gets half a file. Returns None, or a Vietnamese message when it failed or
    ran past ``seconds`` (ffmpeg is then killed).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part{target.suffix}")
    if kind == "video":
        codec = ["-map", "0:v:0", "-map", "0:a:0?", "-c:v", "libx264", "-preset", "veryfast",
                 "-crf", "26", "-pix_fmt", "yuv420p", "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2",
                 "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart", "-f", "mp4"]  # fmt: skip
    else:
        codec = ["-map", "0:a:0", "-vn", "-c:a", "libmp3lame", "-q:a", "4", "-f", "mp3"]
    done = _run(
        [ffmpeg, "-nostdin", "-hide_banner", "-v", "error", "-y", "-i", str(source), *codec,
         str(partial)],
        seconds,
    )  # fmt: skip
    if done is None or done.returncode != 0:
        partial.unlink(missing_ok=True)
        if done is None:
            return f"Tạo bản sử dụng của “{source.name}” quá {seconds} giây; đã dừng."
        return f"Không tạo được bản sử dụng của “{source.name}”: {_complaint(done.stderr, source)}"
    partial.replace(target)
    return None
