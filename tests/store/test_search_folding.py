"""The search index folds a case's texts in one call and skips the letter walk for plain names:
both must give what folding each text alone gives."""

import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from workstation.domain import case_number
from workstation.domain.case_number import normalize_fragment
from workstation.store import search


def test_letters_and_numbers_are_exactly_what_isalnum_accepts() -> None:
    """search._letters_of skips the walk over a name when isalnum() holds."""
    wrong = [
        c
        for c in map(chr, range(sys.maxunicode + 1))
        if c.isalnum() and unicodedata.category(c)[0] not in "LN"
    ]
    assert wrong == []


@given(st.lists(st.text(min_size=1), min_size=1, max_size=6))
def test_texts_folded_together_fold_as_each_alone(texts: list[str]) -> None:
    assert search._normalize_each(texts) == [normalize_fragment(t) for t in texts]


def test_folding_together_keeps_combining_marks_and_wide_forms_apart() -> None:
    texts = ["王五\u3000", "\u0301ＡＢ", "（２０２４）", "ﬁ", "a\u0000b", "ß"]
    assert search._normalize_each(texts) == [normalize_fragment(t) for t in texts]


BRACKETS_AND_SPACE = st.sampled_from("([〔【)]〕】（）［］〔〕\u3000 \t\n")


@given(st.text(st.one_of(BRACKETS_AND_SPACE, st.characters())))
def test_normalize_fragment_is_nfkc_less_whitespace_with_brackets_folded(text: str) -> None:
    """normalize_fragment skips NFKC for text already in NFKC and the bracket table for text with
    no bracket to change: it must give what always doing both gives."""
    nfkc = unicodedata.normalize("NFKC", text)
    expected = "".join(nfkc.split()).translate(case_number._BRACKETS).casefold()
    assert normalize_fragment(text) == expected
