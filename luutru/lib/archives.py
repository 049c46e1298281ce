"""Unpacking transfer packages that arrive as ``.zip``, and checking folder packages, safely.

A package comes from outside the archive, so its ZIP is hostile until proven otherwise: entries
may climb out of the destination (``../``, absolute paths, drive letters, backslashes that
Windows treats as separators), be symbolic links or devices, or be zip bombs whose headers lie
about their size. Every entry is checked from the central directory *before* anything is
written; extraction then streams each entry and stops as soon as it produces more than it
declared. A failure removes whatever was written, so a rejected package leaves no trace.

Entry names are decoded as the ZIP says (UTF-8 flag, else CP437), with the common case of UTF-8
names written without the flag (Info-ZIP, many Linux and macOS tools) recognised, and stored in
NFC like all Vietnamese text in the system.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import stat
import unicodedata
import zipfile
import zlib
from pathlib import Path, PurePosixPath

__all__ = ["UnsafeArchive", "check_tree", "entry_name", "safe_extract_zip"]

_CHUNK = 64 * 1024
_UTF8_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1
_DRIVE = re.compile(r"^[A-Za-z]:")
_MAX_COMPONENT_BYTES = 255  # ext4, NTFS and most object stores refuse longer names
_SPECIAL_TYPES = {
    stat.S_IFLNK: "liên kết tượng trưng (symlink)",
    stat.S_IFCHR: "tệp thiết bị ký tự",
    stat.S_IFBLK: "tệp thiết bị khối",
    stat.S_IFIFO: "ống dẫn có tên (FIFO)",
    stat.S_IFSOCK: "socket",
}


class UnsafeArchive(Exception):
    """A ZIP that must not be unpacked; ``message`` is Vietnamese and names the entry.

    ``code`` is the machine code of ``docs/packages.md``: ``unsafe_archive`` for traversal,
    links, bombs and oversize packages, ``damaged_file`` for a ZIP that cannot be read,
    ``encrypted`` for password-protected entries.
    """

    def __init__(
        self, message: str, *, entry: str | None = None, code: str = "unsafe_archive"
    ) -> None:
        super().__init__(message)
        self.message = message
        self.entry = entry
        self.code = code


def entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as the sender meant it, in NFC.

    Without the UTF-8 flag ``zipfile`` decodes as CP437; when those bytes are valid UTF-8 they
    almost certainly were UTF-8 (CP437 text is rarely valid UTF-8), so they are re-read as such.
    """
    name = info.filename
    if not info.flag_bits & _UTF8_FLAG:
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("utf-8")
    return unicodedata.normalize("NFC", name)


def _file_type(info: zipfile.ZipInfo) -> int:
    """The Unix file type bits of an entry (0 when the creator did not record any)."""
    return stat.S_IFMT(info.external_attr >> 16)


def _safe_parts(name: str) -> tuple[str, ...]:
    """Split an entry name into path components, raising ``UnsafeArchive`` if it could escape.

    Backslashes count as separators: Windows extractors treat them so, and a name such as
    ``..\\..\\x`` is an attack there even if it is a harmless file name here.
    """
    if not name or "\x00" in name or any(unicodedata.category(c) == "Cc" for c in name):
        raise UnsafeArchive(
            f"Mục «{name!r}» trong tệp nén có tên chứa ký tự điều khiển hoặc rỗng.", entry=name
        )
    unified = name.replace("\\", "/")
    if unified.startswith("/") or _DRIVE.match(unified):
        raise UnsafeArchive(
            f"Mục «{name}» trong tệp nén dùng đường dẫn tuyệt đối; mọi tệp phải nằm bên trong gói.",
            entry=name,
        )
    parts = tuple(p for p in PurePosixPath(unified).parts if p not in ("", "."))
    if ".." in parts:
        raise UnsafeArchive(
            f"Mục «{name}» trong tệp nén trỏ ra ngoài thư mục của gói (chứa «..»).", entry=name
        )
    for part in parts:
        if ":" in part:
            raise UnsafeArchive(
                f"Mục «{name}» trong tệp nén có dấu «:» trong tên (ổ đĩa hoặc luồng dữ liệu "
                "ẩn của Windows).",
                entry=name,
            )
        if len(part.encode("utf-8")) > _MAX_COMPONENT_BYTES:
            raise UnsafeArchive(f"Mục «{name}» trong tệp nén có tên quá dài.", entry=name)
    return parts


def _plan(
    archive: zipfile.ZipFile,
    *,
    max_total_bytes: int,
    max_files: int,
    max_ratio: float,
    ratio_floor_bytes: int,
) -> list[tuple[zipfile.ZipInfo, tuple[str, ...], bool]]:
    """Check every entry from the central directory; return (info, parts, is_dir) to write."""
    infos = archive.infolist()
    files = [i for i in infos if not i.is_dir()]
    if len(files) > max_files:
        raise UnsafeArchive(
            f"Tệp nén có {len(files)} tệp, vượt giới hạn {max_files} tệp cho một gói."
        )
    if len(infos) - len(files) > max_files:
        raise UnsafeArchive(f"Tệp nén có quá nhiều thư mục (giới hạn {max_files}).")

    plan: list[tuple[zipfile.ZipInfo, tuple[str, ...], bool]] = []
    seen: dict[str, str] = {}
    file_keys: set[str] = set()
    dir_keys: set[str] = set()
    total = 0
    compressed = 0
    for info in infos:
        name = entry_name(info)
        parts = _safe_parts(name)
        if not parts:
            if info.is_dir():
                continue  # "./" — the root itself
            raise UnsafeArchive(f"Mục «{name}» trong tệp nén không có tên tệp.", entry=name)
        kind = _file_type(info)
        if kind in _SPECIAL_TYPES:
            raise UnsafeArchive(
                f"Mục «{name}» trong tệp nén là {_SPECIAL_TYPES[kind]}; gói không được chứa "
                "liên kết hay tệp đặc biệt.",
                entry=name,
            )
        if info.flag_bits & _ENCRYPTED_FLAG:
            raise UnsafeArchive(
                f"Mục «{name}» trong tệp nén được đặt mật khẩu; hãy nộp gói không mã hóa.",
                entry=name,
                code="encrypted",
            )
        key = "/".join(parts)
        # Two entries that land on the same path (e.g. one NFC, one NFD) would overwrite.
        if key in seen:
            raise UnsafeArchive(
                f"Các mục «{seen[key]}» và «{name}» trong tệp nén trùng tên sau khi chuẩn hóa.",
                entry=name,
            )
        seen[key] = name
        is_dir = info.is_dir()
        (dir_keys if is_dir else file_keys).add(key)
        dir_keys.update("/".join(parts[:i]) for i in range(1, len(parts)))
        if not is_dir:
            if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
                raise UnsafeArchive(
                    f"Mục «{name}» trong tệp nén khai báo kích thước sai (tệp nén bị sửa "
                    "hoặc hỏng).",
                    entry=name,
                )
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > ratio_floor_bytes and ratio > max_ratio:
                raise UnsafeArchive(
                    f"Mục «{name}» có tỷ lệ nén bất thường ({ratio:,.0f}:1, giới hạn "
                    f"{max_ratio:,.0f}:1) — có thể là bom nén.",
                    entry=name,
                )
            total += info.file_size
            compressed += info.compress_size
        plan.append((info, parts, is_dir))

    clash = file_keys & dir_keys
    if clash:
        name = sorted(clash)[0]
        raise UnsafeArchive(
            f"«{name}» trong tệp nén vừa là tệp vừa là thư mục.", entry=seen.get(name, name)
        )
    if total > max_total_bytes:
        raise UnsafeArchive(
            f"Tổng dung lượng sau giải nén ({total:,} byte) vượt giới hạn "
            f"{max_total_bytes:,} byte cho một gói."
        )
    if total > ratio_floor_bytes and total / max(compressed, 1) > max_ratio:
        raise UnsafeArchive(
            f"Tỷ lệ nén của cả gói bất thường ({total / max(compressed, 1):,.0f}:1, giới hạn "
            f"{max_ratio:,.0f}:1) — có thể là bom nén."
        )
    _check_overlaps(infos)
    return plan


def _check_overlaps(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse entries whose data overlap: the trick behind non-recursive zip bombs."""
    spans = sorted((i.header_offset, i.compress_size, i.filename) for i in infos)
    for (start, size, name), (next_start, _, next_name) in itertools.pairwise(spans):
        if start + size > next_start:
            raise UnsafeArchive(
                f"Các mục «{name}» và «{next_name}» trong tệp nén dùng chung dữ liệu — "
                "dấu hiệu của bom nén.",
                entry=name,
            )


def safe_extract_zip(
    zip_path: Path,
    dest: Path,
    *,
    max_total_bytes: int,
    max_files: int,
    max_ratio: float,
    ratio_floor_bytes: int = 1 << 20,
) -> None:
    """Unpack ``zip_path`` into ``dest`` (created, must be empty) or raise ``UnsafeArchive``.

    Every entry is checked before anything is written. Ratios only count above
    ``ratio_floor_bytes`` (1 MiB): a small file of blanks compresses 1000:1 and harms nobody;
    the total size limit still holds. On any failure the files written so far are removed.
    """
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise UnsafeArchive(
            f"Không đọc được tệp nén «{zip_path.name}»: tệp hỏng hoặc không phải ZIP ({exc}).",
            code="damaged_file",
        ) from exc
    with archive:
        plan = _plan(
            archive,
            max_total_bytes=max_total_bytes,
            max_files=max_files,
            max_ratio=max_ratio,
            ratio_floor_bytes=ratio_floor_bytes,
        )
        dest.mkdir(parents=True, exist_ok=True)
        if any(dest.iterdir()):
            raise ValueError(f"{dest} is not empty; unpack each package into a fresh folder")
        try:
            _write(archive, plan, dest.resolve(), max_total_bytes)
        except BaseException:
            for child in dest.iterdir():
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)
            raise


def _write(
    archive: zipfile.ZipFile,
    plan: list[tuple[zipfile.ZipInfo, tuple[str, ...], bool]],
    root: Path,
    max_total_bytes: int,
) -> None:
    """Stream the checked entries to disk, never trusting the declared sizes."""
    written = 0
    for info, parts, is_dir in plan:
        target = root.joinpath(*parts)
        # Belt and braces: the parts were checked, but resolve() also catches anything missed.
        if not target.resolve().is_relative_to(root):
            raise UnsafeArchive(f"Mục «{'/'.join(parts)}» trỏ ra ngoài thư mục của gói.")
        if is_dir:
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        produced = 0
        name = "/".join(parts)
        try:
            # A damaged local header can point before the start of the file: the seek fails
            # with an OSError (EINVAL) that is the package's fault, not the disk's.
            source = archive.open(info)
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            NotImplementedError,
            OSError,
            ValueError,
        ) as exc:
            raise UnsafeArchive(
                f"Không giải nén được mục «{name}»: dữ liệu hỏng hoặc khai báo sai ({exc}).",
                entry=name,
                code="damaged_file",
            ) from exc
        try:
            with source, open(target, "xb") as sink:
                while chunk := source.read(_CHUNK):
                    produced += len(chunk)
                    written += len(chunk)
                    if produced > info.file_size or written > max_total_bytes:
                        raise UnsafeArchive(
                            f"Mục «{name}» giải nén ra nhiều dữ liệu hơn kích thước khai báo "
                            f"({info.file_size:,} byte) — có thể là bom nén.",
                            entry=name,
                        )
                    sink.write(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
            raise UnsafeArchive(
                f"Không giải nén được mục «{name}»: dữ liệu hỏng hoặc khai báo sai ({exc}).",
                entry=name,
                code="damaged_file",
            ) from exc
        if produced != info.file_size:
            raise UnsafeArchive(
                f"Mục «{name}» giải nén ra {produced:,} byte thay vì {info.file_size:,} byte "
                "như khai báo.",
                entry=name,
                code="damaged_file",
            )


def check_tree(root: Path) -> list[str]:
    """Problems (Vietnamese) with an unpacked folder package: links and special files.

    A folder package must hold only ordinary files and folders: a symlink or a hard link can
    pull in files from outside the package, and devices or FIFOs can hang or mislead a reader.
    Symlinked folders are reported, never followed.
    """
    problems: list[str] = []
    if root.is_symlink():
        return [f"Thư mục gói «{root.name}» là một liên kết tượng trưng (symlink)."]
    if not root.is_dir():
        return [f"Không tìm thấy thư mục gói «{root}»."]

    def visit(folder: Path) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            problems.append(f"Không đọc được thư mục «{_rel(folder, root)}»: {exc.strerror}.")
            return
        for entry in entries:
            path = Path(entry.path)
            rel = _rel(path, root)
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError as exc:
                problems.append(f"Không đọc được «{rel}»: {exc.strerror}.")
                continue
            kind = stat.S_IFMT(info.st_mode)
            if kind == stat.S_IFDIR:
                visit(path)
            elif kind == stat.S_IFREG:
                if info.st_nlink > 1:
                    problems.append(
                        f"«{rel}» là liên kết cứng (hard link) tới một tệp khác; "
                        "gói không được chứa liên kết."
                    )
            else:
                what = _SPECIAL_TYPES.get(kind, "tệp đặc biệt")
                problems.append(
                    f"«{rel}» là {what}; gói không được chứa liên kết hay tệp đặc biệt."
                )

    visit(root)
    return problems


def _rel(path: Path, root: Path) -> str:
    """A path relative to the package root, in NFC, for messages."""
    return unicodedata.normalize("NFC", path.relative_to(root).as_posix() or ".")
