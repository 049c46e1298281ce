"""`luutru search QUERY [--json] [--page N]`: the portal's search, as the staff superuser sees it.

For operators checking the index from a shell: no access restriction, so every record counts.
``--json`` prints ``{"count", "results": [{"kind", "code", "title", "snippet", "type",
"notation", "date", "agency"}]}`` best first (``date`` ISO 8601 or null).
"""

from __future__ import annotations

import html
import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from luutru.accounts.models import User
from luutru.lib.commands import OperatorCommand
from luutru.search import services
from luutru.search.base import Hit

KIND_NAMES = {"dossier": "Hồ sơ", "document": "Tài liệu"}
MAX_QUERY = 10_000


def superuser() -> User:
    """An unsaved active superuser: the service's widest view without picking a real account
    (the service decides on ``is_superuser`` before it looks anything up)."""
    return User(username="luutru-cli", is_superuser=True, is_staff=True, is_active=True)


def plain(snippet: str) -> str:
    """The engine's HTML snippet for a terminal: matches in [brackets], entities decoded;
    neighbouring matches share one pair, "[quốc phòng]" rather than "[quốc] [phòng]"."""
    marked = snippet.replace("</mark> <mark>", " ")
    return html.unescape(marked.replace("<mark>", "[").replace("</mark>", "]"))


def as_json(hit: Hit, about: services.Described | None = None) -> dict[str, str | None]:
    return {
        "kind": hit.kind,
        "code": hit.code,
        "title": hit.title,
        "snippet": hit.snippet,
        "type": about.type if about else "",
        "notation": about.notation if about else "",
        "date": about.date.isoformat() if about and about.date else None,
        "agency": about.agency if about else "",
    }


def line(about: services.Described) -> str:
    """'Quyết định · 123/QĐ-UBND · 01/03/2023 · Sở Tài chính'."""
    when = about.date.strftime("%d/%m/%Y") if about.date else ""
    return " · ".join(p for p in (about.type, about.notation, when, about.agency) if p)


class Command(OperatorCommand):
    help = "Tra cứu hồ sơ, tài liệu như quản trị viên cao nhất thấy (không giới hạn quyền)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("query", help="từ cần tìm, có dấu hoặc không dấu")
        parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
        parser.add_argument("--page", type=int, default=1, help="trang kết quả (20 một trang)")

    def handle(self, *args: Any, **options: Any) -> None:
        query: str = options["query"]
        page: int = options["page"]
        if len(query) > MAX_QUERY:
            raise CommandError(f"Từ cần tìm dài quá {MAX_QUERY:,} ký tự.".replace(",", "."))
        if not 1 <= page <= 1000:
            raise CommandError("Số trang phải từ 1 đến 1000.")
        found = services.search(superuser(), query, page=page)
        about = services.describe(found.hits)
        if options["json"]:
            results = [as_json(hit, about.get(f"{hit.kind}:{hit.pk}")) for hit in found.hits]
            payload = {"count": found.count, "results": results}
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        if not found.count:
            self.stdout.write(f"Không tìm thấy hồ sơ, tài liệu nào khớp «{query}».")
            return
        what = f"kết quả cho «{query}»" if query.strip() else "hồ sơ, tài liệu (mới nhất trước)"
        if not found.hits:
            self.stdout.write(f"{found.count} {what}; trang {page} không còn kết quả nào.")
            return
        first = (page - 1) * 20 + 1
        last = first + len(found.hits) - 1
        self.stdout.write(f"{found.count} {what}, đang xem {first} đến {last}:")
        for number, hit in enumerate(found.hits, start=first):
            self.stdout.write(f"{number}. [{KIND_NAMES[hit.kind]}] {hit.code} — {hit.title}")
            if described := about.get(f"{hit.kind}:{hit.pk}"):
                self.stdout.write(f"   {line(described)}")
            if hit.snippet:
                self.stdout.write(f"   {plain(hit.snippet)}")
