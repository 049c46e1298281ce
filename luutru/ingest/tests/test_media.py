"""Photos, audio and video: read from SIPs (EAD_pic, EAD_media) and spreadsheets (anh,
phim_am_thanh), measured, and refused when damaged, oversized or lying about their content."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path
from typing import ClassVar
from unittest import mock

from django.test import TestCase
from lxml import etree
from PIL import Image, ImageFile, TiffImagePlugin

from luutru.accounts.models import Role
from luutru.ingest.actions import ingest, receive_package
from luutru.ingest.models import Transfer, TransferState
from luutru.ingest.tests.factory import DOSSIER
from luutru.ingest.tests.media_packages import media_samples
from luutru.lib import media
from luutru.organizations import actions
from luutru.organizations.models import Agency
from luutru.records.models import Document, DocumentFile, DocumentKind, Dossier
from luutru.storage.models import StoredFile
from luutru.test import make_user, pass_second_factor

FILE_CODE = DOSSIER["Mã hồ sơ"]


def ffmpeg(*args: str) -> None:
    command = ["ffmpeg", "-y", "-v", "error", "-nostdin", *args]
    subprocess.run(command, check=True, timeout=60)  # noqa: S603 (our own arguments)


def tiny_mp4(path: Path, *extra: str) -> Path:
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=1", "-c:v", "libx264",
           "-preset", "ultrafast", "-pix_fmt", "yuv420p", *extra, str(path))  # fmt: skip
    return path


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width x height pixels: its header is all a checker may read."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def media_package(root: Path, sheet: str, name: str, data: bytes, **row: str) -> Path:
    """ho_so.csv and one list (anh or phim_am_thanh) with one item and its file."""
    root.mkdir(parents=True)
    dossier = dict(DOSSIER, **{"Tổng số tài liệu trong hồ sơ": "1", "Số lượng trang": "0"})
    (root / name).write_bytes(data)
    if sheet == "anh":
        item = {"Loại tài liệu phim ảnh": "Ảnh", "Tiêu đề phim ảnh": "Ảnh hội nghị",
                "Thời gian chụp": "15/12/2024"}  # fmt: skip
    else:
        item = {"Loại tài liệu ghi âm ghi hình": "Video", "Tiêu đề": "Phim hội nghị",
                "Thời gian ghi": "15/12/2024"}  # fmt: skip
    item.update({"Mã hồ sơ": FILE_CODE, "Số thứ tự": "1", "Chế độ dự phòng": "0",
                 "Tệp tin": name, "SHA-256": hashlib.sha256(data).hexdigest(), **row})  # fmt: skip
    for path, rows in ((root / "ho_so.csv", [dossier]), (root / f"{sheet}.csv", [item])):
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return root


class MediaTestCase(TestCase):
    agency: ClassVar[Agency]
    agency_code: ClassVar[str] = "000.00.12.H62"

    @classmethod
    def setUpTestData(cls) -> None:
        parent = None
        if cls.agency_code.endswith(".H30"):
            parent = actions.create_agency(
                actor=None, code="000.00.00.H30", name="Ủy ban nhân dân tỉnh", kind="other"
            )
        cls.agency = actions.create_agency(
            actor=None, code=cls.agency_code, name="Sở Nông nghiệp", kind="department",
            parent=parent,
        )  # fmt: skip

    def setUp(self) -> None:
        self.tmp = Path(self.enterContext(tempfile.TemporaryDirectory()))
        isolated = self.settings(STORAGE_ROOT=self.tmp / "kho", INGEST_WORK_DIR=self.tmp / "work")
        isolated.enable()
        self.addCleanup(isolated.disable)

    def run_package(self, path: Path) -> Transfer:
        return ingest(receive_package(path, agency=self.agency, actor=None))


class SampleMediaPackages(MediaTestCase):
    agency_code = "000.00.16.H30"

    def test_a_sip_with_photos_a_recording_and_a_film_is_taken_in(self) -> None:
        transfer = self.run_package(media_samples() / "sip_media")
        self.assertEqual(transfer.state, TransferState.RECEIVED, transfer.errors)
        self.assertEqual(transfer.warnings, [])
        kinds = dict(Document.objects.values_list("ordinal", "kind"))
        self.assertEqual(kinds, {1: "photo", 2: "photo", 3: "audio", 4: "video"})
        photo = Document.objects.get(ordinal=1)
        self.assertEqual(photo.summary, "Lãnh đạo tỉnh cắt băng khánh thành cầu Cái Tư")
        self.assertEqual(photo.issuer, "Nguyễn Văn Ảnh")
        self.assertEqual(photo.media["photoPlace"], "Xã Tân Phú Thạnh, huyện Châu Thành A")
        self.assertEqual((photo.media["typePic"], photo.media["colour"]), ("02", "01"))
        technical = photo.files.get().technical
        self.assertEqual((technical["width"], technical["height"]), (160, 120))
        # HTML in EXIF is kept as the text it is, never as markup to run.
        self.assertIn('<script>alert("exif")</script>', technical["exif"]["ImageDescription"])
        film = Document.objects.get(ordinal=4)
        self.assertEqual(film.media["typeMedia"], "02")
        facts = film.files.get(name__endswith=".mp4").technical
        self.assertAlmostEqual(facts["duration"], 2.0, delta=0.2)
        codecs = {s["codec_name"] for s in facts["streams"]}
        self.assertEqual(codecs, {"h264", "aac"})
        sound = Document.objects.get(ordinal=3).files.get().technical
        self.assertEqual((sound["bits_per_sample"], sound["sample_rate"]), (16, 8000))
        self.assertEqual(film.files.get(name__endswith=".mp4").stored.puid, "fmt/199")
        captions = film.files.get(name__endswith=".vtt")  # WebVTT rides with its recording
        self.assertEqual(
            (captions.stored.puid, captions.technical), ("fmt/1454", {})
        )  # PRONOM: MPEG-4 Media File

    def test_a_spreadsheet_of_photos_needs_no_document_list(self) -> None:
        transfer = self.run_package(media_samples() / "spreadsheet_photos")
        self.assertEqual(transfer.state, TransferState.RECEIVED, transfer.errors)
        dossier = Dossier.objects.get(code="000.00.16.H30.2023.08")
        photos = dossier.documents.order_by("ordinal")
        self.assertEqual([d.kind for d in photos], [DocumentKind.PHOTO] * 3)
        self.assertEqual(photos[2].access_regime, "02")
        containers = [d.files.get().technical["container"] for d in photos]
        self.assertEqual(containers, ["JPEG", "TIFF", "PNG"])


def dng_like(size: tuple[int, int], *, mosaic: bool) -> bytes:
    """A DNG as Pillow sees it: a TIFF carrying the DNGVersion tag (50706, which PRONOM's
    fmt/730 signature looks for). ``mosaic``: sensor data (PhotometricInterpretation 32803,
    colour filter array) as cameras write it, which Pillow cannot decode; else plain RGB, as
    some converters write it, which Pillow reads as a TIFF."""
    tags = TiffImagePlugin.ImageFileDirectory_v2()
    tags[50706] = bytes((1, 4, 0, 0))  # DNGVersion 1.4.0.0
    tags.tagtype[50706] = 1  # BYTE
    out = io.BytesIO()
    image = Image.new("L" if mosaic else "RGB", size, 128)
    image.save(out, format="TIFF", tiffinfo=tags)
    data = bytearray(out.getvalue())
    if mosaic:  # PhotometricInterpretation (tag 262) → 32803 CFA, in the first IFD
        (ifd,) = struct.unpack("<I", data[4:8])
        (count,) = struct.unpack("<H", data[ifd : ifd + 2])
        for entry in range(ifd + 2, ifd + 2 + 12 * count, 12):
            if struct.unpack("<H", data[entry : entry + 2])[0] == 262:
                data[entry + 8 : entry + 10] = struct.pack("<H", 32803)
    return bytes(data)


class RawPhotos(MediaTestCase):
    """Camera RAW photos (DNG) are originals to preserve, whether or not Pillow can draw them."""

    def test_a_dng_pillow_reads_as_a_tiff_is_taken_in_measured(self) -> None:
        package = media_package(self.tmp / "p", "anh", "anh.dng", dng_like((64, 48), mosaic=False))
        transfer = self.run_package(package)
        self.assertEqual(transfer.state, TransferState.RECEIVED, transfer.errors)
        self.assertEqual(transfer.warnings, [])
        file = DocumentFile.objects.select_related("stored").get()
        self.assertEqual((file.stored.puid, file.stored.format_name),
                         ("fmt/730", "Digital Negative Format (DNG)"))  # fmt: skip
        self.assertEqual((file.technical["width"], file.technical["container"]), (64, "TIFF"))
        self.assertNotIn("no_preview", file.technical)

    def test_a_dng_pillow_cannot_decode_is_kept_identified_with_a_note_of_no_preview(
        self,
    ) -> None:
        data = dng_like((64, 48), mosaic=True)
        with self.assertRaises(OSError):  # what this test is about: Pillow cannot read it
            Image.open(io.BytesIO(data)).load()
        package = media_package(self.tmp / "p", "anh", "raw.dng", data)
        transfer = self.run_package(package)
        self.assertEqual(transfer.state, TransferState.RECEIVED, transfer.errors)
        [warning] = transfer.warnings
        self.assertEqual(warning["code"], "media_unchecked")
        self.assertIn("“raw.dng”", warning["message"])
        self.assertIn("không tạo được ảnh xem trước", warning["message"])
        document = Document.objects.get()
        self.assertEqual(document.kind, DocumentKind.PHOTO)
        file = document.files.select_related("stored").get()
        self.assertEqual(file.stored.puid, "fmt/730")  # identified by its content
        self.assertEqual(file.stored.sha256, hashlib.sha256(data).hexdigest())
        self.assertIn("Không tạo được ảnh xem trước", file.technical["no_preview"])
        # The staff page of the document says so beside the file.
        archivist = make_user("luutruvien_raw", Role.ARCHIVIST, self.agency)
        self.client.force_login(archivist)
        pass_second_factor(self.client, archivist)
        page = self.client.get(f"/quan-tri/tai-lieu/{document.pk}/")
        self.assertContains(page, "Không tạo được ảnh xem trước")
        self.assertContains(page, "fmt/730")


class BadMedia(MediaTestCase):
    def assert_refused(self, path: Path, code: str, words: str) -> Transfer:
        before = (
            Document.objects.count(),
            DocumentFile.objects.count(),
            StoredFile.objects.count(),
        )
        transfer = self.run_package(path)
        self.assertEqual(transfer.state, TransferState.REJECTED)
        errors = [e for e in transfer.errors if e["code"] == code]
        self.assertTrue(errors, transfer.errors)
        self.assertIn(words, errors[0]["message"])
        after = (Document.objects.count(), DocumentFile.objects.count(), StoredFile.objects.count())
        self.assertEqual(after, before, "nothing half-stored")
        kept = [p for p in (self.tmp / "kho").rglob("*") if p.is_file()]
        self.assertEqual(kept, [])
        return transfer

    def test_a_truncated_film_is_refused_as_damaged(self) -> None:
        whole = tiny_mp4(self.tmp / "whole.mp4").read_bytes()
        package = media_package(
            self.tmp / "p", "phim_am_thanh", "phim.mp4", whole[: len(whole) // 2]
        )
        self.assert_refused(package, "damaged_file", "cắt cụt")

    def test_a_film_whose_container_lies_about_its_codec_is_refused(self) -> None:
        honest = self.tmp / "asp.mkv"
        ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=1", "-c:v", "mpeg4",
               str(honest))  # fmt: skip
        lying = honest.read_bytes().replace(b"V_MPEG4/ISO/ASP", b"V_MPEG4/ISO/AVC")
        package = media_package(self.tmp / "p", "phim_am_thanh", "phim.mkv", lying)
        self.assert_refused(package, "damaged_file", "khai sai mã hóa")

    def test_a_photo_of_twenty_thousand_pixels_a_side_is_refused_unopened(self) -> None:
        package = media_package(self.tmp / "p", "anh", "lon.png", png_header_only(20000, 20000))
        # Refused by our limit, or by Pillow's when no other library turned it off: the same
        # message either way.
        transfer = self.assert_refused(package, "unsafe_archive", "lon.png")
        self.assertIn("MEDIA_MAX_MEGAPIXELS", transfer.errors[0]["message"])

    def test_a_recording_over_the_size_limit_is_refused_before_decoding(self) -> None:
        sound = self.tmp / "a.wav"
        ffmpeg("-f", "lavfi", "-i", "sine=duration=1", "-ar", "8000", str(sound))
        package = media_package(
            self.tmp / "p", "phim_am_thanh", "ghi_am.wav", sound.read_bytes(),
            **{"Loại tài liệu ghi âm ghi hình": "Âm thanh"},
        )  # fmt: skip
        with self.settings(MEDIA_MAX_BYTES=1024):
            self.assert_refused(package, "unsafe_archive", "MEDIA_MAX_GB")

    def test_a_truncated_jpeg_is_refused(self) -> None:
        out = io.BytesIO()
        Image.effect_noise((64, 64), 40).convert("RGB").save(out, format="JPEG")
        data = out.getvalue()
        package = media_package(self.tmp / "p", "anh", "anh.jpg", data[: len(data) // 2])
        # Refused even where WeasyPrint has told Pillow to pad truncated images.
        with mock.patch.object(ImageFile, "LOAD_TRUNCATED_IMAGES", True):
            self.assert_refused(package, "damaged_file", "anh.jpg")

    def test_a_photo_record_holding_a_film_is_refused(self) -> None:
        film = tiny_mp4(self.tmp / "f.mp4").read_bytes()
        self.assert_refused(media_package(self.tmp / "p", "anh", "f.mp4", film),
                            "format_mismatch", "không phải tệp ảnh")  # fmt: skip


def test_a_tool_that_overruns_its_time_is_killed(tmp_path: Path) -> None:
    """No ffprobe outlives its timeout: the child is killed and reaped."""
    pid_file = tmp_path / "pid"
    slow = tmp_path / "slow-ffprobe"
    slow.write_text(f"#!/bin/sh\necho $$ > {pid_file}\nexec sleep 30\n")
    slow.chmod(0o755)
    film = tiny_mp4(tmp_path / "f.mp4")
    report = media.probe(film, "video", max_bytes=10**9, max_pixels=10**8, probe_seconds=1,
                         ffprobe=str(slow))  # fmt: skip
    assert report.damaged is not None and "quá 1 giây" in report.damaged
    pid = int(pid_file.read_text())
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return
    raise AssertionError(f"ffprobe stand-in {pid} is still running")


def tailieu_package(root: Path, **header: str) -> Path:
    """The media SIP turned into a SIP_tailieu: the same items, loose, under a package header."""
    shutil.copytree(media_samples() / "sip_media", root)
    [pkg] = [p for p in root.iterdir() if p.is_dir()]
    ead = pkg / "metadata" / "descriptive" / "EAD.xml"
    values = {"fileCode": "000.00.16.H30.2023.01.0000001", "title": "Ảnh, phim lễ khánh thành",
              "source": "1", "totalDoc": "4", **header}  # fmt: skip
    body = "".join(f"<{k}>{v}</{k}>" for k, v in values.items())
    ead.write_text(f"<?xml version='1.0' encoding='UTF-8'?><simpledc>{body}</simpledc>", "utf-8")
    mets_path = pkg / "METS.xml"
    mets = etree.parse(str(mets_path))
    root_el = mets.getroot()
    for name in list(root_el.attrib):
        if name.endswith("OTHERCONTENTINFORMATIONTYPE"):
            root_el.set(name, "TT05/2025-SIP_tailieu")
    for ref in root_el.iter("{http://www.loc.gov/METS/}mdRef"):
        ref.set("CHECKSUM", hashlib.sha256(ead.read_bytes()).hexdigest().upper())
    mets.write(str(mets_path), xml_declaration=True, encoding="UTF-8")
    return root


class LooseDocuments(MediaTestCase):
    agency_code = "000.00.16.H30"

    def test_a_sip_tailieu_brings_loose_items_under_its_header(self) -> None:
        transfer = self.run_package(tailieu_package(self.tmp / "goi", totalDoc="5"))
        self.assertEqual(transfer.state, TransferState.RECEIVED, transfer.errors)
        self.assertEqual(Dossier.objects.count(), 0)
        self.assertEqual(Document.objects.filter(dossier__isnull=True).count(), 4)
        [warning] = [w for w in transfer.warnings if w["code"] == "count_mismatch"]
        self.assertEqual(warning["field"], "totalDoc")

    def test_a_sip_tailieu_header_is_kept_on_its_transfer(self) -> None:
        transfer = self.run_package(tailieu_package(self.tmp / "goi", description="Ghi chú"))
        self.assertEqual(transfer.state, TransferState.RECEIVED, transfer.errors)
        transfer.refresh_from_db()
        self.assertEqual(
            transfer.header,
            {"fileCode": "000.00.16.H30.2023.01.0000001", "title": "Ảnh, phim lễ khánh thành",
             "source": "1", "totalDoc": "4", "description": "Ghi chú"},
        )  # fmt: skip

    def test_a_sip_hoso_keeps_no_package_header(self) -> None:
        transfer = self.run_package(media_samples() / "sip_media")
        self.assertEqual(transfer.state, TransferState.RECEIVED, transfer.errors)
        transfer.refresh_from_db()
        self.assertEqual(transfer.header, {})

    def test_a_sip_tailieu_header_must_say_where_its_documents_come_from(self) -> None:
        transfer = self.run_package(tailieu_package(self.tmp / "goi", source="7", title=""))
        self.assertEqual(transfer.state, TransferState.REJECTED)
        codes = {(e["code"], e.get("field")) for e in transfer.errors}
        self.assertEqual(codes, {("bad_code", "source"), ("missing_field", "title")})
