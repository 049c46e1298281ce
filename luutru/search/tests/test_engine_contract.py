"""The contract every search engine keeps, run against each engine on the same entries.

Engines are chosen from the database this run uses, never skipped: the embedded engine
(tantivy) always; the PostgreSQL engine only when the database is PostgreSQL, i.e. in the
PostgreSQL half of ``make test`` (on SQLite it cannot run at all, so it is not collected rather
than skipped). Each case builds the index from ``IndexEntry`` rows through ``rebuild`` and asks
``SearchQuery`` questions, so nothing here depends on how an engine stores its index.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import override_settings

from luutru.search import services
from luutru.search.base import FACETS, IndexEntry, SearchBackend, SearchQuery, SearchResults

ENGINES = ["embedded"] + (["postgres"] if connection.vendor == "postgresql" else [])
A, B = 101, 202  # agencies
FONDS_A = 11


def entry(kind: str, pk: int, title: str, **extra: Any) -> IndexEntry:
    values: dict[str, Any] = {
        "key": f"{kind}:{pk}",
        "kind": kind,
        "pk": pk,
        "code": f"000.00.03.H62.2023.{pk:02d}" + (".0000001" if kind == "document" else ""),
        "title": title,
        "notation": "",
        "body": "",
        "agency": A,
        "fonds": FONDS_A,
        "year": 2023,
        "doc_type": "02" if kind == "document" else "",
        "retention": "01",
        "access_regime": "01",
        "date": datetime.date(2023, 1, pk % 28 + 1),
    }
    values["doc_kind"] = "text" if kind == "document" else ""
    values.update(extra)
    # Public entries are published ones unless a test says otherwise.
    values.setdefault("visibility", "open" if values["access_regime"] == "01" else "")
    return IndexEntry(**values)


ENTRIES = [
    entry(
        "document", 1, "Quyết định về việc giao đất đai cho hộ gia đình",
        notation="123/QĐ-UBND", body="Ủy ban nhân dân tỉnh. Từ khóa: đất đai",
        date=datetime.date(2023, 3, 1),
    ),
    entry(
        "document", 2, "Báo cáo kết quả đạt được trong năm",
        notation="45/BC-STC", body="Sở Tài chính", retention="04", doc_type="14",
        date=datetime.date(2022, 12, 30), year=2022,
    ),
    entry(
        "document", 3, "Ông Nguyễn Văn Đạt nhận giải của Đài truyền hình",
        notation="7/TB-STC", body="Thông báo", doc_type="07", date=datetime.date(2021, 6, 1),
        year=2021,
    ),
    entry("dossier", 4, "Hồ sơ về quản lý đất đai năm 2023", code="000.00.03.H62.2023.04"),
    entry(
        "document", 5, "Công văn về đất đai sử dụng có điều kiện", access_regime="02",
        notation="9/UBND-KT",
    ),
    entry(
        "document", 6, "Quyết định thu hồi đất đai (mật)", access_regime="03", agency=B,
        fonds=None, notation="88/QĐ-UBND", code="000.00.04.H62.2023.06.0000001",
    ),
    entry(
        "document", 7, "Kế hoạch tuyển dụng viên chức", agency=B, fonds=None,
        code="000.00.04.H62.2023.07.0000001", notation="12/KH-SXD", doc_type="10",
        body="Sở Xây dựng <script>alert('x')</script> & đất đai",
        date=datetime.date(2023, 12, 31),
    ),
    entry(
        "document", 8, "Biên bản bàn giao hồ sơ lưu trữ", notation="3/BB-LT", doc_type="20",
        year=None, date=None, body="bàn giao tài liệu",
    ),
]  # fmt: skip
BY_KEY = {e.key: e for e in ENTRIES}
EXACT_LAND = {"document:1", "dossier:4", "document:5", "document:6", "document:7"}


def _build(name: str, index_dir: Path) -> SearchBackend:
    with override_settings(SEARCH_INDEX_DIR=index_dir):
        return services.backend(name)


@pytest.fixture(scope="module", params=ENGINES)
def engine(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    django_db_setup: None,
    django_db_blocker: Any,
) -> Iterator[SearchBackend]:
    """One engine holding ENTRIES for the whole module (built once: rebuilds are not free)."""
    with django_db_blocker.unblock():
        backend = _build(request.param, tmp_path_factory.mktemp(f"index-{request.param}"))
        assert backend.rebuild(ENTRIES) == len(ENTRIES)
        yield backend
        backend.rebuild([])


@pytest.fixture(params=ENGINES)
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> SearchBackend:
    """An engine of its own, for tests that change the index (rolled back on PostgreSQL)."""
    backend = _build(request.param, tmp_path / "index")
    backend.rebuild(ENTRIES)
    return backend


pytestmark = pytest.mark.django_db


def ask(engine: SearchBackend, text: str, **kw: Any) -> SearchResults:
    kw.setdefault("public_only", False)
    kw.setdefault("agency_ids", None)
    return engine.search(SearchQuery(text, **kw))


def keys(results: SearchResults) -> list[str]:
    return [f"{h.kind}:{h.pk}" for h in results.hits]


def all_keys(engine: SearchBackend, text: str, **kw: Any) -> list[str]:
    """Every hit, through the pages."""
    out: list[str] = []
    for page in range(1, 20):
        found = ask(engine, text, page=page, per_page=3, **kw)
        if not found.hits:
            break
        out += keys(found)
    return out


# -- Vietnamese ----------------------------------------------------------------------------


def test_a_query_without_diacritics_finds_what_the_exact_query_finds(engine: SearchBackend) -> None:
    exact, folded = ask(engine, "đất đai"), ask(engine, "dat dai")
    assert set(keys(exact)) == set(keys(folded))
    assert set(keys(folded)) >= EXACT_LAND
    assert exact.count == folded.count == len(keys(folded))


def test_d_with_stroke_folds_to_d_on_both_sides(engine: SearchBackend) -> None:
    # FTS5's remove_diacritics keeps đ; PostgreSQL's unaccent folds it: ours must always.
    assert "document:3" in keys(ask(engine, "dat"))
    assert "document:3" in keys(ask(engine, "DAT"))
    assert "document:2" in keys(ask(engine, "Đạt"))
    assert "document:1" in keys(ask(engine, "giao dat"))


def test_exact_diacritics_rank_above_folded_only_matches(engine: SearchBackend) -> None:
    # document:3 has "Đạt … Đài": it folds to "dat dai" but has neither word as typed.
    found = keys(ask(engine, "đất đai"))
    assert "document:3" in found
    exact_positions = [found.index(k) for k in EXACT_LAND]
    assert max(exact_positions) < found.index("document:3")
    # And the other way round: asking for "Đạt" puts the documents with "Đạt"/"đạt" first.
    found = keys(ask(engine, "đạt"))
    assert set(found[:2]) == {"document:2", "document:3"}
    assert set(found[2:]) >= {"document:1", "dossier:4"}


def test_case_nfd_and_nfc_queries_are_the_same_query(engine: SearchBackend) -> None:
    nfd = unicodedata.normalize("NFD", "đất đai")
    assert keys(ask(engine, nfd)) == keys(ask(engine, "đất đai"))
    assert keys(ask(engine, "ĐẤT ĐAI")) == keys(ask(engine, "đất đai"))
    mixed = "đ" + unicodedata.normalize("NFD", "ất") + " đai"
    assert keys(ask(engine, mixed)) == keys(ask(engine, "đất đai"))


# -- notations and codes ------------------------------------------------------------------


@pytest.mark.parametrize("notation", ["123/QĐ-UBND", "123/QD-UBND", "123/qđ-ubnd", "123/qd-ubnd"])
def test_a_notation_finds_its_document_first(engine: SearchBackend, notation: str) -> None:
    assert keys(ask(engine, notation))[0] == "document:1"


def test_a_notation_symbol_finds_every_document_with_it(engine: SearchBackend) -> None:
    for symbol in ("QĐ-UBND", "QD-UBND"):
        assert set(keys(ask(engine, symbol))) >= {"document:1", "document:6"}
    assert keys(ask(engine, "QĐ-UBND", public_only=True)) == ["document:1"]


def test_codes_are_found_by_exact_value_and_by_prefix(engine: SearchBackend) -> None:
    assert keys(ask(engine, "000.00.03.H62.2023.01.0000001"))[0] == "document:1"
    assert keys(ask(engine, "000.00.03.h62.2023.04"))[0] == "dossier:4"
    assert set(keys(ask(engine, "000.00.04.H62.2023"))) == {"document:6", "document:7"}
    # A prefix that stops inside a part of the code.
    assert set(keys(ask(engine, "000.00.04.H62.202"))) == {"document:6", "document:7"}
    assert len(all_keys(engine, "000.00.03.H62")) == 6


def test_a_code_and_words_narrow_each_other(engine: SearchBackend) -> None:
    assert keys(ask(engine, "000.00.04.H62 tuyển dụng")) == ["document:7"]


# -- access, facets, filters ----------------------------------------------------------------

QUERIES = ["", "đất đai", "dat", "QĐ-UBND", "000.00", "quyết định", "*", "mật"]


@pytest.mark.parametrize("text", QUERIES)
def test_anonymous_callers_never_see_restricted_records(engine: SearchBackend, text: str) -> None:
    found = ask(engine, text, public_only=True)
    every = all_keys(engine, text, public_only=True)
    assert all(BY_KEY[k].access_regime == "01" for k in every)
    assert found.count == len(every)
    assert dict(found.facets["access_regime"]).keys() <= {"01"}
    assert ask(engine, text, public_only=True, filters={"access_regime": ("02", "03")}).count == 0


def test_the_public_finds_published_records_and_listed_descriptions_only(
    fresh: SearchBackend,
) -> None:
    waiting = entry("document", 21, "Quyết định giao đất chờ công bố", visibility="")  # unpublished
    listed = entry(
        "document", 22, "Công văn giao đất có điều kiện", access_regime="02", visibility="listed"
    )
    fresh.upsert([waiting, listed])
    public = set(all_keys(fresh, "giao đất", public_only=True))
    assert "document:21" not in public and "document:22" in public
    assert ask(fresh, "giao đất").count == ask(fresh, "giao đất", public_only=True).count + 1
    fresh.upsert([replace(waiting, visibility="open")])  # published
    assert "document:21" in all_keys(fresh, "giao đất", public_only=True)
    fresh.upsert([replace(waiting, visibility=""), replace(listed, visibility="")])  # withdrawn
    public = set(all_keys(fresh, "giao đất", public_only=True))
    assert not public & {"document:21", "document:22"}
    assert {"document:21", "document:22"} <= set(all_keys(fresh, "giao đất"))


def test_staff_see_their_agencies_only(engine: SearchBackend) -> None:
    found = ask(engine, "đất đai", agency_ids=frozenset({A}))
    assert all(BY_KEY[k].agency == A for k in keys(found))
    assert "document:5" in keys(found)  # restricted, but in scope
    assert found.facets["agency"] == [(str(A), found.count)]
    assert ask(engine, "đất đai", agency_ids=frozenset()).count == 0
    assert keys(ask(engine, "mật", agency_ids=frozenset({B}))) == ["document:6"]


def test_facets_count_what_the_caller_may_see(engine: SearchBackend) -> None:
    anonymous = ask(engine, "đất đai", public_only=True)
    staff = ask(engine, "đất đai")
    assert set(anonymous.facets) == set(FACETS) == set(staff.facets)
    assert dict(anonymous.facets["access_regime"]) == {"01": anonymous.count}
    assert dict(staff.facets["access_regime"]) == {"01": 4, "02": 1, "03": 1}
    assert dict(staff.facets["agency"]) == {str(A): 4, str(B): 2}
    assert dict(staff.facets["fonds"]) == {str(FONDS_A): 4}
    assert dict(staff.facets["doc_type"]) == {"02": 3, "07": 1, "10": 1}
    assert dict(staff.facets["year"]) == {"2023": 5, "2021": 1}
    for name in ("agency", "access_regime", "retention"):
        assert sum(n for _, n in staff.facets[name]) == staff.count
    assert ask(engine, "đất đai", with_facets=False).facets == {}


def test_filters_apply_in_the_engine(engine: SearchBackend) -> None:
    assert keys(ask(engine, "đất đai", filters={"doc_type": ("10",)})) == ["document:7"]
    found = ask(engine, "", filters={"year": ("2022", "2021")})
    assert set(keys(found)) == {"document:2", "document:3"} and found.count == 2
    assert ask(engine, "", filters={"agency": (str(B),), "access_regime": ("01",)}).count == 1
    assert ask(engine, "", filters={"fonds": (str(FONDS_A),)}).count == 6
    # Values that cannot exist match nothing; unknown facet names are ignored.
    assert ask(engine, "", filters={"agency": ("abc",)}).count == 0
    assert ask(engine, "", filters={"year": ("-1",)}).count == 0
    assert ask(engine, "", filters={"nonsense": ("1",)}).count == len(ENTRIES)


# -- results --------------------------------------------------------------------------------


def test_pages_cover_every_hit_once(engine: SearchBackend) -> None:
    whole = ask(engine, "", per_page=100)
    paged = all_keys(engine, "")
    assert paged == keys(whole) and len(paged) == len(ENTRIES) == whole.count
    beyond = ask(engine, "", page=50, per_page=3)
    assert beyond.hits == [] and beyond.count == len(ENTRIES)


def test_sort_by_date_puts_the_newest_first(engine: SearchBackend) -> None:
    found = ask(engine, "đất đai", sort="date")
    dates = [BY_KEY[k].date or datetime.date.min for k in keys(found)]
    assert dates == sorted(dates, reverse=True)
    assert keys(found)[0] == "document:7"


def test_an_empty_query_browses_everything_visible_newest_first(engine: SearchBackend) -> None:
    for text in ("", "   ", "* - ( ) :"):
        found = ask(engine, text, public_only=True)
        visible = [e for e in ENTRIES if e.access_regime == "01"]
        assert found.count == len(visible)
        dates = [BY_KEY[k].date or datetime.date.min for k in keys(found)]
        assert dates == sorted(dates, reverse=True)
        assert found.facets["agency"]


def test_hits_carry_code_title_and_an_escaped_highlighted_snippet(engine: SearchBackend) -> None:
    hit = next(h for h in ask(engine, "dat dai").hits if h.pk == 7)
    assert hit.kind == "document" and hit.code == "000.00.04.H62.2023.07.0000001"
    assert hit.title == "Kế hoạch tuyển dụng viên chức"
    assert "<script" not in hit.snippet and "&lt;script&gt;" in hit.snippet
    assert "&amp;" in hit.snippet and "<mark>đất</mark> <mark>đai</mark>" in hit.snippet
    first = ask(engine, "giao").hits[0]
    assert "<mark>giao</mark>" in first.snippet or "<mark>giao</mark>" in first.title.lower()


BAD = [
    "",
    " ",
    '"',
    '"đất đai',
    "*",
    "đất*",
    "-đất",
    "NOT đất",
    "đất NEAR đai",
    "NEAR(đất đai)",
    "(",
    ")",
    ":",
    "title:đất",
    "'; DROP TABLE records_document; --",
    "% _ \\",
    "\u0301",
    "\u0301\u0323 đất",
    "a\u0301\u0301\u0301",
    "\x00\x1f",
    "đất " * 2500,
    "x" * 10_000,
    "<mark>đất</mark>",
    "AND OR",
    "{[()]}^~?",
    "123/",
    "/QĐ-",
    "...",
    "000.00.",
    "\U0001f600 đất",
]


@pytest.mark.parametrize("text", BAD, ids=range(len(BAD)))
def test_bad_input_gets_a_sensible_answer(engine: SearchBackend, text: str) -> None:
    for public_only in (True, False):
        found = ask(engine, text, public_only=public_only)
        assert isinstance(found, SearchResults) and found.count >= len(found.hits)
        assert all("<mark>" not in h.title for h in found.hits)
    assert ask(engine, text, page=0).count >= 0
    assert ask(engine, text, page=10**9).hits == []


def test_operators_are_words_not_syntax(engine: SearchBackend) -> None:
    assert set(keys(ask(engine, '"đất đai"'))) == set(keys(ask(engine, "đất đai")))
    assert set(keys(ask(engine, "(đất) đai:"))) == set(keys(ask(engine, "đất đai")))
    assert ask(engine, "-đất").count == ask(engine, "đất").count


# -- keeping the index fresh ------------------------------------------------------------------


def test_upsert_replaces_and_delete_removes(fresh: SearchBackend) -> None:
    changed = replace(ENTRIES[1], title="Báo cáo về chỉnh lý tài liệu", notation="46/BC-STC")
    fresh.upsert([changed])
    assert keys(ask(fresh, "chỉnh lý")) == ["document:2"]
    assert ask(fresh, "đạt được").count == 0
    assert ask(fresh, "").count == len(ENTRIES)
    fresh.upsert([entry("document", 9, "Tờ trình mới về chỉnh lý")])
    assert set(keys(ask(fresh, "chinh ly"))) == {"document:2", "document:9"}
    fresh.delete(["document:2", "document:404"])
    assert keys(ask(fresh, "chinh ly")) == ["document:9"]
    assert fresh.rebuild(ENTRIES[:2]) == 2
    assert ask(fresh, "").count == 2


# -- full text, what a record is -------------------------------------------------------------

PAGE = (
    "Căn cứ Luật Tổ chức chính quyền địa phương; xét đề nghị của Sở Kế hoạch và Đầu tư về "
    "việc phân bổ nguồn vốn, các đơn vị tổ chức thực hiện đúng tiến độ, báo cáo định kỳ. "
) * 40  # about a page of Vietnamese


def test_full_text_type_words_and_cited_notations(fresh: SearchBackend) -> None:
    quyet_dinh = entry(
        "document",
        21,
        "Về việc giao chỉ tiêu kế hoạch năm 2024",
        heading="Quyết định QĐ",
        notation="15/QĐ-UBND",
        body=f"{PAGE} hợp tác xã nông nghiệp {PAGE}{PAGE} cuối văn bản",
    )
    cong_van = entry(
        "document",
        22,
        "Về việc báo cáo tình hình thực hiện",
        heading="Công văn",
        doc_type="",
        notation="20/UBND-KT",
        body=f"{PAGE} Thực hiện Quyết định số 15/QĐ-UBND giao chỉ tiêu kế hoạch {PAGE}",
    )
    to_trinh = entry(
        "document",
        23,
        "Đề nghị phê duyệt dự toán",
        heading="Tờ trình TTr",
        doc_type="15",
        notation="3/TTr-STC",
        body=PAGE,
    )
    # other records, so that these words are not in most of the index (as in a real one)
    others = [
        entry("document", 30 + i, f"Hồ sơ nhân sự số {i}", heading="Báo cáo BC", body="lương")
        for i in range(12)
    ]
    fresh.rebuild([quyet_dinh, cong_van, to_trinh, *others])
    found = keys(ask(fresh, "quyết định giao chỉ tiêu"))
    assert found == ["document:21", "document:22"]
    assert keys(ask(fresh, "quyet dinh"))[0] == "document:21"
    assert keys(ask(fresh, "tờ trình")) == ["document:23"]
    assert keys(ask(fresh, "TTr"))[0] == "document:23"
    # a notation cited in another document's text finds that one too, after its own
    assert keys(ask(fresh, "15/QĐ-UBND")) == ["document:21", "document:22"]
    # words from the file's text, anywhere in it, and a snippet that shows them
    hit = ask(fresh, "hợp tác xã nông nghiệp").hits
    assert [h.pk for h in hit] == [21] and "<mark>" in hit[0].snippet
    assert keys(ask(fresh, "cuoi van ban")) == ["document:21"]
    assert ask(fresh, "nguồn vốn").count == 3


def test_date_sorted_pages_never_swap_records_of_the_same_day(fresh: SearchBackend) -> None:
    same_day = [
        entry("document", 40 + i, f"Công văn số {i}", date=datetime.date(2024, 5, 2))
        for i in range(10)
    ]
    fresh.rebuild(same_day)
    first = all_keys(fresh, "", sort="date")
    fresh.upsert([replace(same_day[3], title="Công văn đã sửa")])  # moves it in the index
    again = all_keys(fresh, "", sort="date")
    assert len(first) == len(set(first)) == 10
    assert again == first
    assert all_keys(fresh, "công văn", sort="date") == first


# -- advanced search: a range of days, the issuer ---------------------------------------------

DATED = [
    entry("document", 50, "Công văn về ngân sách", date=datetime.date(2024, 2, 28),
          issuer="Sở Tài chính tỉnh Hà Giang"),
    entry("document", 51, "Công văn về ngân sách", date=datetime.date(2024, 2, 29),
          issuer="Ủy ban nhân dân tỉnh Hà Giang"),
    entry("document", 52, "Công văn về ngân sách", date=datetime.date(2024, 3, 1),
          issuer="Sở Tài nguyên và Môi trường", doc_type="22"),
    entry("document", 53, "Công văn về ngân sách", date=datetime.date(2025, 1, 1),
          issuer="Sở Tài chính", year=2025),
    entry("dossier", 54, "Hồ sơ ngân sách", date=datetime.date(2023, 12, 31), year=2023,
          issuer="Sở Tài chính"),
    entry("document", 55, "Công văn về ngân sách", date=None, year=None, issuer="Sở Tài chính"),
]  # fmt: skip


def days(engine: SearchBackend, text: str = "", **kw: Any) -> list[int]:
    return sorted(h.pk for h in ask(engine, text, per_page=50, **kw).hits)


def test_a_range_of_days_includes_both_ends_and_never_undated_records(
    fresh: SearchBackend,
) -> None:
    fresh.rebuild(DATED)
    d = datetime.date
    assert days(fresh, "ngân sách", date_from=d(2024, 2, 29), date_to=d(2024, 3, 1)) == [51, 52]
    assert days(fresh, date_from=d(2024, 2, 29), date_to=d(2024, 2, 29)) == [51]
    assert days(fresh, date_from=d(2024, 3, 1)) == [52, 53]
    assert days(fresh, date_to=d(2024, 2, 28)) == [50, 54]
    assert days(fresh, date_from=d(1, 1, 1), date_to=d(9999, 12, 31)) == [50, 51, 52, 53, 54]
    assert days(fresh, date_from=d(2024, 3, 2), date_to=d(2024, 12, 31)) == []
    assert days(fresh, date_from=d(2024, 3, 2), date_to=d(2024, 3, 1)) == []  # backwards
    # counts and facets are of the range, on every path (sorted by date too)
    found = ask(fresh, "", date_from=d(2024, 1, 1), date_to=d(2024, 12, 31), sort="date")
    assert found.count == 3 and [h.pk for h in found.hits] == [52, 51, 50]
    assert dict(found.facets["doc_type"]) == {"02": 2, "22": 1}


def test_the_issuer_filter_requires_each_of_its_words_folded(fresh: SearchBackend) -> None:
    fresh.rebuild(DATED)
    assert days(fresh, issuer="Sở Tài chính") == [50, 53, 54, 55]
    assert days(fresh, issuer="tai chinh so") == [50, 53, 54, 55]
    assert days(fresh, "ngân sách", issuer="ha giang") == [50, 51]
    assert days(fresh, issuer="Sở Y tế") == []
    assert days(fresh, issuer="tài") == [50, 52, 53, 54, 55]  # a word, not a prefix ("tài…")
    assert days(fresh, issuer="!!!") == [50, 51, 52, 53, 54, 55]  # no word: no filter
    both = days(
        fresh,
        issuer="sở tài chính",
        date_from=datetime.date(2024, 1, 1),
        filters={"doc_type": ("02",)},
    )
    assert both == [50, 53]
    public = days(fresh, issuer="tài chính", public_only=True, date_to=datetime.date(2024, 12, 31))
    assert public == [50, 54]


# -- photos, sound and film (Document.kind: the "kind" facet, Loại tài liệu) -----------------


def test_the_kind_facet_counts_and_filters_photos_sound_and_film(fresh: SearchBackend) -> None:
    fresh.upsert(
        [
            entry("document", 21, "Ảnh lễ khánh thành cầu Cái Tư", doc_kind="photo", doc_type=""),
            entry("document", 22, "Ghi âm phát biểu khánh thành cầu", doc_kind="audio"),
            entry("document", 23, "Phim tư liệu khánh thành cầu Cái Tư", doc_kind="video"),
            entry(
                "document", 24, "Ảnh khánh thành chưa công bố", doc_kind="photo",
                access_regime="02",
            ),
        ]
    )  # fmt: skip
    # Media items are found by their words, folded or not.
    assert set(keys(ask(fresh, "khanh thanh", public_only=True))) == {
        "document:21", "document:22", "document:23",
    }  # fmt: skip
    public = ask(fresh, "", public_only=True)
    # Open text documents of ENTRIES: 1, 2, 3, 7, 8; the restricted photo is not counted.
    assert dict(public.facets["kind"]) == {"text": 5, "photo": 1, "audio": 1, "video": 1}
    staff = ask(fresh, "khánh thành")
    assert dict(staff.facets["kind"]) == {"photo": 2, "audio": 1, "video": 1}
    photos = ask(fresh, "", public_only=True, filters={"kind": ("photo",)})
    assert keys(photos) == ["document:21"] and photos.count == 1
    heard = ask(fresh, "", filters={"kind": ("audio", "video")})
    assert set(keys(heard)) == {"document:22", "document:23"}
    # Dossiers are of no kind: filtering by one leaves them out.
    texts = ask(fresh, "đất đai", filters={"kind": ("text",)})
    assert "dossier:4" not in keys(texts) and texts.count == ask(fresh, "đất đai").count - 1
    assert ask(fresh, "", filters={"kind": ("map",)}).count == 0
