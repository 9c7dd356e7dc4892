"""The Slavic name engine: keys, matching, claims, the Latin fold."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normkit.names import name_key, same_name, slavic

GOLDEN = Path(__file__).parent / "golden"


def _rows(name: str) -> list[list[str]]:
    out = []
    for line in (GOLDEN / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            out.append(line.split("\t"))
    return out[1:]


@pytest.mark.parametrize(("a", "b", "same", "why"), _rows("slavic_pairs.tsv"))
def test_golden_pairs(a: str, b: str, same: str, why: str) -> None:
    assert same_name(a, b) is (same == "1"), why


def test_seed_spellings_share_one_key() -> None:
    keys = {name_key(n) for n in ("Šekerinska", "Shekerinska", "Sekerinska", "Шекеринска")}
    assert len(keys) == 1
    assert "" not in keys
    full = {name_key(n) for n in ("Radmila Šekerinska", "Radmila Shekerinska", "Радмила Шекеринска")}
    assert len(full) == 1


def test_key_is_empty_without_letters() -> None:
    assert slavic.key("") == slavic.key("123 -- !!") == ""
    assert not slavic.match("", "").same


@given(st.text())
def test_total(text: str) -> None:
    assert isinstance(slavic.key(text), str)
    assert 0.0 <= slavic.claim(text) <= 1.0
    assert isinstance(slavic.match(text, text[::-1]).same, bool)
    assert isinstance(slavic.fold_latin(text), str)


@given(st.text(alphabet="abcčćđłřěšžńśźżĐŁŠČŽ xyz", max_size=30))
def test_fold_latin_ascii_idempotent(text: str) -> None:
    out = slavic.fold_latin(text)
    assert out.isascii()
    assert slavic.fold_latin(out) == out


def test_fold_latin_reader_conventions() -> None:
    assert slavic.fold_latin("Đoković") == "Djokovic"
    assert slavic.fold_latin("Łukaszenka") == "Lukaszenka"
    assert slavic.fold_latin("Dvořák") == "Dvorak"
    assert slavic.fold_latin("Đoković", style="english") == "Djokovich"


def test_claims() -> None:
    assert slavic.claim("Ким Чен Ын") < 0.9  # Korean in Cyrillic: the Korean engine claims it higher
    assert slavic.claim("Иванов Иван Иванович") >= 0.9
    assert slavic.claim("Volodymyr Zelenskyy") >= 0.6
    assert slavic.claim("John Smith") <= 0.2


def test_match_gives_reasons() -> None:
    m = slavic.match("Артеменко Андрій Вікторович", "Andrey Artemenko")
    assert m.same
    assert any("given name" in r for r in m.reasons)
    assert any("artemenko" in r.lower() for r in m.reasons)


def test_tables_are_clean() -> None:
    """Cyrillic forms hold no Latin homoglyphs; every class has one gender; rows are unique."""
    from normkit.tables import load

    genders: dict[str, set[str]] = {}
    seen: set[tuple[str, str, str]] = set()
    for row in load("slavic", "given_names.tsv"):
        genders.setdefault(row["class"], set()).add(row["gender"])
        if row["lang"] in ("ru", "uk", "be", "bg", "mk", "sr"):
            assert all(not (c.isascii() and c.isalpha()) for c in row["form"]), row.line
        key = (row["class"], row["lang"], row["form"])
        assert key not in seen, row.line
        seen.add(key)
    assert all(len(g) == 1 and g <= {"m", "f"} for g in genders.values())
    for row in load("slavic", "surnames.tsv"):
        assert all(not (c.isascii() and c.isalpha()) for c in row["form"]), row.line


def test_every_table_form_reads_as_its_class() -> None:
    """Each Cyrillic form of the given-name table is recognised as its own class (no two classes collide)."""
    from normkit.tables import load

    wrong = []
    for row in load("slavic", "given_names.tsv"):
        if row["lang"] not in ("ru", "uk", "be"):
            continue
        toks = slavic._parse(row["form"])
        got = toks[0].given.cls if toks and toks[0].given else None
        if got != row["class"]:
            wrong.append((row["form"], row["class"], got))
    assert not wrong, wrong
