"""Unpacking packages safely: hostile ZIPs are refused before a byte is written.

Every ZIP is built by the test in ``tmp_path``; headers are patched by hand where ``zipfile``
refuses to write the lie (a lying size, a name without the UTF-8 flag).
"""

from __future__ import annotations

import os
import stat
import struct
import unicodedata
import zipfile
from pathlib import Path

import pytest

from luutru.lib.archives import UnsafeArchive, check_tree, safe_extract_zip

CENTRAL = b"PK\x01\x02"
LOCAL = b"PK\x03\x04"


def make_zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name), data, zipfile.ZIP_DEFLATED)
    return path


def extract(
    zip_path: Path,
    dest: Path,
    *,
    max_total_bytes: int = 100 * 1024 * 1024,
    max_files: int = 100,
    max_ratio: float = 100.0,
) -> None:
    safe_extract_zip(
        zip_path, dest, max_total_bytes=max_total_bytes, max_files=max_files, max_ratio=max_ratio
    )


def refused(
    zip_path: Path, dest: Path, *, max_total_bytes: int = 100 * 1024 * 1024, max_files: int = 100
) -> UnsafeArchive:
    """Extraction must fail and leave ``dest`` empty (or absent)."""
    with pytest.raises(UnsafeArchive) as caught:
        extract(zip_path, dest, max_total_bytes=max_total_bytes, max_files=max_files)
    assert not dest.exists() or not any(dest.iterdir())
    return caught.value


# --- names that escape ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["../evil.txt", "tai_lieu/../../evil.txt", "/etc/cron.d/evil", "C:/Windows/evil.txt",
     "..\\..\\evil.txt", "tai_lieu\\..\\..\\evil.txt", "a/b:stream.txt"],
)  # fmt: skip
def test_an_entry_outside_the_package_is_refused_before_anything_is_written(
    tmp_path: Path, name: str
) -> None:
    zip_path = make_zip(tmp_path / "goi.zip", {"ho_so.csv": b"a,b\n", name: b"x"})
    error = refused(zip_path, tmp_path / "out")
    assert error.code == "unsafe_archive"
    assert error.entry == name
    assert not (tmp_path / "evil.txt").exists()
    assert "«" in error.message


def test_two_entries_that_normalise_to_one_name_are_refused(tmp_path: Path) -> None:
    nfc = "Quyết định.pdf"
    nfd = unicodedata.normalize("NFD", nfc)
    zip_path = make_zip(tmp_path / "goi.zip", {nfc: b"1", nfd: b"2"})
    assert "trùng tên" in refused(zip_path, tmp_path / "out").message


# --- links and special files ----------------------------------------------------------------


@pytest.mark.parametrize("kind", [stat.S_IFLNK, stat.S_IFCHR, stat.S_IFIFO])
def test_a_symlink_or_device_entry_is_refused(tmp_path: Path, kind: int) -> None:
    zip_path = tmp_path / "goi.zip"
    with zipfile.ZipFile(zip_path, "w") as archive:
        archive.writestr("ho_so.csv", "a,b\n")
        link = zipfile.ZipInfo("tai_lieu/lien_ket")
        link.create_system = 3  # Unix
        link.external_attr = (kind | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    error = refused(zip_path, tmp_path / "out")
    assert "tai_lieu/lien_ket" in error.message


def test_a_password_protected_entry_is_refused(tmp_path: Path) -> None:
    zip_path = make_zip(tmp_path / "goi.zip", {"a.txt": b"bi mat"})
    data = bytearray(zip_path.read_bytes())
    for signature, flag_offset in ((LOCAL, 6), (CENTRAL, 8)):
        at = data.index(signature) + flag_offset
        data[at] |= 0x01
    zip_path.write_bytes(bytes(data))
    assert refused(zip_path, tmp_path / "out").code == "encrypted"


def test_a_file_that_is_not_a_zip_is_reported_as_damaged(tmp_path: Path) -> None:
    bad = tmp_path / "goi.zip"
    bad.write_bytes(b"%PDF-1.4 not a zip")
    assert refused(bad, tmp_path / "out").code == "damaged_file"


# --- limits and bombs ---------------------------------------------------------------------


def test_too_many_files_are_refused(tmp_path: Path) -> None:
    zip_path = make_zip(tmp_path / "goi.zip", {f"{i}.txt": b"x" for i in range(11)})
    assert "11 tệp" in refused(zip_path, tmp_path / "out", max_files=10).message


def test_a_package_bigger_than_the_limit_is_refused(tmp_path: Path) -> None:
    zip_path = make_zip(tmp_path / "goi.zip", {"a.bin": os.urandom(4096)})
    assert "vượt giới hạn" in refused(zip_path, tmp_path / "out", max_total_bytes=4000).message


def test_a_real_zip_bomb_is_refused_from_its_headers(tmp_path: Path) -> None:
    zip_path = tmp_path / "bom.zip"
    with (
        zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("zeros.bin", "w") as sink,
    ):
        chunk = bytes(1 << 20)
        for _ in range(50):  # 50 MB of zeros → about 50 KB
            sink.write(chunk)
    assert zip_path.stat().st_size < 200_000
    error = refused(zip_path, tmp_path / "out")
    assert "tỷ lệ nén" in error.message
    assert error.entry == "zeros.bin"


def test_small_files_that_compress_well_are_not_bombs(tmp_path: Path) -> None:
    zip_path = make_zip(tmp_path / "goi.zip", {"trang.txt": b" " * 100_000})
    extract(zip_path, tmp_path / "out")
    assert (tmp_path / "out" / "trang.txt").stat().st_size == 100_000


def test_a_header_that_lies_about_the_size_stops_extraction_and_cleans_up(
    tmp_path: Path,
) -> None:
    # An honest first entry, then one whose central directory claims 1000 bytes for 2 MB.
    zip_path = make_zip(tmp_path / "goi.zip", {"a.txt": b"mot", "b.bin": bytes(2 * 1024 * 1024)})
    data = bytearray(zip_path.read_bytes())
    second = data.index(CENTRAL, data.index(CENTRAL) + 4)
    struct.pack_into("<I", data, second + 24, 1000)  # uncompressed size
    zip_path.write_bytes(bytes(data))

    error = refused(zip_path, tmp_path / "out")
    assert error.entry == "b.bin"
    assert not (tmp_path / "out" / "a.txt").exists()  # removed again


def test_entries_that_share_their_data_are_refused(tmp_path: Path) -> None:
    zip_path = make_zip(tmp_path / "goi.zip", {"a.txt": b"mot" * 100, "b.txt": b"hai" * 100})
    data = bytearray(zip_path.read_bytes())
    first = data.index(CENTRAL)
    second = data.index(CENTRAL, first + 4)
    # Point the second entry at the first entry's local header, as overlapping bombs do.
    struct.pack_into("<I", data, second + 42, struct.unpack_from("<I", data, first + 42)[0])
    zip_path.write_bytes(bytes(data))
    assert "dùng chung dữ liệu" in refused(zip_path, tmp_path / "out").message


# --- the normal case ---------------------------------------------------------------------


def test_a_normal_package_extracts_with_names_in_nfc(tmp_path: Path) -> None:
    nfd_name = unicodedata.normalize("NFD", "tài_liệu/HS01/Quyết định số 12.pdf")
    assert nfd_name != unicodedata.normalize("NFC", nfd_name)
    zip_path = tmp_path / "goi.zip"
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ho_so.csv", "Mã hồ sơ\n")
        archive.writestr(unicodedata.normalize("NFD", "tài_liệu/"), "")
        archive.writestr(nfd_name, b"%PDF-1.4 ...")
        archive.writestr("./ghi_chu.txt", b"ok")

    out = tmp_path / "out"
    extract(zip_path, out)

    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert names == ["ghi_chu.txt", "ho_so.csv", "tài_liệu/HS01/Quyết định số 12.pdf"]
    assert all(n == unicodedata.normalize("NFC", n) for n in names)
    assert (out / "tài_liệu" / "HS01" / "Quyết định số 12.pdf").read_bytes() == b"%PDF-1.4 ..."


def test_utf8_names_without_the_utf8_flag_are_read_as_utf8(tmp_path: Path) -> None:
    """Info-ZIP and many tools write UTF-8 names without setting the flag."""
    zip_path = make_zip(tmp_path / "goi.zip", {"Hồ sơ.txt": b"x"})
    data = bytearray(zip_path.read_bytes())
    for signature, flag_offset in ((LOCAL, 6), (CENTRAL, 8)):
        at = data.index(signature) + flag_offset
        struct.pack_into("<H", data, at, struct.unpack_from("<H", data, at)[0] & ~0x800)
    zip_path.write_bytes(bytes(data))
    with zipfile.ZipFile(zip_path) as archive:
        assert archive.namelist() != ["Hồ sơ.txt"]  # zipfile alone gets CP437 mojibake

    extract(zip_path, tmp_path / "out")
    assert os.listdir(tmp_path / "out") == ["Hồ sơ.txt"]


def test_the_destination_must_be_empty(tmp_path: Path) -> None:
    zip_path = make_zip(tmp_path / "goi.zip", {"a.txt": b"x"})
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "cu.txt").write_text("cũ")
    with pytest.raises(ValueError, match="not empty"):
        extract(zip_path, tmp_path / "out")


# --- folder packages ------------------------------------------------------------------------


def test_check_tree_accepts_an_ordinary_folder(tmp_path: Path) -> None:
    (tmp_path / "goi" / "tai_lieu").mkdir(parents=True)
    (tmp_path / "goi" / "ho_so.csv").write_text("a\n")
    (tmp_path / "goi" / "tai_lieu" / "Quyết định.pdf").write_bytes(b"%PDF")
    assert check_tree(tmp_path / "goi") == []


def test_check_tree_reports_links_and_special_files(tmp_path: Path) -> None:
    root = tmp_path / "goi"
    (root / "tai_lieu").mkdir(parents=True)
    (root / "ho_so.csv").write_text("a\n")
    (root / "tai_lieu" / "mat_khau").symlink_to("/etc/passwd")
    (root / "thu_muc_ngoai").symlink_to(tmp_path, target_is_directory=True)
    os.link(root / "ho_so.csv", root / "ban_sao.csv")
    os.mkfifo(root / "ong")

    problems = check_tree(root)

    text = "\n".join(problems)
    assert "tai_lieu/mat_khau" in text and "symlink" in text
    assert "thu_muc_ngoai" in text  # reported, not followed
    assert "liên kết cứng" in text
    assert "«ong»" in text and "FIFO" in text
    assert len(problems) == 5  # the hard link's two names are both reported


def test_check_tree_refuses_a_root_that_is_a_link(tmp_path: Path) -> None:
    (tmp_path / "that").mkdir()
    (tmp_path / "goi").symlink_to(tmp_path / "that", target_is_directory=True)
    assert check_tree(tmp_path / "goi") != []
