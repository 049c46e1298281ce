"""OAI-PMH 2.0 at /oai: public documents as Dublin Core (``oai_dc``) for national portals.

- Records: documents the policy publishes (``publication.public_documents``), listed from the
  register ``OaiRecord`` so that withdrawals are reported: ``deletedRecord`` is
  ``persistent`` — a document that stopped being public or was removed stays in the lists as a
  header with ``status="deleted"`` and the datestamp of its withdrawal.
- Identifiers: ``oai:<OAI_REPOSITORY_ID>:<archival code>``; datestamps to the second, UTC.
- Sets: ``agency`` and ``fonds``, each with one child per code (``agency:000.00.03.H62``,
  ``fonds:H62.003``).
- Lists come ``PAGE_SIZE`` at a time; the resumption token is signed (a forged or damaged one is
  ``badResumptionToken``) and carries the last row id, so a harvest survives new records.
- Errors are exactly the protocol's (section 3.6): badVerb, badArgument,
  cannotDisseminateFormat, idDoesNotExist, noRecordsMatch, badResumptionToken,
  noMetadataFormats. For badVerb and badArgument the request element carries no attributes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import Min, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from lxml import etree

from luutru.lib.ratelimit import per_ip
from luutru.organizations.models import Agency, Fonds
from luutru.portal import publication
from luutru.portal.models import OaiRecord
from luutru.records import codes
from luutru.records.models import Document

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
FORMATS = {"oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC)}
PAGE_SIZE = 100
TOKEN_SALT = "luutru.portal.oai"  # noqa: S105 - a signing namespace, not a secret
TOKEN_DAYS = 2

# verb → (required, optional) arguments; resumptionToken is exclusive where allowed.
VERBS: dict[str, tuple[set[str], set[str]]] = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
}
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
LANGUAGES = {"01": "vi", "02": "en", "03": "fr", "04": "ru", "05": "zh", "09": "vi-Hani"}


class OaiError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def repository_id() -> str:
    return str(getattr(settings, "OAI_REPOSITORY_ID", "luutru.local"))


def oai_identifier(code: str) -> str:
    return f"oai:{repository_id()}:{code}"


def code_of(identifier: str) -> str | None:
    prefix = f"oai:{repository_id()}:"
    return identifier[len(prefix) :] if identifier.startswith(prefix) else None


def utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------------------------------
# The response envelope


def q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def envelope(request: HttpRequest, arguments: dict[str, str] | None) -> etree._Element:
    root = etree.Element(q(OAI, "OAI-PMH"), nsmap={None: OAI, "xsi": XSI})
    root.set(q(XSI, "schemaLocation"), f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd")
    etree.SubElement(root, q(OAI, "responseDate")).text = utc(timezone.now())
    request_el = etree.SubElement(root, q(OAI, "request"))
    request_el.text = request.build_absolute_uri(reverse("portal:oai"))
    for name, value in (arguments or {}).items():
        request_el.set(name, value)
    return root


def xml_response(root: etree._Element) -> HttpResponse:
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return HttpResponse(body, content_type="text/xml; charset=utf-8")


def _arguments(request: HttpRequest) -> QueryDict:
    return request.POST if request.method == "POST" else request.GET


@csrf_exempt
@per_ip("oai", "OAI_PER_MINUTE")
@require_http_methods(["GET", "HEAD", "POST"])
def endpoint(request: HttpRequest) -> HttpResponse:
    params = _arguments(request)
    verbs = params.getlist("verb")
    if len(verbs) != 1 or verbs[0] not in VERBS:
        return error(
            request, None, "badVerb", "Thiếu tham số verb, verb lặp lại hoặc không hợp lệ."
        )
    verb = verbs[0]
    required, optional = VERBS[verb]
    given = set(params.keys()) - {"verb"}
    problems = []
    if given - required - optional:
        problems.append(f"tham số không hợp lệ: {', '.join(sorted(given - required - optional))}")
    if any(len(params.getlist(name)) > 1 for name in given):
        problems.append("tham số lặp lại")
    if "resumptionToken" in given:
        if given != {"resumptionToken"}:
            problems.append("resumptionToken phải đứng một mình")
    elif required - given:
        problems.append(f"thiếu tham số: {', '.join(sorted(required - given))}")
    if problems:
        return error(request, None, "badArgument", "; ".join(problems).capitalize() + ".")
    arguments: dict[str, str] = {"verb": verb}
    arguments.update({name: str(params[name]) for name in sorted(given)})
    try:
        root = envelope(request, arguments)
        HANDLERS[verb](request, root, arguments)
    except OaiError as exc:
        bare = exc.code in {"badArgument", "badVerb"}
        return error(request, None if bare else arguments, exc.code, exc.message)
    return xml_response(root)


def error(
    request: HttpRequest, arguments: dict[str, str] | None, code: str, message: str
) -> HttpResponse:
    root = envelope(request, arguments)
    node = etree.SubElement(root, q(OAI, "error"), code=code)
    node.text = message
    return xml_response(root)


# ---------------------------------------------------------------------------------------------
# Verbs


def identify(request: HttpRequest, root: etree._Element, args: dict[str, str]) -> None:
    node = etree.SubElement(root, q(OAI, "Identify"))
    earliest = OaiRecord.objects.aggregate(first=Min("datestamp"))["first"] or timezone.now()
    for name, value in (
        ("repositoryName", settings.SITE_NAME),
        ("baseURL", request.build_absolute_uri(reverse("portal:oai"))),
        ("protocolVersion", "2.0"),
        (
            "adminEmail",
            settings.DEFAULT_FROM_EMAIL
            if "." in settings.DEFAULT_FROM_EMAIL
            else "luutru@example.vn",
        ),
        ("earliestDatestamp", utc(earliest)),
        ("deletedRecord", "persistent"),
        ("granularity", "YYYY-MM-DDThh:mm:ssZ"),
    ):
        etree.SubElement(node, q(OAI, name)).text = value


def list_metadata_formats(request: HttpRequest, root: etree._Element, args: dict[str, str]) -> None:
    if "identifier" in args:
        _record_for(args["identifier"])  # idDoesNotExist when unknown
    node = etree.SubElement(root, q(OAI, "ListMetadataFormats"))
    for prefix, (schema, namespace) in FORMATS.items():
        fmt = etree.SubElement(node, q(OAI, "metadataFormat"))
        etree.SubElement(fmt, q(OAI, "metadataPrefix")).text = prefix
        etree.SubElement(fmt, q(OAI, "schema")).text = schema
        etree.SubElement(fmt, q(OAI, "metadataNamespace")).text = namespace


def list_sets(request: HttpRequest, root: etree._Element, args: dict[str, str]) -> None:
    if "resumptionToken" in args:
        raise OaiError("badResumptionToken", "Danh sách tập không chia trang: mã tiếp tục sai.")
    live = OaiRecord.objects.live()
    agency_codes = set(live.values_list("agency_code", flat=True)) - {""}
    fonds_codes = set(live.values_list("fonds_code", flat=True)) - {""}
    node = etree.SubElement(root, q(OAI, "ListSets"))

    def add(spec: str, name: str) -> None:
        item = etree.SubElement(node, q(OAI, "set"))
        etree.SubElement(item, q(OAI, "setSpec")).text = spec
        etree.SubElement(item, q(OAI, "setName")).text = name

    add("agency", "Theo cơ quan, tổ chức")
    for code, name in (
        Agency.objects.filter(code__in=agency_codes).order_by("code").values_list("code", "name")
    ):
        add(f"agency:{code}", name)
    add("fonds", "Theo phông lưu trữ")
    for code, name in (
        Fonds.objects.filter(code__in=fonds_codes).order_by("code").values_list("code", "name")
    ):
        add(f"fonds:{code}", name)


def get_record(request: HttpRequest, root: etree._Element, args: dict[str, str]) -> None:
    _check_prefix(args["metadataPrefix"])
    record = _record_for(args["identifier"])
    node = etree.SubElement(root, q(OAI, "GetRecord"))
    documents = _documents([record])
    _append_record(request, node, record, documents.get(record.document_id or 0), True)


def list_identifiers(request: HttpRequest, root: etree._Element, args: dict[str, str]) -> None:
    _list(request, root, args, with_metadata=False)


def list_records(request: HttpRequest, root: etree._Element, args: dict[str, str]) -> None:
    _list(request, root, args, with_metadata=True)


HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}


# ---------------------------------------------------------------------------------------------
# Lists and resumption tokens


@dataclass(frozen=True)
class Selection:
    prefix: str
    start: str  # "" or a datestamp argument as given
    until: str
    set_spec: str
    after: int = 0  # last OaiRecord id sent
    cursor: int = 0  # how many were sent before this page

    def token(self, after: int, cursor: int) -> str:
        payload = [self.prefix, self.start, self.until, self.set_spec, after, cursor]
        return signing.dumps(payload, salt=TOKEN_SALT, compress=True)


def _read_token(token: str) -> Selection:
    try:
        prefix, start, until, set_spec, after, cursor = signing.loads(
            token, salt=TOKEN_SALT, max_age=dt.timedelta(days=TOKEN_DAYS)
        )
        return Selection(
            str(prefix), str(start), str(until), str(set_spec), int(after), int(cursor)
        )
    except (signing.BadSignature, ValueError, TypeError):
        raise OaiError(
            "badResumptionToken", "Mã tiếp tục (resumptionToken) không hợp lệ hoặc đã hết hạn."
        ) from None


def _moment(value: str, *, end: bool) -> dt.datetime:
    if SECOND.match(value):
        try:
            return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
        except ValueError:
            pass
    elif DAY.match(value):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
            return moment.replace(tzinfo=dt.UTC, microsecond=999999 if end else 0)
    raise OaiError(
        "badArgument",
        f"Ngày “{value}” không hợp lệ: dùng YYYY-MM-DD hoặc YYYY-MM-DDThh:mm:ssZ.",
    )


def _selected(selection: Selection) -> QuerySet[OaiRecord]:
    records = OaiRecord.objects.all()
    if selection.start:
        records = records.filter(datestamp__gte=_moment(selection.start, end=False))
    if selection.until:
        until = _moment(selection.until, end=True)
        if SECOND.match(selection.until):
            until = until.replace(microsecond=999999)
        records = records.filter(datestamp__lte=until)
    if selection.set_spec:
        kind, _, code = selection.set_spec.partition(":")
        if kind == "agency":
            records = records.filter(agency_code=code) if code else records.exclude(agency_code="")
        elif kind == "fonds":
            records = records.filter(fonds_code=code) if code else records.exclude(fonds_code="")
        else:
            records = records.none()
    return records


def _list(
    request: HttpRequest, root: etree._Element, args: dict[str, str], *, with_metadata: bool
) -> None:
    if "resumptionToken" in args:
        selection = _read_token(args["resumptionToken"])
    else:
        selection = Selection(
            args["metadataPrefix"], args.get("from", ""), args.get("until", ""), args.get("set", "")
        )
        if (
            selection.start
            and selection.until
            and bool(DAY.match(selection.start)) != bool(DAY.match(selection.until))
        ):
            raise OaiError("badArgument", "from và until phải cùng độ chi tiết thời gian.")
    _check_prefix(selection.prefix)
    records = _selected(selection)
    total = records.count()
    page = list(records.filter(pk__gt=selection.after).order_by("pk")[:PAGE_SIZE])
    if not page:
        if selection.after:
            raise OaiError("badResumptionToken", "Mã tiếp tục không còn khớp với danh sách.")
        raise OaiError("noRecordsMatch", "Không có bản ghi nào khớp điều kiện.")
    node = etree.SubElement(root, q(OAI, "ListRecords" if with_metadata else "ListIdentifiers"))
    documents = _documents(page)
    for record in page:
        if with_metadata:
            _append_record(request, node, record, documents.get(record.document_id or 0), True)
        else:
            _append_header(node, record, _is_live(record, documents))
    sent = selection.cursor + len(page)
    if sent < total or selection.after:
        token = etree.SubElement(node, q(OAI, "resumptionToken"))
        token.set("cursor", str(selection.cursor))
        token.set("completeListSize", str(total))
        if sent < total:
            expires = timezone.now() + dt.timedelta(days=TOKEN_DAYS)
            token.set("expirationDate", utc(expires))
            token.text = selection.token(page[-1].pk, sent)


# ---------------------------------------------------------------------------------------------
# Records


def _check_prefix(prefix: str) -> None:
    if prefix not in FORMATS:
        raise OaiError(
            "cannotDisseminateFormat", f"Không hỗ trợ định dạng “{prefix}”; dùng oai_dc."
        )


def _record_for(identifier: str) -> OaiRecord:
    code = code_of(identifier)
    record = OaiRecord.objects.filter(code=code).first() if code else None
    if record is None:
        raise OaiError("idDoesNotExist", f"Không có bản ghi “{identifier}” trong kho.")
    return record


def _documents(records: Iterable[OaiRecord]) -> dict[int, Document]:
    """The still-public documents behind these records, in one query (the policy decides)."""
    ids = [r.document_id for r in records if r.document_id and not r.deleted]
    found = publication.public_documents().filter(pk__in=ids).select_related("agency", "dossier")
    return {d.pk: d for d in found}


def _is_live(record: OaiRecord, documents: dict[int, Document]) -> bool:
    """Live if the register says so and the policy still publishes the document (a change the
    signals missed shows as deleted, never as a leak)."""
    return not record.deleted and bool(record.document_id) and record.document_id in documents


def _append_header(parent: etree._Element, record: OaiRecord, live: bool) -> etree._Element:
    header = etree.SubElement(parent, q(OAI, "header"))
    if not live:
        header.set("status", "deleted")
    etree.SubElement(header, q(OAI, "identifier")).text = oai_identifier(record.code)
    etree.SubElement(header, q(OAI, "datestamp")).text = utc(record.datestamp)
    for kind, code in (("agency", record.agency_code), ("fonds", record.fonds_code)):
        if code:
            etree.SubElement(header, q(OAI, "setSpec")).text = f"{kind}:{code}"
    return header


def _append_record(
    request: HttpRequest,
    parent: etree._Element,
    record: OaiRecord,
    document: Document | None,
    with_metadata: bool,
) -> None:
    node = etree.SubElement(parent, q(OAI, "record"))
    live = document is not None and not record.deleted
    _append_header(node, record, live)
    if live and with_metadata and document is not None:
        metadata = etree.SubElement(node, q(OAI, "metadata"))
        metadata.append(dublin_core(request, document))


def dublin_core(request: HttpRequest, document: Document) -> etree._Element:
    """A document as simple Dublin Core, Vietnamese text with xml:lang."""
    root = etree.Element(q(OAI_DC, "dc"), nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI})
    root.set(q(XSI, "schemaLocation"), f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
    lang = "{http://www.w3.org/XML/1998/namespace}lang"

    def add(name: str, value: Any, *, vietnamese: bool = False) -> None:
        if value in (None, ""):
            return
        element = etree.SubElement(root, q(DC, name))
        element.text = str(value)
        if vietnamese:
            element.set(lang, "vi")

    code = publication.public_code(document)
    notation = "/".join(p for p in (document.number, document.notation) if p)
    add("title", document.summary, vietnamese=True)
    add("creator", document.issuer, vietnamese=True)
    for keyword in filter(None, (k.strip() for k in document.keywords.split(";"))):
        add("subject", keyword, vietnamese=True)
    if notation:
        add("description", f"Số, ký hiệu: {notation}", vietnamese=True)
    add("description", document.description, vietnamese=True)
    add("publisher", document.agency.name, vietnamese=True)
    add("date", document.issued_date.isoformat())
    add("type", "Text")
    add("type", codes.label("document_type", document.doc_type), vietnamese=True)
    add("format", "application/pdf")
    add("identifier", code)
    add("identifier", request.build_absolute_uri(publication.document_url(document)))
    for language in filter(None, (c.strip() for c in document.languages.split(","))):
        add("language", LANGUAGES.get(language, codes.label("language", language)))
    if document.dossier_id:
        add("relation", f"Hồ sơ {document.dossier.code}", vietnamese=True)  # type: ignore[union-attr]
    add("rights", "Công khai (chế độ sử dụng 01)", vietnamese=True)
    return root
