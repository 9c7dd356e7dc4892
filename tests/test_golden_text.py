"""Golden cases for the text steps and presets, read from ``tests/golden/text.tsv``.

Each row names a step (or ``preset:NAME``), its options as JSON, the input and
the expected output. Rows marked ``known-failure`` document what normkit gets
wrong today; they are strict xfails, so fixing one makes the suite say so.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from normkit.pipeline import available_steps, clean, explain, get_step
from normkit.tables import read_table

GOLDEN = Path(__file__).parent / "golden" / "text.tsv"
COLUMNS = ("input", "step", "options", "expected", "status", "note")
_ESCAPE = re.compile(r"\\(\\|n|t|r|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})")


def unescape(field: str) -> str:
    r"""Decode ``\n \t \r \\ \uXXXX \UXXXXXXXX`` in a golden field.

    >>> unescape(r"a\tb\\n\u00e9")
    'a\tb\\né'
    """

    def one(m: re.Match[str]) -> str:
        code = m.group(1)
        return {"\\": "\\", "n": "\n", "t": "\t", "r": "\r"}.get(code) or chr(int(code[1:], 16))

    return _ESCAPE.sub(one, field)


def _cases(*, with_marks: bool) -> list[object]:
    table = read_table(GOLDEN, columns=COLUMNS, required=("step", "status", "note"))
    assert not table.errors, "\n".join(map(str, table.errors))
    cases: list[object] = []
    for row in table:
        marks = []
        if with_marks and row["status"] == "known-failure":
            marks.append(pytest.mark.xfail(strict=True, reason=row["note"]))
        cases.append(
            pytest.param(
                unescape(row["input"]),
                row["step"],
                json.loads(row["options"]) if row["options"] else {},
                unescape(row["expected"]),
                row["status"],
                id=f"{GOLDEN.name}:{row.line}",
                marks=marks,
            )
        )
    return cases


CASES = _cases(with_marks=True)
UNMARKED = _cases(with_marks=False)


def run(text: str, step: str, options: dict[str, object]) -> str:
    if step.startswith("preset:"):
        return clean(text, preset=step.removeprefix("preset:"), **options)
    return get_step(step)(text, None, **options)


@pytest.mark.parametrize(("text", "step", "options", "expected", "status"), CASES)
def test_golden(text: str, step: str, options: dict[str, object], expected: str, status: str) -> None:
    assert status in {"ok", "known-failure"}
    assert run(text, step, options) == expected


@pytest.mark.parametrize(("text", "step", "options", "expected", "status"), UNMARKED)
def test_golden_explained(
    text: str, step: str, options: dict[str, object], expected: str, status: str
) -> None:
    """Every golden case also replays from its explanation and is a fixpoint."""
    del expected, status
    out = run(text, step, options)
    assert run(out, step, options) == out
    if step.startswith("preset:"):
        e = explain(text, preset=step.removeprefix("preset:"), **options)
    else:
        e = explain(text, steps=[step], **options)
    assert e.replay() == e.result == out


def test_golden_file_covers_every_text_step() -> None:
    steps = {p.values[1] for p in CASES}  # type: ignore[attr-defined]
    text_steps = {"unicode", "invisibles", "typography", "whitespace", "ascii", "casefold", "collapse"}
    assert text_steps <= steps & set(available_steps())
    assert any(p.values[4] == "known-failure" for p in CASES)  # type: ignore[attr-defined]
