"""Alias tables: loading in layers, the checker, fmt, add, suggest and the CLI group."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normkit import aliases_cli
from normkit.aliases import (
    add_rows,
    builtin_tables,
    check,
    format_suggestions,
    format_text,
    load_aliases,
    name_forms,
    suggest,
)
from normkit.tables import TableError

ROOT = Path(__file__).resolve().parent.parent
HEADER = "canonical\tvariant\tlang\tnote\n"


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="normkit aliases")
    aliases_cli.configure(parser)
    return aliases_cli.run(parser.parse_args(list(argv)))


def write(path: Path, body: str, header: str = HEADER) -> Path:
    path.write_text(header + body, encoding="utf-8")
    return path


# --------------------------------------------------------------------------
# Built-in tables


def test_builtin_tables_are_clean() -> None:
    assert builtin_tables(), "data/aliases/*.tsv"
    problems = check(builtin_tables())
    assert [p for p in problems if p.severity == "error"] == []


def test_builtin_rows_have_notes() -> None:
    aset = load_aliases()
    for person in aset.persons.values():
        for entry in person.variants.values():
            assert entry.note, entry.where
            assert entry.lang, entry.where


def test_seed_people_are_built_in() -> None:
    aset = load_aliases()
    expected = {
        "Wi Sung-lac": "위성락",
        "Radmila Šekerinska": "Радмила Шекеринска",
        "Cho Hyun": "조현",
        "Ahn Gyu-baek": "안규백",
        "Seok Jong-geon": "석종건",
        "Ko Yong-chul": "고용철",
    }
    for canonical, native in expected.items():
        assert aset.lookup(native) == (canonical,)
    entry = aset.lookup_entries("Radmila Sekirinska")["Radmila Šekerinska"]
    assert entry is not None
    assert "drift" in entry.note


# --------------------------------------------------------------------------
# The checker (acceptance: conflict, cycle and normalisation collision)


def test_checker_reports_all_three_errors_with_positions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    t = write(
        tmp_path / "bad.tsv",
        "Alpha One\tBeta Two\ten\tcycle, first half\n"  # line 2
        "Beta Two\tAlpha One\ten\tcycle, second half\n"  # line 3
        "Gamma Three\tDelta Four\ten\tfirst claim\n"  # line 4
        "Gamma Three\tDELTA-four\ten\tsame after normalisation\n"  # line 5
        "Kappa Nine\tDelta Four\ten\tsecond claim\n",  # line 6
    )
    assert cli("check", str(t)) == 1
    out = capsys.readouterr().out.splitlines()
    assert f"{t}:2:11: error: cycle: 'Beta Two' -> 'Alpha One' leads back to 'Beta Two'" in out
    assert f"{t}:3:10: error: cycle: 'Alpha One' -> 'Beta Two' leads back to 'Alpha One'" in out
    assert any(line.startswith(f"{t}:5:13: error: collision: 'DELTA-four'") for line in out), out
    assert any(line.startswith(f"{t}:6:12: error: conflict: variant 'Delta Four'") for line in out), out
    assert all(": error: " in line or ": warning: " in line for line in out)


def test_checker_other_problems(tmp_path: Path) -> None:
    t = write(
        tmp_path / "t.tsv",
        "Zed One\tZed One\ten\tself-map\n"  # 2
        "Bravo Two\tBravo Deux\ten\tok\n"  # 3 (unsorted after 2? no: "zed" > "bravo" -> unsorted)
        "Bravo Two\tBravo Deux\ten\tdup\n"  # 4
        "Bravo Two\tCharlie Three\ten\tchain\n"  # 5
        "Charlie Three\tCharly Three\ten\tchain target\n"  # 6
        "Delta\t \ten\tempty variant\n"  # 7
        "Echo Five\tEcho Fife\tnot a tag\tbad lang\n",  # 8
    )
    problems = check([t])
    got = {(p.line, p.severity, p.message.split(":")[0]) for p in problems}
    assert (2, "error", "self-map") in got
    assert (3, "error", "not sorted") in got
    assert (4, "error", "duplicate of t.tsv") in got
    assert (5, "error", "chain") in got
    assert any(line == 7 and sev == "error" for line, sev, _ in got)
    assert (8, "warning", "lang 'not a tag' is not a tag like 'ko' or 'mk-Latn'") in got
    assert problems == sorted(problems)


def test_checker_warns_on_canonicals_sharing_a_key(tmp_path: Path) -> None:
    t = write(tmp_path / "k.tsv", "Ivan Petrov\tIvan Petroff\tru-Latn\tx\nИван Петров\tИван Петровъ\tru\tx\n")
    problems = check([t])
    assert any(p.severity == "warning" and "name_key" in p.message for p in problems), problems


def test_layers_need_override(tmp_path: Path) -> None:
    plain = write(tmp_path / "plain.tsv", "Wi Sung-rak\tWi Sung-lac\tko-Latn\thouse style\n")
    problems = check([plain])
    assert any("conflict" in p.message and p.line == 2 and p.severity == "error" for p in problems), problems
    with pytest.raises(TableError):
        load_aliases([plain])
    marked = write(
        tmp_path / "marked.tsv",
        "Wi Sung-rak\tWi Sung-lac\tko-Latn\thouse style\toverride\n",
        header="canonical\tvariant\tlang\tnote\tflags\n",
    )
    assert [p for p in check([marked]) if p.severity == "error"] == []
    aset = load_aliases([marked])
    assert aset.lookup("위성락") == ("Wi Sung-rak",)
    assert aset.lookup("Wi Sung-lac") == ("Wi Sung-rak",)
    assert "Wi Sung-lac" not in aset.persons


def test_override_that_overrides_nothing_warns(tmp_path: Path) -> None:
    t = write(
        tmp_path / "o.tsv",
        "Nobody Here\tNobody There\ten\tx\toverride\n",
        header="canonical\tvariant\tlang\tnote\tflags\n",
    )
    assert any(p.severity == "warning" and "overrides nothing" in p.message for p in check([t]))


def test_missing_and_undecodable_files(tmp_path: Path) -> None:
    (tmp_path / "bin.tsv").write_bytes(HEADER.encode() + b"A\t\xff\n")
    problems = check([tmp_path / "bin.tsv", tmp_path / "missing.tsv"])
    assert {p.file.rsplit("/", 1)[-1] for p in problems if p.severity == "error"} == {
        "bin.tsv",
        "missing.tsv",
    }


def test_load_cache_follows_edits(tmp_path: Path) -> None:
    t = write(tmp_path / "c.tsv", "Ivana Novak\tIvanna Novak\ten\tx\n")
    assert load_aliases([t]).lookup("Ivanna Novak") == ("Ivana Novak",)
    write(t, "Ivana Novakova\tIvanna Novak\ten\tx\n")
    import os

    st_ = t.stat()
    os.utime(t, ns=(st_.st_atime_ns, st_.st_mtime_ns + 10_000_000))
    assert load_aliases([t]).lookup("Ivanna Novak") == ("Ivana Novakova",)


# --------------------------------------------------------------------------
# fmt and add


def test_fmt_sorts_dedupes_keeps_comments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    t = write(
        tmp_path / "f.tsv",
        "# about B\nBravo Two\tBravo Deux\ten\t\n"
        "Alpha One\tAlpha Uno\ten\tnote a\nBravo Two\tBravo Deux\ten\tnote b\n",
        header="# top comment\n" + HEADER,
    )
    assert cli("fmt", "--check", str(t)) == 1
    assert cli("fmt", str(t)) == 0
    assert t.read_text(encoding="utf-8") == (
        "# top comment\n"
        + HEADER
        + "Alpha One\tAlpha Uno\ten\tnote a\n# about B\nBravo Two\tBravo Deux\ten\tnote b\n"
    )
    assert cli("fmt", "--check", str(t)) == 0
    assert cli("check", str(t)) == 0
    capsys.readouterr()


_FIELD = st.text(alphabet=st.sampled_from("AbcŠšé -'가"), min_size=1, max_size=8)


@given(st.lists(st.tuples(_FIELD, _FIELD, st.sampled_from(["", "en", "ko"]), _FIELD), max_size=12))
def test_fmt_is_idempotent(rows: list[tuple[str, str, str, str]]) -> None:
    text = HEADER + "".join("\t".join(r) + "\n" for r in rows)
    once = format_text(text)
    assert format_text(once) == once


def test_add_creates_sorted_rows_and_refuses_conflicts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    t = tmp_path / "new.tsv"
    assert cli("add", "Ivana Novak", "Iwana Nowak", "Ivanna Novak", "--file", str(t), "--note", "desk") == 0
    text = t.read_text(encoding="utf-8")
    assert text == HEADER + "Ivana Novak\tIvanna Novak\t\tdesk\nIvana Novak\tIwana Nowak\t\tdesk\n"
    assert cli("check", str(t)) == 0
    # a variant that is a built-in person's spelling is refused and the file is untouched
    assert cli("add", "Someone Else", "Wi Sung-rak", "--file", str(t)) == 1
    assert t.read_text(encoding="utf-8") == text
    problems = add_rows(t, "Ivana Novak", ["Ivana Novak"])
    assert any("self-map" in p.message for p in problems)
    assert "conflict" in capsys.readouterr().out


def test_add_without_file_or_project_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli("add", "A B", "A C") == 2
    assert "--file" in capsys.readouterr().err


def test_project_tables_from_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.normkit]\nextend-aliases = ["names/house.tsv"]\n')
    (tmp_path / "names").mkdir()
    monkeypatch.chdir(tmp_path)
    assert cli("add", "Ivana Novak", "Ivanna Novak", "--lang", "hr") == 0
    assert (
        (tmp_path / "names" / "house.tsv")
        .read_text(encoding="utf-8")
        .endswith("Ivana Novak\tIvanna Novak\thr\n")
    )
    assert cli("check") == 0
    assert cli("fmt") == 0


# --------------------------------------------------------------------------
# suggest


def test_suggest_on_the_raw_seeds_proposes_sekerinska(capsys: pytest.CaptureFixture[str]) -> None:
    found = suggest([ROOT / "seeds"])
    pairs = [(s.canonical, s.variant) for s in found]
    assert ("Radmila Šekerinska", "Radmila Sekirinska") in pairs[:3], pairs
    assert cli("suggest", str(ROOT / "seeds")) == 0
    out = capsys.readouterr().out
    assert "Radmila Šekerinska\tRadmila Sekirinska\t" in out
    assert "# Šekerinska x" in out
    assert "seeds/" in out
    assert "canonical\tvariant\tlang\tnote" in out
    # the output is a valid table
    body = "\n".join(line for line in out.splitlines())
    assert format_text(body + "\n").count("Radmila Sekirinska") >= 1


def test_suggest_new_only_and_output_format(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Minister Ivana Petrovska spoke. Petrovska left.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Minister Ivana Petrofska came. Petrofska smiled.\n", encoding="utf-8")
    found = suggest([tmp_path], new_only=True)
    assert [(s.canonical, s.variant) for s in found] == [("Ivana Petrovska", "Ivana Petrofska")]
    text = format_suggestions(found)
    assert (
        "Ivana Petrovska\tIvana Petrofska\t\tsuggested: one letter apart (v/f); shared context: Ivana" in text
    )
    known = tmp_path / "k.tsv"
    write(known, "Ivana Petrovska\tIvana Petrofska\tmk-Latn\tx\n")
    assert suggest([tmp_path], aliases=[known], new_only=True) == []


def test_name_forms_ignore_order_case_separators() -> None:
    forms = set(name_forms("Ahn Gyu-baek"))
    for spelling in ["AHN, Gyu-baek", "Gyu-baek Ahn", "ahn gyubaek", "Gyu Baek AHN"]:
        assert forms & set(name_forms(spelling)), spelling
    assert not forms & set(name_forms("Ahn Gyu-bok"))


def test_through_the_normkit_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from normkit.cli import main

    t = write(tmp_path / "t.tsv", "Beta Two\tAlpha One\ten\tx\nAlpha One\tBeta Two\ten\tx\n")
    assert main(["aliases", "check", str(t)]) == 1
    assert "cycle" in capsys.readouterr().out
    assert main(["aliases", "check"]) == 0


def test_canonicals_that_normalise_alike_collide(tmp_path: Path) -> None:
    t = write(tmp_path / "c.tsv", "CHO HYUN\tJo Hyun\tko-Latn\tx\nCho Hyun\tJo Hyeon-a\tko-Latn\tx\n")
    problems = check([t], base=[])
    assert any(p.line == 3 and p.col == 1 and "canonicals" in p.message for p in problems), problems


def test_override_moves_one_variant(tmp_path: Path) -> None:
    t = write(
        tmp_path / "m.tsv",
        "Wi Sung-rak Jr\tWi Sung-rak\ten\tanother man\toverride\n",
        header="canonical\tvariant\tlang\tnote\tflags\n",
    )
    aset = load_aliases([t])
    assert aset.lookup("Wi Sung-rak") == ("Wi Sung-rak Jr",)
    assert aset.lookup("위성락") == ("Wi Sung-lac",)
    assert [p for p in check([t]) if p.severity == "error"] == []


def test_canonical_respelled_in_a_later_layer(tmp_path: Path) -> None:
    t = write(tmp_path / "r.tsv", "WI SUNG-LAC\tWee Sung-lac\ten\tx\n")
    problems = check([t])
    assert [p.severity for p in problems] == ["warning"], problems
    aset = load_aliases([t])
    assert aset.lookup("Wee Sung-lac") == ("Wi Sung-lac",)


def test_same_layer_chain_is_reported_once(tmp_path: Path) -> None:
    t = write(tmp_path / "ch.tsv", "Alpha One\tBeta Two\ten\tx\nBeta Two\tGamma Three\ten\tx\n")
    problems = [p for p in check([t], base=[]) if p.severity == "error"]
    assert [(p.line, p.col, p.message.split(":")[0]) for p in problems] == [(2, 11, "chain")]
