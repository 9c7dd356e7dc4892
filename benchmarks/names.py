"""Name cases: ``name_key`` and ``same_name`` against name keys, phonetic codes and nomenklatura.

"Caching off" means: every function cache found in the loaded ``normkit``
modules (``functools`` caches and module-level dicts named ``*cache*``) is
cleared before the run, tables are loaded again by a few warm-up names, and
then each name (or pair) is seen once. "Caching on" runs the same names again
with the caches left warm.
"""

from __future__ import annotations

import importlib
import itertools
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks import corpora
from benchmarks.common import CaseResult, Row, Settings, Skip, Suite, import_peer, log, ratio

WARMUP_NAMES = (
    "Warm Up-name",
    "위성락",
    "Радмила Шекеринска",
    "Wi Sung-lac",
    "Zelenskyy Volodymyr",
    "Ana López",
)


def normkit_caches() -> list[tuple[str, Any]]:
    """(qualified name, cache) for every cache in the loaded normkit modules."""
    found: list[tuple[str, Any]] = []
    seen: set[int] = set()
    for modname, mod in list(sys.modules.items()):
        if mod is None or not (modname == "normkit" or modname.startswith("normkit.")):
            continue
        for attr, obj in list(vars(mod).items()):
            if id(obj) in seen:
                continue
            is_func_cache = callable(getattr(obj, "cache_clear", None)) and str(
                getattr(obj, "__module__", "")
            ).startswith("normkit")
            if is_func_cache or (isinstance(obj, dict) and "cache" in attr.lower()):
                seen.add(id(obj))
                found.append((f"{modname}.{attr}", obj))
    return found


def clear_normkit_caches() -> None:
    for _, obj in normkit_caches():
        if isinstance(obj, dict):
            obj.clear()
        else:
            obj.cache_clear()


def _api() -> tuple[Callable[[str], str], Callable[[str, str], bool], Callable[[str], str] | None]:
    try:
        normkit = importlib.import_module("normkit")
        name_key = normkit.name_key
        same_name = normkit.same_name
    except Exception as exc:
        raise Skip(f"normkit name API missing: {exc}") from None
    try:
        from normkit.names import origin as _origin

        origin: Callable[[str], str] | None = _origin
    except Exception:
        origin = None
    try:
        for n in WARMUP_NAMES:
            name_key(n)
        same_name(WARMUP_NAMES[1], WARMUP_NAMES[3])
    except Exception as exc:
        raise Skip(f"normkit name API failed on warm-up names: {type(exc).__name__}: {exc}") from None
    return name_key, same_name, origin


def _key_peers() -> list[tuple[str, Callable[[], Callable[[str], Any]]]]:
    def fp() -> Callable[[str], Any]:
        return import_peer("fingerprints").generate  # type: ignore[no-any-return]

    def jf(name: str) -> Callable[[], Callable[[str], Any]]:
        return lambda: getattr(import_peer("jellyfish"), name)

    def ab(cls: str) -> Callable[[], Callable[[str], Any]]:
        def make() -> Callable[[str], Any]:
            mod = import_peer("abydos.phonetic")
            return getattr(mod, cls)().encode  # type: ignore[no-any-return]

        return make

    return [
        ("fingerprints.generate", fp),
        ("jellyfish.soundex", jf("soundex")),
        ("jellyfish.metaphone", jf("metaphone")),
        ("jellyfish.nysiis", jf("nysiis")),
        ("jellyfish.match_rating_codex", jf("match_rating_codex")),
        ("abydos DaitchMokotoff", ab("DaitchMokotoff")),
        ("abydos DoubleMetaphone", ab("DoubleMetaphone")),
    ]


def _split(items: list[Any], extra: Sequence[Any]) -> tuple[list[Any], list[Any]]:
    """(measured, warm-up): the warm-up part is never measured; it loads lazy
    tables (normkit's and the peers', e.g. unidecode's per-block tables) for
    the scripts of the input before the timed names, all unseen, go through."""
    w = min(2_000, max(1, len(items) // 5))
    return items[:-w], [*extra, *items[-w:]]


def _warm_share(settings: Settings, n: int) -> int:
    """How many items "caching on" times (after seeing them once, untimed)."""
    return min(n, int(5_000 * settings.budget) + 16)


def _by_family(
    items: Sequence[Any], origin: Callable[[str], str] | None, first: Callable[[Any], str]
) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = defaultdict(list)
    if origin is None:
        return groups
    for x in items:
        try:
            groups[origin(first(x))].append(x)
        except Exception:
            groups["(origin failed)"].append(x)
    return groups


def bench_name_key(settings: Settings) -> CaseResult:
    name_key, _, origin = _api()
    items, source = corpora.names(settings)
    items, warm = _split(items, WARMUP_NAMES)
    res = CaseResult("name_key", f"Name keys on {len(items):,} distinct names ({source})", "names/s")
    suite = Suite(settings)
    off = suite.add(
        Row("normkit name_key, caching off", None, "names/s", "ref"),
        name_key,
        items,
        before_each=clear_normkit_caches,
        warmup=warm,
    )
    seen = items[: _warm_share(settings, len(items))]
    res.rows += [
        off,
        suite.add(Row("normkit name_key, caching on", None, "names/s", "ref"), name_key, seen, warmup=seen),
    ]
    for fam, group in sorted(_by_family(items, origin, lambda x: x).items()):
        row = Row(f"  name_key off, {fam} names ({len(group):,})", None, "names/s", "normkit")
        res.rows.append(suite.add(row, name_key, group, before_each=clear_normkit_caches, warmup=warm))
    for label, make in _key_peers():
        try:
            f = make()
        except Skip as exc:
            res.skipped.append(f"{label}: {exc}")
            continue
        res.rows.append(suite.add(Row(label, None, "names/s"), f, items, guard=True, warmup=warm))
    suite.run()
    caches = [n for n, _ in normkit_caches()]
    res.notes.append("caches cleared for 'off': " + (", ".join(caches) if caches else "none found"))
    res.add_target(
        "name_key >= 50,000 names/s, caching off (issues 3/4)", off.value, lambda v: v >= 50_000, "{:,.0f}/s"
    )
    return res


def _logic_v2() -> tuple[Callable[[Any], object], Callable[[str, str], Any]]:
    matching = import_peer("nomenklatura.matching")
    types = import_peer("nomenklatura.matching.types")
    ftm = import_peer("followthemoney")
    alg = matching.get_algorithm("logic-v2")
    if alg is None:
        raise Skip("nomenklatura has no logic-v2 algorithm")
    config = types.ScoringConfig.defaults()
    counter = [0]

    def entity(name: str) -> Any:
        counter[0] += 1
        e = ftm.model.make_entity("Person")
        e.id = f"p{counter[0]}"
        e.add("name", name)
        return e

    def build(a: str, b: str) -> Any:
        return (entity(a), entity(b))

    def score(pair: Any) -> object:
        return alg.compare(pair[0], pair[1], config).score

    return score, build


def bench_same_name(settings: Settings) -> CaseResult:
    _, same_name, origin = _api()
    items, source = corpora.pairs(settings)
    items, warm = _split(items, list(itertools.pairwise(WARMUP_NAMES)))
    res = CaseResult("same_name", f"Pairwise matching on {len(items):,} pairs ({source})", "pairs/s")

    def run(p: tuple[str, str]) -> bool:
        return same_name(p[0], p[1])

    suite = Suite(settings)
    off = suite.add(
        Row("normkit same_name, caching off", None, "pairs/s", "ref"),
        run,
        items,
        before_each=clear_normkit_caches,
        warmup=warm,
    )
    seen = items[: _warm_share(settings, len(items))]
    res.rows += [
        off,
        suite.add(Row("normkit same_name, caching on", None, "pairs/s", "ref"), run, seen, warmup=seen),
    ]
    for fam, group in sorted(_by_family(items, origin, lambda p: p[0]).items()):
        row = Row(f"  same_name off, {fam} pairs ({len(group):,})", None, "pairs/s", "normkit")
        res.rows.append(suite.add(row, run, group, before_each=clear_normkit_caches, warmup=warm))
    try:
        score, build = _logic_v2()
        log("  building FollowTheMoney entities for logic-v2")
        # entities are built outside the timing (a caller would already have them)
        n = min(len(items), max(200, int(20_000 * settings.budget / 2)))
        ents = [build(a, b) for a, b in items[:n]]
        warm_ents = [build(a, b) for a, b in warm[:200]]
        res.rows.append(
            suite.add(Row("nomenklatura logic-v2 compare", None, "pairs/s"), score, ents, warmup=warm_ents)
        )
    except Skip as exc:
        res.skipped.append(f"nomenklatura logic-v2: {exc}")
    suite.run()
    res.add_target(
        "same_name >= 20,000 pairs/s, caching off (issues 3/4)", off.value, lambda v: v >= 20_000, "{:,.0f}/s"
    )
    res.add_target(
        "same_name >= 10x nomenklatura logic-v2 (caching off)",
        ratio(off.value, res.value("nomenklatura logic-v2 compare")),
        lambda r: r >= 10,
        "{:.2f}x",
    )
    return res
