"""Query parsing, folding and snippets shared by the search engines.

A user's text never reaches an engine's own query syntax: ``parse`` cuts it into ``Unit``s and
the engines build their queries from those, so operators (``"``, ``*``, ``-``, ``NEAR``, ``(``,
``:``) are plain separators and no input can be a syntax error.

- ``fold_fast`` is ``lib.vietnamese.fold`` without its whitespace squeeze: đ → d, marks removed,
  case folded; the same result on Vietnamese text, with C-level string calls only.
- A token is a run of letters and digits (``[^\\W_]+``), lower case, under 40 bytes: what
  tantivy's tokenizer makes of the same text (the embedded engine cuts and folds in Rust, with
  the same analyzer on both sides; these Python tokens serve parsing and highlighting).
- A query is a list of ``Unit``: one per whitespace-separated chunk. A chunk with inner
  punctuation (``123/QĐ-UBND``, ``000.00.12.H62.2024.01``) is one unit whose words must
  appear together, and which may also match a notation or a code whole or by prefix.
- ``snippet`` marks the query's words in a text by folded comparison, HTML-escaped.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

MAX_QUERY_CHARS = 256  # a title is ~100 characters; a 10 KB paste is cut at a word boundary
MAX_UNITS = 12  # all units must match: more than this only ever finds nothing, slowly
MAX_TOKEN_BYTES = 40

_TOKEN = re.compile(r"[^\W_]+")

# The combining diacritical mark blocks (Latin, Vietnamese, and their supplements). Other
# scripts' marks stay: they are part of their letters, and the same rule applies on both sides.
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028-\u202e\ufeff]")
_EDGE_PUNCT = re.compile(r"^[^\w]+|[^\w]+$")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold_fast(text: str) -> str:
    """Lower case without diacritics, đ → d: ``lib.vietnamese.fold`` without its space squeeze
    (identical on Vietnamese; marks of other scripts are kept)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return _MARKS.sub("", decomposed).casefold()


def tokens(text: str) -> list[str]:
    """Letter-and-digit runs, lower case, short enough for any engine."""
    return [t for t in _TOKEN.findall(text.lower()) if len(t.encode()) < MAX_TOKEN_BYTES]


def key(text: str) -> str:
    """A notation or code as one comparable value: NFC, lower case, no surrounding space."""
    return nfc(text).strip().lower()


def notation_keys(notation: str) -> list[str]:
    """What a notation is found by, whole and folded: '123/QĐ-UBND' → ['123/qd-ubnd',
    'qd-ubnd'], so '123/QD-UBND' and 'QĐ-UBND' find it too (diacritics rank by other means)."""
    full = notation.strip().lower() if notation.isascii() else fold_fast(key(notation))
    if not full or len(full.encode()) >= 200:
        return []
    _number, slash, symbol = full.partition("/")
    return [full, symbol] if slash and symbol else [full]


def clean_query(text: str) -> str:
    """A user's query made safe to parse: NFC, no control characters or lone combining marks,
    whitespace collapsed, at most ``MAX_QUERY_CHARS`` characters cut at a word boundary."""
    text = nfc(_CONTROL.sub(" ", text or ""))
    # After NFC, a combining mark left over has no base letter to sit on (or an unusual one):
    # it can only split a word in two, so it goes.
    text = _MARKS.sub("", text)
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_CHARS:
        cut = text[: MAX_QUERY_CHARS + 1]
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut[:MAX_QUERY_CHARS]
    return text


@dataclass(frozen=True)
class Unit:
    """One chunk of a query. ``folded`` words must all match (as a phrase when several);
    ``exact`` are its words with diacritics; ``whole`` is the chunk as a notation or code."""

    folded: tuple[str, ...]
    exact: tuple[str, ...]
    whole: str  # folded, lower case, surrounding punctuation removed: "123/qd-ubnd"
    whole_exact: str  # the same with its diacritics: "123/qđ-ubnd"

    @property
    def compound(self) -> bool:
        return len(self.folded) > 1 or self.whole != self.folded[0]


def parse(text: str) -> list[Unit]:
    """The units of a query; operators and punctuation are just separators here."""
    units: list[Unit] = []
    seen: set[tuple[str, ...]] = set()
    for chunk in clean_query(text).split(" "):
        whole_exact = _EDGE_PUNCT.sub("", chunk.lower())
        exact_all = tokens(whole_exact)
        if not exact_all:
            continue
        folded = tuple(tokens(fold_fast(whole_exact)))
        if not folded or folded in seen:
            continue
        seen.add(folded)
        exact = tuple(t for t in exact_all if not t.isascii())
        units.append(Unit(folded, exact, fold_fast(whole_exact), whole_exact))
        if len(units) == MAX_UNITS:
            break
    return units


MAX_ISSUER_WORDS = 32  # words of an issuer filter (a name is rarely more than a dozen)


def issuer_words(text: str) -> list[str]:
    """The folded words an issuer is matched by (``SearchQuery.issuer``, ``IndexEntry.issuer``),
    each once: 'Sở Tài chính' → ['so', 'tai', 'chinh']."""
    words = tokens(fold_fast(clean_query(text)))
    return list(dict.fromkeys(words))[:MAX_ISSUER_WORDS]


def query_terms(units: list[Unit]) -> frozenset[str]:
    """Folded words of a query, for highlighting."""
    return frozenset(t for u in units for t in u.folded)


@lru_cache(maxsize=200_000)
def _fold_word(word: str) -> str:
    """``fold_fast`` of one word, remembered: a page of text repeats a few hundred syllables,
    and folding each occurrence anew (NFD, a regular expression) cost ~10 µs a word, most of a
    search's time once results carried their files' text (13 ms for a 3-page snippet)."""
    return fold_fast(word)


SPAN_REACH = 2_000  # characters after the first match where the snippet's window may be


@lru_cache(maxsize=1)
def _fold_classes() -> tuple[dict[str, str], re.Pattern[str]]:
    """What each folded character is written as, and where folding is not one for one.

    ``fold_fast`` of every character of the Basic Multilingual Plane (built once, ~0.2 s): a
    folded character → the characters folding to it, as the inside of a regular-expression
    class ('a' → 'aAàÀáÁ…'); and a pattern finding any character that folds to none or to
    several (a combining mark, 'ß', 'ﬁ') or lies outside the plane, where positions in the
    text and in its folding would part.
    """
    written: dict[str, list[str]] = {}
    uneven: list[str] = ["\U00010000-\U0010ffff"]
    for code in range(0x41, 0x10000):
        if 0xD800 <= code < 0xE000:
            continue
        char = chr(code)
        folded = fold_fast(char)
        if folded == char:
            continue
        if len(folded) == 1:
            written.setdefault(folded, []).append(char)
        else:
            uneven.append(re.escape(char))
    classes = {c: "".join(re.escape(x) for x in chars) for c, chars in written.items()}
    return classes, re.compile(f"[{''.join(uneven)}]")


@lru_cache(maxsize=1_000)
def _terms_pattern(terms: frozenset[str]) -> re.Pattern[str]:
    """Any of ``terms``, longest first, as written in the text: each character with every
    character that folds to it. Whether a match is a word of its own is checked by the caller
    (a look-behind here would be tried at every position: five times slower)."""
    classes, _uneven = _fold_classes()

    def written(term: str) -> str:
        return "".join(
            f"[{re.escape(c)}{classes[c]}]" if c in classes else re.escape(c) for c in term
        )

    return re.compile("|".join(written(t) for t in sorted(terms, key=len, reverse=True)))


def _spans(text: str, terms: frozenset[str]) -> list[tuple[int, int]]:
    """Where the words of ``text`` that fold to one of ``terms`` are, from the first match to
    ``SPAN_REACH`` characters after it (the snippet shows one window of them).

    One regular expression finds the terms as they are written (each letter with every
    letter that folds to it), in the text itself, stopping past the window: for Vietnamese
    text folding keeps every character in place (one letter for one), and each match is
    checked against the word's own folding. Otherwise (a script whose folding adds or drops
    characters) each word is folded on its own: exact, slower.
    """
    _classes, uneven = _fold_classes()
    found: list[tuple[int, int]] = []
    last = stop = len(text)
    # Terms are letters and digits only, so a match inside a longer word never hides one that
    # is a word of its own: skipping it loses nothing.
    for m in _terms_pattern(terms).finditer(text):
        s, e = m.span()
        if (s and text[s - 1].isalnum()) or (e < last and text[e].isalnum()):
            continue
        if found and s >= found[0][0] + SPAN_REACH:
            stop = s
            break
        if _fold_word(text[s:e]) not in terms:
            return _spans_by_word(text, terms)
        found.append((s, e))
    # Only the stretch read matters: a word beyond it cannot be among the spans.
    return _spans_by_word(text, terms) if uneven.search(text, 0, stop) else found


def _spans_by_word(text: str, terms: frozenset[str]) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _TOKEN.finditer(text) if _fold_word(m.group()) in terms]


SNIPPET_CHARS = 220
SNIPPET_SCAN = 20_000  # characters of a long text searched for a match to show


def snippet(text: str, terms: frozenset[str], width: int = SNIPPET_CHARS) -> str:
    """HTML-escaped extract of ``text`` around its first matches, matches in ``<mark>``.

    Matching is on folded words, so 'dat' marks 'đất'. Without a match, the opening of the
    text. Never raises, whatever the text.
    """
    raw = text[:SNIPPET_SCAN]
    # The matches are found in the text as it is; only the stretch shown, a few hundred
    # characters around them, has its white space squeezed and is searched again (squeezing
    # three pages for every hit of every search cost more than finding the matches).
    found = _spans(raw, terms) if terms else []
    cut = max(0, found[0][0] - width) if found else 0
    piece = raw[cut : (found[-1][1] if found else 0) + width * 2]
    text = " ".join(piece.split())
    if not text:
        return ""
    before = bool(raw[:cut].strip())
    after = bool(raw[cut + len(piece) :].strip())
    spans = _spans(text, terms) if found else []
    if not spans:
        start, end = 0, min(len(text), width)
    else:
        # The window with the most marked words, starting a little before one of them.
        best, best_count, j = spans[0][0], 0, 0
        for i, (s, _e) in enumerate(spans):
            while j < len(spans) and spans[j][0] < s + width - 40:
                j += 1
            if j - i > best_count:
                best, best_count = s, j - i
        start = max(0, best - 40)
        end = min(len(text), start + width)
    if start > 0 or (before and raw[cut - 1].isalnum()):
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    if end < len(text) or (after and not raw[cut + len(piece)].isspace()):
        space = text.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    out: list[str] = ["…" if start > 0 or before else ""]
    pos = start
    for s, e in spans:
        if s < start or e > end:
            continue
        out += [html.escape(text[pos:s]), "<mark>", html.escape(text[s:e]), "</mark>"]
        pos = e
    out.append(html.escape(text[pos:end]))
    if end < len(text) or after:
        out.append("…")
    return "".join(out)
