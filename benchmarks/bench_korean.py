"""Speed of the Korean name engine through the dispatcher (one core, no result caching).

Names are generated: random surnames and given-name syllables from the shipped tables,
written in Hangul and in every romanisation, so every name is distinct.

    python benchmarks/bench_korean.py [N]
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def names(n: int, seed: int = 1) -> list[str]:
    from normkit.names import korean
    from normkit.tables import load

    rng = random.Random(seed)
    surnames = [r["hangul"] for r in load("korean", "surnames.tsv")]
    given = [r["syllable"] for r in load("korean", "derived", "given_syllables.tsv")]
    systems = ["rr", "mr", "mr-ascii", "dprk", "kontsevich"]
    out: set[str] = set()
    while len(out) < n:
        h = rng.choice(surnames) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2, 2, 2))))
        form = rng.randrange(7)
        if form == 0:
            out.add(h)
        else:
            out.add(korean.romanize(h, rng.choice(systems), customary=rng.random() < 0.5))
    return sorted(out)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    import normkit

    data = names(n)
    normkit.name_key("warm up 김정은")  # load the tables once
    w, t = time.perf_counter(), time.process_time()
    for s in data:
        normkit.name_key(s)
    dt, dw = time.process_time() - t, time.perf_counter() - w
    print(f"name_key: {len(data) / dt:,.0f} distinct names/s CPU time ({len(data) / dw:,.0f}/s wall clock)")
    rng = random.Random(2)
    pairs = [(rng.choice(data), rng.choice(data)) for _ in range(n)]
    w, t = time.perf_counter(), time.process_time()
    for a, b in pairs:
        normkit.same_name(a, b)
    dt, dw = time.process_time() - t, time.perf_counter() - w
    print(f"same_name: {len(pairs) / dt:,.0f} pairs/s CPU time ({len(pairs) / dw:,.0f}/s wall clock)")


if __name__ == "__main__":
    main()
