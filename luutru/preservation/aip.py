"""Writing a dossier's AIP_hoso (TT 05/2025 Phụ lục I), or a loose document's AIP_tailieu, to a
folder, and as a BagIt bag.

Layout (E-ARK CSIP family, ``docs/packages.md``)::

    <package>/METS.xml                                   csip:OAISPACKAGETYPE="AIP"
    <package>/metadata/descriptive/EAD.xml               the dossier (<simpledc>)
    <package>/metadata/preservation/PREMIS.xml           the dossier, its representations, events
    <package>/representations/rep1/METS.xml              the files as received (originals)
    <package>/representations/rep1/data/<mã lưu trữ>.<ext>
    <package>/representations/rep1/metadata/descriptive/EAD_doc_<mã lưu trữ>.xml
    <package>/representations/rep1/metadata/preservation/PREMIS_rep1.xml
    <package>/representations/rep2/…                     preservation copies (PDF/A), if any
    <package>/schemas/mets.xsd, xlink.xsd, DILCISExtensionMETS.xsd, premis-v3-0.xsd

An AIP_tailieu has the same layout for its one document: ``metadata/descriptive/EAD.xml`` is the
package header of the SIP_tailieu it came in (Phụ lục IV: mã gói tin, title, source, totalDoc,
description; ``descriptive.tailieu_header``), whose mã gói tin is also the METS
``altRecordID TYPE="SIP_tailieu"``, and the content type is ``TT05/2025-AIP_tailieu``.

The package folder is named by the AIP's UUID (``AIP_hoso-<UUID>``, ``AIP_tailieu-<UUID>``);
its METS OBJID is the TT 05 ``urn:<mã phông>:uuid:<UUID>``, which has colons a folder name on
many systems cannot hold (TT05-OBJID; the E-ARK validator only warns, CSIPSTR: folder name
SHOULD equal OBJID).
Every file copied out of storage is hashed on the way and must match its recorded SHA-256.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import shutil
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import bagit
from django.utils import timezone

from luutru.preservation import descriptive, mets, premis
from luutru.preservation.actions import ensure_aip
from luutru.preservation.models import Aip, PremisEvent
from luutru.records.models import DescriptionChange, Document, DocumentFile, Dossier, FileRole
from luutru.storage.backends import CHUNK, StorageError
from luutru.storage.models import StoredFile
from luutru.storage.services import open_stored

SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"
SCHEMA_FILES = ("mets.xsd", "xlink.xsd", "DILCISExtensionMETS.xsd", "premis-v3-0.xsd")
SOFTWARE = mets.Agent(
    name="Lưu trữ số (luutru)",
    type="OTHER",
    other_type="SOFTWARE",
    note="1.0",
    note_type="SOFTWARE VERSION",
)
REPRESENTATIONS = {
    FileRole.ORIGINAL: "rep1",
    FileRole.PROCESS_TRAIL: "rep1",
    FileRole.DERIVATIVE: "rep2",
}


@dataclass
class PackedFile:
    """A stored file as it sits in the package."""

    row: DocumentFile
    stored: StoredFile
    rep: str
    name: str

    @property
    def identifier(self) -> str:
        return f"representations/{self.rep}/data/{self.name}"


@dataclass
class AipResult:
    path: Path
    objid: str
    files: list[PackedFile] = field(default_factory=list)


def folder_name(aip: Aip) -> str:
    return f"{aip.form}-{str(aip.uuid).upper()}"


Held = Dossier | Document  # what an AIP is of: a dossier, or a loose document


def title_of(held: Held) -> str:
    return held.title if isinstance(held, Dossier) else held.summary


def package_header(document: Document) -> dict[str, str]:
    """The header of the SIP_tailieu a loose document came in (empty for other packages)."""
    for header in document.transfers.order_by("created_at").values_list("header", flat=True):
        if header:
            return {str(k): str(v) for k, v in header.items()}
    return {}


def write_aip(held: Held, target: Path) -> AipResult:
    """Write the AIP of a dossier (AIP_hoso) or of a loose document (AIP_tailieu) as a folder
    inside ``target``; the folder is returned. A filed document travels in its dossier's AIP,
    which is what is written for it."""
    if isinstance(held, Document) and held.dossier_id is not None:
        held = Dossier.objects.select_related("agency", "fonds").get(pk=held.dossier_id)
    aip = ensure_aip(held)
    root = target / folder_name(aip)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    now = timezone.now()
    content_type = mets.CONTENT_TYPE_TAILIEU if isinstance(held, Document) else mets.CONTENT_TYPE
    header = package_header(held) if isinstance(held, Document) else {}
    title = title_of(held)
    # Only the software may be ROLE="CREATOR" (CSIP12-16); the records' agency owns the package.
    organisation = mets.Agent(
        name=held.agency.name,
        role="IPOWNER",
        note=held.agency.code,
        note_type="IDENTIFICATIONCODE",
    )
    agents = [SOFTWARE, organisation]
    if aip.custodian:  # custody moved (nộp lưu vào lưu trữ lịch sử): who keeps it now
        agents.append(
            mets.Agent(
                name=aip.custodian,
                role="CUSTODIAN",
                note=aip.custodian_code,
                note_type="IDENTIFICATIONCODE" if aip.custodian_code else "",
            )
        )
    files = _pack_files(held, root)
    happened = (
        PremisEvent.objects.of_document(held)
        if isinstance(held, Document)
        else PremisEvent.objects.of_dossier(held)
    )
    events = list(happened.select_related("stored_file", "result_file"))
    representations = []
    for rep in sorted({f.rep for f in files}):
        rep_files = [f for f in files if f.rep == rep]
        representations.append(
            _write_representation(
                root, aip, title, rep, rep_files, files, events, agents, now, content_type
            )
        )
    record = (
        descriptive.tailieu_header(header, held)
        if isinstance(held, Document)
        else descriptive.dossier_record(held)
    )
    descriptive_entry = _write(root, "metadata/descriptive/EAD.xml", record, "dmd-ead", now)
    premis_entry = _write(
        root,
        "metadata/preservation/PREMIS.xml",
        _package_premis(aip, held, files, events),
        "premis-root",
        now,
    )
    documentation = [
        _write(
            root,
            "documentation/goi-luu-tru.txt",
            _profile_note(aip, held, header),
            "file-doc-1",
            now,
            mime="text/plain",
        )
    ]
    schemas = []
    for number, name in enumerate(SCHEMA_FILES, start=1):
        schemas.append(
            _write(
                root,
                f"schemas/{name}",
                (SCHEMAS_DIR / name).read_bytes(),
                f"file-schema-{number}",
                now,
                mime="text/xml",
            )
        )
    parts = mets.PackageParts(
        objid=aip.objid,
        label=title,
        content_type=content_type,
        alt_ids=[("SIP_tailieu", header["fileCode"])] if header.get("fileCode") else [],
        created=now,
        agents=agents,
        descriptive=[descriptive_entry],
        preservation=[premis_entry],
        schemas=schemas,
        documentation=documentation,
        representations=representations,
    )
    (root / "METS.xml").write_bytes(mets.package_mets(parts))
    return AipResult(path=root, objid=aip.objid, files=files)


def _profile_note(aip: Aip, held: Held, header: dict[str, str]) -> bytes:
    """documentation/: what this package is and how it departs from E-ARK CSIP."""
    custody = f"\nĐơn vị bảo quản: {aip.custodian}" if aip.custodian else ""
    if isinstance(held, Dossier):
        what = f"""Gói lưu trữ (AIP_hoso) theo Thông tư 05/2025/TT-BNV, Phụ lục I
Hồ sơ: {held.code} — {held.title}"""
        ead = "siêu dữ liệu hồ sơ"
    else:
        code = held.archival_code or held.identifier or f"#{held.pk}"
        what = f"""Gói lưu trữ tài liệu chưa lập hồ sơ (AIP_tailieu) theo Thông tư 05/2025/TT-BNV
Tài liệu: {code} — {held.summary}"""
        if header:
            what += (
                f"\nGói tin nộp lưu (SIP_tailieu): {header.get('fileCode', '')} — "
                f"{header.get('title', '')}; số tài liệu khai: {header.get('totalDoc', '')}"
            )
        ead = "tiêu đề gói tài liệu theo Phụ lục IV"
    text = f"""{what}
Mã gói (OBJID): {aip.objid}
Cơ quan lập hồ sơ: {held.agency.name} ({held.agency.code})
Phiên bản gói: {aip.version}{custody}

Cấu trúc theo E-ARK CSIP 2.0: METS.xml; metadata/descriptive/EAD.xml ({ead},
thẻ gốc <simpledc>); metadata/preservation/PREMIS.xml; representations/rep1 (tệp nhận khi
nộp lưu, kèm EAD_doc_<mã lưu trữ>.xml cho từng tài liệu — EAD_pic_ cho phim, ảnh,
EAD_media_ cho ghi âm, ghi hình — và PREMIS_rep1.xml);
representations/rep2 (bản chuyển đổi để bảo quản, PDF/A, nếu có); schemas/ (các lược đồ XSD).
Mã kiểm tra: SHA-256. Thời gian: ISO 8601, múi giờ +07:00.

Điểm khác E-ARK CSIP theo TT 05/2025:
- TT05-EAD: siêu dữ liệu mô tả là bản ghi <simpledc> của TT 05 nhưng khai MDTYPE="EAD".
- TT05-OBJID: OBJID dạng urn:<mã phông>:uuid:<UUID>; thư mục gói đặt tên {aip.form}-<UUID>
  vì dấu ":" không dùng được trong tên thư mục trên nhiều hệ điều hành.
- TT05-DATES: mọi thời điểm ghi kèm múi giờ +07:00.
"""
    return text.encode("utf-8")


def _pack_files(held: Held, root: Path) -> list[PackedFile]:
    mine = (
        DocumentFile.objects.filter(document=held)
        if isinstance(held, Document)
        else DocumentFile.objects.filter(document__dossier=held)
    )
    rows = mine.select_related("stored", "document").order_by(
        "document__ordinal", "document_id", "pk"
    )
    packed: list[PackedFile] = []
    used: set[tuple[str, str]] = set()
    for row in rows:
        rep = REPRESENTATIONS.get(FileRole(row.role), "rep1")
        stem = row.document.archival_code or f"tai-lieu-{row.document_id}"
        suffix = PurePosixPath(row.name).suffix.lower() or ".bin"
        name, counter = f"{stem}{suffix}", 2
        while (rep, name) in used:
            name, counter = f"{stem}-{counter}{suffix}", counter + 1
        used.add((rep, name))
        item = PackedFile(row=row, stored=row.stored, rep=rep, name=name)
        _copy_verified(item.stored, root / item.identifier)
        packed.append(item)
    return packed


def _copy_verified(stored: StoredFile, target: Path) -> None:
    """Copy a blob out of storage, hashing it on the way: a bad copy never leaves silently."""
    target.parent.mkdir(parents=True, exist_ok=True)
    hasher = hashlib.sha256()
    with open_stored(stored.sha256) as source, target.open("wb") as out:
        while chunk := source.read(CHUNK):
            hasher.update(chunk)
            out.write(chunk)
    if hasher.hexdigest() != stored.sha256:
        raise StorageError(
            f"Tệp {stored.sha256} trong kho không khớp mã SHA-256; hãy chạy luutru fixity."
        )


def _write(
    root: Path,
    relative: str,
    data: bytes,
    entry_id: str,
    created: datetime.datetime,
    *,
    mime: str = "text/xml",
    base: str = "",
) -> mets.FileEntry:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    href = relative[len(base) :] if base and relative.startswith(base) else relative
    return mets.FileEntry(
        id=entry_id,
        href=href,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        mime=mime,
        created=created,
    )


def _agent_records(events: Iterable[PremisEvent]) -> list[premis.AgentRecord]:
    seen: dict[str, premis.AgentRecord] = {}
    for item in events:
        seen.setdefault(item.agent, premis.AgentRecord(item.agent, item.agent, item.agent_type))
    seen.setdefault(SOFTWARE.name, premis.AgentRecord(SOFTWARE.name, SOFTWARE.name, "software"))
    return list(seen.values())


def _event_record(item: PremisEvent, object_ids: list[str]) -> premis.EventRecord:
    return premis.EventRecord(
        identifier=str(item.identifier),
        type=item.event_type,
        date_time=item.date_time,
        detail=item.detail,
        outcome=item.outcome,
        outcome_detail=item.outcome_detail,
        agent_id=item.agent,
        object_ids=object_ids,
    )


def _last_fixity(stored: StoredFile, identifier: str) -> premis.EventRecord | None:
    """The file's last successful audit, from its row (checks that found nothing wrong are
    not kept one by one: millions of files times a check every 90 days)."""
    if stored.checked_at is None or stored.fixity_status not in {"ok", "repaired"}:
        return None
    return premis.EventRecord(
        identifier=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{stored.sha256}:{stored.checked_at}")),
        type="fixity check",
        date_time=stored.checked_at,
        detail="Tính lại SHA-256 của bản trong kho chính và bản trong kho dự phòng.",
        outcome="success",
        outcome_detail="Hai bản khớp mã SHA-256 đã ghi.",
        agent_id=SOFTWARE.name,
        object_ids=[identifier],
    )


def _write_representation(
    root: Path,
    aip: Aip,
    title: str,
    rep: str,
    files: list[PackedFile],
    all_files: list[PackedFile],
    events: list[PremisEvent],
    agents: list[mets.Agent],
    now: datetime.datetime,
    content_type: str,
) -> mets.Representation:
    base = f"representations/{rep}/"
    by_sha: dict[str, list[str]] = defaultdict(list)
    for item in files:
        by_sha[item.stored.sha256].append(item.identifier)
    source_of: dict[str, str] = {}
    records: list[premis.EventRecord] = []
    for happened in events:
        ids = []
        if happened.stored_file is not None:
            ids += by_sha.get(happened.stored_file.sha256, [])
        if happened.result_file is not None:
            ids += by_sha.get(happened.result_file.sha256, [])
            source = _packed(happened.stored_file, all_files)
            if source is not None:
                source_of[happened.result_file.sha256] = source.identifier
        if ids:
            records.append(_event_record(happened, ids))
    objects = []
    for item in files:
        last = _last_fixity(item.stored, item.identifier)
        if last is not None:
            records.append(last)
        linked = [r.identifier for r in records if item.identifier in r.object_ids]
        objects.append(
            premis.file_object(
                premis.FileObject(
                    identifier=item.identifier,
                    size=item.stored.size,
                    sha256=item.stored.sha256,
                    format_name=item.stored.format_name or item.stored.mime,
                    puid=item.stored.puid,
                    original_name=item.row.name,
                    derived_from=source_of.get(item.stored.sha256, ""),
                    event_ids=linked,
                    technical=item.row.technical,
                )
            )
        )
    premis_bytes = premis.document(
        objects,
        [premis.event(r) for r in records],
        [premis.agent(a) for a in _agent_records(events)],
        schemas="../../../../schemas",
    )
    preservation = _write(
        root,
        f"{base}metadata/preservation/PREMIS_{rep}.xml",
        premis_bytes,
        f"premis-{rep}",
        now,
        base=base,
    )
    evidence = _signature_files(root, base, files, now)
    descriptive_entries = []
    if rep == "rep1":
        documents = sorted(
            {f.row.document.pk: f.row.document for f in files}.values(),
            key=lambda d: (d.ordinal or 0, d.pk),
        )
        for number, document in enumerate(documents, start=1):
            name = document.archival_code or f"tai-lieu-{document.pk}"
            descriptive_entries.append(
                _write(
                    root,
                    f"{base}metadata/descriptive/{descriptive.record_prefix(document)}_{name}.xml",
                    descriptive.document_record(document),
                    f"doc-{number}",
                    now,
                    base=base,
                )
            )
    data = [
        mets.FileEntry(
            id=f"file-{rep}-{number}",
            href=f"data/{item.name}",
            size=item.stored.size,
            sha256=item.stored.sha256,
            mime=item.stored.mime or "application/octet-stream",
            created=item.stored.created_at,
        )
        for number, item in enumerate(files, start=1)
    ]
    body = mets.representation_mets(
        f"{aip.objid}-{rep}",
        title,
        now,
        agents,
        descriptive_entries,
        [preservation, *evidence],
        data,
        content_type,
    )
    entry = _write(root, f"{base}METS.xml", body, f"file-{rep}-mets", now)
    return mets.Representation(name=rep, mets=entry)


def _signature_files(
    root: Path, base: str, files: list[PackedFile], now: datetime.datetime
) -> list[mets.FileEntry]:
    """Each signed file's signature verdicts with their evidence (CMS, certificates, timestamp,
    DSS revocation data), as verified on ingest: the AIP alone lets the verdict be checked
    again without the network, after the certificates have expired."""
    entries = []
    for number, item in enumerate(files, start=1):
        if not item.row.signatures:
            continue
        body = json.dumps(
            {"file": item.identifier, "sha256": item.stored.sha256,
             "signatures": item.row.signatures},
            ensure_ascii=False, indent=1,
        ).encode("utf-8")  # fmt: skip
        entries.append(
            _write(
                root,
                f"{base}metadata/preservation/signatures/{item.name}.json",
                body,
                f"signatures-{item.rep}-{number}",
                now,
                mime="application/json",
                base=base,
            )
        )
    return entries


def _packed(stored: StoredFile | None, files: list[PackedFile]) -> PackedFile | None:
    for item in files:
        if stored is not None and item.stored.sha256 == stored.sha256:
            return item
    return None


def _package_premis(
    aip: Aip, held: Held, files: list[PackedFile], events: list[PremisEvent]
) -> bytes:
    # The package's own events: the dossier's, or the document's (also those a filed document
    # had while it was loose, which travel on in its dossier's package).
    own = [e for e in events if e.dossier_id is not None or e.document_id is not None]
    reps = sorted({f.rep for f in files})
    objects = [premis.entity_object(aip.objid, title_of(held))]
    for rep in reps:
        objects.append(
            premis.representation_object(
                f"representations/{rep}", [f.identifier for f in files if f.rep == rep]
            )
        )
    records = [_event_record(e, [aip.objid]) for e in own]
    corrections = description_events(held, aip.objid)
    records += corrections
    agents = {a.identifier: a for a in _agent_records(own)}
    for item in corrections:
        agents.setdefault(item.agent_id, premis.AgentRecord(item.agent_id, item.agent_id, "person"))
    return premis.document(
        objects, [premis.event(r) for r in records], [premis.agent(a) for a in agents.values()]
    )


def description_events(held: Held, objid: str) -> list[premis.EventRecord]:
    """Archivists' corrections of the dossier's description and its documents' (records'
    ``DescriptionChange`` rows, one PREMIS "metadata modification" event per action).

    Read from the records' history when the package is built rather than copied into
    ``PremisEvent`` rows: records sits below preservation and cannot write its tables, and one
    history cannot drift from a copy of it.
    """
    batches: dict[object, list[DescriptionChange]] = defaultdict(list)
    changes = (
        DescriptionChange.objects.filter(document=held)
        if isinstance(held, Document)
        else DescriptionChange.objects.of_dossier(held)
    )
    for change in changes.order_by("changed_at", "pk"):
        batches[change.batch].append(change)
    events = []
    for batch, rows in batches.items():
        first = rows[0]
        events.append(premis.EventRecord(
            identifier=str(batch), type="metadata modification", date_time=first.changed_at,
            detail=f"{first.get_kind_display()}: "
            + ", ".join(dict.fromkeys(r.label for r in rows)),
            outcome="success",
            outcome_detail=f"Lý do: {first.reason}\n"
            + "\n".join(f"{r.label}: {r.before or '—'} → {r.after or '—'}" for r in rows),
            agent_id=first.actor_name, object_ids=[objid],
        ))  # fmt: skip
    return events


def zip_folder(folder: Path, target: Path) -> Path:
    """A zip whose single top folder is ``folder`` (how packages travel, TT 05)."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, PurePosixPath(folder.name, *path.relative_to(folder).parts))
    return target


def zip_aip(held: Held, work: Path) -> Path:
    """The dossier's (or loose document's) AIP as it is now, zipped inside ``work``."""
    folder = write_aip(held, work).path
    target = zip_folder(folder, work / f"{folder.name}.zip")
    shutil.rmtree(folder)
    return target


def write_bag(held: Held, target: Path) -> Path:
    """A BagIt bag (SHA-256 manifest) whose payload is the dossier's (or document's) AIP."""
    result = write_aip(held, target)
    bag_dir = target / f"{result.path.name}-bag"
    if bag_dir.exists():
        shutil.rmtree(bag_dir)
    result.path.rename(bag_dir)
    bagit.make_bag(
        str(bag_dir),
        {
            "Source-Organization": held.agency.name,
            "External-Identifier": result.objid,
            "External-Description": title_of(held),
        },
        checksums=["sha256"],
    )
    return bag_dir
