"""`luutru exhibition load FILE [--json]`: build an exhibition from a JSON, YAML or TOML file.
`luutru exhibition remind [--json]`: mail the curators of the anniversaries coming in 30 and 7
days that no published exhibition covers (run it each morning).

The file holds title, summary, sections with items by code and captions, ``publish_from`` and
``publish_until`` (optional: ``title_en``, ``summary_en``, ``caption_en``, ``page``, ``slug``,
``state`` draft/review/published). Prints (docs/interfaces.md)
``{"slug", "url", "items": N, "errors": [{"code", "message"}]}``; an item that is not
published and public is refused (``not_public``) and nothing is loaded; so is a ``page``
given for a photo, recording or film (``page_for_media``: they are shown whole). Exit 1 on
refusal.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.urls import reverse

from luutru.exhibitions import actions, services
from luutru.lib.commands import OperatorCommand


class Command(OperatorCommand):
    help = "Triển lãm trực tuyến: nạp một triển lãm từ tệp JSON, YAML hoặc TOML."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        load = sub.add_parser("load", help="nạp triển lãm từ tệp")
        load.add_argument("file", help="tệp .json, .yaml/.yml hoặc .toml")
        load.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
        remind = sub.add_parser("remind", help="nhắc ngày kỷ niệm sắp tới chưa có triển lãm")
        remind.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "remind":
            self.remind(json_output=options["json"])
            return
        try:
            spec = services.read_spec(Path(options["file"]))
        except services.SpecError as exc:
            result = actions.LoadResult(errors=[{"code": exc.code, "message": exc.message}])
        else:
            result = actions.load_exhibition(spec, actor=None)
        exhibition = result.exhibition
        payload = {
            "slug": exhibition.slug if exhibition else None,
            "url": reverse("exhibitions:detail", args=[exhibition.slug]) if exhibition else None,
            "items": result.items,
            "errors": result.errors,
        }
        if options["json"]:
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        elif exhibition:
            self.stdout.write(
                f"Đã nạp triển lãm «{exhibition.title}» ({result.items} tài liệu): {payload['url']}"
            )
        else:
            for error in result.errors:
                self.stderr.write(f"[{error['code']}] {error['message']}")
        if not exhibition:
            raise CommandError("Không nạp được triển lãm.", returncode=1)

    def remind(self, *, json_output: bool) -> None:
        due = services.send_reminders()
        if json_output:
            payload = {
                "reminded": [
                    {"date": c.date.isoformat(), "name": c.anniversary.name, "days": c.days}
                    for c in due
                ]
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        else:
            self.stdout.write(f"Đã nhắc {len(due)} ngày kỷ niệm sắp tới.")
