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

__all__ = ["choose_preset", "compact_diff", "configure", "run", "seed_files", "seeds_dir"]

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


def _clip(line: str, start: int, end: int, margin: int) -> str:
    lo = max(0, start - margin)
    hi = min(len(line), end + margin)
    return ("…" if lo > 0 else "") + line[lo:hi] + ("…" if hi < len(line) else "")


def compact_diff(
    before: str, after: str, *, label: str = "text", context: int = 1, width: int = 160
) -> list[str]:
    """A unified diff in which long lines are clipped around what changed.

    A line changed in place is shown as its ``-``/``+`` pair cut to the
    changed span plus some context, so a one-word change in a long paragraph
    stays readable; long unchanged context lines are shortened.

    >>> before = "intro\\n" + "x" * 200 + " Sekirinska said " + "y" * 200 + "\\nend\\n"
    >>> for line in compact_diff(before, before.replace("Sekirinska", "Šekerinska"), width=40)[2:]:
    ...     print(line)
    @@ -1,3 +1,3 @@
     intro
    -…xxxxxxxxxxxxxxxxxxx Sekirinska said yyyyyyyy…
    +…xxxxxxxxxxxxxxxxxxx Šekerinska said yyyyyyyy…
     end
    """
    import difflib

    a = before.split("\n")
    b = after.split("\n")
    margin = max(10, width // 2)
    out = [f"--- {label} (before)", f"+++ {label} (after)"]

    def short(line: str) -> str:
        return line if len(line) <= width else line[: width - 1] + "…"

    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(context):
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        out.append(f"@@ -{i1 + 1},{i2 - i1} +{j1 + 1},{j2 - j1} @@")
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                out.extend(" " + short(line) for line in a[a1:a2])
                continue
            if tag == "replace" and a2 - a1 == b2 - b1:
                for x, y in zip(a[a1:a2], b[b1:b2], strict=True):
                    if len(x) <= width and len(y) <= width:
                        out.extend(("-" + x, "+" + y))
                        continue
                    sm = difflib.SequenceMatcher(None, x, y, autojunk=False)
                    ops = [op for op in sm.get_opcodes() if op[0] != "equal"]
                    xs, xe = ops[0][1], ops[-1][2]
                    ys, ye = ops[0][3], ops[-1][4]
                    out.append("-" + _clip(x, xs, xe, margin))
                    out.append("+" + _clip(y, ys, ye, margin))
                continue
            out.extend("-" + short(line) for line in a[a1:a2])
            out.extend("+" + short(line) for line in b[b1:b2])
    return out


def run(args: argparse.Namespace) -> int:
    """Run ``normkit demo``."""
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
        for d in compact_diff(decoded.text, result, label=label):
            tag = d[:1]
            out(f"{c.get(tag, '')}{d}{c['0'] if tag in '-+@' else ''}\n")
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
