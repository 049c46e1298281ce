"""`luutru digitize FOLDER --dossier CODE [--json]`: a scan batch from a scanning station's folder.

``--resume BATCH`` goes on with one batch here; ``--resume-stalled`` (for a timer) queues again
every batch whose worker stopped reporting, for the task workers.

The folder holds one sub-folder or one file per document, in name order (``2`` before ``10``):
a sub-folder's images are the document's pages in name order; a file (a multi-page TIFF, an
image PDF or a single image) is a whole document. The batch is checked, recognised here with
the cores of this machine, and accepted when no page has an error and every document is
described; otherwise it waits for the operator on the web page, and the command says why
(``needs_description``: the operator confirms number, notation, date, issuer, type, sheets and
condition there, from the suggestions read in the text; ``--resume LÔ`` then accepts it).
"""

from __future__ import annotations

import json
import re
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from luutru.digitization import actions
from luutru.digitization.models import ScanBatch, ScanItem
from luutru.lib.commands import OperatorCommand
from luutru.records.models import Dossier


def natural_key(path: Path) -> list[Any]:
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path.name)]


def _visible(folder: Path) -> list[Path]:
    return sorted((p for p in folder.iterdir() if not p.name.startswith(".")), key=natural_key)


def items_from_folder(folder: Path) -> list[actions.ItemSpec]:
    """One ``ItemSpec`` per sub-folder or file, in natural name order."""
    items = []
    for entry in _visible(folder):
        if entry.is_dir():
            files = [p for p in _visible(entry) if p.is_file()]
            uploads = [actions.Upload(p, f"{entry.name}/{p.name}") for p in files]
            if uploads:
                items.append(actions.ItemSpec(files=uploads))
        elif entry.is_file():
            items.append(actions.ItemSpec(files=[actions.Upload(entry, entry.name)]))
    return items


class Command(OperatorCommand):
    help = "Số hóa một thư mục ảnh quét vào một hồ sơ: nhận dạng chữ, PDF/A, kiểm tra chất lượng."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "folder", nargs="?", help="thư mục ảnh quét (mỗi thư mục con hoặc tệp: một tài liệu)"
        )
        parser.add_argument("--dossier", help="mã hồ sơ nhận các tài liệu số hóa")
        parser.add_argument("--resume", metavar="LÔ", help="nhận dạng tiếp một lô bị dừng")
        parser.add_argument(
            "--resume-stalled",
            action="store_true",
            help="xếp lại vào hàng đợi mọi lô mà tiến trình nhận dạng đã dừng (chạy theo lịch)",
        )
        parser.add_argument("--paper-code", default="", help="mã hồ sơ gốc giấy")
        parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["resume_stalled"]:
            self.resume_stalled(options["json"])
            return
        outcome = self.resume(options["resume"]) if options["resume"] else self.start(options)
        if options["json"]:
            self.stdout.write(json.dumps(outcome, ensure_ascii=False, indent=1))
        else:
            self._print(outcome)
        if not outcome["accepted"]:
            raise SystemExit(1)

    def start(self, options: dict[str, Any]) -> dict[str, Any]:
        if not options["folder"] or not options["dossier"]:
            raise CommandError("Cần THƯ_MỤC và --dossier MÃ_HỒ_SƠ (hoặc --resume LÔ).")
        folder = Path(options["folder"])
        if not folder.is_dir():
            raise CommandError(f"Không tìm thấy thư mục “{folder}”.")
        dossier = Dossier.objects.filter(code=options["dossier"].strip()).first()
        if dossier is None:
            raise CommandError(f"Không có hồ sơ mã “{options['dossier']}”.")
        return self.run(folder, dossier, options["paper_code"])

    def resume_stalled(self, as_json: bool) -> None:
        batches = actions.resume_stalled()
        if as_json:
            resumed = [{"batch": str(b.pk), "name": b.name} for b in batches]
            self.stdout.write(json.dumps({"resumed": resumed}, ensure_ascii=False, indent=1))
            return
        self.stdout.write(f"Đã xếp lại {len(batches)} lô bị dừng vào hàng đợi nhận dạng.")
        for batch in batches:
            self.stdout.write(f"  {batch.pk} {batch.name}: {batch.page_done}/{batch.page_total}")

    def resume(self, batch_id: str) -> dict[str, Any]:
        try:
            batch = ScanBatch.objects.filter(pk=batch_id).first()
        except ValidationError:
            batch = None
        if batch is None:
            raise CommandError(f"Không có lô số hóa {batch_id}.")
        return self.finish(batch)

    def run(self, folder: Path, dossier: Dossier, paper_code: str) -> dict[str, Any]:
        try:
            batch = actions.create_batch(
                dossier,
                items_from_folder(folder),
                actor=None,
                paper_code=paper_code,
                name=folder.name,
                source="folder",
            )
        except actions.BatchInputError as exc:
            return {"accepted": False, "batch": None, "documents": [], "errors": exc.problems}
        return self.finish(batch)

    def finish(self, batch: ScanBatch) -> dict[str, Any]:
        """Recognise what is not done yet, then accept if no page has an error."""
        batch = actions.process_batch(batch.pk)
        if batch.state in {"accepted", "rejected"}:
            return report(batch, [])
        errors: list[dict[str, Any]] = []
        try:
            actions.accept_batch(batch, actor=None)
        except ValidationError as exc:
            undescribed = set(actions.description_problems(batch))
            errors = [
                {"file": "", "code": "needs_description" if m in undescribed else "qa_failed",
                 "message": m}
                for m in exc.messages
            ]  # fmt: skip
        batch.refresh_from_db()
        return report(batch, errors)

    def _print(self, outcome: dict[str, Any]) -> None:
        if outcome["accepted"]:
            self.stdout.write(
                self.style.SUCCESS(f"Đã số hóa {len(outcome['documents'])} tài liệu.")
            )
        else:
            self.stdout.write(self.style.ERROR("Lô số hóa chưa được chấp nhận."))
        for document in outcome["documents"]:
            self.stdout.write(
                f"  {document['file'] or document['code']}: {document['pages']} trang"
            )
            for flag in document["qa"]:
                self.stdout.write(f"    trang {flag['page']} [{flag['code']}] {flag['message']}")
        for error in outcome["errors"]:
            where = f"{error['file']}: " if error.get("file") else ""
            self.stdout.write(f"  Lỗi [{error['code']}] {where}{error['message']}")


def report(batch: ScanBatch, errors: list[dict[str, Any]]) -> dict[str, Any]:
    """The batch in the JSON shape of docs/interfaces.md."""
    documents = []
    items = batch.items.select_related("document", "pdf").prefetch_related("pages")
    for item in items.order_by("position"):
        documents.append(_item_report(item))
    if documents:
        documents[0]["qa"] += [
            {"page": None, "code": f.code, "level": f.level, "message": f.message}
            for f in actions.dossier_flags(batch)
        ]
    return {
        "accepted": batch.state == "accepted",
        "batch": str(batch.pk),
        "documents": documents,
        "errors": errors,
    }


def _item_report(item: ScanItem) -> dict[str, Any]:
    pages = sorted(item.pages.all(), key=lambda p: p.position)
    qa = [
        {"page": p.position, "code": f["code"], "level": f["level"], "message": f["message"]}
        for p in pages
        for f in p.flags
    ]
    qa += [
        {"page": None, "code": f.code, "level": f.level, "message": f.message}
        for f in actions.item_flags(item)
    ]
    return {
        "code": item.document.archival_code if item.document else "",
        "file": item.file_name,
        "pages": len(pages),
        "sha256": item.pdf.sha256 if item.pdf else "",
        "qa": qa,
    }
