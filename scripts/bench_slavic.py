"""Speed of the Slavic name engine, caching off (one core, CPU time).

    python scripts/bench_slavic.py [--repeats N] [--generated N] [--profile FUNCTION]

FUNCTION: key, claim, match, name_key or same_name (cProfile of one run instead of the timings).

Inputs: the names and pairs of ``../shared/eval/names/dev_pairs_slavic.tsv`` when that file is present,
and names generated from the engine's own tables (random given name, surname and sometimes a patronymic
from ``data/slavic/``, written in Cyrillic or in a random transliteration system, every name distinct).

"Caching off" means: before every timed run, every function cache and every module-level dict named
``*cache*`` in the loaded ``normkit`` modules is cleared (the same rule as ``benchmarks/names.py``); a few
warm-up names then load the tables again (untimed), and each name or pair of the run is seen once. Caches
keyed by a single token or by a whole name (the engine's per-token readings and its bounded per-name parse
cache shared by ``claim``/``key``/``match``) start empty and fill up during the run; with every name
distinct they only help across the calls that one ``name_key``/``same_name`` makes for one name, and across
tokens that several names share (common given names and patronymics), as in real data.

Figures are names/s or pairs/s of CPU time (``time.process_time``), best of the repeats (the machine may be
shared and noisy).
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import pstats
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEV = ROOT.parent / "shared" / "eval" / "names" / "dev_pairs_slavic.tsv"

WARMUP = (
    "Радмила Шекеринска",
    "Zelenskyy Volodymyr",
    "Wladimir Selenskyj",
    "위성락",
    "Wi Sung-lac",
    "Ana López",
)


def clear_caches() -> None:
    """Clear every function cache and ``*cache*`` dict of the loaded normkit modules."""
    for modname, mod in list(sys.modules.items()):
        if mod is None or not (modname == "normkit" or modname.startswith("normkit.")):
            continue
        for attr, obj in list(vars(mod).items()):
            clear = getattr(obj, "cache_clear", None)
            if callable(clear) and str(getattr(obj, "__module__", "")).startswith("normkit"):
                clear()
            elif isinstance(obj, dict) and "cache" in attr.lower():
                obj.clear()


def dev_data() -> tuple[list[str], list[tuple[str, str]]]:
    """(distinct names, pairs) of the dev file; empty when it is absent."""
    if not DEV.exists():
        return [], []
    pairs: list[tuple[str, str]] = []
    with DEV.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            pairs.append((row["a"], row["b"]))
    names = sorted({x for p in pairs for x in p})
    random.Random(11).shuffle(pairs)  # the file keeps one person's pairs together: no help from recency
    return names, pairs


def generated(n: int, seed: int = 7) -> list[str]:
    """``n`` distinct names from the tables, in Cyrillic or a random transliteration."""
    from normkit.tables import load
    from normkit.translit import transliterate

    rng = random.Random(seed)
    given: dict[str, list[str]] = {}
    for row in load("slavic", "given_names.tsv"):
        if row["lang"] in ("ru", "uk", "be"):
            given.setdefault(row["lang"], []).append(row["form"])
    surnames: dict[str, list[str]] = {}
    for row in load("slavic", "surnames.tsv"):
        if row["lang"] in ("ru", "uk", "be"):
            surnames.setdefault(row["lang"], []).append(row["form"])
    systems = ("iso9", "scientific", "bgn_pcgn", "icao", "ala_lc", "national", "ascii")
    out: set[str] = set()
    tries = 0
    while len(out) < n and tries < 50 * n:
        tries += 1
        lang = rng.choice(sorted(given))
        if lang not in surnames:
            continue
        parts = [rng.choice(given[lang]), rng.choice(surnames[lang])]
        if rng.random() < 0.3:
            father = rng.choice(given[lang])
            if father[-1] not in "аеёиоуыэюяйьіїєў":
                parts.insert(1, father + {"ru": "ович", "uk": "ович", "be": "авіч"}[lang])
        if rng.random() < 0.5:
            parts.reverse()
        name = " ".join(parts)
        if rng.random() < 0.75:
            name = transliterate(name, lang, system=rng.choice(systems))
        out.add(name)
    return sorted(out)


def rate(
    func: Callable[..., Any], items: Sequence[Any], repeats: int, star: bool = False
) -> tuple[float, float]:
    """(best, median) items/s of CPU time over ``repeats`` runs, caches cleared before each."""
    import normkit

    rates = []
    for _ in range(repeats):
        clear_caches()
        for w in WARMUP:
            normkit.name_key(w)
        normkit.same_name(WARMUP[0], WARMUP[1])
        t = time.process_time()
        if star:
            for x in items:
                func(*x)
        else:
            for x in items:
                func(x)
        dt = time.process_time() - t
        rates.append(len(items) / dt if dt > 0 else float("inf"))
    rates.sort()
    return rates[-1], rates[len(rates) // 2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--generated", type=int, default=10_000, help="generated distinct names (0: none)")
    ap.add_argument("--profile", choices=("key", "claim", "match", "name_key", "same_name"))
    args = ap.parse_args()

    import normkit
    from normkit.names import slavic

    names, pairs = dev_data()
    gen = generated(args.generated) if args.generated else []
    rng = random.Random(3)
    gen_pairs = [(rng.choice(gen), rng.choice(gen)) for _ in range(len(gen))] if gen else []

    def same_pair(a: str, b: str) -> bool:
        return slavic.match(a, b).same

    cases: list[tuple[str, Callable[..., Any], Sequence[Any], bool, str]] = []
    for label, ns, ps in (("dev", names, pairs), ("generated", gen, gen_pairs)):
        if not ns:
            continue
        cases += [
            (f"slavic.key, {label} names ({len(ns):,})", slavic.key, ns, False, "names/s"),
            (f"slavic.claim, {label} names ({len(ns):,})", slavic.claim, ns, False, "names/s"),
            (f"slavic.match, {label} pairs ({len(ps):,})", same_pair, ps, True, "pairs/s"),
            (f"normkit.name_key, {label} names ({len(ns):,})", normkit.name_key, ns, False, "names/s"),
            (f"normkit.same_name, {label} pairs ({len(ps):,})", normkit.same_name, ps, True, "pairs/s"),
        ]
    if not cases:
        sys.exit("no names: neither the dev file nor generated names")

    if args.profile:
        func = {
            "key": slavic.key,
            "claim": slavic.claim,
            "match": same_pair,
            "name_key": normkit.name_key,
            "same_name": normkit.same_name,
        }[args.profile]
        star = args.profile in ("match", "same_name")
        items: Sequence[Any] = (pairs or gen_pairs) if star else (names or gen)
        clear_caches()
        for w in WARMUP:
            normkit.name_key(w)
        prof = cProfile.Profile()
        prof.enable()
        for x in items:
            func(*x) if star else func(x)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(30)
        return

    print(f"caching off, CPU time, best / median of {args.repeats} runs")
    for label, func, items, star, unit in cases:
        best, med = rate(func, items, args.repeats, star)
        print(f"{label:<48} {best:>10,.0f} {med:>10,.0f} {unit}")


if __name__ == "__main__":
    main()
