"""``normkit demo``: the main job on the bundled seed articles.

Runs the ``news`` preset (the ``default`` one while ``news`` has no
boilerplate step) on each seed article shipped with normkit and shows the
article before and after as a unified diff, then every change with its
position, step and rule. Nothing is written.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import argparse

__all__ = ["choose_preset", "configure", "run", "seed_files", "seeds_dir"]

#: Changes listed per article before the rest is summarised.
MAX_LISTED = 40


@functools.cache
def seeds_dir() -> Path:
    """The bundled seed articles: ``normkit/seeds`` in a wheel, the
    repository's ``seeds/`` in a checkout.

    >>> sorted(p.suffix for p in seeds_dir().iterdir())[:1]
    ['.txt']
    """
    here = Path(__file__).resolve().parent
    for candidate in (here / "seeds", here.parent / "seeds"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("normkit's seed articles are missing; reinstall normkit")


def seed_files() -> list[Path]:
    """The seed articles, sorted by name."""
    return sorted(p for p in seeds_dir().iterdir() if p.suffix == ".txt" and p.is_file())


def choose_preset() -> str:
    """``news`` if that preset strips boilerplate, else ``default``.

    >>> choose_preset() in ("news", "default")
    True
    """
    from normkit.pipeline import PRESETS

    news = PRESETS.get("news")
    if news is not None and "boilerplate" in news[0]:
        return "news"
    return "default"


def configure(parser: argparse.ArgumentParser) -> None:
    """``normkit demo`` takes no arguments."""
    parser.add_argument("--no-color", action="store_true", help="plain output even on a terminal")


def _colorizer(enabled: bool) -> dict[str, str]:
    if not enabled:
        return {"-": "", "+": "", "@": "", "h": "", "0": ""}
    return {"-": "\033[31m", "+": "\033[32m", "@": "\033[36m", "h": "\033[1m", "0": "\033[0m"}


def run(args: argparse.Namespace) -> int:
    """Run ``normkit demo``."""
    import difflib

    from normkit.cli import locate_changes
    from normkit.files import InvalidUTF8, decode
    from normkit.pipeline import Pipeline

    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="backslashreplace")
    try:
        files = seed_files()
    except FileNotFoundError as e:
        sys.stderr.write(f"normkit demo: error: {e}\n")
        return 2
    color = sys.stdout.isatty() and not getattr(args, "no_color", False) and not os.environ.get("NO_COLOR")
    c = _colorizer(color)
    preset = choose_preset()
    pipeline = Pipeline.from_preset(preset)
    names = [s if isinstance(s, str) else getattr(s, "__name__", "?") for s in pipeline.steps]
    out = sys.stdout.write
    out(f"{c['h']}normkit demo{c['0']}: the {preset!r} preset ({', '.join(names)})\n")
    out(f"on {len(files)} bundled seed article(s) in {seeds_dir()}\n")
    out(f"Nothing is written; `normkit clean --preset {preset} FILE` fixes a file in place.\n")
    for path in files:
        label = f"seeds/{path.name}"
        try:
            decoded = decode(path.read_bytes(), label)
        except (OSError, InvalidUTF8) as e:
            sys.stderr.write(f"normkit demo: error: {e}\n")
            return 2
        result, found = locate_changes(decoded.text, pipeline)
        changes = [x for x in found if x.is_change]
        out(f"\n{c['h']}==> {label}: {len(changes)} change(s){c['0']}\n")
        if result == decoded.text:
            out("(already clean)\n")
            continue
        diff = difflib.unified_diff(
            decoded.text.splitlines(keepends=True),
            result.splitlines(keepends=True),
            fromfile=f"{label} (before)",
            tofile=f"{label} (after)",
            n=1,
        )
        for d in diff:
            text = d if d.endswith("\n") else d + "\n"
            out(f"{c.get(d[:1], '')}{text.rstrip(chr(10))}{c['0'] if d[:1] in '-+@' else ''}\n")
        out(f"{c['h']}What changed{c['0']} (line:column: step: rule: before -> after):\n")
        for x in found[:MAX_LISTED]:
            where = f"{x.line}:{x.col}" if x.line else "-"
            out(f"  {where:>7}  {x.step}: {x.message}\n")
        if len(found) > MAX_LISTED:
            out(f"  ... and {len(found) - MAX_LISTED} more\n")
        counts: dict[str, int] = {}
        for x in changes:
            counts[x.step] = counts.get(x.step, 0) + 1
        if counts:
            summary = ", ".join(f"{step} {n}" for step, n in sorted(counts.items(), key=lambda kv: -kv[1]))
            out(f"By step: {summary}\n")
    return 0
