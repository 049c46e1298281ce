"""The load benchmark's collection, written straight into PostgreSQL with COPY.

A million documents through the ORM one by one would take hours; here the rows are generated
in Python (deterministic, seed 2025, vocabulary of bench/bench_search.py) and streamed with
psycopg's ``cursor.copy`` into ``records_dossier`` and ``records_document``, every column given a
valid value (a field left out takes its model default, as ``Model.save`` would give it). The
20 agencies and their fonds are made with ``bulk_create``. All records are held (Đã tiếp nhận
vào kho), Công khai and published, so the portal shows each of them. The search index is then
rebuilt by the engine from the rows (``luutru.search.services.reindex``).

Codes are a pure function of a row's number (``dossier_code``, ``document_code``), so the load
visitors (bench/load_visitors.py) pick random real records without asking the database. This
module imports Django only inside ``build``: the visitors' process imports it bare.
"""

from __future__ import annotations

import datetime
import itertools
import json
import random
import time
from collections.abc import Iterator
from typing import Any

from bench.bench_search import (
    AGENCIES,
    DOC_TYPES,
    PEOPLE,
    PLACES,
    RETENTIONS,
    SUBJECTS,
    TEMPLATES,
)

SEED = 2025
PER_DOSSIER = 10
FIRST_YEAR = 1990
YEARS = 35
MARK = "BENCH-LOAD"  # in every agency's note: the collection is ours, and may be reused


def agency_code(k: int) -> str:
    """The k-th agency's code (0-based), NNN.NN.NN.XNN."""
    return f"000.00.{k + 1:02d}.H62"


def dossier_year(i: int) -> int:
    return FIRST_YEAR + (i // len(AGENCIES)) % YEARS


def dossier_code(i: int) -> str:
    """The i-th dossier's code (0-based): agency, year, number."""
    return f"{agency_code(i % len(AGENCIES))}.{dossier_year(i)}.{i + 1:06d}"


def document_code(j: int) -> str:
    """The j-th document's archival code (0-based): its dossier's code and its ordinal."""
    return f"{dossier_code(j // PER_DOSSIER)}.{j % PER_DOSSIER + 1:07d}"


def _columns(model: Any, given: dict[str, Any]) -> tuple[list[str], list[Any]]:
    """Every concrete column of ``model`` except nullable ones not in ``given``; the constant
    value of each column not in ``given`` (its model default)."""
    now = datetime.datetime.now(datetime.UTC)
    columns: list[str] = []
    constants: list[Any] = []
    for field in model._meta.concrete_fields:
        name = field.attname
        if name in given:
            columns.append(field.column)
            constants.append(given[name])
        elif field.null:
            continue
        elif getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            columns.append(field.column)
            constants.append(now)
        elif field.has_default() or field.empty_strings_allowed:
            value = field.get_default()  # "" for a text field without a default
            columns.append(field.column)
            constants.append(
                json.dumps(value) if field.get_internal_type() == "JSONField" else value
            )
        else:
            raise RuntimeError(f"{model.__name__}.{name} needs a value")
    return columns, constants


def _dossier_rows(count: int, first_id: int, agency_ids: list[int], fonds_ids: list[int],
                  published: datetime.datetime) -> Iterator[dict[str, Any]]:  # fmt: skip
    rng = random.Random(SEED)
    for i in range(count):
        k = i % len(AGENCIES)
        year = dossier_year(i)
        start = datetime.date(year, 1 + rng.randrange(6), 1 + rng.randrange(28))
        yield {
            "id": first_id + i,
            "code": dossier_code(i),
            "agency_id": agency_ids[k],
            "fonds_id": fonds_ids[k],
            "year": year,
            "title": f"Hồ sơ về việc {rng.choice(SUBJECTS)} tại {rng.choice(PLACES)} năm {year}",
            "retention": rng.choice(RETENTIONS),
            "access_regime": "01",
            "languages": "01",
            "start_date": start,
            "end_date": start + datetime.timedelta(days=rng.randrange(180)),
            "total_docs": PER_DOSSIER,
            "page_count": PER_DOSSIER * 3,
            "keywords": rng.choice(SUBJECTS)[:100],
            "creator": rng.choice(PEOPLE).split(" ", 1)[1],
            "custody": "held",
            "published_at": published,
        }


def _document_rows(count: int, first_id: int, first_dossier: int, agency_ids: list[int],
                   published: datetime.datetime) -> Iterator[dict[str, Any]]:  # fmt: skip
    rng = random.Random(SEED + 1)
    for j in range(count):
        i = j // PER_DOSSIER
        k = i % len(AGENCIES)
        year = dossier_year(i)
        type_code, type_name, abbr = rng.choice(DOC_TYPES)
        subject = rng.choice(SUBJECTS)
        summary = rng.choice(TEMPLATES).format(
            type=type_name,
            subject=subject,
            subject2=rng.choice(SUBJECTS),
            place=rng.choice(PLACES),
            person=rng.choice(PEOPLE),
            n=rng.randint(1, 12),
            year=year,
        )
        person = rng.choice(PEOPLE)
        yield {
            "id": first_id + j,
            "dossier_id": first_dossier + i,
            "agency_id": agency_ids[k],
            "ordinal": j % PER_DOSSIER + 1,
            "archival_code": document_code(j),
            "retention": rng.choice(RETENTIONS),
            "doc_type": type_code,
            "number": str(rng.randint(1, 3000)),
            "notation": f"{abbr}-UBND" if abbr else "UBND-VP",
            "issued_date": datetime.date(year, 1 + rng.randrange(12), 1 + rng.randrange(28)),
            "issuer": AGENCIES[k][1],
            "summary": summary[:500],
            "languages": "01",
            "page_count": rng.randint(1, 20),
            "keywords": subject[:100],
            "access_regime": "01",
            "signer": person.split(" ", 1)[1],
            "signer_position": "Phó Chủ tịch" if k % 2 else "Giám đốc",
            "custody": "held",
            "published_at": published,
        }


def _copy(cursor: Any, model: Any, rows: Iterator[dict[str, Any]]) -> int:
    first = next(rows)
    columns, constants = _columns(model, first)
    names = [f.attname for f in model._meta.concrete_fields if f.column in columns]
    given = [name in first for name in names]
    table = model._meta.db_table
    written = 0
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with cursor.copy(sql) as copy:
        for values in itertools.chain([first], rows):
            copy.write_row(
                [values[n] if g else c for n, g, c in zip(names, given, constants, strict=True)]
            )
            written += 1
    return written


def existing(documents: int) -> bool:
    """Whether the database already holds this collection (a rerun on the same database)."""
    from luutru.organizations.models import Agency
    from luutru.records.models import Document

    if not Agency.objects.filter(note=MARK).exists():
        return False
    return Document.objects.filter(archival_code=document_code(documents - 1)).exists() and not (
        Document.objects.filter(archival_code=document_code(documents)).exists()
    )


def build(documents: int) -> dict[str, float]:
    """Write ``documents`` documents (and their dossiers, 20 agencies and fonds) and index them;
    seconds taken by each step. The database must hold no records yet."""
    from django.db import connection, transaction

    from luutru.organizations.models import Agency, AgencyKind, Fonds
    from luutru.records.models import Document, Dossier
    from luutru.search import services

    if Document.objects.exists() or Dossier.objects.exists():
        raise RuntimeError("the database already holds records: use an empty database")
    dossiers = (documents + PER_DOSSIER - 1) // PER_DOSSIER
    published = datetime.datetime.now(datetime.UTC)
    times: dict[str, float] = {}
    start = time.perf_counter()
    with transaction.atomic():
        agencies = Agency.objects.bulk_create(
            Agency(code=agency_code(k), name=name, kind=AgencyKind.DEPARTMENT, note=MARK)
            for k, (_, name) in enumerate(AGENCIES)
        )
        fonds = Fonds.objects.bulk_create(
            Fonds(code=f"{agency_code(k)}.P01", name=f"Phông {name}", agency=agency, is_open=True)
            for k, ((_, name), agency) in enumerate(zip(AGENCIES, agencies, strict=True))
        )
        agency_ids = [a.pk for a in agencies]
        fonds_ids = [f.pk for f in fonds]
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM records_dossier")
            first_dossier = int(cursor.fetchone()[0])
            cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM records_document")
            first_document = int(cursor.fetchone()[0])
            _copy(raw, Dossier, _dossier_rows(dossiers, first_dossier, agency_ids, fonds_ids,
                                              published))  # fmt: skip
            times["dossiers"] = time.perf_counter() - start
            _copy(raw, Document, _document_rows(documents, first_document, first_dossier,
                                                agency_ids, published))  # fmt: skip
            for table in ("records_dossier", "records_document"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"  # noqa: S608
                )
    times["records"] = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    times["analyze"] = time.perf_counter() - start - times["records"]
    mark = time.perf_counter()
    services.reindex()
    times["index"] = time.perf_counter() - mark
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    times["total"] = time.perf_counter() - start
    return times


def plan(documents: int) -> dict[str, Any]:
    """What the visitors need: counts, agencies' codes and ids, queries and facet values."""
    from bench.bench_search import mixed_queries
    from luutru.organizations.models import Agency

    ids = dict(Agency.objects.filter(note=MARK).values_list("code", "pk"))
    return {
        "documents": documents,
        "dossiers": (documents + PER_DOSSIER - 1) // PER_DOSSIER,
        "agencies": [[code, ids[code]] for code in map(agency_code, range(len(AGENCIES)))],
        "queries": [text for _, text in mixed_queries(400)],
        "doc_types": [code for code, _, _ in DOC_TYPES],
        "years": [FIRST_YEAR, FIRST_YEAR + YEARS - 1],
    }
