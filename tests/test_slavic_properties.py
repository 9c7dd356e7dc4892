"""Properties of the Slavic engine over random Cyrillic names built from the given-name and surname tables."""

from __future__ import annotations

import functools

from hypothesis import given, settings
from hypothesis import strategies as st

from normkit.names import name_key, same_name
from normkit.tables import load
from normkit.translit import transliterate

# every system, per language (Wikipedia's system is Russian only)
SYSTEMS = {
    "ru": ("iso9", "scientific", "bgn_pcgn", "icao", "ala_lc", "national", "wikipedia", "ascii"),
    "uk": ("iso9", "scientific", "bgn_pcgn", "icao", "ala_lc", "national", "ascii"),
    "be": ("iso9", "scientific", "bgn_pcgn", "icao", "ala_lc", "national", "ascii"),
}


@functools.cache
def _given() -> dict[str, list[tuple[str, str]]]:
    """lang -> [(form, gender)] of the given-name table."""
    out: dict[str, list[tuple[str, str]]] = {}
    for row in load("slavic", "given_names.tsv"):
        if row["lang"] in SYSTEMS:
            out.setdefault(row["lang"], []).append((row["form"], row["gender"]))
    return out


@functools.cache
def _surnames() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in load("slavic", "surnames.tsv"):
        if row["lang"] in SYSTEMS:
            out.setdefault(row["lang"], []).append(row["form"])
    return out


def _feminine(surname: str, lang: str) -> str:
    """The feminine form of a masculine surname (East Slavic rules)."""
    for masc, fem in (
        ("ский", "ская"),
        ("цкий", "цкая"),
        ("ський", "ська"),
        ("цький", "цька"),
        ("скі", "ская"),
        ("ов", "ова"),
        ("ев", "ева"),
        ("ёв", "ёва"),
        ("ин", "ина"),
        ("ын", "ына"),
        ("оў", "ова"),
        ("аў", "ава"),
        ("еў", "ева"),
        ("ёў", "ёва"),
    ):
        if surname.endswith(masc):
            return surname[: -len(masc)] + fem
    return surname  # -enko, -uk, -ka, -ich ... do not change


def _patronymic(father: str, lang: str, gender: str) -> str | None:
    """A patronymic from a father's name ending in a consonant (Иван -> Иванович/Ивановна)."""
    if not father or father[-1] in "аеёиоуыэюяйьіїєў":
        return None
    suffix = {
        "ru": ("ович", "овна"),
        "uk": ("ович", "івна"),
        "be": ("авіч", "аўна"),
    }[lang]
    return father + (suffix[0] if gender == "m" else suffix[1])


@st.composite
def cyrillic_names(draw: st.DrawFn) -> tuple[str, str, str, str, str | None]:
    """(lang, given, surname, gender, patronymic or None)."""
    lang = draw(st.sampled_from(sorted(SYSTEMS)))
    form, gender = draw(st.sampled_from(_given()[lang]))
    surname = draw(st.sampled_from(_surnames()[lang]))
    if gender == "f":
        surname = _feminine(surname, lang)
    fathers = [f for f, g in _given()[lang] if g == "m"]
    patronymic = _patronymic(draw(st.sampled_from(fathers)), lang, gender) if draw(st.booleans()) else None
    return lang, form, surname, gender, patronymic


@settings(max_examples=40)
@given(cyrillic_names())
def test_every_system_shares_one_key(name: tuple[str, str, str, str, str | None]) -> None:
    lang, form, surname, _gender, patronymic = name
    full = " ".join(x for x in (form, patronymic, surname) if x)
    spellings = [full] + [transliterate(full, lang, system=s) for s in SYSTEMS[lang]]
    keys = {s: name_key(s) for s in spellings}
    assert len(set(keys.values())) == 1, keys
    assert "" not in keys.values()
    for other in spellings[1:]:
        assert same_name(full, other), (full, other)
    assert same_name(spellings[1], spellings[-1])


@settings(max_examples=40)
@given(cyrillic_names(), st.sampled_from([" ", "  ", "-", ", ", "\t"]), st.booleans())
def test_key_ignores_case_separators_order_and_patronymic(
    name: tuple[str, str, str, str, str | None], sep: str, latin: bool
) -> None:
    lang, form, surname, _gender, patronymic = name
    if latin:
        form, surname = transliterate(form, lang), transliterate(surname, lang)
        patronymic = transliterate(patronymic, lang) if patronymic else None
    base = name_key(f"{form} {surname}")
    assert base
    assert name_key(f"{form.upper()}{sep}{surname.lower()}") == base
    assert name_key(f"{surname}{sep}{form}") == base
    if patronymic:
        assert name_key(f"{form} {patronymic} {surname}") == base
        assert name_key(f"{surname}, {form} {patronymic}") == base
