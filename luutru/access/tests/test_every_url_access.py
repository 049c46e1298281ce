"""Every URL of the project, asked for a restricted record by callers who may not use it.

The walk covers every pattern ``get_resolver()`` knows, so a new page, API endpoint, file
download, thumbnail, IIIF or OAI response is tried the day it is added. Each URL parameter is
filled from ``PARAMETERS`` with the identifiers of restricted records (a conditional-use dossier
and document, a secret document, another reader's request, reading copy and copy); a parameter
that table does not know FAILS the test until someone says what it identifies. Every URL also
gets words of the restricted title in ``?q=`` (search pages) and its code in ``?ma=``.

Callers: an anonymous visitor, a reader without a grant, and a clerk of another agency. For a
URL with parameters the answer must be 403, 404, 405 or a redirect to the sign-in page; for any
URL, the restricted title, summary, file digest and file bytes never appear in the body or the
headers.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any, ClassVar

from django.http import HttpResponseBase
from django.urls import URLPattern, URLResolver, get_resolver

from luutru.access import actions
from luutru.access.models import AccessRequest, DeliveryForm, Purpose
from luutru.access.tests.helpers import attach_pdf, demo_signing, small_pdf
from luutru.accounts.models import Reader, User
from luutru.exhibitions.models import Exhibition, State
from luutru.portal.files import WIDTHS as IIIF_WIDTHS
from luutru.records.models import Document, Dossier
from luutru.records.tests.factory import make_document, make_dossier
from luutru.retention import actions as retention
from luutru.retention.models import Appraisal, Hold, HoldKind, Secrecy, SecrecyLevel
from luutru.search import services as search
from luutru.test import BaseTestCase, make_user

TITLE = "Hồ sơ hạn chế đền bù ABC-8812"
SUMMARY = "Quyết định hạn chế về đền bù XYZ-5521"
SECRET_SUMMARY = "Công văn mật về quốc phòng QPM-4410"
FILE_TEXT = "BẢN GỐC HẠN CHẾ 9904"

# What each URL parameter may identify, as names of attributes of the test (see ``values``).
# A new URL whose parameter is not here fails ``test_every_parameter_is_known``: add it, with
# the restricted identifiers it can take.
PARAMETERS: dict[str, tuple[str, ...]] = {
    "pk": (
        "document_pk",
        "dossier_pk",
        "request_pk",
        "reader_pk",
        "one",
        "uuid",
        # Retention: a round listing the restricted dossier, a hold on it, its secrecy.
        "appraisal_pk",
        "hold_pk",
        "secrecy_pk",
        # Exhibitions: one that (still) lists the restricted document as an item.
        "exhibition_pk",
    ),
    "code": ("dossier_code", "document_code", "secret_code"),
    "token": ("reading_token", "copy_token", "forged_token"),
    "document": ("document_pk", "secret_pk"),
    "page": ("one",),
    # A document's place in a scan batch (digitization), with the batch's uuid as pk.
    "position": ("one",),
    # IIIF page images of a document (portal): page numbers and widths, with the code above.
    "number": ("one",),
    "width": ("iiif_width",),
    "entry_pk": ("one",),
    "username": ("other_username",),
    "uidb64": ("uidb64",),
    "rest": ("api_document", "api_dossier"),
    # A transfer (lần nộp lưu) in the API: a UUID.
    "id": ("uuid",),
    # Exhibitions (triển lãm): its address, a chapter, an item, a state change.
    "slug": ("exhibition_slug",),
    "section": ("section_pk",),
    "item": ("item_pk",),
    "step": ("exhibition_step",),
}
# Routes whose parameters identify no record (checked for leaks, not for their status).
NO_RECORD = {
    "tai-khoan/dat-lai-mat-khau/<uidb64>/<token>/",
    # A published exhibition is public: its pages answer 200, without its restricted item.
    "trien-lam/<slug:slug>/",
    "trien-lam/<slug:slug>/nhung/",
    "api/v1/exhibitions/<slug>",
}
PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
ALLOWED = {403, 404, 405}
# The API refuses a value of the wrong shape (a dossier code where an agency code goes) with 422
# before any lookup, and a call without the token an endpoint needs (transfers) with 401: neither
# says anything about which records exist.
ALLOWED_API = ALLOWED | {401, 422}


def routes(
    patterns: list[URLPattern | URLResolver] | None = None, prefix: str = ""
) -> Iterator[str]:
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from routes(entry.url_patterns, route)
        else:
            yield route


def body_of(response: HttpResponseBase) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content  # type: ignore[attr-defined]


class EveryUrlRefusesRestrictedRecords(BaseTestCase):
    dossier: ClassVar[Dossier]
    document: ClassVar[Document]
    secret: ClassVar[Document]
    other: ClassVar[User]
    reading: ClassVar[AccessRequest]
    copy: ClassVar[AccessRequest]
    pdf: ClassVar[bytes]
    appraisal: ClassVar[Appraisal]
    hold: ClassVar[Hold]
    secrecy: ClassVar[Secrecy]
    exhibition: ClassVar[Exhibition]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        demo_signing()
        cls.dossier = make_dossier(cls.agency_a, 7, title=TITLE, access_regime="02")
        cls.document = make_document(
            cls.agency_a, cls.dossier, 1, summary=SUMMARY, access_regime="02"
        )
        cls.secret = make_document(
            cls.agency_a, cls.dossier, 2, summary=SECRET_SUMMARY, access_regime="03"
        )
        cls.pdf = small_pdf(FILE_TEXT)
        attach_pdf(cls.document, cls.pdf)
        # Another reader holds approved deliveries: their ids and tokens are the bait.
        cls.other = make_user("docgia_co_quyen")
        Reader.objects.create(user=cls.other)
        actions.approve_reader(Reader.objects.get(user=cls.other), actor=cls.archivist)
        made = []
        for form in (DeliveryForm.READING, DeliveryForm.COPY):
            request = actions.submit_request(
                cls.other,
                codes=[cls.document.archival_code],
                purpose=Purpose.OFFICIAL,
                fee_category="standard",
                research_topic="x",
                form=form,
            )
            actions.approve_request(request, actor=cls.head)
            made.append(actions.deliver(request, actor=cls.head))
        cls.reading, cls.copy = made
        # A destruction round, a hold and a secrecy review name the restricted dossier.
        cls.appraisal = Appraisal.objects.create(
            year=2026, agency=cls.agency_a, title="Xét hủy 2026", created_by=cls.archivist
        )
        cls.appraisal.items.create(
            dossier=cls.dossier, code=cls.dossier.code, title=TITLE, retention="04",
            end_date=cls.dossier.end_date, expires=cls.dossier.end_date,
        )  # fmt: skip
        cls.hold = retention.place_hold(
            kind=HoldKind.INSPECTION, reason=TITLE, dossier=cls.dossier, actor=cls.archivist
        )
        cls.secrecy = retention.set_secrecy(
            cls.dossier, level=SecrecyLevel.MAT, classified_on=cls.dossier.end_date,
            actor=cls.head,
        )  # fmt: skip
        # A published exhibition whose item's document was restricted after it was added.
        cls.exhibition = Exhibition.objects.create(
            slug="trien-lam-thu", title="Triển lãm thử", state=State.PUBLISHED, cover=cls.document
        )
        section = cls.exhibition.sections.create(number=1, title="Chương một")
        section.items.create(number=1, document=cls.document, caption="Chú thích")
        search.reindex()  # so that search pages and the API have the bait to refuse

    def values(self) -> dict[str, str]:
        reading = self.reading.deliveries.get().token
        return {
            "document_pk": str(self.document.pk),
            "secret_pk": str(self.secret.pk),
            "dossier_pk": str(self.dossier.pk),
            "request_pk": str(self.reading.pk),
            "reader_pk": str(Reader.objects.get(user=self.other).pk),
            "one": "1",
            "appraisal_pk": str(self.appraisal.pk),
            "hold_pk": str(self.hold.pk),
            "secrecy_pk": str(self.secrecy.pk),
            "exhibition_pk": str(self.exhibition.pk),
            "exhibition_slug": self.exhibition.slug,
            "section_pk": str(self.exhibition.sections.get().pk),
            "item_pk": str(self.exhibition.sections.get().items.get().pk),
            "exhibition_step": "cong-bo",
            "iiif_width": str(IIIF_WIDTHS[-1]),
            "uuid": "00000000-0000-4000-8000-000000000000",
            "dossier_code": self.dossier.code,
            "document_code": self.document.archival_code,
            "secret_code": self.secret.archival_code,
            "reading_token": reading,
            "copy_token": self.copy.deliveries.get().token,
            "forged_token": reading[:-2] + "xx",
            "other_username": self.other.username,
            "uidb64": "MQ",
            "api_document": f"documents/{self.document.archival_code}",
            "api_dossier": f"dossiers/{self.dossier.code}",
        }

    def urls(self, route: str) -> Iterator[str]:
        """The route with every combination of restricted values for its parameters."""
        names = [m["name"] for m in PARAM.finditer(route)]
        table = self.values()
        choices = [[table[key] for key in PARAMETERS[name]] for name in names]
        for combination in itertools.product(*choices):
            pieces = PARAM.split(route)  # text, converter, name, text, converter, name, …
            url = pieces[0]
            for value, text in zip(combination, pieces[3::3], strict=True):
                url += value + text
            yield "/" + url

    def leaks(self, response: HttpResponseBase) -> list[str]:
        text = body_of(response)
        headers = " ".join(f"{k}: {v}" for k, v in response.items()).encode()
        sha = self.document.files.get().stored.sha256
        needles = {
            "title": TITLE.encode(),
            "summary": SUMMARY.encode(),
            "secret summary": SECRET_SUMMARY.encode(),
            "file digest": sha.encode(),
            "file bytes": self.pdf[len(self.pdf) // 2 : len(self.pdf) // 2 + 48],
            "PDF": b"%PDF-",
        }
        return [name for name, needle in needles.items() if needle in text or needle in headers]

    def test_every_parameter_is_known(self) -> None:
        unknown = {
            f"{m['name']} (in {route})"
            for route in routes()
            for m in PARAM.finditer(route)
            if m["name"] not in PARAMETERS
        }
        regex_routes = [r for r in routes() if "(?P<" in r or r.startswith("^")]
        self.assertEqual(
            sorted(unknown), [], "add these URL parameters to PARAMETERS with what they identify"
        )
        self.assertEqual(regex_routes, [], "regular-expression routes need explicit values here")

    def test_no_url_gives_a_restricted_record_to_those_without_a_grant(self) -> None:
        # Words of the title and summary, not the whole of either: search boxes echo ``q``.
        query = {"q": "đền bù", "ma": self.document.archival_code}
        callers: list[tuple[str, Any]] = [
            ("anonymous", None),
            ("reader without grant", self.reader),
            ("clerk of another agency", self.clerk_b),
        ]
        problems: list[str] = []
        tried = 0
        for label, user in callers:
            self.login(user)
            for route in sorted(set(routes())):
                has_parameters = bool(PARAM.search(route)) and route not in NO_RECORD
                for url in self.urls(route):
                    response = self.client.get(url, query)
                    tried += 1
                    leaked = self.leaks(response)
                    if leaked:
                        problems.append(f"{label} {url}: shows {', '.join(leaked)}")
                    if not has_parameters:
                        continue
                    status = response.status_code
                    to_login = status == 302 and response["Location"].startswith(
                        "/tai-khoan/dang-nhap/"
                    )
                    allowed = ALLOWED_API if url.startswith("/api/") else ALLOWED
                    if status not in allowed and not to_login:
                        problems.append(f"{label} {url}: status {status}")
        self.assertEqual(problems, [], "\n".join(problems))
        self.assertGreater(tried, 100)

    def test_the_evaluation_pages_are_walked_and_show_figures_not_records(self) -> None:
        """/quan-tri/bao-cao/ (reports): the KPI viewer sees the whole province, but in counts;
        no page of it names a restricted record, its file or its digest."""
        reports = [r for r in routes() if r.startswith("quan-tri/bao-cao/")]
        self.assertIn("quan-tri/bao-cao/", reports)
        self.assertIn("quan-tri/bao-cao/bieu-mau/<int:pk>/pdf/", reports)
        self.login(self.kpi)
        problems = []
        for route in reports:
            for url in self.urls(route):
                response = self.client.get(url, {"q": "đền bù"})
                # The statistical report export is a PDF of its own: only record content counts.
                leaked = [name for name in self.leaks(response) if name != "PDF"]
                if leaked:
                    problems.append(f"{url}: shows {', '.join(leaked)}")
        self.assertEqual(problems, [], "\n".join(problems))

    def test_the_grant_holder_does_get_them(self) -> None:
        """The same bait opens for its owner: the walk above is not refusing everything."""
        self.login(self.other)
        reading = self.client.get(f"/doc-gia/ban-doc/{self.reading.deliveries.get().token}/")
        self.assertContains(reading, SUMMARY)
        copy = self.client.get(f"/doc-gia/ban-sao/{self.copy.deliveries.get().token}/")
        self.assertIn(b"%PDF-", body_of(copy))
        self.login(self.archivist)  # in scope: the search finds what the walk looked for
        self.assertContains(self.client.get("/quan-tri/tra-cuu/", {"q": "đền bù"}), SUMMARY)
