"""Korean name engine: golden cases, properties, totality."""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import normkit
from normkit.names import korean
from normkit.names.hangul import compose, decompose, fold_hangul, is_syllable
from normkit.tables import load

GOLDEN = Path(__file__).resolve().parent / "golden"
SYSTEMS = ("rr", "mr", "mr-ascii", "dprk", "kontsevich")


def _golden(name: str) -> list[dict[str, str]]:
    with (GOLDEN / name).open(encoding="utf-8") as f:
        return list(csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t"))


# ---------------------------------------------------------------- golden cases


@pytest.mark.parametrize("row", _golden("korean_match.tsv"), ids=lambda r: f"{r['a']}|{r['b']}")
def test_golden_match(row: dict[str, str]) -> None:
    expected = row["same"] == "1"
    assert normkit.same_name(row["a"], row["b"]) is expected, str(normkit.explain_match(row["a"], row["b"]))
    assert normkit.same_name(row["b"], row["a"]) is expected


@pytest.mark.parametrize("row", _golden("korean_romanize.tsv"), ids=lambda r: f"{r['hangul']}-{r['system']}")
def test_golden_romanize(row: dict[str, str]) -> None:
    got = korean.romanize(row["hangul"], row["system"], customary=row["customary"] == "1")
    assert got == row["expected"]


def test_explain_names_aligned_syllables() -> None:
    m = normkit.explain_match("Wi Sung-lac", "위성락")
    assert m.same
    assert m.engine == "korean"
    text = "\n".join(m.reasons)
    assert "lac ~ 락" in text
    assert "sung ~ 성" in text


def test_spellings_of_one_given_syllable_share_the_key() -> None:
    # back / baek / paik / paek all write 백; the key is for blocking, so they must share it.
    keys = {normkit.name_key(f"Ahn Gyu-{s}") for s in ("back", "baek", "paik", "paek", "baik")}
    assert keys == {normkit.name_key("안규백")}


def test_n_and_ng_between_romanisations_stay_distinct() -> None:
    m = korean.match("Cho Hyung", "Cho Hyun")
    assert not m.same
    assert any("final" in r for r in m.reasons), m.reasons
    # Against Hangul the dropped g is a misspelling the Hangul vouches for.
    assert korean.match("Kim Hyun-woo", "김현우").same


def test_initial_sound_rule_is_named() -> None:
    m = korean.match("리용호", "이용호")
    assert m.same
    assert any("initial-sound rule" in r for r in m.reasons)


def test_claim_separates_korean_from_other_names() -> None:
    for name in ("김정은", "Kim Jong-un", "CHO'N, Myo'ng-kuk", "Ким Чен Ын", "Gyu-baek Ahn", "KO YONG-CHUL"):
        assert korean.claim(name) >= 0.5, name
    for name in ("Kim Kardashian", "Andrey Artemenko", "Radmila Šekerinska", "Радмила Шекеринска"):
        assert korean.claim(name) < 0.2, name
    # Slavic endings are turned away before any lattice work; Korean -uk/-suk are not.
    for name in ("Иван Петров", "Ольга Ивановна", "Jan Kowalski", "Petro Shevchenko"):
        assert korean.claim(name) == 0.0, name
    for name in ("Ким Гук", "Ли Сук", "Kim Suk"):
        assert korean.claim(name) >= 0.5, name
    assert normkit.names.origin("Kim Kardashian") != "korean"
    # A pinyin name is never Korean, but plausible enough to compare with its Hangul transcription.
    assert korean.claim("Xi Jinping") < 0.3
    assert normkit.names.origin("Xi Jinping") != "korean"
    assert normkit.same_name("Xi Jinping", "시진핑")


def test_no_letters_never_match() -> None:
    for a, b in (("", ""), ("123", "123"), ("!!", "?"), ("😀", "😀")):
        assert korean.match(a, b).same is False
        assert korean.key(a) == ""
    for a, b in (("", ""), ("!!", "!!"), ("😀", "😀"), (" - ", " - ")):
        assert normkit.same_name(a, b) is False


def test_nfd_hangul() -> None:
    nfd = unicodedata.normalize("NFD", "김정은")
    assert korean.key(nfd) == korean.key("김정은")
    assert normkit.same_name(nfd, "Kim Jong Un")
    assert korean.hangul_candidates(nfd) == ["김정은"]


def test_candidates_rank_the_obvious_first() -> None:
    assert "위성락" in korean.hangul_candidates("Wi Sung-lac")[:3]
    assert "안규백" in korean.hangul_candidates("Gyu-baek Ahn")
    assert "김정은" in korean.hangul_candidates("Ким Чен Ын")
    assert len(korean.hangul_candidates("Kim Jong-un", limit=3)) <= 3
    assert korean.hangul_candidates("Kim Jong-un", limit=0) == []


def test_fold_hangul() -> None:
    assert fold_hangul("고용철") == "goyongcheol"
    assert fold_hangul("ㅊ") == "ch"
    assert fold_hangul(unicodedata.normalize("NFD", "위성락")) == "wiseongrak"
    assert fold_hangul("abc 123") == "abc 123"


# ---------------------------------------------------------------- properties


@st.composite
def hangul_names(draw: st.DrawFn) -> str:
    surnames = [r["hangul"] for r in load("korean", "surnames.tsv")]
    syllables = [
        r["syllable"] for r in load("korean", "derived", "given_syllables.tsv") if int(r["count"]) >= 3
    ]
    sur = draw(st.sampled_from(surnames))
    given = draw(st.lists(st.sampled_from(syllables), min_size=1, max_size=2))
    return sur + "".join(given)


def _spellings(h: str) -> list[str]:
    out = [h]
    for system in SYSTEMS:
        out.append(korean.romanize(h, system))
        if system != "kontsevich":
            out.append(korean.romanize(h, system, customary=True))
    return out


@settings(max_examples=40)
@given(hangul_names())
def test_every_spelling_shares_one_key_and_matches(h: str) -> None:
    spellings = _spellings(h)
    # name_key (the dispatcher) for Hangul and Latin; a short Cyrillic name can also be Slavic
    # ("Ян Ка": Ян is a Slavic given name), so its key is checked on the Korean engine itself.
    cyr = korean.romanize(h, "kontsevich")
    keys = {s: normkit.name_key(s) for s in spellings if s != cyr}
    assert len(set(keys.values())) == 1, keys
    assert "korean:" + korean.key(cyr) in keys.values()
    for a in spellings:
        for b in spellings:
            if cyr in (a, b):  # the same reason: the Korean engine itself must match them
                assert korean.match(a, b).same, str(korean.match(a, b))
            else:
                assert normkit.same_name(a, b), str(normkit.explain_match(a, b))


@settings(max_examples=40)
@given(hangul_names(), st.sampled_from(["rr", "mr-ascii", "dprk"]), st.data())
def test_key_ignores_case_separators_and_order(h: str, system: str, data: st.DataObject) -> None:
    name = korean.romanize(h, system, customary=data.draw(st.booleans()))
    sur, _, giv = name.partition(" ")
    base = korean.key(name)
    variants = [name.upper(), name.lower(), f"{sur.upper()}, {giv}"]
    if giv:
        parts = giv.replace("-", " ").split()
        variants += [f"{sur} {' '.join(parts)}", f"{sur} {'-'.join(parts)}", f"{'-'.join(parts)} {sur}"]
    for v in variants:
        assert korean.key(v) == base, (name, v)


@settings(max_examples=40)
@given(hangul_names())
def test_romanized_name_has_its_hangul_among_candidates(h: str) -> None:
    assert h in korean.hangul_candidates(korean.romanize(h))


@given(st.text())
def test_total_on_any_text(s: str) -> None:
    korean.claim(s)
    korean.key(s)
    korean.match(s, s)
    korean.match(s, "김정은")
    korean.romanize(s)
    korean.hangul_candidates(s)
    assert 0.0 <= korean.claim(s) <= 1.0
    f = fold_hangul(s)
    assert fold_hangul(f) == f


@given(st.text(alphabet=st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), max_size=12))
def test_fold_hangul_is_ascii_for_hangul(s: str) -> None:
    assert fold_hangul(s).isascii()


@given(st.integers(0, 18), st.integers(0, 20), st.integers(0, 27))
def test_compose_decompose_roundtrip(i: int, v: int, f: int) -> None:
    ch = compose(i, v, f)
    assert is_syllable(ch)
    assert decompose(ch) == (i, v, f)


@given(hangul_names(), hangul_names())
def test_match_is_symmetric(a: str, b: str) -> None:
    ra, rb = korean.romanize(a), korean.romanize(b, "mr")
    assert korean.match(ra, rb).same == korean.match(rb, ra).same
