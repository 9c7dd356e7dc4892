"""Transliteration: conformance with published samples, golden examples of the official tables, properties."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normkit.translit import (
    LANGUAGES,
    SYSTEMS,
    detect_language,
    fold_cyrillic,
    transliterate,
    transliterate_explained,
)
from tests.conftest import SHARED

GOLDEN = Path(__file__).parent / "golden"

# iuliia schema name -> our system (the Russian systems we implement)
IULIIA = {
    "gost_779": "iso9",  # GOST 7.79-2000 system A is ISO 9:1995
    "scientific": "scientific",
    "bgn_pcgn": "bgn_pcgn",
    "icao_doc_9303": "icao",
    "ala_lc": "ala_lc",
    "wikipedia": "wikipedia",
}


def _iuliia_rows() -> list[tuple[str, str, str]]:
    path = SHARED / "eval" / "names" / "iuliia_samples.tsv"
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        schema, cyr, lat = line.split("\t")
        if schema in IULIIA:
            rows.append((IULIIA[schema], cyr, lat))
    return rows


def test_iuliia_samples() -> None:
    rows = _iuliia_rows()
    if not rows:
        pytest.skip("shared evaluation data not available")
    failures = []
    for system, cyr, lat in rows:
        # The samples write the Latin ë with its Cyrillic homoglyph ё; compare as Latin.
        expected = unicodedata.normalize("NFC", lat.replace("ё", "ë"))
        got = transliterate(cyr, "ru", system=system)
        if got != expected:
            failures.append((system, cyr, got, expected))
    assert not failures, failures
    assert {s for s, _, _ in rows} == set(IULIIA.values())


def _golden(name: str) -> list[tuple[str, str, str, str]]:
    rows = []
    for line in (GOLDEN / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if parts[0] == "system":
            continue
        rows.append((parts[0], parts[1], parts[2], parts[3]))
    return rows


@pytest.mark.parametrize(("system", "lang", "cyrillic", "latin"), _golden("translit_official.tsv"))
def test_official_examples(system: str, lang: str, cyrillic: str, latin: str) -> None:
    assert transliterate(cyrillic, lang, system=system) == latin


@pytest.mark.parametrize(("system", "lang", "cyrillic", "latin"), _golden("translit_systems.tsv"))
def test_system_examples(system: str, lang: str, cyrillic: str, latin: str) -> None:
    assert transliterate(cyrillic, lang, system=system) == latin


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Київ", "uk"),
        ("Віталій Кличко", "uk"),
        ("Аляксандр Лукашэнка", "be"),
        ("Магілёў", "be"),
        ("Новак Ђоковић", "sr"),
        ("Ѓорѓе Иванов", "mk"),
        ("Съединение", "ru"),
        ("Стъпка", "bg"),
        ("Борис Ельцин", "ru"),
        ("Hello", None),
        ("", None),
    ],
)
def test_detect_language(text: str, lang: str | None) -> None:
    assert detect_language(text) == lang


def test_explained_says_what_was_detected() -> None:
    r = transliterate_explained("Віталій Кличко")
    assert (r.text, r.lang, r.detected, r.system) == ("Vitalii Klychko", "uk", True, "national")
    r = transliterate_explained("Віталій", "uk", system="bgn-pcgn")
    assert (r.lang, r.detected, r.system) == ("uk", False, "bgn_pcgn")
    assert "detected" in str(transliterate_explained("Київ"))


def test_unknown_system_or_language_is_an_error() -> None:
    with pytest.raises(ValueError, match="system"):
        transliterate("Київ", system="klingon")
    with pytest.raises(ValueError, match="language"):
        transliterate("Київ", "xx")


def test_case_follows_the_source() -> None:
    assert transliterate("ЩУКА Щука щука", "ru", system="bgn_pcgn") == "SHCHUKA Shchuka shchuka"


@given(st.text())
def test_total_and_keeps_non_cyrillic(text: str) -> None:
    for system in SYSTEMS:
        out = transliterate(text, system=system)
        assert isinstance(out, str)
    folded = fold_cyrillic(text)
    if detect_language(text) is None:
        assert folded == text


_CYR = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґўђћџјљњѓќѕ'АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯІЇЄҐЎЂЋЏЈЉЊЃЌЅ -"


@given(st.text(alphabet=_CYR, max_size=40), st.sampled_from(LANGUAGES))
def test_every_system_leaves_no_cyrillic(text: str, lang: str) -> None:
    for system in SYSTEMS:
        out = transliterate(text, lang, system=system)
        assert not any("\u0400" <= c <= "\u04ff" for c in out), (system, out)


@given(st.text(alphabet=_CYR + "abc,.", max_size=60))
def test_fold_cyrillic_is_ascii_and_idempotent(text: str) -> None:
    out = fold_cyrillic(text)
    assert out.isascii()
    assert fold_cyrillic(out) == out
