"""Search (tra cứu): 1,000,000 generated records, the embedded engine and its bare query.

Entries are generated directly (no ORM): Vietnamese summaries built from document types,
subjects, place and person names and years, notations such as `1234/QĐ-UBND`, codes such as
`000.00.12.H62.2023.0042.0000007`, a tenth of them dossiers; deterministic (seed 2025). Measured:
the build rate and size of the index, and p50/p95 of 200 mixed queries (folded, exact
diacritics, notation, code prefix; each without and with facets, as an administrator and as an
anonymous caller; and the advanced search, five years of days and an issuer) through
`TantivyBackend.search` — parsing, access filters, snippets, hits.
Each figure is set beside the engine's own bare query on the same index in the same run:
tantivy's query parser over the folded words, every word required (as ours), top 20 and the
count, no filters, no documents fetched.
Most documents carry one to BENCH_SEARCH_TEXT_PAGES (3) pages of Vietnamese body text, as if
extracted from their files, drawn from a pool of pages made once per issuer; the build rates
count the engine only, and the index size is set against the raw text it was given.
For comparison, the first 100,000 entries (BENCH_SEARCH_FTS5_RECORDS) in SQLite FTS5
(`unicode61 remove_diacritics 2`, đ folded by us): its build rate and a naive
`MATCH … ORDER BY bm25 LIMIT 20`, the design ADR 0004 rejects.
`luutru reindex` is measured end to end from the database on 50,000 documents
(BENCH_SEARCH_REINDEX), not the million: on each engine.
The PostgreSQL engine's figures come from `_postgres_figures()`: on DATABASE_URL when it is
PostgreSQL, else on a throwaway cluster that the benchmark starts (scripts/pg-test-cluster.sh).
"""

from __future__ import annotations

import datetime
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench.harness import Figure, percentile, postgres_cluster

RECORDS = int(os.environ.get("BENCH_SEARCH_RECORDS", "1000000"))
QUERIES = 200
SEED = 2025
REINDEX_DOCUMENTS = int(os.environ.get("BENCH_SEARCH_REINDEX", "50000"))
# Body text per document, as extracted from its files: one to three pages of Vietnamese prose
# (about 2,500 characters a page); 0 for metadata only, as before.
TEXT_PAGES = int(os.environ.get("BENCH_SEARCH_TEXT_PAGES", "3"))
PAGE_CHARS = 2_500
PAGE_POOL = 200  # pages made per issuer, from which each entry's text is drawn
# The comparisons that would take most of the time at a million: SQLite FTS5 and its naive query
# on the first FTS5_RECORDS entries only; `luutru reindex` on REINDEX_DOCUMENTS from the database.
BARE_QUERIES = 40  # PostgreSQL's bare query, which ranks every match, on this many only
FTS5_RECORDS = min(RECORDS, int(os.environ.get("BENCH_SEARCH_FTS5_RECORDS", "100000")))
SENTENCES = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015",
    "Căn cứ {notation} của {issuer} về việc {subject}",
    "Xét đề nghị của Giám đốc {issuer} tại Tờ trình số {n}/TTr ngày {day}",
    "Giao {issuer} chủ trì, phối hợp với các sở, ngành liên quan tổ chức thực hiện {subject}",
    "Ủy ban nhân dân {place} có trách nhiệm báo cáo kết quả thực hiện trước ngày {day}",
    "Kinh phí thực hiện từ nguồn ngân sách nhà nước năm {year} theo phân cấp hiện hành",
    "Ông {person} được giao nhiệm vụ theo dõi, đôn đốc việc {subject} tại {place}",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các đơn vị phản ánh kịp thời",
    "Quyết định này có hiệu lực kể từ ngày ký; các quy định trước đây trái với Quyết định này "
    "đều bãi bỏ",
    "Chánh Văn phòng, Thủ trưởng các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành",
    "Tổng số hồ sơ tiếp nhận trong kỳ là {n}, đã giải quyết đúng hạn {n2} hồ sơ",
    "Đề nghị các cơ quan, đơn vị nghiên cứu, góp ý bằng văn bản gửi về {issuer}",
]

DOC_TYPES = [
    ("02", "Quyết định", "QĐ"),
    ("22", "Công văn", ""),
    ("15", "Tờ trình", "TTr"),
    ("14", "Báo cáo", "BC"),
    ("10", "Kế hoạch", "KH"),
    ("07", "Thông báo", "TB"),
    ("01", "Nghị quyết", "NQ"),
    ("03", "Chỉ thị", "CT"),
    ("20", "Biên bản", "BB"),
    ("21", "Hợp đồng", "HĐ"),
    ("26", "Giấy mời", "GM"),
    ("08", "Hướng dẫn", "HD"),
]
AGENCIES = [
    ("UBND", "Ủy ban nhân dân tỉnh Hậu Giang"),
    ("STC", "Sở Tài chính"),
    ("STNMT", "Sở Tài nguyên và Môi trường"),
    ("SXD", "Sở Xây dựng"),
    ("SNV", "Sở Nội vụ"),
    ("SGDĐT", "Sở Giáo dục và Đào tạo"),
    ("SYT", "Sở Y tế"),
    ("SKHĐT", "Sở Kế hoạch và Đầu tư"),
    ("SGTVT", "Sở Giao thông vận tải"),
    ("SNN", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("SLĐTBXH", "Sở Lao động - Thương binh và Xã hội"),
    ("STP", "Sở Tư pháp"),
    ("SCT", "Sở Công Thương"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("UBND-VT", "Ủy ban nhân dân thành phố Vị Thanh"),
    ("UBND-NB", "Ủy ban nhân dân thành phố Ngã Bảy"),
    ("UBND-LM", "Ủy ban nhân dân thị xã Long Mỹ"),
    ("UBND-CT", "Ủy ban nhân dân huyện Châu Thành"),
    ("UBND-PH", "Ủy ban nhân dân huyện Phụng Hiệp"),
    ("UBND-VTy", "Ủy ban nhân dân huyện Vị Thủy"),
]
SUBJECTS = [
    "giao đất",
    "thu hồi đất",
    "cho thuê đất",
    "cấp giấy chứng nhận quyền sử dụng đất",
    "điều chỉnh bảng giá đất",
    "quy hoạch sử dụng đất",
    "bồi thường, hỗ trợ và tái định cư",
    "phê duyệt dự toán ngân sách",
    "phân bổ dự toán ngân sách nhà nước",
    "quyết toán vốn đầu tư",
    "đầu tư xây dựng công trình",
    "nâng cấp đường giao thông nông thôn",
    "xây dựng trường tiểu học",
    "sửa chữa trạm y tế xã",
    "bổ nhiệm cán bộ lãnh đạo",
    "nâng bậc lương thường xuyên",
    "tuyển dụng viên chức",
    "khen thưởng thành tích xuất sắc",
    "kỷ luật cán bộ, công chức",
    "thành lập hội đồng thẩm định",
    "cải cách hành chính",
    "phòng, chống dịch bệnh",
    "hỗ trợ hộ nghèo, hộ cận nghèo",
    "xây dựng nông thôn mới",
    "đạt chuẩn nông thôn mới",
    "công nhận xã đạt chuẩn quốc gia về y tế",
    "xử phạt vi phạm hành chính trong lĩnh vực đất đai",
    "bảo vệ môi trường",
    "phòng chống thiên tai và tìm kiếm cứu nạn",
    "đê điều và thủy lợi nội đồng",
    "chuyển đổi cơ cấu cây trồng",
    "cấp phép xây dựng nhà ở",
    "kế hoạch phát triển kinh tế - xã hội",
    "tổ chức Đại hội Đảng bộ",
    "tiếp công dân và giải quyết khiếu nại, tố cáo",
    "số hóa tài liệu lưu trữ",
    "chỉnh lý tài liệu lưu trữ",
    "thu nộp hồ sơ vào Lưu trữ lịch sử",
]
PLACES = [
    "xã Hỏa Lựu",
    "xã Tân Tiến",
    "phường Vị Tân",
    "xã Vị Đông",
    "xã Tân Phú Thạnh",
    "thị trấn Cái Tắc",
    "xã Long Thạnh",
    "phường Hiệp Thành",
    "xã Đại Thành",
    "xã Phương Bình",
    "xã Hiệp Hưng",
    "thị trấn Nàng Mau",
    "xã Vĩnh Tường",
    "phường Trà Lồng",
    "xã Lương Tâm",
    "xã Xà Phiên",
    "thị trấn Một Ngàn",
    "xã Đông Phước",
    "xã Thạnh Xuân",
    "phường Lái Hiếu",
]
PEOPLE = [
    "ông Nguyễn Văn An",
    "bà Trần Thị Bình",
    "ông Lê Hoàng Dũng",
    "ông Phạm Đức Đạt",
    "bà Võ Thị Hồng",
    "ông Huỳnh Văn Đông",
    "bà Đặng Thị Lan",
    "ông Bùi Quốc Khánh",
    "bà Dương Thị Mai",
    "ông Đỗ Minh Tâm",
]
TEMPLATES = [
    "{type} về việc {subject} tại {place} năm {year}",
    "Về việc {subject} cho {person} tại {place}",
    "{type} về {subject} đợt {n} năm {year}",
    "Về việc {subject} trên địa bàn {place}",
    "{type} kết quả {subject} năm {year}",
    "Về việc {subject} và {subject2}",
]
RETENTIONS = ["01", "01", "02", "04", "04", "05", "06"]
REGIMES = ["01"] * 6 + ["02"] * 3 + ["03"]


def _pages(rng: random.Random, pages: int, issuer: str, year: int) -> str:
    """About ``pages`` pages of an administrative text, sentences drawn from SENTENCES."""
    out: list[str] = []
    size = 0
    while size < pages * PAGE_CHARS:
        abbr = rng.choice(DOC_TYPES)[2] or "UBND"
        sentence = rng.choice(SENTENCES).format(
            notation=f"Quyết định số {rng.randint(1, 3000)}/{abbr}-UBND",
            issuer=issuer,
            subject=rng.choice(SUBJECTS),
            place=rng.choice(PLACES),
            person=rng.choice(PEOPLE),
            n=rng.randint(1, 900),
            n2=rng.randint(1, 900),
            day=f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{year}",
            year=year,
        )
        out.append(sentence)
        size += len(sentence) + 2
    return ". ".join(out) + "."


def _page_pool(seed: int) -> list[list[str]]:
    """PAGE_POOL pages per issuer, made once: an entry's text is drawn from its issuer's pages
    (so that generating a million entries costs seconds, not a quarter of an hour)."""
    rng = random.Random(seed)
    return [
        [_pages(rng, 1, issuer, rng.randint(1995, 2024)) for _ in range(PAGE_POOL)]
        for _, issuer in AGENCIES
    ]


def generate(count: int, seed: int = SEED) -> Iterator[Any]:
    """``count`` IndexEntry rows, documents and (one in ten) dossiers, always the same.

    Cheap (about 15 µs an entry): every choice is one draw of ``random()`` scaled by hand, and
    the body text is one to TEXT_PAGES pages picked from a pool made once per issuer.
    """
    from luutru.search.base import IndexEntry

    rng = random.Random(seed)
    draw = rng.random
    pool = _page_pool(seed) if TEXT_PAGES else []
    headers = [
        [f"{issuer}. {person.capitalize()} ký. Căn cứ Luật Lưu trữ năm 2024; " for person in PEOPLE]
        for _, issuer in AGENCIES
    ]
    n_types, n_subjects, n_places = len(DOC_TYPES), len(SUBJECTS), len(PLACES)
    n_people, n_templates = len(PEOPLE), len(TEMPLATES)
    n_retentions, n_regimes = len(RETENTIONS), len(REGIMES)
    for pk in range(1, count + 1):
        agency = int(draw() * len(AGENCIES))
        abbr, issuer = AGENCIES[agency]
        year = 1995 + int(draw() * 30)
        type_code, type_name, type_abbr = DOC_TYPES[int(draw() * n_types)]
        subject = SUBJECTS[int(draw() * n_subjects)]
        place = PLACES[int(draw() * n_places)]
        day = datetime.date(year, 1, 1) + datetime.timedelta(days=int(draw() * 365))
        code = f"000.00.{agency + 10:02d}.H62.{year}.{1 + int(draw() * 400):04d}"
        regime = REGIMES[int(draw() * n_regimes)]
        retention = RETENTIONS[int(draw() * n_retentions)]
        body = (
            f"{headers[agency][int(draw() * n_people)]}"
            f"{SUBJECTS[int(draw() * n_subjects)]}; {PLACES[int(draw() * n_places)]}; "
            f"từ khóa: {subject}."
        )
        if TEXT_PAGES and pk % 10:
            pages = pool[agency]
            body = "\n".join(
                [body]
                + [pages[int(draw() * PAGE_POOL)] for _ in range(1 + int(draw() * TEXT_PAGES))]
            )
        visibility = "open" if regime == "01" else ""
        if pk % 10 == 0:
            yield IndexEntry(
                key=f"dossier:{pk}",
                kind="dossier",
                pk=pk,
                code=code,
                title=f"Hồ sơ {subject} tại {place} năm {year}",
                notation="",
                body=body,
                agency=agency + 1,
                fonds=agency + 1,
                year=year,
                doc_type="",
                retention=retention,
                access_regime=regime,
                date=day,
                issuer=issuer,
                visibility=visibility,
            )
            continue
        title = TEMPLATES[int(draw() * n_templates)].format(
            type=type_name,
            subject=subject,
            subject2=SUBJECTS[int(draw() * n_subjects)],
            place=place,
            person=PEOPLE[int(draw() * n_people)],
            year=year,
            n=1 + int(draw() * 4),
        )
        symbol = f"{type_abbr}-{abbr}" if type_abbr else abbr
        yield IndexEntry(
            key=f"document:{pk}",
            kind="document",
            pk=pk,
            code=f"{code}.{1 + int(draw() * 60):07d}",
            title=title,
            notation=f"{1 + int(draw() * 3000)}/{symbol}",
            body=body,
            agency=agency + 1,
            fonds=agency + 1 if draw() < 0.9 else None,
            year=year,
            doc_type=type_code,
            retention=retention,
            access_regime=regime,
            date=day,
            issuer=issuer,
            visibility=visibility,
        )


class Timed:
    """An iterator of entries that times its own drawing (generation is not the engine's) and
    measures the raw text it hands out (titles, notations, bodies, in UTF-8)."""

    def __init__(self, entries: Iterator[Any]) -> None:
        self.entries = entries
        self.seconds = 0.0
        self.raw_bytes = 0

    def __iter__(self) -> Iterator[Any]:
        clock = time.perf_counter
        while True:
            start = clock()
            entry = next(self.entries, None)
            if entry is not None:
                self.raw_bytes += len(entry.title.encode()) + len(entry.notation.encode())
                self.raw_bytes += len(entry.body.encode())
            self.seconds += clock() - start
            if entry is None:
                return
            yield entry


def mixed_queries(count: int, seed: int = SEED + 1) -> list[tuple[str, str]]:
    """(kind, text) pairs: a quarter each folded, exact, notation and code prefix."""
    from luutru.lib.vietnamese import fold

    rng = random.Random(seed)
    out: list[tuple[str, str]] = []
    for i in range(count):
        kind = ("folded", "exact", "notation", "prefix")[i % 4]
        if kind in ("folded", "exact"):
            words = rng.choice(
                [
                    rng.choice(SUBJECTS),
                    f"{rng.choice(SUBJECTS)} {rng.choice(PLACES)}",
                    rng.choice(PLACES),
                    f"{rng.choice(DOC_TYPES)[1]} {rng.choice(SUBJECTS).split(',')[0]}",
                    rng.choice(PEOPLE).split(" ", 1)[1],
                ]
            )
            out.append((kind, fold(words) if kind == "folded" else words))
        elif kind == "notation":
            _, _, type_abbr = rng.choice([d for d in DOC_TYPES if d[2]])
            abbr = rng.choice(AGENCIES)[0]
            notation = f"{rng.randint(1, 3000)}/{type_abbr}-{abbr}"
            out.append((kind, rng.choice([notation, fold(notation).upper(), notation[5:]])))
        else:
            agency, year = rng.randrange(len(AGENCIES)), rng.randint(1995, 2024)
            prefix = f"000.00.{agency + 10:02d}.H62.{year}"
            out.append((kind, rng.choice([prefix, f"{prefix}.{rng.randint(1, 400):04d}"])))
    return out


def _advanced(text: str) -> Any:
    """The advanced search's filters on a query: five years of days and an issuer."""
    from luutru.search.base import SearchQuery

    return SearchQuery(
        text,
        public_only=False,
        agency_ids=None,
        date_from=datetime.date(2010, 1, 1),
        date_to=datetime.date(2014, 12, 31),
        issuer="Sở Tài chính",
    )


def _size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def _latencies(fn: Callable[[str], object], texts: list[str]) -> list[float]:
    fn(texts[0])
    out = []
    for text in texts:
        start = time.perf_counter()
        fn(text)
        out.append((time.perf_counter() - start) * 1000)
    return out


def _pair(name: str, values: list[float], target: str | None, note: str = "") -> list[Figure]:
    return [
        Figure(f"{name}, p50", round(percentile(values, 50), 2), "ms", None, note or None),
        Figure(f"{name}, p95", round(percentile(values, 95), 2), "ms", target),
    ]


def embedded_figures(root: Path) -> list[Figure]:
    """Build the tantivy index from generated entries, then time mixed queries on it."""
    from luutru.search.backends.tantivy_engine import TantivyBackend
    from luutru.search.base import SearchQuery

    entries = Timed(generate(RECORDS))
    backend = TantivyBackend(root / "tantivy")
    start = time.perf_counter()
    built = backend.rebuild(entries)
    seconds = time.perf_counter() - start - entries.seconds
    raw = entries.raw_bytes / 1e6
    size = _size_mb(root / "tantivy")
    figures = [
        Figure(
            f"embedded (tantivy) index build, {built:,} entries with their text",
            round(built / seconds),
            "entries/s",
            "≥ 2,000",
            f"generating the entries ({entries.seconds:.0f} s) not counted",
        ),
        Figure("embedded (tantivy) index size", round(size), "MB"),
        Figure(
            "raw text indexed (titles, notations, bodies with file text)",
            round(raw),
            "MB",
            None,
            f"index/raw = {size / raw:.2f}; {TEXT_PAGES} page(s) max of text per document",
        ),
    ]

    queries = mixed_queries(QUERIES)
    texts = [text for _, text in queries]
    index = backend._open()
    assert index is not None
    searcher = index.searcher()

    def bare(text: str) -> object:
        from luutru.lib.vietnamese import fold

        parsed, _errors = index.parse_query_lenient(
            fold(text), ["all_f"], conjunction_by_default=True
        )
        return searcher.search(parsed, 20).hits

    def ours(public: bool, facets: bool) -> Callable[[str], object]:
        def run(text: str) -> object:
            return backend.search(
                SearchQuery(text, public_only=public, agency_ids=None, with_facets=facets)
            )

        return run

    figures += _pair(
        "bare tantivy query (query parser, folded, every word, top 20)",
        _latencies(bare, texts),
        None,
    )
    figures += _pair(
        "embedded: ranked top 20, administrator", _latencies(ours(False, False), texts), "≤ 50"
    )
    figures += _pair(
        "embedded: ranked top 20 with facets, administrator",
        _latencies(ours(False, True), texts),
        "≤ 150",
    )
    figures += _pair(
        "embedded: ranked top 20 with facets, anonymous",
        _latencies(ours(True, True), texts),
        "≤ 150",
    )
    for kind in ("folded", "exact", "notation", "prefix"):
        subset = [t for k, t in queries if k == kind]
        figures += _pair(
            f"embedded with facets, {kind} queries only",
            _latencies(ours(False, True), subset),
            "≤ 150",
        )
    advanced = _latencies(lambda t: backend.search(_advanced(t)), texts)
    figures += _pair("embedded: advanced search (5 years, issuer) with facets", advanced, "≤ 150")
    browse = _latencies(lambda _t: backend.search(SearchQuery("", False, None)), texts[:50])
    figures += _pair("embedded: empty query (browse by date) with facets", browse, "≤ 150")
    return figures


def fts5_figures(root: Path) -> list[Figure]:
    """The same entries in SQLite FTS5 and its naive ranked query: the alternative measured."""
    from luutru.search.text import fold_fast

    db = sqlite3.connect(root / "fts5.sqlite3")
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize='unicode61 remove_diacritics 2')"
    )
    db.execute("CREATE TABLE meta (id INTEGER PRIMARY KEY, agency INTEGER, regime TEXT)")
    start = time.perf_counter()
    batch: list[tuple[int, str, str]] = []
    meta: list[tuple[int, int, str]] = []
    count = 0
    for entry in generate(FTS5_RECORDS):
        count += 1
        title, body = fold_fast(f"{entry.notation} {entry.title}"), fold_fast(entry.body)
        batch.append((count, title, body))
        meta.append((count, entry.agency, entry.access_regime))
        if len(batch) == 5000:
            db.executemany("INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)", batch)
            db.executemany("INSERT INTO meta VALUES (?, ?, ?)", meta)
            batch, meta = [], []
    db.executemany("INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)", batch)
    db.executemany("INSERT INTO meta VALUES (?, ?, ?)", meta)
    db.commit()
    rate = count / (time.perf_counter() - start)
    size = (root / "fts5.sqlite3").stat().st_size / 1e6

    def naive(text: str) -> object:
        words = " ".join(f'"{w}"' for w in fold_fast(text).replace('"', " ").split())
        return db.execute(
            "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts, 2.0, 1.0) LIMIT 20",
            (words,),
        ).fetchall()

    def one_facet(text: str) -> object:
        words = " ".join(f'"{w}"' for w in fold_fast(text).replace('"', " ").split())
        return db.execute(
            "SELECT m.agency, count(*) FROM fts JOIN meta m ON m.id = fts.rowid "
            "WHERE fts MATCH ? AND m.regime = '01' GROUP BY m.agency",
            (words,),
        ).fetchall()

    texts = [t for k, t in mixed_queries(QUERIES) if k in ("folded", "exact")]
    figures = [
        Figure(
            f"SQLite FTS5 build, the first {count:,} of the same entries (for comparison)",
            round(rate),
            "entries/s",
            None,
            "generation counted: an upper bound on its time",
        ),
        Figure("SQLite FTS5 size", round(size), "MB"),
    ]
    figures += _pair(
        f"SQLite FTS5 ({count:,} entries) naive MATCH … ORDER BY bm25 LIMIT 20 (words only)",
        _latencies(naive, texts),
        None,
        "no facets, no access filter",
    )
    figures += _pair(
        f"SQLite FTS5 ({count:,} entries): count per agency of the public matches"
        " (one facet of six)",
        _latencies(one_facet, texts[:40]),
        None,
        "what each facet would cost; 40 queries",
    )
    db.close()
    return figures


def reindex_figures() -> list[Figure]:
    """`luutru reindex` from the database: documents made with bulk_create, then rebuilt."""
    from luutru.search import services

    _make_records()
    start = time.perf_counter()
    count = services.reindex()
    rate = count / (time.perf_counter() - start)
    return [
        Figure(
            f"luutru reindex from the database ({count:,} records, not the million)",
            round(rate),
            "records/s",
            "≥ 5,000",
        )
    ]


def _make_records() -> None:
    """REINDEX_DOCUMENTS documents in the database, a dossier for every ten (bulk_create)."""
    from django.db import transaction

    from luutru.organizations.models import Agency
    from luutru.records.models import Document, Dossier

    rng = random.Random(SEED)
    agency, _ = Agency.objects.get_or_create(
        code="000.00.12.H62", defaults={"name": "Sở Nội vụ tỉnh Hậu Giang"}
    )
    entries = generate(REINDEX_DOCUMENTS)
    with transaction.atomic():
        dossiers = Dossier.objects.bulk_create(
            Dossier(
                code=f"000.00.12.H62.2023.{n:05d}",
                agency=agency,
                year=2023,
                title=f"Hồ sơ {rng.choice(SUBJECTS)} số {n}",
                retention="01",
                access_regime="01",
                languages="01",
                start_date=datetime.date(2023, 1, 1),
                end_date=datetime.date(2023, 12, 31),
                total_docs=10,
                page_count=20,
            )
            for n in range(REINDEX_DOCUMENTS // 10)
        )
        documents = []
        for n, entry in enumerate(entries):
            documents.append(
                Document(
                    dossier=dossiers[n // 10],
                    agency=agency,
                    ordinal=n % 10 + 1,
                    archival_code=f"{dossiers[n // 10].code}.{n % 10 + 1:07d}",
                    retention="01",
                    doc_type="02",
                    number=str(n),
                    notation="QĐ-UBND",
                    issued_date=entry.date,
                    issuer="Ủy ban nhân dân tỉnh Hậu Giang",
                    summary=entry.title[:500],
                    languages="01",
                    page_count=1,
                    access_regime=entry.access_regime,
                    keywords="đất đai",
                    description=entry.body[:500],
                )
            )
        Document.objects.bulk_create(documents, batch_size=2000)


def _postgres_figures() -> list[Figure]:
    """The PostgreSQL engine (ADR 0005), when DATABASE_URL is PostgreSQL; [] otherwise.

    The same generated entries and mixed queries as the embedded engine: `luutru reindex` from
    the database (the records made by `reindex_figures`), the build rate of `rebuild` from the
    generated entries (their generation not counted) and the tables' size, then each kind of search
    beside the engine's bare query on the same table in the same run: `vec @@ q ORDER BY
    ts_rank(vec, q) DESC LIMIT 20`, all query words folded, no access filter, no facets, no
    count. The index is rebuilt from the database at the end, so that it matches it again.
    """
    from typing import Literal

    from django.db import connection
    from django.test.utils import override_settings

    if connection.vendor != "postgresql":
        return []
    from luutru.search import services
    from luutru.search.backends import postgres
    from luutru.search.base import SearchQuery

    engine = postgres.PostgresBackend()
    with override_settings(SEARCH_BACKEND="postgres"):
        start = time.perf_counter()
        reindexed = services.reindex()
        reindex_rate = reindexed / (time.perf_counter() - start)

    entries = Timed(generate(RECORDS))
    start = time.perf_counter()
    built = engine.rebuild(entries)
    seconds = time.perf_counter() - start - entries.seconds
    raw = entries.raw_bytes / 1e6
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_total_relation_size(%s::regclass) + pg_total_relation_size(%s::regclass),"
            " pg_relation_size('search_entry_vec'), pg_total_relation_size(%s::regclass)",
            [postgres.TABLE, postgres.SAMPLE, postgres.SAMPLE],
        )
        total_size, gin_size, sample_size = cursor.fetchone()
    figures = [
        Figure(
            f"PostgreSQL: luutru reindex from the database ({reindexed:,} records,"
            " not the million)",
            round(reindex_rate),
            "records/s",
            "≥ 2,000",
        ),
        Figure(
            f"PostgreSQL index build (rebuild), {built:,} entries with their text",
            round(built / seconds),
            "entries/s",
            "≥ 2,000",
            f"generating the entries ({entries.seconds:.0f} s) not counted",
        ),
        Figure(
            "PostgreSQL index size (tables, TOAST and indexes)",
            round(total_size / 1e6),
            "MB",
            None,
            f"index/raw = {total_size / 1e6 / raw:.2f} ({raw:.0f} MB of text);"
            f" GIN {gin_size / 1e6:.0f} MB; sample table {sample_size / 1e6:.0f} MB",
        ),
    ]

    queries = mixed_queries(QUERIES)
    texts = [text for _, text in queries]

    def bare(text: str) -> object:
        found = postgres.plan(SearchQuery(text, public_only=False, agency_ids=None))
        if found is None or not found.units:
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT key FROM {postgres.TABLE} WHERE vec @@ %s::tsquery"  # noqa: S608
                " ORDER BY ts_rank(vec, %s::tsquery) DESC LIMIT 20",
                [found.match, found.match],
            )
            return cursor.fetchall()

    def ours(
        public: bool, facets: bool, sort: Literal["relevance", "date"] = "relevance"
    ) -> Callable[[str], object]:
        def run(text: str) -> object:
            return engine.search(SearchQuery(text, public, None, with_facets=facets, sort=sort))

        return run

    exact = sum(
        1
        for t in texts
        if engine.search(SearchQuery(t, False, None, with_facets=False)).count
        <= postgres.EXACT_LIMIT
    )
    # The bare query ranks every match: about a second each at 150,000 records, so it is timed
    # on BARE_QUERIES of the queries only (a quarter of each kind), once.
    bare_runs: dict[str, list[float]] = {}
    for kind in ("folded", "exact", "notation", "prefix"):
        subset = [t for k, t in queries if k == kind][: BARE_QUERIES // 4]
        bare_runs[kind] = _latencies(bare, subset)
    figures += _pair(
        "bare PostgreSQL query (vec @@ q ORDER BY ts_rank LIMIT 20)",
        [v for values in bare_runs.values() for v in values],
        None,
        f"{BARE_QUERIES} of the queries",
    )
    figures += _pair(
        "PostgreSQL: ranked top 20, administrator",
        _latencies(ours(False, False), texts),
        "≤ 50",
        f"{exact} of {len(texts)} queries have ≤ {postgres.EXACT_LIMIT:,} matches: exact path",
    )
    figures += _pair(
        "PostgreSQL: ranked top 20 with facets, administrator",
        _latencies(ours(False, True), texts),
        "≤ 150",
    )
    figures += _pair(
        "PostgreSQL: ranked top 20 with facets, anonymous",
        _latencies(ours(True, True), texts),
        "≤ 150",
    )
    for kind in ("folded", "exact", "notation", "prefix"):
        subset = [t for k, t in queries if k == kind]
        figures += _pair(
            f"PostgreSQL with facets, {kind} queries only",
            _latencies(ours(False, True), subset),
            "≤ 150",
        )
        figures += _pair(f"bare PostgreSQL query, {kind} queries only", bare_runs[kind], None)
    figures += _pair(
        "PostgreSQL: sorted by date with facets, administrator",
        _latencies(ours(False, True, "date"), texts),
        "≤ 150",
    )
    advanced = _latencies(lambda t: engine.search(_advanced(t)), texts)
    figures += _pair("PostgreSQL: advanced search (5 years, issuer) with facets", advanced, "≤ 150")
    browse = _latencies(lambda _t: engine.search(SearchQuery("", False, None)), texts[:50])
    figures += _pair("PostgreSQL: empty query (browse by date) with facets", browse, "≤ 150")
    with override_settings(SEARCH_BACKEND="postgres"):
        services.reindex()
    return figures


def run() -> list[Figure]:
    from django.test.utils import override_settings

    root = Path(tempfile.mkdtemp(prefix="luutru-bench-search-"))
    try:
        with override_settings(SEARCH_INDEX_DIR=root / "reindex", SEARCH_BACKEND="embedded"):
            figures = reindex_figures()
        figures += embedded_figures(root)
        figures += fts5_figures(root)
        figures += postgres_figures()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return figures


def postgres_figures() -> list[Figure]:
    """The PostgreSQL engine's figures: on DATABASE_URL when it is PostgreSQL, else in a child
    process on a throwaway cluster (so that `make bench` always shows both engines);
    BENCH_SEARCH_POSTGRES=0 leaves them out."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return _postgres_figures()
    if os.environ.get("BENCH_SEARCH_POSTGRES", "1") == "0":
        return []
    with postgres_cluster() as (url, _cluster), tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "figures.json"
        (Path(tmp) / "data").mkdir()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "LUUTRU_DATA_DIR": f"{tmp}/data",
            "DJANGO_SETTINGS_MODULE": "luutru.settings",
        }
        root = Path(__file__).resolve().parent.parent
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "bench.bench_search", str(out)], cwd=root, env=env, check=True
        )
        rows = json.loads(out.read_text("utf-8"))
    return [Figure(**row) for row in rows]


def _child(out: Path) -> None:
    """The PostgreSQL half in its own process: migrate, make the records, measure."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    _make_records()
    figures = _postgres_figures()
    out.write_text(json.dumps([f.__dict__ for f in figures], ensure_ascii=False), "utf-8")


if __name__ == "__main__":
    _child(Path(sys.argv[1]))
