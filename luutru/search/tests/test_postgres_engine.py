"""The PostgreSQL engine's own tests: what the shared contract suite cannot see from outside.

These run in the PostgreSQL half of ``make test`` only: on SQLite the engine cannot exist, so
the module is skipped for that vendor mismatch and for nothing else (a missing or broken
PostgreSQL fails the run). The behaviour both engines share — diacritics, notations, codes,
access, facets, pages, bad input — is tested for this engine too, by
``test_engine_contract.py``. Here: that indexing and querying cut text identically, that a
rebuild swaps tables without losing schema or blocking on its own iterator, the path for
queries with many matches (estimates and bounded ranking, forced with tiny limits), the
sample table kept in step, and planner settings that never leak into a caller's transaction.
"""

from __future__ import annotations

import datetime
import random
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from hypothesis import given
from hypothesis import strategies as st

from luutru.search.backends import postgres
from luutru.search.backends.postgres import PostgresBackend, analyse, approximate, plan
from luutru.search.base import IndexEntry, SearchQuery, SearchResults
from luutru.search.text import parse

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="runs in the PostgreSQL half of make test"
)

A, B = 1, 2


def entry(pk: int, title: str, **extra: Any) -> IndexEntry:
    values: dict[str, Any] = {
        "key": f"document:{pk}",
        "kind": "document",
        "pk": pk,
        "code": f"000.00.12.H62.2024.{pk:04d}",
        "title": title,
        "notation": f"{pk}/QĐ-UBND",
        "body": "Ủy ban nhân dân tỉnh",
        "agency": A,
        "fonds": 7,
        "year": 2024,
        "doc_type": "02",
        "retention": "01",
        "access_regime": "01",
        "date": datetime.date(2024, 1, 1) + datetime.timedelta(days=pk),
    }
    values.update(extra)
    # Public entries are published ones unless a test says otherwise.
    values.setdefault("visibility", "open" if values["access_regime"] == "01" else "")
    return IndexEntry(**values)


def ask(engine: PostgresBackend, text: str, **kw: Any) -> SearchResults:
    kw.setdefault("public_only", False)
    kw.setdefault("agency_ids", None)
    return engine.search(SearchQuery(text, **kw))


def keys(found: SearchResults) -> list[str]:
    return [f"{h.kind}:{h.pk}" for h in found.hits]


def schema(table: str) -> list[tuple[Any, ...]]:
    """Indexes, constraints and storage options of a table, as the catalog has them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, regexp_replace(indexdef, ' ON \\S+ ', ' ON t ')"
            " FROM pg_indexes WHERE tablename = %s ORDER BY 1",
            [table],
        )
        rows: list[tuple[Any, ...]] = list(cursor.fetchall())
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass ORDER BY 1",
            [table],
        )
        rows += cursor.fetchall()
        cursor.execute("SELECT reloptions FROM pg_class WHERE oid = %s::regclass", [table])
        rows.append(tuple(cursor.fetchone() or ()))
        cursor.execute(
            "SELECT attname, format_type(atttypid, atttypmod), attnotnull, attstorage,"
            " attstattarget"
            " FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0"
            " AND NOT attisdropped ORDER BY attnum",
            [table],
        )
        rows += cursor.fetchall()
    return rows


@pytest.fixture
def engine(db: None) -> PostgresBackend:
    return PostgresBackend()


# -- analysis -------------------------------------------------------------------------------

WORD_CHARS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợ"
    "ùúủũụừứửữựỳýỷỹỵ0123456789./-_,:;()'\"\\%ßİǰ²Σςᏸ\u0301\u0323\u00a0"
)


@given(st.text(alphabet=WORD_CHARS, min_size=1, max_size=60))
def test_the_fast_word_path_cuts_exactly_as_the_query_parser(word: str) -> None:
    word = "".join(word.split()) or "x"
    assert postgres._units(word) == parse(word)


def _lexemes(word: Any) -> tuple[set[str], set[str], set[str]]:
    return set(word.plain.split()), set(word.head.split()), set(word.exact.split())


@given(st.integers(0, 99_999), st.text(alphabet=WORD_CHARS, min_size=1, max_size=15))
def test_the_notation_shortcut_gives_the_lexemes_of_the_general_path(
    number: int, symbol: str
) -> None:
    raw = "".join(f"{number}/{symbol}".split())
    assert _lexemes(postgres._notation_word(raw)) == _lexemes(postgres._analyse(raw))


@given(st.text(alphabet="0123456789.-/HhAaz_Đ", min_size=1, max_size=45))
def test_the_code_shortcut_gives_the_lexemes_of_the_general_path(code: str) -> None:
    general: tuple[list[str], list[str]] = ([], [])
    for unit in postgres._units(code):
        whole = (postgres._wholes(unit) or [unit.folded[0]])[0]
        general[0].append(postgres._quote(whole))
        general[1].append(postgres._quote(postgres.HEAD + whole))
    assert postgres._code_lexemes(code) == general


@given(st.text(min_size=0, max_size=80))
def test_any_text_gives_a_valid_row_and_query(text: str) -> None:
    row = analyse(entry(1, text, body=text, notation=text, code=text))
    assert all("\x00" not in str(v) for v in row)
    assert plan(SearchQuery(text, public_only=True, agency_ids=frozenset({A}))) is not None


def test_the_index_holds_folded_words_diacritics_wholes_and_filters() -> None:
    row = dict(
        zip(postgres._COLUMNS, analyse(entry(123, "Giao Đất đai", access_regime="02")), strict=True)
    )
    vec = set(row["vec"].replace("'", "").split())
    evec = set(row["evec"].replace("'", "").split())
    # Indexed: folded words only (đ → d on our side). For ranking: the words as written, and
    # the title's words under ^, folded and as written.
    assert {"giao", "dat", "dai"} <= vec and not {"đất", "^dat"} & vec
    assert {"đất", "đai", "^giao", "^dat", "^đất", "^đai"} <= evec and "dat" not in evec
    # Notations whole and by symbol; codes whole only, never by their parts.
    assert {"123/qd-ubnd", "qd-ubnd", "000.00.12.h62.2024.0123"} <= vec
    assert {"^123/qd-ubnd", "^000.00.12.h62.2024.0123"} <= evec
    assert "h62" not in vec and "0123" not in vec
    assert {"~a02", "~g1", "~f7", "~y2024", "~t02", "~r01", "~all"} <= vec
    assert row["notation_key"] == "123/qd-ubnd" and row["head_len"] == 3


def test_lexemes_with_quotes_and_backslashes_are_data(engine: PostgresBackend) -> None:
    odd = entry(1, "a'b c\\d x:y 10:30 O'Neil", body="''; DROP TABLE x; -- \\'")
    engine.rebuild([odd])
    for text in ("a'b", "c\\d", "x:y", "10:30", "o'neil", "O\u2019Neil", "\\'"):
        found = ask(engine, text)
        assert isinstance(found, SearchResults)
    assert keys(ask(engine, "10:30")) == ["document:1"]
    assert keys(ask(engine, "a'b")) == ["document:1"]


def test_nul_characters_are_dropped_not_fatal(engine: PostgresBackend) -> None:
    assert engine.rebuild([entry(1, "Quyết\x00 định", body="đất\x00đai")]) == 1
    assert keys(ask(engine, "quyết")) == ["document:1"]


def test_a_huge_body_is_indexed_up_to_its_limit(engine: PostgresBackend) -> None:
    words = [f"tu{n}" for n in range(postgres.MAX_BODY_WORDS + 5_000)]
    engine.rebuild([entry(1, "Biên bản", body=" ".join(words))])
    assert keys(ask(engine, "tu17")) == ["document:1"]
    assert ask(engine, f"tu{postgres.MAX_BODY_WORDS + 10}").count == 0


def test_queries_are_parameters_never_sql() -> None:
    p = plan(SearchQuery("'; DROP TABLE x; -- \\ % _", public_only=True, agency_ids=None))
    assert p is not None
    assert p.match == "'drop' & 'table' & 'x' & ('~vlisted' | '~vopen')"


def test_approximate_keeps_two_significant_digits() -> None:
    assert [approximate(n) for n in (0, 7, 98, 100, 1_234, 56_789, 1_000_000)] == [
        0, 7, 98, 100, 1_200, 57_000, 1_000_000,
    ]  # fmt: skip


# -- rebuild, upsert, delete ---------------------------------------------------------------


def test_a_rebuild_swaps_in_tables_with_the_same_schema(engine: PostgresBackend) -> None:
    before = {t: schema(t) for t in (postgres.TABLE, postgres.SAMPLE)}
    assert engine.rebuild([entry(n, f"Quyết định số {n}") for n in range(1, 200)]) == 199
    assert {t: schema(t) for t in (postgres.TABLE, postgres.SAMPLE)} == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_class WHERE relname LIKE %s", ["search\\_%\\_new%"])
        assert cursor.fetchone() == (0,)
        cursor.execute(f"SELECT count(*) FROM {postgres.SAMPLE}")
        sampled = sum(postgres.in_sample(f"document:{n}") for n in range(1, 200))
        assert cursor.fetchone() == (sampled,) and 0 < sampled < 199


def test_a_rebuild_lets_its_iterator_query_the_database(
    engine: PostgresBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres, "COPY_CHUNK", 3)

    def entries() -> Iterator[IndexEntry]:
        for n in range(1, 11):
            with connection.cursor() as cursor:  # as entries.py does between chunks
                cursor.execute("SELECT 1")
            yield entry(n, f"Tờ trình {n}")

    assert engine.rebuild(entries()) == 10
    assert ask(engine, "tờ trình").count == 10


def test_a_failed_rebuild_keeps_the_old_index(engine: PostgresBackend) -> None:
    engine.rebuild([entry(1, "Quyết định giao đất")])

    def broken() -> Iterator[IndexEntry]:
        yield entry(2, "Công văn")
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        engine.rebuild(broken())
    assert keys(ask(engine, "giao đất")) == ["document:1"]
    assert ask(engine, "công văn").count == 0


def test_upsert_and_delete_keep_the_sample_in_step(engine: PostgresBackend) -> None:
    sampled = next(n for n in range(1, 500) if postgres.in_sample(f"document:{n}"))
    engine.rebuild([])
    engine.upsert([entry(sampled, "Kế hoạch", agency=A)])
    engine.upsert([entry(sampled, "Kế hoạch sửa", agency=B)])  # an update, not a second row
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT agency FROM {postgres.SAMPLE}")
        assert cursor.fetchall() == [(B,)]
    assert keys(ask(engine, "sửa")) == [f"document:{sampled}"]
    engine.delete([f"document:{sampled}", "document:404"])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {postgres.SAMPLE}")
        assert cursor.fetchone() == (0,)
    assert ask(engine, "kế hoạch").count == 0


# -- searching -------------------------------------------------------------------------------


def test_a_notation_ranks_first_by_its_whole_and_by_its_symbol(engine: PostgresBackend) -> None:
    engine.rebuild(
        [
            entry(1, "Nghị định quy định chi tiết", notation="12/2020/NĐ-CP"),
            entry(2, "Thông tư hướng dẫn", notation="2020/NĐ-CP", body="căn cứ 12/2020/NĐ-CP"),
            entry(3, "Công văn", notation="45/CV-UBND", body="12 2020 nđ cp"),
        ]
    )
    assert keys(ask(engine, "12/2020/NĐ-CP")) == ["document:1", "document:2"]
    assert keys(ask(engine, "12/2020/ND-CP"))[0] == "document:1"
    assert keys(ask(engine, "2020/NĐ-CP"))[:2] == ["document:2", "document:1"]


def test_exact_diacritics_in_the_title_rank_first(engine: PostgresBackend) -> None:
    engine.rebuild(
        [
            entry(1, "Hồ sơ dát vàng", body="đất"),  # folded in the title, exact in the body
            entry(2, "Quyết định giao đất"),  # exact in the title
            entry(3, "Quyết định đặt tên đường"),  # folded only
            entry(4, "Báo cáo", body="đất đai"),  # exact in the body only
        ]
    )
    assert keys(ask(engine, "đất")) == ["document:2", "document:1", "document:4", "document:3"]
    assert set(keys(ask(engine, "dat"))) == {f"document:{n}" for n in range(1, 5)}


def test_planner_settings_never_leak_into_the_callers_transaction(
    engine: PostgresBackend,
) -> None:
    engine.rebuild([entry(n, "Quyết định") for n in range(1, 5)])
    with transaction.atomic(), connection.cursor() as cursor:
        ask(engine, "quyết định")
        cursor.execute(
            "SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan')"
        )
        assert cursor.fetchone() == ("on", "on")


def test_nasty_input_never_reaches_the_error_log(
    engine: PostgresBackend, caplog: pytest.LogCaptureFixture
) -> None:
    engine.rebuild([entry(1, "Quyết định 123/QĐ-UBND về đất đai", body="Đà Nẵng")])
    rng = random.Random(5)  # noqa: S311 (a repeatable fuzz, not a secret)
    alphabet = WORD_CHARS + " *&|!<>:~^@#$€\x00\x1f\t\n\U0001f600" + "\u0300\u0309"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(300)]
    texts += [unicodedata.normalize("NFD", "Quyết định đất đai"), "đất " * 3000, "x" * 10_000]
    for text in texts:
        for public_only in (True, False):
            found = ask(engine, text, public_only=public_only, filters={"year": (text[:20],)})
            assert found.count >= len(found.hits)
            ask(engine, text, sort="date", page=3)
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


@pytest.fixture
def many(engine: PostgresBackend, monkeypatch: pytest.MonkeyPatch) -> PostgresBackend:
    """Limits shrunk so that 400 entries take the many-matches path (estimates, tiers)."""
    monkeypatch.setattr(postgres, "SAMPLE_RATIO", 2)
    monkeypatch.setattr(postgres, "EXACT_LIMIT", 20)
    monkeypatch.setattr(postgres, "EXACT_CAP", 40)
    monkeypatch.setattr(postgres, "CANDIDATES", 10)
    rng = random.Random(9)  # noqa: S311
    entries = [
        entry(
            n,
            rng.choice(["Quyết định giao đất", "Quyết định đặt tên", "Công văn về đất đai"]),
            access_regime=rng.choice(["01", "01", "02", "03"]),
            agency=rng.choice([A, B]),
        )
        for n in range(1, 401)
    ]
    entries.append(entry(401, "Quyết định giao đất", notation="9999/QĐ-UBND"))
    engine.rebuild(entries)
    return engine


def test_many_matches_are_estimated_and_the_best_come_first(many: PostgresBackend) -> None:
    found = ask(many, "quyết định giao đất")
    true_count = sum(1 for n in range(1, 402) if "giao" in _title(many, n))
    assert 0.6 * true_count <= found.count <= 1.4 * true_count
    assert found.hits and all(h.title == "Quyết định giao đất" for h in found.hits)
    assert sum(n for _, n in found.facets["agency"]) == pytest.approx(found.count, rel=0.2)
    # Exact diacritics first, then folded-only ("đặt") matches.
    titles = [h.title for h in ask(many, "đất", per_page=100).hits]
    assert titles.index("Quyết định đặt tên") > titles.index("Quyết định giao đất")
    # A notation is still exact: one match, first.
    assert keys(ask(many, "9999/QĐ-UBND")) == ["document:401"]


def test_many_matches_respect_access_and_sort_by_date_exactly(many: PostgresBackend) -> None:
    public = ask(many, "quyết định", public_only=True, per_page=50)
    assert all(_regime(many, h.pk) == "01" for h in public.hits)
    assert dict(public.facets["access_regime"]).keys() <= {"01"}
    staff_b = ask(many, "quyết định", agency_ids=frozenset({B}), per_page=50)
    assert all(_agency(many, h.pk) == B for h in staff_b.hits)
    newest = ask(many, "đất", sort="date", per_page=5)
    assert [h.pk for h in newest.hits] == sorted(
        (n for n in range(1, 402) if "dat" in _folded_title(many, n)), reverse=True
    )[:5]


def test_many_matches_pages_cover_every_match_once(many: PostgresBackend) -> None:
    seen: list[str] = []
    for page in range(1, 30):
        found = ask(many, "đất", page=page, per_page=37)
        if not found.hits:
            break
        seen += keys(found)
    # "đất" and "đặt" both fold to "dat": every entry matches, each on exactly one page.
    assert len(seen) == len(set(seen)) == 401
    first = ask(many, "đất", per_page=37).hits
    assert [h.title for h in first[:3]] == ["Quyết định giao đất"] * 3


def _row(n: int, column: str) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM {postgres.TABLE} WHERE key = %s",
            [f"document:{n}"],
        )
        return cursor.fetchone()[0]


def _title(_engine: PostgresBackend, n: int) -> str:
    return str(_row(n, "title")).lower()


def _folded_title(_engine: PostgresBackend, n: int) -> str:
    from luutru.lib.vietnamese import fold

    return fold(str(_row(n, "title")))


def _regime(_engine: PostgresBackend, n: int) -> str:
    return str(_row(n, "access_regime"))


def _agency(_engine: PostgresBackend, n: int) -> int:
    return int(_row(n, "agency"))


def test_a_large_staff_scope_is_checked_on_the_row(
    engine: PostgresBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres, "SCOPE_LEXEMES", 2)
    engine.rebuild([entry(n, "Quyết định giao đất", agency=n % 5) for n in range(1, 51)])
    scope = frozenset({1, 2, 3})
    p = plan(SearchQuery("đất", public_only=False, agency_ids=scope))
    assert p is not None and p.scope == (1, 2, 3) and "~g" not in p.match
    found = ask(engine, "đất", agency_ids=scope, per_page=100)
    assert found.count == 30 == len(found.hits)
    assert {a for a, _ in found.facets["agency"]} == {"1", "2", "3"}
    assert ask(engine, "", agency_ids=scope).count == 30
    assert ask(engine, "đất", agency_ids=scope, sort="date").count == 30


def test_a_large_staff_scope_holds_when_matches_are_many(
    many: PostgresBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres, "SCOPE_LEXEMES", 0)
    found = ask(many, "quyết định", agency_ids=frozenset({B}), per_page=100)
    assert found.hits and all(_agency(many, h.pk) == B for h in found.hits)
    assert dict(found.facets["agency"]).keys() == {str(B)}
    dated = ask(many, "đất", agency_ids=frozenset({B}), sort="date", page=2)
    assert all(_agency(many, h.pk) == B for h in dated.hits)


def test_the_sample_rows_stay_narrow_with_the_titles_lexemes_in_line(
    engine: PostgresBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A common word's estimate reads the sample's matching rows: with files' text in line
    they filled a page each (120-180 ms a search at 1 M); the vectors now live out of line."""
    monkeypatch.setattr(postgres, "SAMPLE_RATIO", 1)
    rng = random.Random(11)  # noqa: S311
    vocabulary = [f"từ{n}" for n in range(5_000)]
    engine.rebuild(
        entry(n, "Quyết định giao đất", body=" ".join(rng.sample(vocabulary, 600)))
        for n in range(1, 65)
    )
    engine.upsert([entry(65, "Công văn Đà Nẵng", body=" ".join(rng.sample(vocabulary, 600)))])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pg_relation_size('{postgres.SAMPLE}') / 8192,"
            f" pg_relation_size(reltoastrelid) / 8192 FROM pg_class"
            f" WHERE oid = '{postgres.SAMPLE}'::regclass"
        )
        heap_pages, toast_pages = cursor.fetchone()
        cursor.execute(f"SELECT hvec::text FROM {postgres.SAMPLE} WHERE key = 'document:65'")
        title = set(cursor.fetchone()[0].replace("'", "").split())
    assert heap_pages <= 4 < 40 <= toast_pages
    # The title's words under ^, folded and as written, and nothing of the body.
    assert {"^cong", "^công", "^da", "^đà", "^nang", "^nẵng"} <= title
    assert not any(w.startswith("^từ") or w.startswith("từ") for w in title)


@pytest.fixture
def in_bodies(engine: PostgresBackend, monkeypatch: pytest.MonkeyPatch) -> PostgresBackend:
    """Many matches whose titles lack the words: half of the bodies have them as written."""
    monkeypatch.setattr(postgres, "SAMPLE_RATIO", 2)
    monkeypatch.setattr(postgres, "EXACT_LIMIT", 20)
    monkeypatch.setattr(postgres, "EXACT_CAP", 40)
    monkeypatch.setattr(postgres, "CANDIDATES", 10)
    engine.rebuild(
        entry(n, "Báo cáo tháng", body="Kho lưu trữ " + ("Đà Nẵng" if n % 2 else "Da Nang"))
        for n in range(1, 301)
    )
    return engine


def test_words_as_written_in_bodies_rank_first_when_no_title_has_them(
    in_bodies: PostgresBackend,
) -> None:
    # No title tier has candidates: the tier of words as written anywhere supplies them,
    # reading the bodies' vectors only until it has enough.
    found = ask(in_bodies, "Đà Nẵng", per_page=10)
    assert found.count > 40  # estimated: the many-matches path
    assert len(found.hits) == 10 and all(h.pk % 2 for h in found.hits)


def test_a_date_range_asks_for_a_few_block_lexemes() -> None:
    from luutru.search.backends.postgres.query import date_lexemes

    # 2010-2014 whole: five years, five lexemes (not 1,825 days).
    assert date_lexemes("20100000", "20149999") == [f"'~e{y}'" for y in range(2010, 2015)]
    # Day numbers that are no date (20240230-20240300) fall in the blocks between: harmless.
    two_days = date_lexemes("20240229", "20240301")
    assert two_days[0] == "'~d20240229'" and two_days[-1] == "'~d20240301'"
    assert len(two_days) < 20
    assert date_lexemes("00000000", "99999999") == [f"'~e{n}'" for n in range(10)]


def test_an_index_built_before_block_lexemes_answers_ranges_by_day_prefixes(
    engine: PostgresBackend,
) -> None:
    from luutru.search.backends.postgres import tables

    dated = [
        entry(n, "Quyết định giao đất", date=datetime.date(2009 + n, 6, 30)) for n in range(1, 8)
    ]
    engine.rebuild([entry(99, "Công văn", date=None), *dated])
    in_range = {"date_from": datetime.date(2011, 1, 1), "date_to": datetime.date(2013, 12, 31)}
    assert tables.date_blocks() and sorted(h.pk for h in ask(engine, "", **in_range).hits) == [
        2,
        3,
        4,
    ]
    with connection.cursor() as cursor:  # as an index written before they existed
        for table in (postgres.TABLE, postgres.SAMPLE):
            cursor.execute(
                f"UPDATE {table} SET vec = array_to_tsvector(ARRAY("
                "SELECT l FROM unnest(tsvector_to_array(vec)) AS l WHERE l NOT LIKE '~e%'))"
            )
        cursor.execute(f"COMMENT ON TABLE {postgres.TABLE} IS NULL")
    tables._date_blocks_read.clear()
    assert not tables.date_blocks()
    assert sorted(h.pk for h in ask(engine, "giao đất", **in_range).hits) == [2, 3, 4]
    assert ask(engine, "", **in_range).count == 3  # never the undated one
