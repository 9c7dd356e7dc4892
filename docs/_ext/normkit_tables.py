"""A Sphinx directive that renders a table from normkit's ``data/`` folder.

    ```{normkit-table} korean/surnames.tsv
    :columns: hangul, rr, note
    :limit: 40
    ```

The table is read with :func:`normkit.tables.read_table` at build time, so the
documentation cannot drift from the data.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from normkit.tables import data_path, read_table


class NormkitTable(SphinxDirective):
    required_arguments = 1
    option_spec = {  # noqa: RUF012
        "columns": directives.unchanged,
        "limit": directives.nonnegative_int,
        "where": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        path = data_path(*self.arguments[0].split("/"))
        self.env.note_dependency(str(path))
        table = read_table(path)
        if table.errors:
            raise self.error("; ".join(str(e) for e in table.errors))
        columns = [c.strip() for c in self.options.get("columns", ",".join(table.columns)).split(",")]
        missing = [c for c in columns if c not in table.columns]
        if missing:
            raise self.error(f"{path.name} has no column(s) {', '.join(missing)}")
        where = self.options.get("where")
        rows = list(table.rows)
        if where:
            col, _, value = where.partition("=")
            rows = [r for r in rows if r.get(col.strip()) == value.strip()]
        limit = self.options.get("limit")
        shown = rows if limit is None else rows[:limit]

        tbl = _table(columns, [[r.get(c) for c in columns] for r in shown])
        caption = f"{self.arguments[0]}: {len(shown)} of {len(rows)} entries"
        para = nodes.paragraph(text=caption)
        return [para, tbl]


def _row(cells: list[str]) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        entry += nodes.paragraph(text=cell)
        row += entry
    return row


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("normkit-table", NormkitTable)
    setup_systems(app)
    return {"parallel_read_safe": True, "version": "1"}


def _table(header: list[str], rows: list[list[str]]) -> nodes.table:
    tbl = nodes.table(classes=["normkit-table"])
    group = nodes.tgroup(cols=len(header))
    tbl += group
    for _ in header:
        group += nodes.colspec(colwidth=1)
    head = nodes.thead()
    group += head
    head += _row(header)
    body = nodes.tbody()
    group += body
    for r in rows:
        body += _row(r)
    return tbl


class NormkitRomanize(SphinxDirective):
    """Hangul names (the directive's content, one per line) in every
    romanisation system, computed by :func:`normkit.romanize` at build time."""

    has_content = True
    option_spec = {"systems": directives.unchanged}  # noqa: RUF012

    def run(self) -> list[nodes.Node]:
        from normkit.names.korean import romanize

        systems = [s.strip() for s in self.options.get("systems", "rr,mr,mr-ascii,dprk").split(",")]
        names = [line.strip() for line in self.content if line.strip()]
        rows = [[name, *(romanize(name, system=s) for s in systems)] for name in names]
        return [_table(["Hangul", *systems], rows)]


class NormkitTranslit(SphinxDirective):
    """Cyrillic names (content lines) in every transliteration system of one
    language, computed by :func:`normkit.transliterate` at build time."""

    required_arguments = 1
    has_content = True
    option_spec = {"systems": directives.unchanged}  # noqa: RUF012

    def run(self) -> list[nodes.Node]:
        from normkit.translit import SYSTEMS, transliterate

        lang = self.arguments[0]
        systems = [s.strip() for s in self.options.get("systems", ",".join(SYSTEMS)).split(",")]
        names = [line.strip() for line in self.content if line.strip()]
        rows = [[name, *(transliterate(name, lang=lang, system=s) for s in systems)] for name in names]
        return [_table(["Cyrillic", *systems], rows)]


def setup_systems(app: Sphinx) -> None:
    app.add_directive("normkit-romanize", NormkitRomanize)
    app.add_directive("normkit-translit", NormkitTranslit)
