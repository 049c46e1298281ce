"""PDFs from templates, and the parts every official document shares (NĐ 30/2020, Phụ lục I).

``render_pdf`` is the one way the project turns a template into a PDF: WeasyPrint, the page
text in Vietnamese whatever the request's language, fonts from Debian's fontconfig (Noto Serif,
DejaVu), and every URL refused except ``data:``, so nothing outside the process — network,
files — can end up in, or slow down, a record meant to be signed. Stylesheets are inlined by
the templates (``{% include "printing/official.css" %}``).

``Heading`` and ``Signer`` are what ``templates/printing/heading.html`` and
``templates/printing/signatures.html`` print: the issuing agency beside the national heading
(quốc hiệu, tiêu ngữ), the number and the place-and-date line under them; at the foot, each
signer's authority and title (quyền hạn, chức vụ), the signature space and the name, with the
recipients (nơi nhận) on the left.

Cost: WeasyPrint lays out about 5 dense pages a second on one core.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from django.template.loader import render_to_string
from django.utils import translation

from luutru.lib.vietnamese import dateline

__all__ = ["NATIONAL_MOTTO", "NATIONAL_NAME", "Heading", "Pdf", "Signer", "render", "render_pdf"]

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"  # quốc hiệu
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"  # tiêu ngữ


@dataclass(frozen=True)
class Heading:
    """The top of an official document.

    ``agency`` is the issuing agency's name, one line or several ("ỦY BAN NHÂN DÂN", "TỈNH SƠN
    NAM"), printed bold in capitals under its superior agency (``parent``, not bold). ``number``
    is the number and notation without "Số: " ("2718/QĐ-UBND"); ``subject`` the "V/v …" a
    letter (công văn) carries under it. Without ``day`` there is no place-and-date line.
    """

    nation: ClassVar[str] = NATIONAL_NAME
    motto: ClassVar[str] = NATIONAL_MOTTO

    agency: tuple[str, ...]
    parent: str = ""
    number: str = ""
    subject: str = ""
    place: str = ""
    day: datetime.date | None = None

    @property
    def dateline(self) -> str:
        return dateline(self.place, self.day) if self.day is not None else ""


@dataclass(frozen=True)
class Signer:
    """One signature at the foot: authority and title lines ("TM. ỦY BAN NHÂN DÂN", "CHỦ
    TỊCH"), a hint under them ("(Ký, ghi rõ họ tên)"), what fills the signature space
    ("(Đã ký)", or nothing for a form signed on paper), and the name, if known. ``dateline``
    is printed over the titles when the date goes with the signature (the inventory)."""

    titles: tuple[str, ...]
    name: str = ""
    hint: str = ""
    signed: str = ""
    dateline: str = ""


@dataclass(frozen=True)
class Pdf:
    data: bytes
    pages: int


def render_pdf(template_name: str, context: Mapping[str, Any]) -> bytes:
    """The template rendered (in Vietnamese) and laid out as PDF bytes."""
    return render(template_name, context).data


def render(
    template_name: str, context: Mapping[str, Any], *, pdf_variant: str | None = None
) -> Pdf:
    """The PDF and its page count from one layout pass; ``pdf_variant`` such as ``"pdf/a-2b"``
    makes a PDF/A (born-digital documents)."""
    from weasyprint import HTML

    with translation.override("vi"):
        html = render_to_string(template_name, dict(context))
    document = HTML(string=html, base_url=None, url_fetcher=_url_fetcher()).render(
        font_config=_font_config(), pdf_variant=pdf_variant
    )
    data = document.write_pdf(pdf_variant=pdf_variant)
    assert data is not None
    return Pdf(bytes(data), len(document.pages))


_local = threading.local()


def _font_config() -> Any:
    """One fontconfig set-up per thread (Pango's font maps are not shared between threads),
    reused by every document that thread renders."""
    config = getattr(_local, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _local.font_config = FontConfiguration()
    return config


def _url_fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    # Inline CSS and system fonts only: refuse every URL except data: so a title or a template
    # change can never make a signed record depend on (or leak to) the network or the disk.
    return URLFetcher(allowed_protocols=("data",))
