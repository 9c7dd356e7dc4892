"""Table parsing and validation report every problem with file:line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from normkit.tables import Problem, TableError, data_dir, load, parse_tsv, read_table


def test_rows_comments_and_positions() -> None:
    t = parse_tsv("# c\n\nkey\tvalue\tnote\na\tb\t\n# mid\nc\td\tok\n", "t.tsv", columns=("key", "value"))
    assert [(r.line, r["key"], r["value"], r.get("note", "-")) for r in t.rows] == [
        (4, "a", "b", "-"),
        (6, "c", "d", "ok"),
    ]
    assert t.rows[1].col("value") == 3
    assert t.problems == []


def test_every_problem_is_collected() -> None:
    text = "key\tvalue\n\tb\na\tb\tc\n x\ty\ne\u0301\tz\n"
    t = parse_tsv(text, "bad.tsv", columns=("key", "value"), required=("key",))
    got = [str(p) for p in t.problems]
    assert got == [
        "bad.tsv:2:1: error: empty 'key' field",
        "bad.tsv:3:5: error: 3 fields; the header has 2",
        "bad.tsv:4:1: error: field has leading or trailing spaces",
        "bad.tsv:5:2: error: text is not NFC-normalised",
    ]


def test_wrong_header_and_missing_header() -> None:
    assert "expected 'key/value'" in str(parse_tsv("k\tv\n", "h.tsv", columns=("key", "value")).problems[0])
    assert parse_tsv("# only comments\n", "e.tsv").problems == [
        Problem("e.tsv", 1, 1, "error", "no header line")
    ]


def test_invalid_utf8_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    p = tmp_path / "x.tsv"
    p.write_bytes(b"key\tvalue\nab\t\xff\xfe\n")
    t = read_table(p)
    assert [str(e) for e in t.errors] == [f"{p}:2:4: error: invalid UTF-8 at byte 13"]


def test_bom_is_ignored(tmp_path: Path) -> None:
    p = tmp_path / "b.tsv"
    p.write_text("\ufeffkey\tvalue\na\tb\n", encoding="utf-8")
    assert read_table(p, columns=("key", "value")).problems == []


def test_builtin_tables_are_valid() -> None:
    root = data_dir()
    tables = sorted(root.rglob("*.tsv"))
    for path in tables:
        t = read_table(path)
        assert not t.errors, [str(e) for e in t.errors]


def test_load_raises_with_all_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "bad.tsv").write_text("key\tvalue\n\tb\n c\td\n", encoding="utf-8")
    monkeypatch.setattr("normkit.tables.data_dir", lambda: tmp_path)
    load.cache_clear()
    with pytest.raises(TableError) as info:
        load("bad.tsv", required=("key",))
    assert len(info.value.problems) == 2
    load.cache_clear()
