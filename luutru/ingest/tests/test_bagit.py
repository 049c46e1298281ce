"""BagIt bags: verified before their data/ is read, each problem naming the file and manifest.

Each test bags a fresh copy of the small spreadsheet sample with ``bagit.make_bag`` (which
moves the files under data/ and writes SHA-256 and SHA-512 manifests), then damages it.
"""

from __future__ import annotations

import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path

import bagit
import pytest

from luutru.ingest.readers.bagit_bag import is_bag, verify_bag
from luutru.ingest.readers.base import Problem
from luutru.ingest.readers.spreadsheet import SpreadsheetReader
from luutru.test import SAMPLES

SMALL = SAMPLES / "valid" / "spreadsheet_small"
PDF = "data/tai_lieu/HS11/01_510-TTR-STNMT.pdf"
OTHER_PDF = "data/tai_lieu/HS12/02_91-BB-UBND.pdf"


def make_bag(tmp_path: Path, checksums: list[str] | None = None) -> Path:
    root = tmp_path / "goi"
    shutil.copytree(SMALL, root)
    bagit.make_bag(str(root), checksums=checksums or ["sha256", "sha512"])
    return root


def flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[200] ^= 0xFF
    path.write_bytes(bytes(data))


def codes(problems: list[Problem]) -> list[tuple[str, str, str | None]]:
    return [(p.code, p.file, p.field) for p in problems]


def test_a_fresh_bag_verifies_and_its_data_reads_as_the_spreadsheet_package(
    tmp_path: Path,
) -> None:
    root = make_bag(tmp_path)
    assert is_bag(root)
    assert verify_bag(root) == []
    reader = SpreadsheetReader()
    assert not reader.detect(root) and reader.detect(root / "data")
    contents = reader.read(root / "data", tmp_path / "scratch")
    assert (len(contents.dossiers), len(contents.documents), len(contents.payload)) == (5, 27, 27)


def test_a_plain_folder_is_not_a_bag() -> None:
    assert not is_bag(SMALL)


def test_a_changed_byte_is_a_checksum_mismatch_naming_file_and_manifest(tmp_path: Path) -> None:
    root = make_bag(tmp_path)
    flip_a_byte(root / PDF)
    (problem,) = verify_bag(root)  # one per file, though both manifests disagree
    assert (problem.code, problem.file, problem.field) == (
        "checksum_mismatch",
        PDF,
        "manifest-sha256.txt",
    )
    assert problem.message == (f"Tệp {PDF} có mã SHA-256 không khớp với manifest-sha256.txt.")


def test_a_file_of_another_size_is_named_too(tmp_path: Path) -> None:
    # bagit checks Payload-Oxum (file count and bytes) first, which names no file
    root = make_bag(tmp_path)
    with (root / PDF).open("ab") as handle:
        handle.write(b"\n% appended")
    assert codes(verify_bag(root)) == [("checksum_mismatch", PDF, "manifest-sha256.txt")]


def test_the_manifest_named_is_the_one_the_bag_has(tmp_path: Path) -> None:
    root = make_bag(tmp_path, checksums=["sha512"])
    flip_a_byte(root / PDF)
    (problem,) = verify_bag(root)
    assert problem.field == "manifest-sha512.txt" and "SHA-512" in problem.message


def test_a_deleted_file_is_missing(tmp_path: Path) -> None:
    root = make_bag(tmp_path)
    (root / PDF).unlink()
    assert codes(verify_bag(root)) == [("missing_file", PDF, "manifest-sha256.txt")]


def test_an_added_file_is_unlisted(tmp_path: Path) -> None:
    root = make_bag(tmp_path)
    (root / "data" / "ghi_chu.txt").write_text("thêm sau khi đóng gói", encoding="utf-8")
    (problem,) = verify_bag(root)
    assert (problem.code, problem.file) == ("unlisted_file", "data/ghi_chu.txt")
    assert "manifest-sha256.txt" in problem.message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    root = make_bag(tmp_path)
    (root / OTHER_PDF).unlink()
    (root / "data" / "thua.pdf").write_bytes(b"%PDF")
    flip_a_byte(root / PDF)
    assert codes(verify_bag(root)) == [
        ("missing_file", OTHER_PDF, "manifest-sha256.txt"),
        ("unlisted_file", "data/thua.pdf", "manifest-sha256.txt"),
        ("checksum_mismatch", PDF, "manifest-sha256.txt"),
    ]


def test_an_edited_tag_file_is_named_with_the_tag_manifest(tmp_path: Path) -> None:
    root = make_bag(tmp_path)
    with (root / "bag-info.txt").open("a", encoding="utf-8") as handle:
        handle.write("Source-Organization: Sở Tài nguyên và Môi trường\n")
    assert codes(verify_bag(root)) == [
        ("checksum_mismatch", "bag-info.txt", "tagmanifest-sha256.txt")
    ]


def test_a_wrong_payload_oxum_is_a_damaged_bag(tmp_path: Path) -> None:
    root = make_bag(tmp_path)
    info = root / "bag-info.txt"
    lines = info.read_text(encoding="utf-8").splitlines()
    lines = [("Payload-Oxum: 1.1" if x.startswith("Payload-Oxum") else x) for x in lines]
    info.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for tagmanifest in root.glob("tagmanifest-*.txt"):
        tagmanifest.unlink()  # so that only the Oxum is wrong
    assert codes(verify_bag(root)) == [("damaged_file", "bag-info.txt", "Payload-Oxum")]


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda root: (root / "bagit.txt").write_text("BagIt-Version: 1.0\n"),
                     id="bagit.txt without its encoding"),
        pytest.param(lambda root: (root / "bagit.txt").write_text("rác\n"), id="garbage"),
        pytest.param(lambda root: shutil.rmtree(root / "data"), id="no data folder"),
        pytest.param(lambda root: [m.unlink() for m in root.glob("manifest-*.txt")],
                     id="no manifest"),
        pytest.param(lambda root: (root / "manifest-sha256.txt").write_text(
                         "0" * 64 + "  ../../etc/passwd\n"), id="a path escaping the bag"),
    ],
)  # fmt: skip
def test_a_broken_bag_is_damaged(tmp_path: Path, damage: Callable[[Path], object]) -> None:
    root = make_bag(tmp_path)
    damage(root)
    (problem,) = verify_bag(root)
    assert problem.code == "damaged_file"
    assert problem.message.startswith("Gói BagIt không hợp lệ")


def test_an_nfd_file_name_still_matches_its_nfc_manifest_entry(tmp_path: Path) -> None:
    root = tmp_path / "goi"
    name = "Tờ trình đề nghị.pdf"
    root.mkdir()
    (root / name).write_bytes(b"%PDF-1.7")
    bagit.make_bag(str(root), checksums=["sha256"])
    (root / "data" / name).rename(root / "data" / unicodedata.normalize("NFD", name))
    assert verify_bag(root) == []
    flip = root / "data" / unicodedata.normalize("NFD", name)
    flip.write_bytes(b"%PDF-1.6")
    assert codes(verify_bag(root)) == [("checksum_mismatch", f"data/{name}", "manifest-sha256.txt")]
