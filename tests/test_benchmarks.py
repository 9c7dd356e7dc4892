"""Smoke test of the benchmark harness: a tiny quick run, checking the table format only.

No timing is asserted: figures depend on the machine. Peers that are not
installed are skipped by the harness itself (and their rows are then absent).
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow

ROW = re.compile(r"^\| (?P<system>[^|]+?) \| (?P<value>[\d,.]+|-) \|(?P<rest>.*)\|$")


def _run(*args: str) -> str:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--scale", "0.02", "--budget", "0.05", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def _tables(out: str) -> dict[str, list[str]]:
    """Case name -> the lines of its table block."""
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in out.splitlines():
        m = re.match(r"^### ([\w-]+): ", line)
        if m:
            current = blocks.setdefault(m.group(1), [])
        if current is not None:
            current.append(line)
    return blocks


def _check_table(lines: list[str]) -> list[re.Match[str]]:
    """Every table row has as many cells as its header; return the data rows."""
    table = [ln for ln in lines if ln.startswith("|")]
    assert len(table) >= 3, lines  # header, alignment, at least one row
    width = table[0].count("|")
    assert all(ln.count("|") == width for ln in table), table
    assert re.fullmatch(r"\|(---:?\|)+", table[1]), table[1]
    rows = [ROW.match(ln) for ln in table[2:]]
    assert all(rows), table
    return [r for r in rows if r is not None]


def test_text_and_boilerplate_tables() -> None:
    out = _run("--only", "text,boilerplate-residual")
    blocks = _tables(out)
    assert set(blocks) == {"text", "boilerplate-residual"}, out
    text = blocks["text"]
    if "skipped:" in text[0]:
        pytest.skip(text[0])
    rows = {r.group("system"): r for r in _check_table(text)}
    assert "normkit default" in rows
    assert "regex.sub whitespace (floor)" in rows  # regex is a normkit dependency, always there
    if importlib.util.find_spec("ftfy") is not None:
        ftfy = rows["ftfy.fix_text"]
        # ratio columns: one per normkit reference row (default, news), formatted like 5.67x
        assert re.fullmatch(r"( [\d,.]+x \|)+", ftfy.group("rest") + "|"), ftfy.group(0)
        assert any(ln.startswith("- **") and "ftfy" in ln for ln in text), text
    else:
        assert any(ln.startswith("Skipped: ftfy.fix_text") for ln in text), text
    bp = blocks["boilerplate-residual"]
    rows = {r.group("system"): r for r in _check_table(bp)}
    assert "C4 line rules" in rows  # the harness's own reimplementation, always there
    assert "MB/s" in bp[2]  # the extra column


def test_unknown_case_is_an_error() -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--only", "no-such-case"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert "unknown case" in proc.stderr


def test_c4_line_rules() -> None:
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks.boilerplate import c4_keep_line, c4_lines
    finally:
        sys.path.remove(str(ROOT))
    assert c4_keep_line("* The minister said the talks went well.")
    assert not c4_keep_line("WEEKLY HOT")
    assert not c4_keep_line("Two words.")
    assert not c4_keep_line("Please enable JavaScript to view this page.")
    assert not c4_keep_line("This site uses cookies to improve things.")
    assert not c4_keep_line("And then there was more...")
    text = "Home\nThe minister said the talks went well.\nClose"
    assert c4_lines(text) == "The minister said the talks went well."
