"""Snippets: the words a query folds to are marked, found fast but exactly as word by word."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from luutru.search.text import (
    SPAN_REACH,
    _spans,
    _spans_by_word,
    parse,
    query_terms,
    snippet,
)

WORDS = ["đất", "Đất", "dat", "ĐẤT", "giao", "ngân", "sách", "nhà", "nước", "Hữu",
         "İstanbul", "straße", "ﬁle", "x\u0301y", "Ω", "123/QĐ-UBND", "…", "“trích”", "_đất_",
         "đất2"]  # fmt: skip


def reference(text: str, terms: frozenset[str]) -> list[tuple[int, int]]:
    """Every word folded on its own, kept from the first match to SPAN_REACH after it."""
    spans = _spans_by_word(text, terms)
    return [(s, e) for s, e in spans if s < spans[0][0] + SPAN_REACH] if spans else []


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS), max_size=600).map(" ".join),
    st.lists(st.sampled_from(WORDS[:12]), min_size=1, max_size=3).map(" ".join),
)
def test_the_fast_search_marks_exactly_what_word_by_word_folding_marks(
    text: str, query: str
) -> None:
    terms = query_terms(parse(query))
    assert _spans(text, terms) == reference(text, terms)


def test_a_long_text_is_marked_around_its_first_matches() -> None:
    text = "Căn cứ Luật Tổ chức chính quyền địa phương. " * 200 + "Giao ĐẤT cho hộ gia đình."
    shown = snippet(text, query_terms(parse("giao dat")))
    assert "<mark>Giao</mark> <mark>ĐẤT</mark>" in shown
    assert shown.startswith("…")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([*WORDS[:12], "Căn", "cứ", "Luật"]), st.sampled_from([" ", "\n", "\t"])
        ),
        max_size=400,
    ).map(lambda pairs: "".join(w + s for w, s in pairs)),
    st.sampled_from(["giao dat", "nhà nước", "luat", "zzz"]),
)
def test_line_breaks_in_the_text_never_show_in_the_snippet(text: str, query: str) -> None:
    terms = query_terms(parse(query))
    assert snippet(text, terms) == snippet(" ".join(text.split()), terms)
