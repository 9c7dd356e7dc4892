"""normkit name: name keys, matching, Hangul candidates, romanisation and
transliteration on the command line.

  normkit name key NAME ...              one key per line (names from stdin if none)
  normkit name match A B                 the verdict and its reasons; exit 0 same, 1 different
  normkit name hangul NAME [--limit N]   ranked Hangul reconstructions, one per line
  normkit name romanize HANGUL ... [--system rr|mr|mr-ascii|dprk]
  normkit name translit TEXT ... [--lang uk] [--system ...]

Exit codes: 0 success (for match: same name), 1 match: different
names, 2 usage error.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import argparse

__all__ = ["configure", "run"]


def configure(parser: argparse.ArgumentParser) -> None:
    """Sub-commands of ``normkit name``."""
    sub = parser.add_subparsers(dest="name_command", metavar="SUBCOMMAND")

    p = sub.add_parser("key", help="print the name key of each NAME (or of each line of stdin)")
    p.add_argument("names", nargs="*", metavar="NAME")

    p = sub.add_parser("match", help="are A and B spellings of one name? exit 0 if so, 1 if not")
    p.add_argument("a", metavar="A")
    p.add_argument("b", metavar="B")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing; only the exit code")

    p = sub.add_parser("hangul", help="ranked Hangul reconstructions of a romanised Korean name")
    p.add_argument("names", nargs="+", metavar="NAME")
    p.add_argument("--limit", type=int, default=5, help="at most this many candidates (default 5)")

    p = sub.add_parser("romanize", help="romanise Korean names written in Hangul")
    p.add_argument("names", nargs="+", metavar="HANGUL")
    p.add_argument("--system", default="rr", help="rr (default), mr, mr-ascii, dprk")

    p = sub.add_parser("translit", help="transliterate Cyrillic text to Latin")
    p.add_argument("texts", nargs="+", metavar="TEXT")
    p.add_argument("--lang", default=None, help="ru, uk, be, bg, mk, sr (default: detect)")
    p.add_argument("--system", default=None, help="transliteration system (default: the engine's)")


def _inputs(items: list[str]) -> Iterator[str]:
    if items:
        yield from items
        return
    for line in sys.stdin:
        line = line.rstrip("\r\n")
        if line.strip():
            yield line


def _engine(module: str, attr: str) -> Callable[..., Any]:
    import importlib

    try:
        func: Callable[..., Any] = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError):
        raise LookupError(f"{module}.{attr} is not available in this version of normkit") from None
    return func


def run(args: argparse.Namespace) -> int:
    """Run ``normkit name ...``."""
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="backslashreplace")
    command = getattr(args, "name_command", None)
    if command is None:
        sys.stderr.write("normkit name: error: choose one of key, match, hangul, romanize, translit\n")
        return 2
    out = sys.stdout.write
    try:
        if command == "key":
            name_key = _engine("normkit.names", "name_key")
            for name in _inputs(args.names):
                out(f"{name_key(name)}\n")
            return 0
        if command == "match":
            explain_match = _engine("normkit.names", "explain_match")
            m = explain_match(args.a, args.b)
            if not args.quiet:
                out(f"{m}\n")
            return 0 if m.same else 1
        if command == "hangul":
            if args.limit < 1:
                sys.stderr.write("normkit name hangul: error: --limit must be at least 1\n")
                return 2
            candidates = _engine("normkit.names.korean", "hangul_candidates")
            for i, name in enumerate(args.names):
                if len(args.names) > 1:
                    out(f"{'' if i == 0 else chr(10)}{name}:\n")
                for c in candidates(name, limit=args.limit):
                    out(f"{c}\n")
            return 0
        if command == "romanize":
            romanize = _engine("normkit.names.korean", "romanize")
            for name in args.names:
                out(f"{romanize(name, system=args.system)}\n")
            return 0
        if command == "translit":
            transliterate = _engine("normkit.names.slavic", "transliterate")
            kwargs: dict[str, object] = {"lang": args.lang}
            if args.system is not None:
                kwargs["system"] = args.system
            for text in args.texts:
                out(f"{transliterate(text, **kwargs)}\n")
            return 0
    except (ValueError, KeyError, LookupError) as e:
        message = str(e).strip("'\"")
        sys.stderr.write(f"normkit name {command}: error: {message}\n")
        return 2
    sys.stderr.write(f"normkit name: error: unknown sub-command {command!r}\n")  # pragma: no cover
    return 2
