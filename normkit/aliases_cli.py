"""Check, format, extend and mine alias tables.

  normkit aliases check [FILE ...]     every problem as file:line:col: error|warning: ...; exit 1 on errors
  normkit aliases fmt [FILE ...]       sort and de-duplicate in place (--check: only report)
  normkit aliases add CANONICAL VARIANT ... [--file F] [--lang L] [--note N] [--override]
  normkit aliases suggest PATH ...     candidate rows mined from a corpus, for review

Without FILE, check and fmt work on the project's tables
([tool.normkit] extend-aliases); check also checks the built-in tables.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["configure", "run"]


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``aliases`` sub-commands to ``parser``."""
    sub = parser.add_subparsers(dest="aliases_command", metavar="ACTION")
    sub.required = True

    p = sub.add_parser("check", help="report every problem of alias tables (exit 1 on errors)")
    p.add_argument(
        "files", nargs="*", metavar="FILE", help="tables to check (default: the project's and built-in)"
    )
    p.add_argument("--no-keys", action="store_true", help="skip the name_key ambiguity warnings (faster)")
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too")

    p = sub.add_parser("fmt", help="sort and de-duplicate tables in place")
    p.add_argument("files", nargs="*", metavar="FILE", help="tables to format (default: the project's)")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file would change")

    p = sub.add_parser("add", help="add rows CANONICAL -> VARIANT to a table")
    p.add_argument("canonical", metavar="CANONICAL")
    p.add_argument("variants", nargs="+", metavar="VARIANT")
    p.add_argument(
        "--file", "-f", metavar="F", help="the table (default: the project's first extend-aliases table)"
    )
    p.add_argument("--lang", default="", help="language tag of the variants, e.g. ko or mk-Latn")
    p.add_argument("--note", default="", help="why the variants belong to the person, or a source")
    p.add_argument("--override", action="store_true", help="mark the rows as overriding earlier tables")

    p = sub.add_parser("suggest", help="mine a corpus for near-colliding names; print candidate rows")
    p.add_argument("paths", nargs="+", metavar="PATH", help="text files or folders")
    p.add_argument(
        "--aliases", action="append", default=[], metavar="FILE", help="extra alias table (repeatable)"
    )
    p.add_argument("--limit", type=int, default=50, help="at most this many rows (default 50)")
    p.add_argument("--new-only", action="store_true", help="leave out pairs the loaded tables already have")


def _project(err: list[str]) -> tuple[Path, ...]:
    from normkit.aliases import project_tables

    try:
        return project_tables()
    except ValueError as e:  # ConfigError
        err.append(str(e))
        return ()


def _check(args: argparse.Namespace) -> int:
    from normkit.aliases import builtin_tables, check

    errs: list[str] = []
    files = [Path(f) for f in args.files]
    if not files:
        files = [*builtin_tables(), *_project(errs)]
    for e in errs:
        sys.stderr.write(f"normkit aliases: {e}\n")
    if errs:
        return 2
    problems = check(files, keys=not args.no_keys)
    for p in problems:
        sys.stdout.write(f"{p}\n")
    n_err = sum(p.severity == "error" for p in problems)
    n_warn = len(problems) - n_err
    if problems:
        sys.stderr.write(f"{len(files)} table(s): {n_err} error(s), {n_warn} warning(s)\n")
    return 1 if n_err or (args.strict and n_warn) else 0


def _fmt(args: argparse.Namespace) -> int:
    from normkit.aliases import format_table, format_text

    errs: list[str] = []
    files = [Path(f) for f in args.files] or list(_project(errs))
    for e in errs:
        sys.stderr.write(f"normkit aliases: {e}\n")
    if not files:
        sys.stderr.write("normkit aliases fmt: no tables given and no [tool.normkit] extend-aliases\n")
        return 2
    changed = 0
    for f in files:
        try:
            if args.check:
                text = f.read_text(encoding="utf-8-sig")
                if format_text(text, str(f)) != text:
                    sys.stdout.write(f"would reformat {f}\n")
                    changed += 1
            elif format_table(f):
                sys.stdout.write(f"reformatted {f}\n")
                changed += 1
        except (OSError, UnicodeDecodeError) as e:
            sys.stderr.write(f"normkit aliases fmt: {f}: {e}\n")
            return 2
    return 1 if args.check and changed else 0


def _add(args: argparse.Namespace) -> int:
    from normkit.aliases import add_rows

    errs: list[str] = []
    target = Path(args.file) if args.file else next(iter(_project(errs)), None)
    if target is None:
        sys.stderr.write("normkit aliases add: give --file F (no [tool.normkit] extend-aliases table)\n")
        return 2
    try:
        problems = add_rows(
            target, args.canonical, args.variants, lang=args.lang, note=args.note, override=args.override
        )
    except (OSError, UnicodeDecodeError) as e:
        sys.stderr.write(f"normkit aliases add: {target}: {e}\n")
        return 2
    for p in problems:
        sys.stdout.write(f"{p}\n")
    if any(p.severity == "error" for p in problems):
        sys.stderr.write(f"{target}: not changed\n")
        return 1
    sys.stderr.write(f"{target}: added {len(args.variants)} row(s)\n")
    return 0


def _suggest(args: argparse.Namespace) -> int:
    from normkit.aliases import _corpus_files, format_suggestions, suggest
    from normkit.tables import TableError

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        sys.stderr.write(f"normkit aliases suggest: not found: {', '.join(missing)}\n")
        return 2
    try:
        found = suggest(args.paths, aliases=args.aliases, limit=args.limit, new_only=args.new_only)
    except TableError as e:
        sys.stderr.write(f"{e}\n")
        return 2
    sys.stdout.write(format_suggestions(found, files=sum(1 for _ in _corpus_files(args.paths))))
    return 0


def run(args: argparse.Namespace) -> int:
    """Run the ``aliases`` sub-command chosen in ``args``; return the exit code."""
    action = getattr(args, "aliases_command", None)
    if action == "check":
        return _check(args)
    if action == "fmt":
        return _fmt(args)
    if action == "add":
        return _add(args)
    if action == "suggest":
        return _suggest(args)
    sys.stderr.write("normkit aliases: choose check, fmt, add or suggest\n")
    return 2
