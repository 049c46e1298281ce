"""BaseTestCase and the named cast every test can use.

The cast lives in a small province: the People's Committee with two departments (A and B)
and the provincial historical archive, to which department A transfers its records.

    archivist   lưu trữ viên of the historical archive (sees A, which transfers there)
    clerk_a     văn thư of department A          clerk_b   văn thư of department B
    head        lãnh đạo of the historical archive
    council     member of the appraisal council, at department A
    kpi         Department of Home Affairs KPI viewer (whole province)
    admin       quản trị hệ thống (whole province)
    reader      độc giả, no staff role
Anonymous visitors are simply an unauthenticated client.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from django.test import Client, TestCase, TransactionTestCase
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from luutru.accounts.actions import confirm_second_factor, create_user, make_reader
from luutru.accounts.models import Role, User
from luutru.accounts.services import has_second_factor, needs_second_factor, pending_device
from luutru.organizations import actions
from luutru.organizations.models import Agency, AgencyKind, Archive, ArchiveKind, Fonds

PASSWORD = "mat-khau-thu-nghiem-2026"
# The sample transfer packages (tests/data/samples/README.md): the three accepted forms, packages
# with one defect each, expected.json with the outcome of each, and the test CA in trust/.
SAMPLES = Path(__file__).resolve().parent.parent / "tests" / "data" / "samples"


def make_user(username: str, role: Role | None = None, agency: Agency | None = None) -> User:
    user = create_user(
        username=username,
        password=PASSWORD,
        full_name=f"Người dùng {username}",
        email=f"{username}@example.vn",
        actor=None,
    )
    if role == Role.READER:
        make_reader(user, actor=None)
    elif role is not None and agency is not None:
        actions.assign_role(user, agency=agency, role=role, actor=None)
    return user


def make_agency(code: str, name: str, parent: Agency | None = None, **extra: Any) -> Agency:
    extra.setdefault("kind", AgencyKind.DEPARTMENT)
    return actions.create_agency(actor=None, code=code, name=name, parent=parent, **extra)


def pass_second_factor(client: Client, user: User) -> None:
    """Mark the client's session as having passed the second factor, as ``django_otp.login``
    does after a correct code, with a recovery-code device made for the test."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name="Thiết bị thử nghiệm")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def second_factor_code(username: str) -> str | None:
    """For tests that sign in through the real form (browsers, the demo): ``None`` if the user
    needs no second factor, else a fresh single-use recovery code to type at the verification
    page (the user is enrolled first if need be)."""
    user = User.objects.get(username=username)
    if not needs_second_factor(user):
        return None
    if not has_second_factor(user):
        return confirm_second_factor(user, pending_device(user), request=None)[0]
    device, _created = StaticDevice.objects.get_or_create(user=user, name="Mã khôi phục")
    code = StaticToken.random_token()
    device.token_set.create(token=code)
    return str(code)


class BaseTestCase(TestCase):
    province: ClassVar[Agency]
    agency_a: ClassVar[Agency]
    agency_b: ClassVar[Agency]
    archive_agency: ClassVar[Agency]
    archive: ClassVar[Archive]
    fonds_a: ClassVar[Fonds]
    archivist: ClassVar[User]
    clerk_a: ClassVar[User]
    clerk_b: ClassVar[User]
    head: ClassVar[User]
    council: ClassVar[User]
    kpi: ClassVar[User]
    admin: ClassVar[User]
    reader: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.province = make_agency(
            "000.00.00.H62", "Ủy ban nhân dân tỉnh", kind=AgencyKind.PROVINCIAL_COMMITTEE
        )
        cls.agency_a = make_agency("000.00.03.H62", "Sở Tài chính", cls.province)
        cls.agency_b = make_agency("000.00.04.H62", "Sở Xây dựng", cls.province)
        cls.archive_agency = make_agency(
            "000.02.01.H62",
            "Trung tâm Lưu trữ lịch sử tỉnh",
            cls.province,
            kind=AgencyKind.PUBLIC_SERVICE,
        )
        cls.archive = actions.create_archive(
            agency=cls.archive_agency,
            name="Lưu trữ lịch sử tỉnh",
            kind=ArchiveKind.HISTORICAL,
            actor=None,
        )
        cls.agency_a = actions.update_agency(cls.agency_a, transfers_to=cls.archive, actor=None)
        cls.fonds_a = actions.create_fonds(
            actor=None, code="H62.003", name="Phông Sở Tài chính", agency=cls.agency_a
        )
        cls.archivist = make_user("luutruvien", Role.ARCHIVIST, cls.archive_agency)
        cls.clerk_a = make_user("vanthu_a", Role.CLERK, cls.agency_a)
        cls.clerk_b = make_user("vanthu_b", Role.CLERK, cls.agency_b)
        cls.head = make_user("lanhdao", Role.HEAD, cls.archive_agency)
        cls.council = make_user("hoidong", Role.COUNCIL, cls.agency_a)
        cls.kpi = make_user("sonoivu", Role.KPI_VIEWER, cls.province)
        cls.admin = make_user("quantri", Role.ADMIN, cls.province)
        cls.reader = make_user("docgia", Role.READER)

    def login(self, user: User | None, *, second_factor: bool = True) -> None:
        """Act as ``user`` from now on; ``None`` means an anonymous visitor. The session has
        passed the second factor unless ``second_factor=False`` (see accounts/tests)."""
        self.client.logout()
        if user is not None:
            self.client.force_login(user)
            if second_factor:
                pass_second_factor(self.client, user)


class WorkerTestCase(TransactionTestCase):
    """For tests that run the real task worker, which closes connections between tasks (on
    PostgreSQL that breaks TestCase's wrapping transaction). The flush after each test refills
    content types and the code lists (``records.apps.restore_code_lists``)."""
