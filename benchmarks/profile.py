"""``python -m benchmarks --profile TARGET``: cProfile the normkit side of a case.

Targets: ``default``, ``news`` (presets on the news corpus), ``names-step``,
``name_key``, ``same_name`` (caches cleared first, as in "caching off"),
``fullpage``, ``residual`` (boilerplate profiles), ``startup`` (what
``normkit clean FILE`` does in-process on a one-page file, from cold tables).
Prints the functions with the most own time, then the most cumulative time.
"""

from __future__ import annotations

import cProfile
import importlib
import io
import pstats
import tempfile
from collections.abc import Callable
from pathlib import Path

from benchmarks import corpora
from benchmarks.common import Settings, Skip

TARGETS = ("default", "news", "names-step", "name_key", "same_name", "fullpage", "residual", "startup")


def _workload(
    target: str, settings: Settings, tmp: Path
) -> tuple[Callable[[], object], Callable[[], object]]:
    """(warm-up, profiled work) for ``target``."""
    normkit = importlib.import_module("normkit")
    if target in ("default", "news"):
        docs, _ = corpora.news_docs(settings)

        def warm_text() -> None:
            for d in corpora.seed_texts():
                normkit.clean(d, preset=target)

        return warm_text, lambda: [normkit.clean(d, preset=target) for d in docs]
    if target == "names-step":
        from normkit.pipeline import get_step

        step = get_step("names")
        table = tmp / "persons.tsv"
        corpora.persons_table(table, 10_000, settings.seed)
        docs, _ = corpora.news_docs(settings)
        opts = {"aliases": (str(table),)}

        def warm_names() -> None:
            for d in corpora.seed_texts():
                step(d, None, **opts)

        return warm_names, lambda: [step(d, None, **opts) for d in docs]
    if target in ("name_key", "same_name"):
        from benchmarks.names import WARMUP_NAMES, clear_normkit_caches

        def warm_keys() -> None:
            for n in WARMUP_NAMES:
                normkit.name_key(n)
            clear_normkit_caches()
            for n in WARMUP_NAMES:
                normkit.name_key(n)

        if target == "name_key":
            names, _ = corpora.names(settings)
            return warm_keys, lambda: [normkit.name_key(n) for n in names]
        pairs, _ = corpora.pairs(settings)
        return warm_keys, lambda: [normkit.same_name(a, b) for a, b in pairs]
    if target in ("fullpage", "residual"):
        pages, _ = corpora.pages("fulltext" if target == "fullpage" else "lighttext", settings)

        def warm_pages() -> None:
            normkit.strip_boilerplate(pages[-1], profile=target)

        return warm_pages, lambda: [normkit.strip_boilerplate(p, profile=target) for p in pages]
    if target == "startup":
        page = corpora.one_page(tmp / "page.txt")
        cli = importlib.import_module("normkit.cli")
        return (lambda: None), lambda: cli.main(["clean", str(page)])
    raise Skip(f"unknown profile target {target!r}; known: {', '.join(TARGETS)}")


def profile(target: str, settings: Settings, top: int = 25) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        warm, work = _workload(target, settings, Path(tmp))
        warm()
        prof = cProfile.Profile()
        prof.enable()
        work()
        prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.strip_dirs()
    out.write(f"## profile {target}: own time\n")
    stats.sort_stats("tottime").print_stats(top)
    out.write(f"## profile {target}: cumulative time\n")
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()
