"""Signing a PDF with the archive's key (PAdES baseline B, pyHanko), the one signer of the project.

Used for certified copies (access, TT 05/2025 Điều 41) and for the PDF/As made by digitization
(TT 05/2025 Điều 8: a digitized record carries the digital signature of the agency that
digitized it). The signature is appended as an incremental update, so the signed file keeps
every byte of the original before it; without ``box`` the signature has no appearance (a
zero-size widget), which PDF/A-2 allows, so a PDF/A stays a PDF/A.

pyHanko's signing modules cost about 2 s to import: they are imported when a file is signed.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

__all__ = ["SIGNATURE_TEXT", "SigningError", "sign_pdf", "stamp_style", "top_right_box"]
# TT 05/2025: the signature shows the signer (the agency) and the signing time in ISO 8601;
# pyHanko fills %(signer)s from the certificate and %(ts)s with the signing time.
SIGNATURE_TEXT = "Ký bởi: %(signer)s\nThời gian ký: %(ts)s"
ISO_TIME = "%Y-%m-%dT%H:%M:%S%z"
_PDF_1_7 = (1, 7)


class SigningError(ValueError):
    """The key or certificate cannot be read (message in Vietnamese)."""


def sign_pdf(
    data: bytes,
    *,
    key_file: Path,
    cert_file: Path,
    chain_files: list[Path],
    field_name: str,
    reason: str,
    signer_name: str = "",
    stamp_style: Any = None,
    box: tuple[int, int, int, int] | None = None,
    keep_version: bool = False,
) -> bytes:
    """``data`` (a PDF) signed with the key and certificate in these PEM files.

    ``stamp_style`` and ``box`` (page 1, PDF points) make the signature visible; without them it
    is invisible. ``keep_version``: the update does not raise the file's PDF version (pyHanko
    declares PDF 2.0 for ECDSA keys on ISO 32002 curves, which PDF/A-2 forbids; an ECDSA PAdES
    signature is already valid in PDF 1.7 with the ETSI extension it registers). Raises
    ``SigningError`` when the key or the certificate cannot be loaded.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    unreadable = (
        f"Không đọc được khóa ({key_file}) hoặc chứng thư số ({cert_file}) của cơ quan lưu trữ."
    )
    try:
        signer = signers.SimpleSigner.load(
            str(key_file), str(cert_file), ca_chain_files=[str(p) for p in chain_files]
        )
    except (OSError, ValueError) as exc:
        raise SigningError(unreadable) from exc
    if signer is None:
        raise SigningError(unreadable)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason,
        name=signer_name or None,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    spec = fields.SigFieldSpec(field_name, on_page=0, box=box) if box else None
    pdf_signer = signers.PdfSigner(meta, signer, stamp_style=stamp_style, new_field_spec=spec)
    writer = (_same_version_writer() if keep_version else IncrementalPdfFileWriter)(
        io.BytesIO(data), strict=False
    )
    out = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=out)
    return out.getvalue()


def stamp_style(text: str, font: Path, size: int, timestamp_format: str = ISO_TIME) -> Any:
    """A pyHanko ``TextStampStyle``: ``text`` in the TrueType ``font`` (embedded) at ``size``
    points, a thin border, no background and no seal image."""
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    return TextStampStyle(
        stamp_text=text,
        timestamp_format=timestamp_format,
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(str(font), font_size=size)),
        border_width=1,
        background=None,
    )


def top_right_box(
    page_width: float, page_height: float, *, margin: int = 28, below: int = 0
) -> tuple[int, int, int, int]:
    """The signature's box at the top right of a page (TT 05/2025: top right of page 1),
    ``below`` points lower (under a mark already there)."""
    top = page_height - margin - below
    return (int(page_width - margin - 230), int(top - 42), int(page_width - margin), int(top))


def _same_version_writer() -> type:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.signers import constants

    class Writer(IncrementalPdfFileWriter):
        """Declares at most PDF 1.7 and no PDF 2.0-only extension (ISO 32002)."""

        def ensure_output_version(self, version: tuple[int, int]) -> None:
            super().ensure_output_version(min(version, _PDF_1_7))  # type: ignore[no-untyped-call]

        def register_extension(self, ext: Any) -> None:
            if ext is not constants.ISO32002:
                super().register_extension(ext)

    return Writer
