"""``python -m benchmarks [--quick] [--only CASE ...] [--write-docs]``."""

from __future__ import annotations

import argparse
import datetime
import importlib
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

from benchmarks import CASES
from benchmarks.common import CaseResult, Settings, Skip, log, short
from benchmarks.report import table, write_docs

DOCS = Path(__file__).resolve().parent.parent / "docs" / "performance.md"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="normkit side by side with its peers: throughputs, ratios and targets.",
    )
    p.add_argument("--quick", action="store_true", help="small corpora, one repeat, short budgets")
    p.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="CASE",
        help=f"run only this case (repeatable or comma-separated): {', '.join(CASES)}",
    )
    p.add_argument("--write-docs", action="store_true", help=f"rewrite {DOCS.relative_to(DOCS.parents[1])}")
    p.add_argument("--list", action="store_true", help="list the cases and exit")
    p.add_argument(
        "--profile",
        metavar="TARGET",
        help="cProfile the normkit side of a case instead of benchmarking (default, news, names-step, "
        "name_key, same_name, fullpage, residual, startup)",
    )
    p.add_argument(
        "--scale", type=float, default=1.0, help="multiply corpus sizes (e.g. 0.05 for a smoke test)"
    )
    p.add_argument("--budget", type=float, default=None, help="seconds per system and repeat")
    return p


def run_case(name: str, settings: Settings) -> CaseResult:
    module, _, func = CASES[name].partition(":")
    started = time.perf_counter()
    log(f"[{name}]")
    try:
        result: CaseResult = getattr(importlib.import_module(module), func)(settings)
    except Skip as exc:
        result = CaseResult(name, f"skipped: {short(exc)}", "")
    except Exception as exc:
        traceback.print_exc()
        result = CaseResult(name, f"skipped: failed with {type(exc).__name__}: {short(exc)}", "")
    log(f"[{name}] {time.perf_counter() - started:.1f} s")
    print(table(result), flush=True)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.list:
        print("\n".join(CASES))
        return 0
    chosen: list[str] = []
    for item in args.only:
        chosen.extend(x.strip() for x in item.split(",") if x.strip())
    unknown = [c for c in chosen if c not in CASES]
    if unknown:
        print(f"unknown case(s): {', '.join(unknown)}; known: {', '.join(CASES)}", file=sys.stderr)
        return 2
    settings = Settings.make(quick=args.quick, scale=args.scale, budget=args.budget)
    if args.profile:
        from benchmarks.profile import profile

        try:
            print(profile(args.profile, settings))
        except Skip as exc:
            print(f"cannot profile: {short(exc)}", file=sys.stderr)
            return 2
        return 0
    started = datetime.datetime.now(datetime.UTC)
    results = [run_case(name, settings) for name in (chosen or list(CASES))]
    if args.write_docs:
        command = "python -m benchmarks --write-docs" + (" --quick" if args.quick else "")
        if chosen:
            command += " --only " + ",".join(chosen)
        write_docs(DOCS, results, command, started)
        log(f"wrote {DOCS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
