"""BagIt bags (RFC 8493) around a package: verified with the ``bagit`` library before reading.

A bag's manifests are the sender's own fixity record, so the bag is checked first: every
manifest checksum, no payload file missing, none unlisted. The pipeline then reads
``root/data`` with the reader of its form, and the form's own checks run as usual.

``bagit.Bag.validate`` stops at the first kind of failure and checks ``Payload-Oxum`` (a
count of files and bytes) before anything else, so a deleted, added or resized file would come
back as one line without naming the file. To give the archivist a report that names each
file, this module asks the library for the differences between manifests and disk first,
has it hash the payload when the bag is complete, hashes the listed files itself only when it
is not (the library refuses to then), and checks ``Payload-Oxum`` last.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from pathlib import Path

import bagit

from luutru.ingest.readers.base import Problem

BAG_DECLARATION = "bagit.txt"
PREFERRED_ALGORITHMS = ("sha256", "sha512")  # named in messages when a file is in several


def is_bag(root: Path) -> bool:
    """True when the package root is a bag (it holds a ``bagit.txt`` declaration)."""
    return (root / BAG_DECLARATION).is_file()


def verify_bag(root: Path) -> list[Problem]:
    """Every problem of the bag at root: [] when all manifests agree with the payload.

    Codes: ``checksum_mismatch`` (field: the manifest), ``missing_file`` (listed, absent),
    ``unlisted_file`` (present, not listed), ``damaged_file`` (a bag that cannot be read or
    whose declarations are wrong). Cost: one read of every payload file.
    """
    try:
        bag = bagit.Bag(str(root))
    except bagit.BagError as exc:
        return [_damaged(BAG_DECLARATION, exc)]
    except UnicodeError:
        return [_damaged(BAG_DECLARATION, "tệp khai báo hoặc manifest không đúng mã hóa UTF-8")]
    except (LookupError, TypeError, AttributeError, ValueError):
        # The library trips over a declaration given twice (BagIt-Version, the encoding) or
        # an unknown encoding name: found by fuzzing (tests/test_fuzz_readers.py).
        return [_damaged(BAG_DECLARATION, "khai báo trong bagit.txt trùng lặp hoặc sai")]

    if not (root / "data").is_dir():
        return [_damaged(BAG_DECLARATION, "gói không có thư mục data/")]
    if not any(bag.manifest_files()):
        return [_damaged(BAG_DECLARATION, "gói không có tệp manifest-<thuật toán>.txt nào")]
    try:
        missing, unlisted = bag.compare_manifests_with_fs()
    except (bagit.BagError, OSError) as exc:
        return [_damaged(BAG_DECLARATION, exc)]
    problems = [_missing(bag, path) for path in sorted(missing)]
    problems += [_unlisted(bag, path) for path in sorted(unlisted)]

    oxum = bag.info.pop("Payload-Oxum", None)  # checked last; see the module docstring
    if problems:
        problems += _mismatches(bag, _hash_present_files(bag, skip=set(missing)))
        return problems
    try:
        bag.validate(processes=1)
    except bagit.BagValidationError as exc:
        details = [d for d in exc.details if isinstance(d, bagit.ChecksumMismatch)]
        if not details:
            return [_damaged(BAG_DECLARATION, exc)]
        found = {(d.path, d.algorithm): (d.expected, d.found) for d in details}
        return _mismatches(bag, found)
    except bagit.BagError as exc:
        return [_damaged(BAG_DECLARATION, exc)]

    if oxum is not None:
        bag.info["Payload-Oxum"] = oxum
        try:
            bag.validate(fast=True)  # structure and Payload-Oxum only: no hashing
        except bagit.BagError as exc:
            return [_damaged(bag.tag_file_name or "bag-info.txt", exc, field="Payload-Oxum")]
    return []


def _hash_present_files(bag: bagit.Bag, skip: set[str]) -> dict[tuple[str, str], tuple[str, str]]:
    """(path, algorithm) -> (expected, found) for the listed files that are on disk.

    Only used when the bag is incomplete, when ``Bag.validate`` will not hash anything.
    """
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for path, hashes in bag.entries.items():
        if path in skip:
            continue
        on_disk = os.path.join(
            bag.path, bag.normalized_filesystem_names.get(bagit.normalize_unicode(path), path)
        )
        if not os.path.isfile(on_disk):
            continue
        digests = {alg: hashlib.new(alg) for alg in hashes}
        try:
            with open(on_disk, "rb") as handle:
                while block := handle.read(bagit.HASH_BLOCK_SIZE):
                    for digest in digests.values():
                        digest.update(block)
        except OSError as exc:  # unreadable counts as not matching, as in bagit itself
            found.update(((path, alg), (hashes[alg].lower(), str(exc))) for alg in hashes)
            continue
        for alg, expected in hashes.items():
            if expected.lower() != digests[alg].hexdigest():
                found[(path, alg)] = (expected.lower(), digests[alg].hexdigest())
    return found


def _mismatches(bag: bagit.Bag, found: dict[tuple[str, str], tuple[str, str]]) -> list[Problem]:
    """One problem per file, naming the preferred manifest that disagrees with it."""
    by_path: dict[str, list[str]] = {}
    for path, alg in found:
        by_path.setdefault(path, []).append(alg)
    problems = []
    for path in sorted(by_path):
        alg = _preferred(by_path[path])
        manifest = _manifest_name(path, alg)
        name = _posix(path)
        problems.append(
            Problem(
                code="checksum_mismatch",
                message=f"Tệp {name} có mã {_algorithm_label(alg)} không khớp với {manifest}.",
                file=name,
                field=manifest,
            )
        )
    return problems


def _missing(bag: bagit.Bag, path: str) -> Problem:
    manifest = _manifest_name(path, _preferred(list(bag.entries.get(path, {})) or ["sha256"]))
    name = _posix(path)
    return Problem(
        code="missing_file",
        message=f"Tệp {name} có trong {manifest} nhưng không có trong gói.",
        file=name,
        field=manifest,
    )


def _unlisted(bag: bagit.Bag, path: str) -> Problem:
    manifest = _manifest_name(path, _preferred(list(bag.algorithms) or ["sha256"]))
    name = _posix(path)
    return Problem(
        code="unlisted_file",
        message=f"Tệp {name} có trong gói nhưng không có trong {manifest}.",
        file=name,
        field=manifest,
    )


def _damaged(file: str, exc: BaseException | str, field: str | None = None) -> Problem:
    # bagit's own message (English) is kept as the detail: it names what is wrong precisely
    return Problem(
        code="damaged_file",
        message=f"Gói BagIt không hợp lệ, không kiểm tra được: {exc}.",
        file=file,
        field=field,
    )


def _preferred(algorithms: list[str]) -> str:
    for alg in PREFERRED_ALGORITHMS:
        if alg in algorithms:
            return alg
    return sorted(algorithms)[0]


def _manifest_name(path: str, alg: str) -> str:
    payload = _posix(path).startswith("data/")
    return f"{'manifest' if payload else 'tagmanifest'}-{alg}.txt"


def _algorithm_label(alg: str) -> str:
    """'sha256' → 'SHA-256', 'md5' → 'MD5': how the manifests' algorithms are usually written."""
    upper = alg.upper()
    return f"SHA-{upper[3:]}" if upper.startswith("SHA") and upper[3:].isdigit() else upper


def _posix(path: str) -> str:
    return unicodedata.normalize("NFC", Path(path).as_posix())
