"""The small media packages the tests ingest, made when first asked for in a test process.

Pictures are drawn with Pillow, sound and film made by ffmpeg's own sources (sine, testsrc):
nothing is downloaded, every file is a few KB, and nothing generated is kept in the repository.
``media_samples()`` makes them once per process in a temporary folder and returns it:

- ``sip_media/``  a TT 05 SIP_hoso with two photos (EAD_pic: a JPEG whose EXIF description
  holds HTML, a PNG), a WAV recording and an MP4/H.264 film (EAD_media), and a WebVTT caption.
- ``spreadsheet_photos/``  ho_so.csv + anh.csv (EAD_pic elements) + JPEG, TIFF and PNG photos.
"""

from __future__ import annotations

import atexit
import csv
import functools
import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from lxml import etree
from PIL import Image, ImageDraw

AGENCY = "000.00.16.H30"
METS_NS = "http://www.loc.gov/METS/"
XLINK_NS = "http://www.w3.org/1999/xlink"
CSIP_NS = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
WHEN = "2023-05-20T09:00:00+07:00"


def photo(path: Path, size: tuple[int, int], colour: str, text: str, exif: str = "") -> None:
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((4, 4, size[0] - 5, size[1] - 5), outline="white", width=2)
    draw.text((10, size[1] // 2 - 6), text, fill="white")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".jpg":
        info = Image.Exif()
        if exif:
            info[270] = exif  # ImageDescription
        info[315] = "Phòng Thông tin"  # Artist
        image.save(path, quality=70, exif=info.tobytes())
    elif path.suffix == ".tif":
        image.save(path, compression="tiff_deflate", dpi=(300, 300))
    else:
        image.save(path, optimize=True)


def ffmpeg(*args: str) -> None:
    command = ["ffmpeg", "-y", "-v", "error", "-nostdin", *args]
    subprocess.run(command, check=True)  # noqa: S603 (our own arguments)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest().upper()


def simpledc(path: Path, values: dict[str, str]) -> None:
    root = etree.Element("simpledc")
    for name, value in values.items():
        etree.SubElement(root, name).text = value
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    )


def m(tag: str) -> str:
    return f"{{{METS_NS}}}{tag}"


def mets_root(objid: str, label: str) -> etree._Element:
    root = etree.Element(
        m("mets"),
        nsmap={"mets": METS_NS, "xlink": XLINK_NS, "csip": CSIP_NS},
        OBJID=objid,
        LABEL=label,
        TYPE="Mixed",
    )
    root.set(f"{{{CSIP_NS}}}CONTENTINFORMATIONTYPE", "OTHER")
    root.set(f"{{{CSIP_NS}}}OTHERCONTENTINFORMATIONTYPE", "TT05/2025-SIP_hoso")
    header = etree.SubElement(root, m("metsHdr"), CREATEDATE=WHEN, RECORDSTATUS="NEW")
    header.set(f"{{{CSIP_NS}}}OAISPACKAGETYPE", "SIP")
    agent = etree.SubElement(header, m("agent"), ROLE="CREATOR", TYPE="ORGANIZATION")
    etree.SubElement(
        agent, m("name")
    ).text = "Sở Nông nghiệp và Phát triển nông thôn tỉnh Hậu Giang"
    return root


def md_ref(parent: etree._Element, sec_id: str, href: str, path: Path) -> None:
    sec = etree.SubElement(parent, m("dmdSec"), ID=sec_id, CREATED=WHEN)
    ref = etree.SubElement(
        sec, m("mdRef"), LOCTYPE="URL", MDTYPE="EAD", MIMETYPE="text/xml",
        CHECKSUM=sha(path), CHECKSUMTYPE="SHA-256",
    )  # fmt: skip
    ref.set(f"{{{XLINK_NS}}}type", "simple")
    ref.set(f"{{{XLINK_NS}}}href", href)


def write(path: Path, root: etree._Element) -> None:
    path.write_bytes(
        etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    )


def make_sip(root: Path) -> None:
    base = root / "sip_media"
    shutil.rmtree(base, ignore_errors=True)
    objid = "uuid-6F1C2B1E-3D4A-4E55-9A7B-0C1D2E3F4A5B"
    pkg = base / objid
    rep = pkg / "representations" / "rep1"
    data, desc = rep / "data", rep / "metadata" / "descriptive"
    dossier = f"{AGENCY}.2023.07"
    simpledc(
        pkg / "metadata" / "descriptive" / "EAD.xml",
        {
            "fileCode": dossier,
            "title": "Hồ sơ ảnh, ghi âm, ghi hình Lễ khánh thành cầu Cái Tư năm 2023",
            "maintenance": "01", "mode": "01", "language": "01",
            "startDate": "20/05/2023", "endDate": "20/05/2023",
            "totalDoc": "4", "numberOfPage": "0", "riskRecovery": "0",
        },
    )  # fmt: skip
    items = [
        ("EAD_pic", 1, ".jpg"),
        ("EAD_pic", 2, ".png"),
        ("EAD_media", 3, ".wav"),
        ("EAD_media", 4, ".mp4"),
    ]
    code = {n: f"{dossier}.{n:07d}" for _p, n, _s in items}
    photo(data / f"{code[1]}.jpg", (160, 120), "#2a6f97", "Cat bang khanh thanh",
          exif='<script>alert("exif")</script> Lễ khánh thành')  # fmt: skip
    photo(data / f"{code[2]}.png", (120, 90), "#6a994e", "Toan canh cau")
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-ar", "8000", "-ac", "1",
           str(data / f"{code[3]}.wav"))  # fmt: skip
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=96x64:rate=10:duration=2",
           "-f", "lavfi", "-i", "sine=frequency=660:duration=2", "-ar", "8000",
           "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
           "-c:a", "aac", "-b:a", "16k", "-shortest", "-movflags", "+faststart",
           str(data / f"{code[4]}.mp4"))  # fmt: skip
    (data / f"{code[4]}.vtt").write_text(
        "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nPhim tư liệu lễ khánh thành cầu Cái Tư\n",
        encoding="utf-8",
    )
    common = {"maintenance": "01", "mode": "01", "riskRecovery": "0", "format": "01"}
    simpledc(desc / f"EAD_pic_{code[1]}.xml", {
        "docCode": code[1], "docOrdinal": "1", "typePic": "02", "archivesNumber": "A-01",
        "eventName": "Lễ khánh thành cầu Cái Tư",
        "imageTitle": "Lãnh đạo tỉnh cắt băng khánh thành cầu Cái Tư",
        "photographer": "Nguyễn Văn Ảnh", "photoPlace": "Xã Tân Phú Thạnh, huyện Châu Thành A",
        "photoTime": "20/05/2023", "colour": "01", "filmSize": "160x120", **common,
    })  # fmt: skip
    simpledc(desc / f"EAD_pic_{code[2]}.xml", {
        "docCode": code[2], "docOrdinal": "2", "typePic": "Ảnh",
        "eventName": "Lễ khánh thành cầu Cái Tư", "imageTitle": "Toàn cảnh cầu Cái Tư",
        "photographer": "Nguyễn Văn Ảnh", "photoPlace": "Cầu Cái Tư",
        "photoTime": "20/05/2023", "colour": "Màu", **common,
    })  # fmt: skip
    simpledc(desc / f"EAD_media_{code[3]}.xml", {
        "docCode": code[3], "docOrdinal": "3", "typeMedia": "01",
        "eventName": "Lễ khánh thành cầu Cái Tư",
        "movieTitle": "Ghi âm phát biểu của Chủ tịch UBND tỉnh tại lễ khánh thành",
        "recorder": "Đài Phát thanh tỉnh", "recordPlace": "Cầu Cái Tư",
        "recordDate": "20/05/2023", "language": "01", "playTime": "00:00:01",
        "quality": "Tốt", **common,
    })  # fmt: skip
    simpledc(desc / f"EAD_media_{code[4]}.xml", {
        "docCode": code[4], "docOrdinal": "4", "typeMedia": "Video",
        "eventName": "Lễ khánh thành cầu Cái Tư",
        "movieTitle": "Phim tư liệu lễ khánh thành cầu Cái Tư",
        "recorder": "Đài Phát thanh và Truyền hình tỉnh", "recordPlace": "Cầu Cái Tư",
        "recordDate": "20/05/2023", "language": "01", "playTime": "00:00:02", **common,
    })  # fmt: skip

    # The representation METS: every data file, its checksum and its record (DMDID).
    rep_mets = mets_root(f"{objid}-rep1", "rep1")
    file_sec = etree.Element(m("fileSec"))
    group = etree.SubElement(file_sec, m("fileGrp"), USE="Data")
    mimes = {".jpg": "image/jpeg", ".png": "image/png", ".wav": "audio/x-wav",
             ".mp4": "video/mp4", ".vtt": "text/vtt"}  # fmt: skip
    listed = [*items, ("EAD_media", 4, ".vtt")]
    for prefix, number, suffix in listed:
        if suffix != ".vtt":
            md_ref(rep_mets, f"dmd-{number}", f"metadata/descriptive/{prefix}_{code[number]}.xml",
                   desc / f"{prefix}_{code[number]}.xml")  # fmt: skip
        path = data / f"{code[number]}{suffix}"
        entry = etree.SubElement(
            group, m("file"), ID=f"file-{number}{suffix}", MIMETYPE=mimes[suffix],
            SIZE=str(path.stat().st_size), CHECKSUM=sha(path), CHECKSUMTYPE="SHA-256",
            DMDID=f"dmd-{number}",
        )  # fmt: skip
        location = etree.SubElement(entry, m("FLocat"), LOCTYPE="URL")
        location.set(f"{{{XLINK_NS}}}type", "simple")
        location.set(f"{{{XLINK_NS}}}href", f"data/{path.name}")
    rep_mets.append(file_sec)
    struct = etree.SubElement(rep_mets, m("structMap"), TYPE="PHYSICAL", LABEL="CSIP")
    etree.SubElement(struct, m("div"), LABEL="rep1")
    write(rep / "METS.xml", rep_mets)

    root = mets_root(objid, "Hồ sơ ảnh, ghi âm, ghi hình Lễ khánh thành cầu Cái Tư")
    md_ref(root, "dmd-ead", "metadata/descriptive/EAD.xml", pkg / "metadata/descriptive/EAD.xml")
    file_sec = etree.SubElement(root, m("fileSec"))
    group = etree.SubElement(file_sec, m("fileGrp"), USE="Representations/rep1")
    entry = etree.SubElement(
        group, m("file"), ID="file-rep1-mets", MIMETYPE="text/xml",
        CHECKSUM=sha(rep / "METS.xml"), CHECKSUMTYPE="SHA-256",
    )  # fmt: skip
    location = etree.SubElement(entry, m("FLocat"), LOCTYPE="URL")
    location.set(f"{{{XLINK_NS}}}type", "simple")
    location.set(f"{{{XLINK_NS}}}href", "representations/rep1/METS.xml")
    struct = etree.SubElement(root, m("structMap"), TYPE="PHYSICAL", LABEL="CSIP")
    etree.SubElement(struct, m("div"), LABEL=objid)
    write(pkg / "METS.xml", root)


def make_spreadsheet(root: Path) -> None:
    base = root / "spreadsheet_photos"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    dossier = f"{AGENCY}.2023.08"
    with (base / "ho_so.csv").open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "Mã hồ sơ",
                "Tiêu đề hồ sơ",
                "Thời hạn lưu trữ",
                "Chế độ sử dụng",
                "Ngôn ngữ",
                "Thời gian bắt đầu",
                "Thời gian kết thúc",
                "Tổng số tài liệu trong hồ sơ",
                "Số lượng trang",
                "Chế độ dự phòng",
            ]
        )
        out.writerow([dossier, "Ảnh Hội nghị tổng kết công tác thủy lợi năm 2023",
                      "Vĩnh viễn", "01", "01", "12/2023", "12/2023", "3", "0", "0"])  # fmt: skip
    rows = [
        ("anh/01.jpg", "Đại biểu dự hội nghị", "#bc4749", (120, 90)),
        ("anh/02.tif", "Giám đốc Sở phát biểu khai mạc", "#386641", (100, 80)),
        ("anh/03.png", "Trao bằng khen cho tập thể xuất sắc", "#6a4c93", (110, 70)),
    ]
    with (base / "anh.csv").open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["Mã hồ sơ", "Số thứ tự", "Loại tài liệu phim ảnh", "Tên sự kiện",
                      "Tiêu đề phim ảnh", "Tác giả", "Địa điểm chụp", "Thời gian chụp",
                      "Màu sắc", "Chế độ sử dụng", "Chế độ dự phòng", "Tệp tin",
                      "SHA-256"])  # fmt: skip
        for ordinal, (path, title, colour, size) in enumerate(rows, start=1):
            photo(base / path, size, colour, f"Anh {ordinal}")
            out.writerow([dossier, ordinal, "Ảnh", "Hội nghị tổng kết công tác thủy lợi 2023",
                          title, "Trần Thị Bình", "Hội trường Sở", "15/12/2023", "Màu",
                          "01" if ordinal < 3 else "02", "0", path,
                          sha(base / path).lower()])  # fmt: skip


@functools.cache
def media_samples() -> Path:
    """The folder holding ``sip_media/`` and ``spreadsheet_photos/``, made once per process."""
    root = Path(tempfile.mkdtemp(prefix="luutru-media-samples-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    make_sip(root)
    make_spreadsheet(root)
    return root
