"""Find, parse, validate and cache the TSV tables in ``data/``.

Every table is UTF-8 (NFC) text: ``#`` comment lines, blank lines, one header
line naming the columns, then one entry per line, fields separated by tabs.
Problems are collected (never raised one at a time) as :class:`Problem`
records that print as ``file:line:col: error: message``.

>>> t = parse_tsv("# a comment\\nx\\ty\\n1\\t2\\n", "demo.tsv", columns=("x", "y"))
>>> [(r.line, r["x"], r["y"]) for r in t.rows]
[(3, '1', '2')]
>>> t.problems
[]
"""

from __future__ import annotations

import dataclasses
import functools
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path

__all__ = [
    "Problem",
    "Row",
    "Table",
    "TableError",
    "data_dir",
    "data_path",
    "load",
    "parse_tsv",
    "read_table",
]


@dataclasses.dataclass(frozen=True, order=True)
class Problem:
    """One problem found in a table, with its position (1-based line and column)."""

    file: str
    line: int
    col: int
    severity: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.severity}: {self.message}"


class TableError(ValueError):
    """A table has errors; ``problems`` lists all of them."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclasses.dataclass(frozen=True)
class Row:
    """One entry: its fields by column name, its line number and column offsets."""

    line: int
    fields: tuple[str, ...]
    columns: tuple[str, ...]
    raw: str

    def __getitem__(self, column: str) -> str:
        i = self.columns.index(column)
        return self.fields[i] if i < len(self.fields) else ""

    def get(self, column: str, default: str = "") -> str:
        if column not in self.columns:
            return default
        return self[column] or default

    def col(self, column: str) -> int:
        """1-based character column where ``column``'s field starts."""
        i = self.columns.index(column)
        return sum(len(f) + 1 for f in self.fields[:i]) + 1


@dataclasses.dataclass(frozen=True)
class Table:
    """A parsed table: its source name, columns, rows and problems."""

    source: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    problems: list[Problem]

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def parse_tsv(
    text: str,
    source: str,
    *,
    columns: Sequence[str] | None = None,
    required: Sequence[str] = (),
) -> Table:
    """Parse table text. ``columns`` is the expected header (extra trailing
    columns are allowed); ``required`` columns must be non-empty in every row."""
    problems: list[Problem] = []
    rows: list[Row] = []
    header: tuple[str, ...] | None = None
    for lineno, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if unicodedata.normalize("NFC", raw) != raw:
            col = next(
                (
                    i + 1
                    for i, ch in enumerate(raw)
                    if unicodedata.normalize("NFC", ch) != ch or unicodedata.combining(ch)
                ),
                1,
            )
            problems.append(Problem(source, lineno, col, "error", "text is not NFC-normalised"))
        fields = tuple(raw.split("\t"))
        if header is None:
            header = tuple(f.strip() for f in fields)
            if columns is not None and header[: len(columns)] != tuple(columns):
                problems.append(
                    Problem(
                        source,
                        lineno,
                        1,
                        "error",
                        f"header is {'/'.join(header)!r}; expected {'/'.join(columns)!r}",
                    )
                )
            continue
        if len(fields) > len(header):
            col = sum(len(f) + 1 for f in fields[: len(header)]) + 1
            problems.append(
                Problem(source, lineno, col, "error", f"{len(fields)} fields; the header has {len(header)}")
            )
        row = Row(lineno, fields, header, raw)
        for name in required:
            if name in header and not row[name].strip():
                problems.append(Problem(source, lineno, row.col(name), "error", f"empty {name!r} field"))
        for i, f in enumerate(fields):
            if f != f.strip():
                col = sum(len(x) + 1 for x in fields[:i]) + 1
                problems.append(Problem(source, lineno, col, "error", "field has leading or trailing spaces"))
        rows.append(row)
    if header is None:
        problems.append(Problem(source, 1, 1, "error", "no header line"))
        header = tuple(columns or ())
    return Table(source, header, tuple(rows), problems)


def read_table(
    path: str | Path,
    *,
    columns: Sequence[str] | None = None,
    required: Sequence[str] = (),
) -> Table:
    """Read and parse a table file; undecodable bytes are a problem, not a crash."""
    p = Path(path)
    data = p.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        return Table(
            str(path),
            tuple(columns or ()),
            (),
            [Problem(str(path), line, col, "error", f"invalid UTF-8 at byte {e.start}")],
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    return parse_tsv(text, str(path), columns=columns, required=required)


@functools.cache
def data_dir() -> Path:
    """The directory of the built-in tables: ``normkit/data`` in an installed
    wheel, the repository's ``data/`` in a checkout or editable install."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "data", here.parent / "data"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("normkit's data directory is missing; reinstall normkit")


def data_path(*parts: str) -> Path:
    """Path of a built-in table, e.g. ``data_path("korean", "surnames.tsv")``."""
    return data_dir().joinpath(*parts)


@functools.cache
def load(*parts: str, columns: tuple[str, ...] | None = None, required: tuple[str, ...] = ()) -> Table:
    """Load a built-in table once (cached). Built-in tables must be valid:
    errors raise :class:`TableError` listing every problem."""
    table = read_table(data_path(*parts), columns=columns, required=required)
    if table.errors:
        raise TableError(table.errors)
    return table
