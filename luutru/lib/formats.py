"""File format identification by content, with PRONOM identifiers, offline.

Archives record each file's format as a PRONOM PUID (``fmt/…``) and reject files whose content
is not what their extension claims. FIDO carries The National Archives' PRONOM signatures in its
package, so identification needs no network. FIDO is built as a command-line tool: it prints
its results, re-reads the container signature file for every ZIP it meets and walks its XML
tree for every file. Here one ``Fido`` is built per process, its signatures compiled once
(``_CompiledFido.match_formats`` keeps FIDO's exact matching and priority rules), and the
container signatures parsed once; nothing is printed. Like FIDO, only the first and last
128 KiB of a file are read, plus at most 512 KiB of the one member a ZIP container signature
needs (FIDO itself would read that member whole, which a zip bomb turns into an attack).
"""

from __future__ import annotations

import importlib
import logging
import re
import threading
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["FormatInfo", "extension_matches", "identify"]

log = logging.getLogger(__name__)

# Extensions naming the same thing; compared after mapping through this table.
_ALIASES = {
    "jpeg": "jpg",
    "jpe": "jpg",
    "jfif": "jpg",
    "tiff": "tif",
    "htm": "html",
    "edxml": "xml",  # QCVN 102:2016 edXML messages are XML documents
}
# Text formats have no reliable magic bytes (CSV, plain text, XML without a declaration):
# content that FIDO cannot identify is no evidence against these extensions.
_TEXT_EXTENSIONS = frozenset({"txt", "csv", "tsv", "xml", "json", "html", "md", "xsd", "xsl"})
_CONTAINER_MEMBER_LIMIT = 512 * 1024


@dataclass(frozen=True, slots=True)
class FormatInfo:
    """What a file is, by content. ``puid`` is None when no PRONOM signature matched.

    ``basis`` says how: ``signature`` (magic bytes), ``container`` (a ZIP or OLE2 member, e.g.
    DOCX/XLSX), or ``none``. ``alternatives`` lists other PUIDs that matched equally well.
    ``problem`` is a Vietnamese message when the file could not be read at all.
    """

    puid: str | None
    mime: str | None
    name: str | None
    version: str | None = None
    basis: str = "none"
    extensions: tuple[str, ...] = ()
    alternatives: tuple[str, ...] = ()
    problem: str | None = None


def _ext(text: str) -> str:
    """An extension, lower case without the dot, with its aliases folded together."""
    ext = text.lower().lstrip(".")
    return _ALIASES.get(ext, ext)


def identify(path: Path) -> FormatInfo:
    """Identify ``path`` by its content with FIDO's bundled PRONOM signatures.

    Never raises for a bad file: an unreadable one gives ``puid=None`` and a ``problem``.
    The first call builds the signature tables (about half a second); later calls reuse them.
    """
    identifier = _identifier()  # a broken FIDO installation is a deployment error: raise
    try:
        return identifier.identify(path)
    except OSError as exc:
        return FormatInfo(
            None, None, None, problem=f"Không đọc được tệp «{path.name}»: {exc.strerror or exc}."
        )
    except Exception:  # FIDO is not written for hostile input; a crash is a finding
        log.exception("format identification failed for %s", path)
        return FormatInfo(
            None, None, None, problem=f"Không nhận dạng được định dạng của tệp «{path.name}»."
        )


def extension_matches(path: Path, info: FormatInfo) -> bool:
    """Whether ``path``'s extension agrees with the format its content was identified as.

    ``.tif``/``.tiff`` and ``.jpg``/``.jpeg`` are the same; a ``.pdf`` that is really a JPEG is
    not. Content that no signature recognises agrees only with text extensions (CSV, TXT,
    XML…) and with extensions that no PRONOM format with a signature claims: a ``.pdf`` that
    FIDO cannot recognise is not a PDF.
    """
    ext = _ext(path.suffix)
    if not ext:
        return info.puid is None
    if info.puid is None:
        return ext in _TEXT_EXTENSIONS or not _identifier().has_signature_for(ext)
    return ext in {_ext(e) for e in info.extensions}


def _load_fido() -> Any:
    """Import FIDO lazily: it pulls in ``requests`` and parses 2 MB of XML."""
    from fido.fido import Fido

    class _CompiledFido(Fido):  # type: ignore[misc]  # FIDO ships no types: its classes are Any
        """FIDO with its signature regexes compiled once and its XML looked up once.

        FIDO's own ``match_formats`` re-reads each format's XML elements and looks each regex
        up in ``re``'s cache for every file: about 22 ms a file, over half of it bookkeeping.
        This does the same matching, in the same order, with the same priority rules.
        """

        def compile_signatures(self) -> None:
            table = []
            for fmt in self.formats:
                puid = self.get_puid(fmt)
                sigs = []
                for sig in self.get_signatures(fmt):
                    try:
                        patterns = [
                            (self.get_pos(pat), re.compile(self.get_regex(pat)))
                            for pat in self.get_patterns(sig)
                        ]
                    except (re.error, AttributeError) as exc:  # a bad signature is skipped
                        log.warning("FIDO signature for %s ignored: %s", puid, exc)
                        continue
                    sigs.append((sig.findtext("name"), patterns))
                if sigs:  # a format without signatures can never match
                    table.append((fmt, puid, sigs))
            self._table = table
            # Most signatures begin with a fixed byte at offset 0 (``%`` for PDF): a file is
            # only tried against the formats whose signatures could begin with its first byte,
            # in the same order, so the matches and their priorities are unchanged.
            firsts = [_first_bytes(sigs) for _fmt, _puid, sigs in table]
            self._by_first_byte = [
                [
                    entry
                    for entry, first in zip(table, firsts, strict=True)
                    if first is None or byte in first
                ]
                for byte in range(256)
            ]

        def match_formats(self, bofbuffer: bytes, eofbuffer: bytes) -> list[tuple[Any, str]]:
            self.current_count += 1
            found: list[tuple[str, Any, str]] = []

            def as_good_as_any(puid: str) -> bool:
                return not any(
                    other != puid and puid in self.puid_has_priority_over_map[other]
                    for other, _, _ in found
                )

            table = self._by_first_byte[bofbuffer[0]] if bofbuffer else self._table
            for fmt, puid, sigs in table:
                if not as_good_as_any(puid):
                    continue
                for sig_name, patterns in sigs:
                    for pos, regex in patterns:
                        if pos == "BOF":
                            hit = regex.match(bofbuffer)
                        elif pos == "EOF":
                            hit = regex.search(eofbuffer)
                        elif pos in ("VAR", "IFB"):
                            hit = regex.search(bofbuffer)
                        else:
                            continue
                        if not hit:
                            break
                    else:
                        found.append((puid, fmt, sig_name))
            return [(fmt, name) for puid, fmt, name in found if as_good_as_any(puid)]

    return _CompiledFido


def _first_bytes(
    signatures: list[tuple[str, list[tuple[str, re.Pattern[bytes]]]]],
) -> set[int] | None:
    """The bytes a file matching one of ``signatures`` can begin with; None when any can."""
    try:
        _parser = importlib.import_module("re._parser")  # the stdlib's own regex parser
    except ImportError:  # another Python: no shortcut, every format is tried
        return None
    firsts: set[int] = set()
    for _name, patterns in signatures:
        first = None
        for position, regex in patterns:
            if position != "BOF" or regex.flags & re.IGNORECASE:
                continue
            ops = [op for op in _parser.parse(regex.pattern) if op[0] is not _parser.AT]
            if ops and ops[0][0] is _parser.LITERAL:
                first = ops[0][1]
                break
        if first is None:
            return None
        firsts.add(first)
    return firsts


class _Identifier:
    """One FIDO, its compiled signatures and parsed container signatures, behind a lock.

    FIDO keeps per-file state on the instance, so calls are serialised; each takes a few ms.
    """

    def __init__(self) -> None:
        from defusedxml import ElementTree
        from fido import CONFIG_DIR
        from fido.versions import get_local_versions

        versions = get_local_versions(CONFIG_DIR)
        fido_class = _load_fido()
        try:
            self.fido = fido_class(
                quiet=True,
                handle_matches=lambda *args, **kwargs: None,
                format_files=[versions.pronom_signature, versions.fido_extension_signature],
            )
        except SystemExit as exc:  # FIDO exits the process when a signature file is broken
            raise RuntimeError("FIDO's bundled PRONOM signature files cannot be read") from exc
        self.fido.compile_signatures()
        container_doc = ElementTree.parse(Path(CONFIG_DIR) / versions.pronom_container_signature)
        self.zip_signatures = self.fido.extract_signatures(container_doc, "ZIP")
        self.ole_signatures = self.fido.extract_signatures(container_doc, "OLE2")
        container_puids = {
            puid
            for signatures in (self.zip_signatures, self.ole_signatures)
            for puid_map in signatures.values()
            for puid in puid_map
        }
        self.signed_extensions = frozenset(
            _ext(ext.text or "")
            for fmt in self.fido.formats
            if fmt.find("signature") is not None or self.fido.get_puid(fmt) in container_puids
            for ext in fmt.findall("extension")
        )
        self.lock = threading.Lock()

    def has_signature_for(self, ext: str) -> bool:
        """Whether some PRONOM format with a byte or container signature uses this extension."""
        return ext in self.signed_extensions

    def identify(self, path: Path) -> FormatInfo:
        size = path.stat().st_size
        if size == 0:
            return FormatInfo(None, None, None, problem=f"Tệp «{path.name}» rỗng (0 byte).")
        fido = self.fido
        with self.lock:
            with open(path, "rb") as stream:
                fido.current_file = str(path)
                fido.current_filesize = size
                bof, eof, _ = fido.get_buffers(stream, size, seekable=True)
            matches = fido.match_formats(bof, eof)
            basis = "signature"
            container = fido.container_type(matches)
            if container in ("zip", "ole"):
                inner = self._container_puids(path, container)
                if inner:
                    matches = [(fido.puid_format_map[p], "container") for p in inner]
                    basis = "container"
        if not matches:
            return FormatInfo(None, None, None)
        return self._describe(path, matches, basis)

    def _container_puids(self, path: Path, kind: str) -> list[str]:
        """PUIDs from FIDO's container signatures, reading bounded members only."""
        from fido.package import OlePackage

        try:
            if kind == "ole":
                puids = OlePackage(str(path), self.ole_signatures).detect_formats()
            else:
                puids = _bounded_zip_puids(path, self.zip_signatures)
        except Exception:  # a broken container is still what its magic bytes say
            log.debug("container identification failed for %s", path, exc_info=True)
            return []
        return list(dict.fromkeys(p for p in puids if p in self.fido.puid_format_map))

    def _describe(self, path: Path, matches: list[tuple[Any, str]], basis: str) -> FormatInfo:
        """Pick one match (the first whose extensions include the file's), describe it."""
        ext = _ext(path.suffix)

        def exts(fmt: Any) -> tuple[str, ...]:
            return tuple(e.text.lower() for e in fmt.findall("extension") if e.text)

        formats = list(dict.fromkeys(fmt for fmt, _ in matches))
        best = next((f for f in formats if ext in {_ext(e) for e in exts(f)}), formats[0])
        puids = [self.fido.get_puid(f) for f in formats]
        return FormatInfo(
            puid=self.fido.get_puid(best),
            mime=best.findtext("mime"),
            name=best.findtext("name"),
            version=best.findtext("version") or None,
            basis=basis,
            extensions=exts(best),
            alternatives=tuple(p for p in puids if p != self.fido.get_puid(best)),
        )


def _bounded_zip_puids(path: Path, signatures: dict[str, Any]) -> Iterable[str]:
    """FIDO's ``ZipPackage.detect_formats`` reading at most 512 KiB of each member it needs."""
    from fido.package import ZipPackage

    package = ZipPackage(str(path), signatures)
    results: list[str] = []
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        for member, puid_map in signatures.items():
            if member not in names:
                continue
            with archive.open(member) as stream:
                contents = stream.read(_CONTAINER_MEMBER_LIMIT)
            results.extend(package._process_puid_map(contents, puid_map))
    return results


@cache
def _identifier() -> _Identifier:
    """The process-wide identifier, built on first use."""
    return _Identifier()
