"""The corpus-scale case: the measurements of :mod:`benchmarks.corpus` as one table.

``benchmarks.corpus.run(quick)`` returns one dict per measurement (``case``,
``system``, ``docs``, ``mb``, ``seconds``, ``docs_per_s``, and where they
apply ``ratio``, ``ratio_vs_1_worker``, ``peak_*_mb``, ``skipped``); this
module turns them into a :class:`CaseResult` with the issue's targets.
"""

from __future__ import annotations

import importlib
from typing import Any

from benchmarks.common import CaseResult, Row, Settings, Skip


def bench_corpus(settings: Settings) -> CaseResult:
    try:
        corpus = importlib.import_module("benchmarks.corpus")
    except Exception as exc:
        raise Skip(f"benchmarks.corpus not importable: {type(exc).__name__}: {exc}") from None
    rows: list[dict[str, Any]] = corpus.run(settings.quick)
    res = CaseResult(
        "corpus",
        "Corpus scale: `normkit corpus` processes and a Dask LocalCluster (wall clock, generated JSONL)",
        "docs/s",
        columns=("MB", "seconds", "peak MB", "speed-up"),
    )
    for r in rows:
        label = f"{r.get('system', '?')} [{r.get('case', '?')}]"
        if "skipped" in r:
            res.skipped.append(f"{label}: {r['skipped']}")
            continue
        if "docs_per_s" not in r:  # a context row (machine, load): keep it as a note
            res.notes.append(", ".join(f"{k}={v}" for k, v in r.items()))
            continue
        peaks = [float(v) for k, v in r.items() if k.startswith("peak") and isinstance(v, int | float)]
        extra = {"MB": float(r.get("mb", 0)), "seconds": float(r.get("seconds", 0))}
        if peaks:
            extra["peak MB"] = max(peaks)
        speedup = r.get("ratio_vs_1_worker", r.get("ratio"))
        if isinstance(speedup, int | float):
            extra["speed-up"] = float(speedup)
        if r.get("identical_output") is False:
            res.notes.append(f"{label}: output differs from --jobs 1")
        res.rows.append(Row(label, float(r.get("docs_per_s", 0)), "docs/s", "normkit", extra=extra))
    jobs2 = next((r for r in rows if r.get("case") == "corpus" and "--jobs 2" in str(r.get("system"))), None)
    res.add_target(
        "normkit corpus --jobs 2 >= 1.7x --jobs 1 (issue 8)",
        float(jobs2["ratio"]) if jobs2 and "ratio" in jobs2 else None,
        lambda v: v >= 1.7,
        "{:.2f}x",
    )
    dask2 = next((r for r in rows if r.get("case") == "dask" and "2 workers" in str(r.get("system"))), None)
    res.add_target(
        "LocalCluster 2 workers >= 1.7x 1 worker (issue 8)",
        float(dask2["ratio_vs_1_worker"]) if dask2 and "ratio_vs_1_worker" in dask2 else None,
        lambda v: v >= 1.7,
        "{:.2f}x",
    )
    return res
