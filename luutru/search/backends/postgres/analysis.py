"""Analysis: words to lexemes, the same cut for the rows and for the queries.

Text is cut by ``luutru.search.text.parse`` (the queries' own parser), with a fast path for
plain words and a cache per distinct word. Lexemes are sent pre-quoted as tsvector input text:
``vec`` holds the folded words, chunks with inner punctuation whole, the code whole and the
filter lexemes (``~a01``, ``~g12``, …); ``evec`` the words as written with their diacritics, and
the title's and notation's words under ``HEAD``.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from itertools import islice
from typing import Any

from luutru.search.backends import postgres
from luutru.search.base import IndexEntry
from luutru.search.text import (
    MAX_QUERY_CHARS,
    Unit,
    fold_fast,
    issuer_words,
    key,
    notation_keys,
    parse,
)

# Filter lexemes: facet → prefix. Values are IndexEntry codes and integers.
FACET_PREFIX = {
    "agency": "~g",
    "fonds": "~f",
    "year": "~y",
    "doc_type": "~t",
    "retention": "~r",
    "access_regime": "~a",
    "kind": "~k",  # IndexEntry.doc_kind
}
_INT_FACETS = frozenset({"agency", "fonds", "year"})
ALL = "~all"
VISIBLE = "~v"  # + base.OPEN / base.LISTED: what the public may find
DAY = "~d"  # + YYYYMMDD: the entry's date
# + the first 1 to 7 digits of that day number: one lexeme per aligned block of days (a decade,
# a year, the months 1-9, a month, ten days…), so that a range is a few plain lexemes
# (query.date_lexemes), not a prefix that the GIN index expands to every day in it.
BLOCK = "~e"
BLOCK_DIGITS = range(1, 8)
ISSUER = "~i"  # + each folded word of the issuer (cơ quan ban hành)
HEAD = "^"

SEPARATORS = re.compile(r"[./-]")
_PLAIN = re.compile(r"(?:[^\W_]|[./-])+")  # letters, digits (str.isalnum) and ./- only


_TITLE_LEXEME = re.compile("'" + re.escape(HEAD) + r"(?:[^']|'')*'")


def title_lexemes(evec: str) -> str:
    """The lexemes under HEAD (the title's and notation's words, plain and as written) of an
    ``evec`` in tsvector input form: the sample's ``hvec``."""
    return " ".join(_TITLE_LEXEME.findall(evec))


def quote(lexeme: str) -> str:
    """A lexeme as tsvector/tsquery input: quoted, so any character is data, never syntax."""
    if "'" in lexeme or "\\" in lexeme:
        lexeme = lexeme.replace("\\", "\\\\").replace("'", "''")
    return "'" + lexeme + "'"


@dataclass(frozen=True, eq=False)
class _Word:
    """The lexemes of one whitespace-free word, pre-quoted and space-joined."""

    plain: str  # folded words and the chunk whole: vec
    head: str  # plain and exact, each under HEAD: evec, for a word of the title or notation
    exact: str  # the words that have diacritics, as written (lower case): evec


_WORDS: dict[str, _Word] = {}
_WORDS_MAX = 300_000  # distinct words kept; the cache is cleared when full


def wholes(unit: Unit) -> list[str]:
    """A chunk with inner punctuation, whole: '123/qd-ubnd' and its symbol 'qd-ubnd'."""
    whole = unit.whole
    if not unit.compound or not whole or len(whole.encode()) >= postgres.MAX_WHOLE_BYTES:
        return []
    _number, slash, symbol = whole.partition("/")
    return [whole, symbol] if slash and symbol else [whole]


def _units(raw: str) -> list[Unit]:
    """``parse(raw)`` for one whitespace-free word, fast for plain words.

    A word made of letters, digits and ``./-`` only (codes, notations, most words) is cut here
    exactly as ``parse`` would cut it, without its regular expressions: the notation and code
    of every row miss the word cache, and ``parse`` costs ~30 µs. Anything else goes to
    ``parse`` itself. The equivalence is tested on random words.
    """
    if (
        len(raw) > MAX_QUERY_CHARS
        or not _PLAIN.fullmatch(raw)
        or not unicodedata.is_normalized("NFC", raw)
    ):
        return parse(raw)
    whole_exact = raw.lower().strip("./-")
    whole = fold_fast(whole_exact)
    # lower() and folding may add what a token cannot hold ('İ' → 'i' + combining dot).
    if not (_PLAIN.fullmatch(whole_exact) and _PLAIN.fullmatch(whole) and whole == whole.lower()):
        return parse(raw)
    exact_all = [t for t in SEPARATORS.split(whole_exact) if t and len(t.encode()) < 40]
    folded = [t for t in SEPARATORS.split(whole) if t and len(t.encode()) < 40]
    if not exact_all or not folded:
        return []
    exact = tuple(t for t in exact_all if not t.isascii())
    return [Unit(folded=tuple(folded), exact=exact, whole=whole, whole_exact=whole_exact)]


def _analyse(raw: str) -> _Word:
    """One word cut as the query parser cuts it, so that the index and the queries agree."""
    plain: list[str] = []
    exact: list[str] = []
    for unit in _units(raw):
        plain += unit.folded
        plain += wholes(unit)
        exact += unit.exact
    plain = list(dict.fromkeys(plain))
    exact = list(dict.fromkeys(exact))
    return _Word(
        plain=" ".join(map(quote, plain)),
        head=" ".join(quote(HEAD + x) for x in plain + exact),
        exact=" ".join(map(quote, exact)),
    )


def _code_lexemes(code: str) -> tuple[list[str], list[str]]:
    """(vec, evec) lexemes of a code: found whole or by prefix, never by its parts ('h62' alone
    is not a search for every code of that agency; the embedded engine behaves the same)."""
    if code.isascii() and len(code) <= MAX_QUERY_CHARS and _PLAIN.fullmatch(code):
        # What _units gives for a plain ASCII word, without building it: unique per row.
        whole = code.lower().strip("./-")
        parts = [t for t in SEPARATORS.split(whole) if t and len(t) < 40]
        if not parts or (len(whole.encode()) >= postgres.MAX_WHOLE_BYTES and len(parts) > 1):
            return [], []
        if len(parts) == 1 and not SEPARATORS.search(whole):
            whole = parts[0]
        return [quote(whole)], [quote(HEAD + whole)]
    plain: list[str] = []
    head: list[str] = []
    for raw in code.split():
        for unit in _units(raw):
            whole = (wholes(unit) or [unit.folded[0]])[0]
            plain.append(quote(whole))
            head.append(quote(HEAD + whole))
    return plain, head


_NOTATION = re.compile(r"(\d{1,30})/([^\W_](?:[^\W_]|[./-])*[^\W_]|[^\W_])")


def _notation_word(raw: str) -> _Word:
    """A notation word 'number/SYMBOL': the number and its whole, plus the symbol's analysis,
    which is shared by thousands of rows and cached. The same lexemes as ``_analyse(raw)``
    (tested); anything else goes there."""
    found = _NOTATION.fullmatch(raw)
    if found is None or not unicodedata.is_normalized("NFC", raw) or len(raw) > 200:
        return _analyse(raw)
    number, symbol_text = found.groups()
    if "/" in symbol_text:  # '12/2020/NĐ-CP': its symbol has a symbol of its own
        return _analyse(raw)
    symbol = _words([symbol_text])[0]
    symbol_whole = fold_fast(symbol_text.lower())
    if not symbol.plain:
        return _analyse(raw)
    whole = f"{number}/{symbol_whole}"
    max_bytes = postgres.MAX_WHOLE_BYTES
    if len(whole.encode()) >= max_bytes or len(symbol_whole.encode()) >= max_bytes:
        return _analyse(raw)
    extra = [quote(number), quote(whole), quote(symbol_whole)]
    return _Word(
        plain=" ".join([*extra, symbol.plain]),
        head=" ".join([*(quote(HEAD + x[1:-1]) for x in extra), symbol.head]),
        exact=symbol.exact,
    )


def _words(words: list[str]) -> list[_Word]:
    """The analysis of each word, from the cache (one dictionary lookup each) when it can."""
    try:
        return list(map(_WORDS.__getitem__, words))
    except KeyError:
        if len(_WORDS) > _WORDS_MAX:
            _WORDS.clear()
        out = []
        for w in words:
            found = _WORDS.get(w)
            if found is None:
                found = _WORDS[w] = _analyse(w)
            out.append(found)
        return out


def _code_key(code: str) -> str:
    return code.strip().lower() if code.isascii() else fold_fast(key(code))


def facet_value(name: str, value: object) -> str | None:
    """A facet value as it is indexed and filtered on; None for a value that is absent."""
    if value is None:
        return None
    text = str(value).strip()
    if name in _INT_FACETS:
        return str(int(text)) if text.isdigit() else None
    return text or None


def day_number(day: datetime.date) -> str:
    """'20230301': eight digits whose order is the dates' order (year zero-padded)."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _filter_lexemes(entry: IndexEntry) -> list[str]:
    out = [f"'{ALL}'", f"'~g{int(entry.agency)}'"]
    if entry.fonds is not None:
        out.append(f"'~f{int(entry.fonds)}'")
    if entry.year is not None:
        out.append(f"'~y{int(entry.year)}'")
    if entry.date is not None:
        number = day_number(entry.date)
        out.append(f"'{DAY}{number}'")
        out += [f"'{BLOCK}{number[:n]}'" for n in BLOCK_DIGITS]
    out += [quote(ISSUER + w) for w in issuer_words(entry.issuer)]
    for prefix, value in (
        ("~t", entry.doc_type),
        ("~r", entry.retention),
        ("~a", entry.access_regime),
        ("~k", entry.doc_kind),
        (VISIBLE, entry.visibility),
    ):
        shown = value.strip()
        if shown:
            out.append(quote(prefix + shown))
    return out


def analyse(entry: IndexEntry) -> tuple[Any, ...]:
    """The table row of one entry, in ``tables._COLUMNS`` order (vectors as tsvector input text).

    A lexeme may still be sent twice (from two different words); PostgreSQL's tsvector input
    sorts and removes duplicates, in the server process, while this one prepares the next row.
    """
    title, notation_text, body_text, code = (
        _clean(entry.title),
        _clean(entry.notation),
        _clean(entry.body),
        _clean(entry.code),
    )
    head = _words(title.split()) + [_notation_word(w) for w in notation_text.split()]
    if entry.heading:  # the document type's words count as the title's
        head += _words(_clean(entry.heading).split())
    body_words = body_text.split()
    if len(body_words) > postgres.MAX_BODY_WORDS:
        body_words = list(islice(dict.fromkeys(body_words), postgres.MAX_BODY_WORDS))
    body = _words(body_words)
    code_plain, code_head = _code_lexemes(code)
    # A repeated word is sent once (its string is shared through the cache): the server's
    # tsvector input parsing is the largest cost of a rebuild.
    words = dict.fromkeys(head + body)
    vec = " ".join([w.plain for w in words] + code_plain + _filter_lexemes(entry))
    evec = " ".join([w.head for w in dict.fromkeys(head)] + [w.exact for w in words] + code_head)
    notation = notation_keys(notation_text)
    return (
        entry.key,
        entry.pk,
        entry.agency,
        entry.fonds,
        entry.year,
        entry.date,
        min(len(title.split()), 32_767),  # head_len
        entry.kind,
        entry.doc_type,
        entry.retention,
        entry.access_regime,
        code,
        _code_key(code),
        notation_text,
        notation[0] if notation else "",  # notation_key
        title,
        body_text,
        vec,
        evec,
        entry.doc_kind,
    )


def _clean(text: str) -> str:
    """PostgreSQL text cannot hold NUL (SQLite's can); everything else is stored as given."""
    return text.replace("\x00", "") if "\x00" in text else text
