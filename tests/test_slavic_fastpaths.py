"""The Slavic engine's fast paths agree with the plain definitions they replace."""

from __future__ import annotations

import re

import regex
from hypothesis import given
from hypothesis import strategies as st

from normkit.names import slavic

LETTERS = "abcdeijkosvzčšžов"
SOUNDS = st.text(alphabet="AEIOUJKSVZČŠŽ.", max_size=12)


def _lev_reference(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


@given(st.text(alphabet="abcd", max_size=9), st.text(alphabet="abcd", max_size=9), st.integers(0, 3))
def test_bounded_levenshtein(a: str, b: str, limit: int) -> None:
    d = _lev_reference(a, b)
    assert slavic._lev(a, b) == d
    assert slavic._lev(a, b, limit) == min(d, limit + 1)


@given(SOUNDS)
def test_collapse_is_the_run_regex(s: str) -> None:
    assert slavic._collapse(s, ".") == re.sub(r"([^.])\1+", r"\1", s).replace(".", "")
    assert slavic._collapse(s) == re.sub(r"(.)\1+", r"\1", s)


_END_LAT = regex.compile(r"\p{L}{2,}(?:" + slavic._SLAVIC_END_LAT_TEXT + r")\b")


@given(st.text(alphabet="abcdeiknosuvwyzč", min_size=1, max_size=12))
def test_latin_endings_are_the_ending_regex(word: str) -> None:
    assert slavic._latin_end(word) == (_END_LAT.search(word) is not None)


@given(st.text(max_size=30))
def test_prepared_ascii_is_the_general_preparation(name: str) -> None:
    text = name.encode("ascii", "replace").decode("ascii")
    general = regex.sub(r"[\p{M}" + slavic._APOSTROPHES + "]+", "", text.casefold())
    assert slavic._prep(text) == general


@given(st.text(alphabet=LETTERS + " -'.,2_", max_size=40))
def test_parse_cache_changes_nothing(name: str) -> None:
    slavic._parse_cache.clear()
    cold = (slavic.key(name), slavic.claim(name))
    warm = (slavic.key(name), slavic.claim(name))
    assert cold == warm
    assert len(slavic._parse_cache) <= slavic._PARSE_CACHE_SIZE


def test_parse_cache_is_bounded() -> None:
    for i in range(3 * slavic._PARSE_CACHE_SIZE):
        slavic.key(f"Ivan Petrov{'a' * (i % 7)} {i}")
    assert len(slavic._parse_cache) <= slavic._PARSE_CACHE_SIZE


def test_alt_triggers_read_as_their_regex() -> None:
    words = [
        "chekhov",
        "jurij",
        "guerra",
        "tsitsin",
        "dzianis",
        "tjurin",
        "szabo",
        "cabrera",
        "oekraine",
        "xenia",
    ]
    for w in words:
        want = tuple(t for trig, t in slavic._ALT_TRADITIONS if trig.search(w))
        assert slavic._alt_traditions_of(w, True) == want


@given(st.text(alphabet="acdeiknosuvy", max_size=10))
def test_baltic_endings_are_the_ending_regex(word: str) -> None:
    want = re.search(r"(?:ov|ev|in|yn|sk|ck)(?:s|as|is|us)$", word) is not None
    assert word.endswith(slavic._BALTIC_SURNAME_ENDS) == want
    assert word.endswith("s") == (slavic._BALTIC_TEXT.search(word) is not None)


@given(st.text(alphabet="AEIJOUVNCČŠ", max_size=10))
def test_patronymic_is_long_patronymic_or_ich(snd: str) -> None:
    fused = slavic._PATRONYMIC_LONG.search(snd) is not None or snd.endswith(("IČ", "IŠ"))
    assert fused == (slavic._PATRONYMIC.search(snd) is not None)
