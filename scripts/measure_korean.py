"""Measure the Korean engine: first-use load time and throughput (CPU time, one core).

Caches are cleared before each timed run (tables stay loaded); per-spelling memo dicts warm
up during the run. Names are the generated ones of ``benchmarks/bench_korean.py``.

    python scripts/measure_korean.py [N]
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LOAD = (
    "import time; t = time.process_time(); import normkit; normkit.name_key('Kim Jong-un'); "
    "print(time.process_time() - t)"
)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    loads = sorted(
        float(subprocess.run([sys.executable, "-c", LOAD], cwd=ROOT, capture_output=True, text=True).stdout)
        for _ in range(3)
    )
    print(f"first use (import + first name_key): {loads[1]:.3f} s CPU (median of 3)")
    import random

    import normkit
    from benchmarks.bench_korean import names
    from normkit.names import korean

    data = names(n)
    normkit.name_key("warm up 김정은")

    def clear() -> None:
        for obj in vars(korean).values():
            if hasattr(obj, "cache_clear") and getattr(obj, "__name__", "") in ("_hangul_syl",):
                obj.cache_clear()
        korean._parse_cache.clear()
        korean._surname_cache.clear()
        korean._word_cache.clear()

    clear()
    t = time.process_time()
    for s in data:
        normkit.name_key(s)
    dt = time.process_time() - t
    print(f"name_key: {len(data) / dt:,.0f} distinct names/s")
    rng = random.Random(2)
    pairs = [(rng.choice(data), rng.choice(data)) for _ in range(n)]
    clear()
    t = time.process_time()
    for a, b in pairs:
        normkit.same_name(a, b)
    dt = time.process_time() - t
    print(f"same_name: {len(pairs) / dt:,.0f} pairs/s")


if __name__ == "__main__":
    main()
