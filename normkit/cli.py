"""The ``normkit`` command line.

``normkit clean [PATH ...]`` fixes text files in place (a pre-commit fixer),
``normkit demo`` shows the main job on the bundled seed articles,
``normkit name ...`` exposes name keys and matching; further command groups
(``aliases``, ``corpus``) appear when their modules are installed.

Each command lives in a module with ``configure(parser)`` and ``run(args) ->
int``; only the module of the command being run is imported, so
``normkit --version`` imports almost nothing.

Exit codes: 0 nothing to fix; 1 something was fixed (or would be, with
``--check``/``--diff``); 2 usage error, unreadable or invalid input.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # pragma: no cover
    import argparse

    from normkit.config import Config
    from normkit.pipeline import Pipeline

__all__ = [
    "COMMANDS",
    "Located",
    "build_pipeline",
    "declared_options",
    "explain_lines",
    "locate_changes",
    "main",
]

#: command -> (module with configure/run, one-line help). ``normkit.cli``
#: itself implements ``clean``.
COMMANDS: dict[str, tuple[str, str]] = {
    "clean": ("normkit.cli", "clean text files in place (or check, or diff); '-' reads stdin"),
    "demo": ("normkit.demo", "show the main job on the bundled seed articles"),
    "name": ("normkit.names.cli", "name keys, matching, romanisation and transliteration"),
    "aliases": ("normkit.aliases_cli", "check, format, extend and mine alias tables"),
    "corpus": ("normkit.corpus_cli", "clean a corpus of documents with many processes"),
}

#: Commands that may be absent (their modules are written separately).
_OPTIONAL = frozenset({"aliases", "corpus"})

PROG = "normkit"


def _version() -> str:
    from normkit import __version__

    return __version__


def _available(name: str) -> bool:
    if name not in _OPTIONAL:
        return True
    import importlib.util

    try:
        return importlib.util.find_spec(COMMANDS[name][0]) is not None
    except (ImportError, ValueError):
        return False


def _command_module(name: str) -> Any:
    module = COMMANDS[name][0]
    if module == __name__:
        return sys.modules[__name__]
    import importlib

    return importlib.import_module(module)


def _build_parser(selected: str | None) -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Make messy real-world text comparable.",
        epilog="Exit codes: 0 nothing to fix, 1 fixed (or would fix), 2 usage error or bad input.",
    )
    parser.add_argument("-V", "--version", action="version", version=f"{PROG} {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_, help_text) in COMMANDS.items():
        if not _available(name):
            continue
        if name == selected:
            module = _command_module(name)
            doc = (getattr(module, "__doc__", None) or help_text).strip()
            if COMMANDS[name][0] == "normkit.cli":
                doc = _CLEAN_DESCRIPTION
            # Keep hand-laid-out descriptions (indented lines) as they are; re-wrap prose.
            raw = "\n  " in doc or "\n\n" in doc
            sp = sub.add_parser(
                name,
                help=help_text,
                description=doc,
                formatter_class=argparse.RawDescriptionHelpFormatter if raw else argparse.HelpFormatter,
            )
            module.configure(sp)
        else:
            sub.add_parser(name, help=help_text, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``normkit`` command line; return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("--version", "-V"):
        sys.stdout.write(f"{PROG} {_version()}\n")
        return 0
    selected = next((a for a in args if not a.startswith("-")), None)
    if selected is not None and (selected not in COMMANDS or not _available(selected)):
        selected = None
    try:
        try:
            parser = _build_parser(selected)
        except ImportError as e:
            sys.stderr.write(f"{PROG}: error: the {selected!r} command is unavailable: {e}\n")
            return 2
        if not args:
            parser.print_help(sys.stderr)
            return 2
        ns = parser.parse_args(args)
        if selected is None or ns.command != selected:
            parser.print_usage(sys.stderr)
            sys.stderr.write(f"{PROG}: error: choose a command\n")
            return 2
        code: int = _command_module(selected).run(ns)
        sys.stdout.flush()
        return code
    except SystemExit as e:  # argparse: --help (0) and usage errors (2)
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: interrupted\n")
        return 130
    except BrokenPipeError:
        # The reader went away (``normkit demo | head``): stop quietly.
        import os

        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 1


# --------------------------------------------------------------------------
# normkit clean

_CLEAN_DESCRIPTION = """\
Clean text files in place, as a pre-commit fixer does: print 'Fixing PATH'
for each file changed and exit 1 if any was, 0 if none. Directories are
walked for text files (*.md, *.rst, *.txt, ...), honouring the exclude
patterns of the configuration ([tool.normkit] in pyproject.toml, or
normkit.toml, found by walking up from the working directory). '-' reads
standard input and writes the cleaned text to standard output.

Files are never damaged: writes are atomic and keep permissions, symlinks are
never written through, invalid UTF-8 is reported with its byte offset and
left untouched, binary files are skipped, a leading BOM and the newline
style (LF or CRLF) are kept.

--check and --diff write nothing; together, only the diff is printed.

Files over 4 MiB are cleaned chunk by chunk, in flat memory, with the same
result (except that the names step resolves a lone surname only against
full names in the same chunk of about a megabyte); pipelines with a step that
needs the whole document (boilerplate: the news preset) read them whole.

Exit codes: 0 nothing to fix; 1 fixed (or would fix, with --check/--diff);
2 usage error, unreadable or invalid input (the other files are still done).
"""


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``normkit clean``."""
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories; '-' for stdin")
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; print 'Would fix PATH'; exit 1 if something would change",
    )
    parser.add_argument(
        "--diff",
        action="store_true",
        help="write nothing; print a unified diff instead; exit 1 if something would",
    )
    parser.add_argument("--preset", help="preset: default, news, ascii, key, ... (default: from config)")
    parser.add_argument("--steps", help="comma-separated step names (overrides the preset's steps)")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print every change: PATH:LINE:COL: step: rule: before -> after",
    )
    parser.add_argument(
        "--aliases",
        action="append",
        default=[],
        metavar="FILE",
        help="extra alias table (repeatable; after the configuration's extend-aliases)",
    )
    parser.add_argument(
        "-o",
        "--option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a step option, e.g. -o form=NFKC (repeatable; wins over [tool.normkit.options])",
    )
    parser.add_argument("--exclude", action="append", metavar="PATTERN", help="replace the exclude patterns")
    parser.add_argument(
        "--extend-exclude", action="append", default=[], metavar="PATTERN", help="add an exclude pattern"
    )
    cfg = parser.add_mutually_exclusive_group()
    cfg.add_argument("--config", metavar="FILE", help="use this configuration file instead of searching")
    cfg.add_argument("--isolated", action="store_true", help="ignore configuration files")
    parser.add_argument("-q", "--quiet", action="store_true", help="print no notices (errors still)")


class _UsageError(Exception):
    pass


def _err(message: str) -> None:
    sys.stderr.write(f"{PROG}: error: {message}\n")


def _notice(args: argparse.Namespace, message: str) -> None:
    if not getattr(args, "quiet", False):
        sys.stderr.write(f"{PROG}: {message}\n")


def _parse_value(raw: str) -> object:
    low = raw.lower()
    if low in ("true", "yes", "on"):
        return True
    if low in ("false", "no", "off"):
        return False
    for conv in (int, float):
        try:
            return conv(raw)
        except ValueError:
            pass
    return raw


def declared_options(pipeline: Pipeline) -> set[str]:
    """The option names some step of ``pipeline`` declares.

    >>> from normkit.pipeline import Pipeline
    >>> sorted(declared_options(Pipeline(["unicode"])))
    ['form']
    """
    return {k for step, _ in pipeline._plan() for k in step.options}


def _load_config(args: argparse.Namespace) -> Config:
    from normkit.config import Config, discover, load_config

    if args.isolated:
        return Config()
    cfg = load_config(args.config) if args.config else discover()
    for w in cfg.warnings:
        _notice(args, f"warning: {w}")
    return cfg


def build_pipeline(args: argparse.Namespace, cfg: Config) -> Pipeline:
    """The pipeline ``normkit clean`` runs: flags over configuration over defaults."""
    import os

    from normkit.pipeline import PRESETS, Pipeline

    preset = args.preset or cfg.preset or "default"
    if preset not in PRESETS:
        raise _UsageError(f"unknown preset {preset!r}; known: {', '.join(PRESETS)}")
    steps: tuple[str, ...] | None
    if args.steps is not None:
        steps = tuple(s.strip() for s in args.steps.split(",") if s.strip())
        if not steps:
            raise _UsageError("--steps needs at least one step name")
    elif args.preset:
        steps = None
    else:
        steps = cfg.steps
    try:
        base = Pipeline.from_preset(preset, steps=steps)
    except (KeyError, ValueError, TypeError) as e:
        raise _UsageError(str(e).strip("'\"")) from None
    declared = declared_options(base)

    options: dict[str, object] = {}
    for key, value in cfg.options.items():
        if key in declared:
            options[key] = value
    for item in args.option:
        key, sep, raw = item.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or not key:
            raise _UsageError(f"--option {item!r}: expected KEY=VALUE")
        if key not in declared:
            known = ", ".join(sorted(declared)) or "none"
            raise _UsageError(f"--option {key}: no step of this pipeline takes it; known: {known}")
        options[key] = _parse_value(raw)

    cli_aliases = [os.path.abspath(p) for p in args.aliases]
    for p in cli_aliases:
        if not os.path.isfile(p):
            raise _UsageError(f"{p}: alias table not found")
    if cli_aliases and "aliases" not in declared:
        raise _UsageError("--aliases: no step of this pipeline takes alias tables (try the default preset)")
    if "aliases" in declared:
        paths = tuple(str(p) for p in cfg.extend_aliases) + tuple(cli_aliases)
        if paths:
            options["aliases"] = paths
    if "boilerplate_rules" in declared and cfg.extend_boilerplate:
        options["boilerplate_rules"] = tuple(str(p) for p in cfg.extend_boilerplate)
    try:
        return Pipeline.from_preset(preset, steps=steps, **options)
    except (KeyError, ValueError, TypeError) as e:
        raise _UsageError(str(e).strip("'\"")) from None


def _split_lines(text: str) -> list[str]:
    """Lines split at ``\\n`` only, each keeping its ending (``str.splitlines``
    would also split at form feeds, U+2028 and other separators).

    >>> _split_lines("a\\u2028b\\nc")
    ['a\\u2028b\\n', 'c']
    """
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def _diff(before: str, after: str, name: str) -> str:
    import difflib

    a = _split_lines(before)
    b = _split_lines(after)
    out: list[str] = []
    for line in difflib.unified_diff(a, b, fromfile=name, tofile=name):
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


def _positions(text: str) -> list[int]:
    starts = [0]
    find = text.find
    i = find("\n")
    while i != -1:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts


class Located(NamedTuple):
    """One explained change (or note) at a 1-based line and column of the
    original text (``line`` 0 when a note's position is unknown)."""

    line: int
    col: int
    step: str
    message: str
    is_change: bool


def locate_changes(text: str, pipeline: Pipeline) -> tuple[str, list[Located]]:
    """Run ``pipeline`` on ``text`` with a trace; return the result and every
    change (then every note) positioned in ``text``.

    Changes of later passes are mapped back through the earlier passes, so
    positions always refer to the input (an offset inside an earlier
    replacement maps to its start).

    >>> from normkit.pipeline import Pipeline
    >>> out, found = locate_changes("a\\nb\\u00a0c\\n", Pipeline(["typography"]))
    >>> found[0].line, found[0].col, found[0].step
    (2, 2, 'typography')
    """
    import bisect

    from normkit.pipeline import Change

    e = pipeline.explain(text)
    line_starts = _positions(text)
    done: list[tuple[list[int], list[Change], list[int]]] = []
    by_pass: dict[int, list[Change]] = {}
    for c in e.changes:
        by_pass.setdefault(c.pass_no, []).append(c)

    def to_original(pos: int) -> int:
        for out_starts, changes, shifts in reversed(done):
            i = bisect.bisect_right(out_starts, pos) - 1
            if i < 0:
                continue
            c = changes[i]
            pos = c.start if pos < out_starts[i] + len(c.after) else pos - shifts[i + 1]
        return pos

    found: list[Located] = []
    for pass_no in sorted(by_pass):
        changes = sorted(by_pass[pass_no], key=lambda c: (c.start, c.end))
        for c in changes:
            pos = min(max(to_original(c.start), 0), len(text))
            row = bisect.bisect_right(line_starts, pos) - 1
            message = f"{c.rule}: {c.before!r} -> {c.after!r}"
            found.append(Located(row + 1, pos - line_starts[row] + 1, c.step, message, True))
        out_starts: list[int] = []
        shifts = [0]
        for c in changes:
            out_starts.append(c.start + shifts[-1])
            shifts.append(shifts[-1] + len(c.after) - (c.end - c.start))
        done.append((out_starts, changes, shifts))
    for n in e.notes:
        line = col = 0
        if 0 <= n.start <= len(text) and text[n.start : n.end] == n.text:
            row = bisect.bisect_right(line_starts, n.start) - 1
            line, col = row + 1, n.start - line_starts[row] + 1
        found.append(Located(line, col, n.step, f"{n.rule}: {n.text!r} left: {n.message}", False))
    return e.result, found


def explain_lines(name: str, text: str, pipeline: Pipeline) -> tuple[str, list[str]]:
    """Run ``pipeline`` on ``text``; return the result and one line per change,
    ``name:line:col: step: rule: 'before' -> 'after'`` (positions in ``text``).

    >>> from normkit.pipeline import Pipeline
    >>> out, lines = explain_lines("f.txt", "a\\nb\\u00a0c\\n", Pipeline(["typography"]))
    >>> lines
    ["f.txt:2:2: typography: ...: '\\\\xa0' -> ' '"]
    """
    result, found = locate_changes(text, pipeline)
    lines = [f"{name}:{f'{x.line}:{x.col}:' if x.line else ''} {x.step}: {x.message}" for x in found]
    return result, lines


def _write_stdout_bytes(data: bytes) -> None:
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None:
        buffer.write(data)
        buffer.flush()
    else:  # pragma: no cover - a text-only stream (some test harnesses)
        sys.stdout.write(data.decode("utf-8"))


def _clean_one(
    name: str,
    data: bytes,
    pipeline: Pipeline,
    args: argparse.Namespace,
    out: Any,
) -> tuple[bool, bytes | None]:
    """Clean one file's bytes. Returns (changed, new bytes or None)."""
    from normkit.files import decode

    decoded = decode(data, name)
    if args.explain:
        result, lines = explain_lines(name, decoded.text, pipeline)
        for line in lines:
            out.write(line + "\n")
    else:
        result = pipeline(decoded.text)
    new = decoded.encode(result)
    if new == data:
        return False, None
    if args.diff:
        before = data.decode("utf-8")
        sys.stdout.write(_diff(before, new.decode("utf-8"), name))
    return True, new


def run(args: argparse.Namespace) -> int:
    """Run ``normkit clean``."""
    from normkit.config import ConfigError
    from normkit.files import (
        DEFAULT_EXCLUDE,
        DEFAULT_INCLUDE,
        BadFile,
        PathFilter,
        SkipFile,
        display,
        is_binary,
        iter_paths,
        read_file,
        write_atomic,
    )

    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="backslashreplace")
    if not args.paths:
        _err("clean: give at least one PATH (or '-' for standard input)")
        return 2
    try:
        cfg = _load_config(args)
        pipeline = build_pipeline(args, cfg)
    except (_UsageError, ConfigError) as e:
        _err(str(e))
        return 2

    exclude = list(args.exclude) if args.exclude is not None else list(cfg.exclude or DEFAULT_EXCLUDE)
    exclude += [*cfg.extend_exclude, *args.extend_exclude]
    include = [*(cfg.include or DEFAULT_INCLUDE), *cfg.extend_include]
    path_filter = PathFilter(exclude, include, root=cfg.root)

    write = not (args.check or args.diff)
    errors = 0
    changed = 0
    stdin_seen = False
    file_args = [p for p in args.paths if p != "-"]
    for arg in args.paths:
        if arg == "-":
            if stdin_seen:
                continue
            stdin_seen = True
            code = _clean_stdin(pipeline, args, write)
            errors += code == 2
            changed += code == 1
    for path, _explicit in iter_paths(file_args, path_filter):
        name = display(path)
        try:
            if _streams(path, name, pipeline, args):
                changed += _clean_big(path, name, pipeline, args, write)
                continue
            snap = read_file(path)
            if is_binary(snap.data):
                raise SkipFile(f"{name}: skipped: binary file")
            try:
                did_change, new = _clean_one(name, snap.data, pipeline, args, sys.stdout)
            except BadFile:
                raise
            except UnicodeEncodeError as e:
                raise BadFile(
                    f"{name}: the cleaned text is not encodable as UTF-8 ({e.reason}); left unchanged"
                ) from None
            except Exception as e:  # a step or a user table failed: keep going
                raise BadFile(f"{name}: {type(e).__name__}: {e}; left unchanged") from None
            if not did_change or new is None:
                continue
            changed += 1
            if write:
                write_atomic(path, new, expect=snap.st)
                sys.stdout.write(f"Fixing {name}\n")
            elif not args.diff:
                sys.stdout.write(f"Would fix {name}\n")
        except SkipFile as e:
            _notice(args, str(e))
        except BadFile as e:
            errors += 1
            _err(str(e))
    sys.stdout.flush()
    if errors:
        return 2
    return 1 if changed else 0


def _streams(path: str, name: str, pipeline: Pipeline, args: argparse.Namespace) -> bool:
    """True if ``path`` is big enough to clean chunk by chunk and ``pipeline``
    allows it (see :mod:`normkit.streaming`); a notice says when it does not."""
    import os
    import stat

    from normkit import streaming

    try:
        st = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode) or st.st_size <= streaming.STREAM_THRESHOLD:
        return False
    blocking = streaming.blocking_steps(pipeline)
    if blocking:
        steps = ", ".join(dict.fromkeys(blocking))
        _notice(args, f"{name}: read whole (not streamed): needs the whole document: {steps}")
    return not blocking


class _StreamDiff:
    """A unified diff built chunk by chunk (hunks never span a chunk
    boundary); only the diff is kept in memory."""

    def __init__(self, name: str) -> None:
        self.out: list[str] = [f"--- {name}\n", f"+++ {name}\n"]
        self.changed = False
        self._a = 0
        self._b = 0
        self._pending = ("", "")

    def add(self, before: str, after: str, last: bool) -> None:
        import difflib

        a, b = self._pending[0] + before, self._pending[1] + after
        if last:
            self._pending = ("", "")
        else:  # keep a line cut by a hard cut for the next chunk
            i, j = a.rfind("\n") + 1, b.rfind("\n") + 1
            self._pending = (a[i:], b[j:])
            a, b = a[:i], b[:j]
        a_lines, b_lines = _split_lines(a), _split_lines(b)
        if a_lines != b_lines:
            self.changed = True
            matcher = difflib.SequenceMatcher(None, a_lines, b_lines, autojunk=False)
            for group in matcher.get_grouped_opcodes(3):
                self._hunk(group, a_lines, b_lines)
        self._a += len(a_lines)
        self._b += len(b_lines)

    def _hunk(self, group: list[tuple[str, int, int, int, int]], a: list[str], b: list[str]) -> None:
        def span(start: int, stop: int, base: int) -> str:
            first, length = start + base + 1, stop - start
            if length == 1:
                return f"{first}"
            return f"{first - 1 if not length else first},{length}"

        out = self.out
        out.append(
            f"@@ -{span(group[0][1], group[-1][2], self._a)} +{span(group[0][3], group[-1][4], self._b)} @@\n"
        )

        def emit(prefix: str, line: str) -> None:
            out.append(prefix + line)
            if not line.endswith("\n"):
                out.append("\n\\ No newline at end of file\n")

        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for line in a[i1:i2]:
                    emit(" ", line)
                continue
            for line in a[i1:i2]:
                emit("-", line)
            for line in b[j1:j2]:
                emit("+", line)


def _clean_big(path: str, name: str, pipeline: Pipeline, args: argparse.Namespace, write: bool) -> int:
    """Clean a big file chunk by chunk (:mod:`normkit.streaming`): the cleaned
    bytes go to the temporary file of the atomic write as they come; --check
    stops cleaning at the first change (the rest is still checked to be
    UTF-8); --diff keeps only the diff. Returns 1 if the file changed."""
    from normkit import streaming
    from normkit.files import AtomicWriter, BadFile, SkipFile, is_binary, open_regular

    f, st = open_regular(path)
    dec = streaming.Decoder(name)

    def pieces() -> Iterator[str]:
        data = head
        while data:
            yield dec.feed(data)
            data = f.read(streaming.READ_SIZE)
        yield dec.feed(b"", final=True)

    def process(text: str, first_line: int, keep: tuple[int, int]) -> tuple[str, list[str]]:
        if not args.explain:
            return pipeline(text), []
        result, found = locate_changes(text, pipeline)
        lines = []
        for x in found:
            if x.line and (x.line < keep[0] or 0 <= keep[1] < x.line):
                continue
            where = f"{x.line + first_line}:{x.col}:" if x.line else ""
            lines.append(f"{name}:{where} {x.step}: {x.message}")
        return result, lines

    import os

    # Without os.pread an unchanged prefix cannot be copied later: write from the start.
    writer: AtomicWriter | None = None
    eager = write and not hasattr(os, "pread")
    diff = _StreamDiff(name) if args.diff else None
    same = 0  # bytes at the start known to be unchanged (not yet written)
    changed = False
    first = True
    try:
        with f:
            try:
                head = f.read(streaming.READ_SIZE)
            except OSError as e:
                raise BadFile(f"{name}: {e.strerror or e}") from None
            if is_binary(head):
                raise SkipFile(f"{name}: skipped: binary file")
            if eager:  # pragma: no cover - Windows
                writer = AtomicWriter(path, expect=st)
            try:
                parts = streaming.chunks(pieces(), size=streaming.CHUNK_CHARS)
                for piece in streaming.clean_chunks(parts, process):
                    for line in piece.messages:
                        sys.stdout.write(line + "\n")
                    bom = "\ufeff" if first and dec.bom else ""
                    first = False
                    newline = dec.newline or "\n"
                    after = piece.after.replace("\n", newline) if newline != "\n" else piece.after
                    old = (bom + piece.before).encode("utf-8")
                    new = (bom + after).encode("utf-8")
                    if diff is not None:
                        diff.add(bom + piece.before, bom + after, piece.last)
                    if new != old and not changed:
                        changed = True
                        if write and writer is None:
                            writer = AtomicWriter(path, expect=st)
                            _copy_prefix(f, writer, same)
                        elif not args.diff and not args.explain:
                            break  # --check: the answer is known
                    if writer is not None:
                        writer.write(new)
                    else:
                        same += len(new)
                for data in iter(lambda: f.read(streaming.READ_SIZE), b""):  # after --check stopped early
                    dec.feed(data)
                dec.feed(b"", final=True)
            except (BadFile, SkipFile):
                raise
            except UnicodeEncodeError as e:
                raise BadFile(
                    f"{name}: the cleaned text is not encodable as UTF-8 ({e.reason}); left unchanged"
                ) from None
            except OSError as e:
                raise BadFile(f"{name}: {e.strerror or e}; left unchanged") from None
            except Exception as e:  # a step or a user table failed: keep going
                raise BadFile(f"{name}: {type(e).__name__}: {e}; left unchanged") from None
        if not changed:
            return 0
        if writer is not None:
            writer.commit()
            writer = None
            sys.stdout.write(f"Fixing {name}\n")
        elif diff is not None:
            sys.stdout.write("".join(diff.out))
        else:
            sys.stdout.write(f"Would fix {name}\n")
        return 1
    finally:
        if writer is not None:
            writer.abort()


def _copy_prefix(f: Any, writer: Any, size: int) -> None:
    """Copy the first ``size`` bytes of the open file ``f`` to ``writer``
    without moving ``f``'s position."""
    import os

    offset = 0
    fd = f.fileno()
    while offset < size:
        block = os.pread(fd, min(1 << 20, size - offset), offset)
        if not block:
            raise OSError("file shrank while being cleaned")
        writer.write(block)
        offset += len(block)


def _clean_stdin(pipeline: Pipeline, args: argparse.Namespace, write: bool) -> int:
    from normkit.files import BadFile, is_binary

    name = "<stdin>"
    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode("utf-8")
    if is_binary(data):
        _notice(args, f"{name}: skipped: binary input (passed through unchanged)")
        if write:
            _write_stdout_bytes(data)
        return 0
    try:
        did_change, new = _clean_one(name, data, pipeline, args, sys.stderr)
    except BadFile as e:
        _err(str(e))
        if write:
            _write_stdout_bytes(data)  # a filter never loses its input
        return 2
    except Exception as e:
        _err(f"{name}: {type(e).__name__}: {e}")
        if write:
            _write_stdout_bytes(data)
        return 2
    if write:
        _write_stdout_bytes(new if new is not None else data)
        return 0
    if did_change and not args.diff:
        sys.stdout.write(f"Would fix {name}\n")
    return 1 if did_change else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
