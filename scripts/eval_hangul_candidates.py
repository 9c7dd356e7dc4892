"""How often hangul_candidates has the true Hangul among its first N (default 5).

Reads the Hangul-Latin spelling pairs of a pair file (default
../shared/eval/names/dev_pairs_korean.tsv) and asks for the candidates of each
Latin side. Without the file it says so and exits 0.

    python scripts/eval_hangul_candidates.py [PAIRS.tsv] [--limit 5] [--examples 20]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "eval" / "names" / "dev_pairs_korean.tsv"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pairs", nargs="?", default=str(DEFAULT))
    ap.add_argument("--limit", type=int, default=5)
    ap.add_argument("--examples", type=int, default=20)
    args = ap.parse_args()
    path = Path(args.pairs)
    if not path.is_file():
        print(f"{path} not found; nothing to evaluate")
        return 0
    sys.path.insert(0, str(ROOT))
    from normkit.names.korean import hangul_candidates

    with path.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["script_pair"] == "hangul-latin"]
    rows = [r for r in rows if r["kind"] == "spelling"]
    hits, first, misses = 0, 0, []
    t = time.perf_counter()
    for r in rows:
        hangul, latin = (r["a"], r["b"]) if not r["a"].isascii() else (r["b"], r["a"])
        cands = hangul_candidates(latin, limit=args.limit)
        truth = "".join(hangul.split())
        if truth in cands:
            hits += 1
            first += cands[0] == truth
        else:
            misses.append((latin, truth, cands))
    dt = time.perf_counter() - t
    n = len(rows) or 1
    rate = len(rows) / dt if dt else 0.0
    print(
        f"{len(rows)} Latin spellings: top-{args.limit} {hits / n:.3f}, top-1 {first / n:.3f} ({rate:,.0f}/s)"
    )
    for latin, truth, cands in misses[: args.examples]:
        print(f"  {latin!r}: want {truth}, got {' '.join(cands) or '-'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
