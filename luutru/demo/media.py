"""The demo's photos and sound: a small photo collection and a short recorded clip, made on the
spot (pictures drawn with Pillow, the clip written with Python's ``wave`` module; nothing is
downloaded), handed over as a spreadsheet package (``ho_so``, ``anh``, ``phim_am_thanh``)
through the real pipeline and accepted, like the demo's other transfers. The clip's access copy
(MP3) is made at once so the portal can play it without a background worker. Idempotent."""

from __future__ import annotations

import csv
import math
import struct
import tempfile
import wave
from pathlib import Path

from PIL import Image, ImageDraw

from luutru.accounts.models import User
from luutru.demo.collection import HEAD, RECEIVER
from luutru.ingest.actions import accept_transfer, ingest, receive_package
from luutru.ingest.models import TransferState
from luutru.organizations.models import Agency
from luutru.portal.tasks import make_access_copies
from luutru.records.models import Document, DocumentKind, Dossier

AGENCY = "000.00.01.H62"  # Văn phòng UBND tỉnh, which keeps the province's photo collections
DOSSIER = f"{AGENCY}.2024.90"
EVENT = "Lễ kỷ niệm 50 năm thành lập tỉnh"
PHOTOS = [
    ("Quảng trường trung tâm tỉnh trang trí mừng lễ kỷ niệm", "#c1121f", "Quảng trường"),
    ("Đoàn đại biểu dâng hoa tại Đài tưởng niệm", "#2a9d8f", "Đài tưởng niệm"),
    ("Văn nghệ chào mừng tại Nhà văn hóa tỉnh", "#e9c46a", "Nhà văn hóa tỉnh"),
    ("Toàn cảnh lễ mít tinh kỷ niệm", "#264653", "Quảng trường"),
]


class DemoMediaError(RuntimeError):
    pass


def _draw(path: Path, colour: str, caption: str, number: int) -> None:
    """A 640 x 427 'photo': sky, ground, a few flags and the caption."""
    image = Image.new("RGB", (640, 427), "#a8dadc")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 280, 640, 427), fill="#6a994e")
    draw.rectangle((200, 150, 440, 300), fill=colour, outline="white", width=4)
    for i in range(7):
        x = 40 + i * 90
        draw.line((x, 300, x, 200 + (i * 13 + number * 7) % 40), fill="#333333", width=3)
        draw.polygon([(x, 200), (x + 30, 210), (x, 220)], fill="#d62828")
    draw.text((20, 390), f"{caption} — ảnh {number}", fill="white")
    image.save(path, quality=85)


def _clip(path: Path, seconds: float = 3.0, rate: int = 16000) -> None:
    """A short chime (three notes, fading), 16-bit mono PCM."""
    frames = bytearray()
    notes = (523.25, 659.25, 783.99)
    for n in range(int(seconds * rate)):
        t = n / rate
        note = notes[min(int(t / (seconds / 3)), 2)]
        amplitude = 0.4 * math.exp(-3 * (t % (seconds / 3)))
        frames += struct.pack("<h", int(32767 * amplitude * math.sin(2 * math.pi * note * t)))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))


def write_package(root: Path) -> Path:
    """The spreadsheet package: the dossier, its four photos and its recording."""
    folder = root / "anh_le_ky_niem"
    (folder / "anh").mkdir(parents=True)
    (folder / "ghi_am").mkdir()
    rows = []
    for number, (title, colour, place) in enumerate(PHOTOS, start=1):
        name = f"anh/{number:02d}.jpg"
        _draw(folder / name, colour, place, number)
        rows.append([DOSSIER, number, "Ảnh", EVENT, title, "Phòng Hành chính - Tổ chức",
                     place, "01/10/2024", "Màu", "01", "0", name])  # fmt: skip
    _clip(folder / "ghi_am" / "01.wav")
    with (folder / "ho_so.csv").open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["Mã hồ sơ", "Tiêu đề hồ sơ", "Thời hạn lưu trữ", "Chế độ sử dụng",
                      "Ngôn ngữ", "Thời gian bắt đầu", "Thời gian kết thúc",
                      "Tổng số tài liệu trong hồ sơ", "Số lượng trang",
                      "Chế độ dự phòng"])  # fmt: skip
        out.writerow([DOSSIER, f"Ảnh, ghi âm {EVENT}", "Vĩnh viễn", "01", "01",
                      "01/10/2024", "01/10/2024", len(PHOTOS) + 1, "0", "0"])  # fmt: skip
    with (folder / "anh.csv").open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["Mã hồ sơ", "Số thứ tự", "Loại tài liệu phim ảnh", "Tên sự kiện",
                      "Tiêu đề phim ảnh", "Tác giả", "Địa điểm chụp", "Thời gian chụp",
                      "Màu sắc", "Chế độ sử dụng", "Chế độ dự phòng", "Tệp tin"])  # fmt: skip
        out.writerows(rows)
    with (folder / "phim_am_thanh.csv").open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["Mã hồ sơ", "Số thứ tự", "Loại tài liệu ghi âm ghi hình", "Tên sự kiện",
                      "Tiêu đề", "Tác giả", "Địa điểm ghi", "Thời gian ghi", "Ngôn ngữ",
                      "Thời lượng", "Chế độ sử dụng", "Chế độ dự phòng", "Tệp tin"])  # fmt: skip
        out.writerow([DOSSIER, len(PHOTOS) + 1, "Âm thanh", EVENT,
                      "Nhạc hiệu mở đầu lễ kỷ niệm", "Đài Phát thanh tỉnh", "Quảng trường",
                      "01/10/2024", "01", "00:00:03", "01", "0", "ghi_am/01.wav"])  # fmt: skip
    return folder


def seed_media() -> int:
    """Ingest and accept the media package unless it is there; return 1 if it was ingested."""
    if Dossier.objects.filter(code=DOSSIER).exists():
        return 0
    agency = Agency.objects.filter(code=AGENCY).first()
    if agency is None:
        raise DemoMediaError(f"Chưa có cơ quan {AGENCY}: hãy nạp tỉnh mẫu trước (seed).")
    receiver = User.objects.filter(username=RECEIVER).first()
    head = User.objects.filter(username=HEAD).first()
    with tempfile.TemporaryDirectory(prefix="luutru-demo-media-") as tmp:
        transfer = ingest(receive_package(write_package(Path(tmp)), agency=agency, actor=receiver))
        if transfer.state == TransferState.RECEIVED:
            transfer = accept_transfer(transfer, head)
    if transfer.state != TransferState.ACCEPTED:
        raise DemoMediaError(
            f"Gói ảnh, ghi âm mẫu bị từ chối ({transfer.state}): {transfer.errors}"
        )
    recordings = Document.objects.filter(dossier__code=DOSSIER, kind=DocumentKind.AUDIO)
    make_access_copies.call(list(recordings.values_list("pk", flat=True)))
    return 1
