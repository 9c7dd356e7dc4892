"""Shared pieces of the harness: run settings, timing loops, results and peers."""

from __future__ import annotations

import dataclasses
import gc
import importlib
import importlib.metadata
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any


@dataclasses.dataclass(frozen=True)
class Settings:
    """How long and how big a run is."""

    quick: bool = False
    budget: float = 2.0  # seconds per measured system and repeat (an upper bound, roughly)
    repeats: int = 3  # repeats per measurement; the best rate is reported
    scale: float = 1.0  # multiplies corpus sizes (tests use a tiny scale)
    cli_runs: int = 7  # fresh processes per CLI measurement (median)
    stream_mb: int = 1024  # size of the streaming-memory file
    seed: int = 0

    @classmethod
    def make(cls, *, quick: bool, scale: float = 1.0, budget: float | None = None) -> Settings:
        if quick:
            return cls(
                quick=True,
                budget=0.5 if budget is None else budget,
                repeats=1,
                scale=scale,
                cli_runs=3,
                stream_mb=50,
            )
        return cls(quick=False, budget=2.0 if budget is None else budget, scale=scale)


class Skip(Exception):
    """Raised by a case (or a system) that cannot run here; the message says why."""


@dataclasses.dataclass
class Row:
    """One system's figure in a case table."""

    system: str
    value: float | None  # throughput (higher is better) or a cost (lower is better)
    unit: str
    kind: str = "peer"  # "ref" (normkit, ratio column), "normkit" (normkit, no ratio column), "peer"
    note: str = ""
    extra: dict[str, float] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Target:
    """A target from the issues, checked against this run's figures."""

    goal: str
    measured: str
    passed: bool | None  # None: could not be checked (a side is missing)


@dataclasses.dataclass
class CaseResult:
    """A finished case: its table, targets and anything skipped."""

    name: str
    title: str
    unit: str
    rows: list[Row] = dataclasses.field(default_factory=list)
    targets: list[Target] = dataclasses.field(default_factory=list)
    skipped: list[str] = dataclasses.field(default_factory=list)  # "system: reason"
    notes: list[str] = dataclasses.field(default_factory=list)
    lower_is_better: bool = False
    columns: Sequence[str] = ()  # extra columns (keys of Row.extra), shown after the value

    def row(self, system: str) -> Row | None:
        for r in self.rows:
            if r.system == system:
                return r
        return None

    def value(self, system: str) -> float | None:
        r = self.row(system)
        return None if r is None else r.value

    def add_target(self, goal: str, measured: float | None, ok: Callable[[float], bool], fmt: str) -> None:
        if measured is None:
            self.targets.append(Target(goal, "n/a", None))
        else:
            self.targets.append(Target(goal, fmt.format(measured), bool(ok(measured))))


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


def import_peer(module: str) -> Any:
    """Import a peer module or raise :class:`Skip` saying it is not installed."""
    try:
        return importlib.import_module(module)
    except Exception as exc:  # ImportError, or a peer broken on this Python
        raise Skip(f"{module} not importable ({type(exc).__name__}: {exc})") from None


def version_of(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _guarded(func: Callable[[Any], object]) -> Callable[[Any], object]:
    def call(x: Any) -> object:
        try:
            return func(x)
        except Exception:
            return None

    return call


def _one_repeat(
    f: Callable[[Any], object],
    items: Sequence[Any],
    w: Sequence[float],
    budget: float,
    before_each: Callable[[], None] | None,
    warm: Sequence[Any],
) -> tuple[float, float]:
    """One timed pass over ``items`` (stopping once ``budget`` seconds are spent):
    (items/s, weight/s)."""
    if before_each is not None:
        before_each()
    for x in warm:
        f(x)
    gc.collect()
    perf = time.perf_counter
    n = len(items)
    chunk = 1
    done = 0
    total = 0.0
    start = perf()
    elapsed = 0.0
    while done < n:
        end = min(n, done + chunk)
        for i in range(done, end):
            f(items[i])
        total += sum(w[done:end])
        done = end
        elapsed = perf() - start
        if elapsed > budget:
            break
        if elapsed < budget / 50:
            chunk = min(chunk * 2, 4096)
    elapsed = max(elapsed, 1e-9)
    return done / elapsed, total / elapsed


@dataclasses.dataclass
class _Job:
    row: Row
    func: Callable[[Any], object]
    items: Sequence[Any]
    weights: Sequence[float]
    before_each: Callable[[], None] | None
    warmup: Sequence[Any]
    value: str  # "weight": Row.value is weight/s; "items": Row.value is items/s
    extra: str | None  # Row.extra key for the other rate
    results: list[tuple[float, float]] = dataclasses.field(default_factory=list)


class Suite:
    """Systems measured together: repeat ``r`` of every system runs before
    repeat ``r + 1`` of any, so a burst of load on a shared machine hits all of
    them alike; each row gets its best repeat (the least disturbed one, as
    ``timeit`` advises)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.jobs: list[_Job] = []

    def add(
        self,
        row: Row,
        func: Callable[[Any], object],
        items: Sequence[Any],
        *,
        weights: Sequence[float] | None = None,
        before_each: Callable[[], None] | None = None,
        warmup: Iterable[Any] = (),
        guard: bool = False,
        value: str = "weight",
        extra: str | None = None,
    ) -> Row:
        if not items:
            raise Skip("no input items")
        f = _guarded(func) if guard else func
        w = weights if weights is not None else [1.0] * len(items)
        self.jobs.append(_Job(row, f, items, w, before_each, list(warmup), value, extra))
        return row

    def run(self) -> None:
        for _ in range(max(1, self.settings.repeats)):
            for job in self.jobs:
                log(f"  {job.row.system.strip()}")
                job.results.append(
                    _one_repeat(
                        job.func, job.items, job.weights, self.settings.budget, job.before_each, job.warmup
                    )
                )
        for job in self.jobs:
            item_rate, weight_rate = max(job.results, key=lambda r: r[1])
            job.row.value = weight_rate if job.value == "weight" else item_rate
            if job.extra is not None:
                job.row.extra[job.extra] = item_rate if job.value == "weight" else weight_rate


def measure_rates(
    func: Callable[[Any], object],
    items: Sequence[Any],
    settings: Settings,
    *,
    weights: Sequence[float] | None = None,
    before_each: Callable[[], None] | None = None,
    warmup: Iterable[Any] = (),
    guard: bool = False,
) -> tuple[float, float]:
    """(items/s, weight/s) of the best of ``settings.repeats`` passes; see :class:`Suite`."""
    if not items:
        raise Skip("no input items")
    f = _guarded(func) if guard else func
    w = weights if weights is not None else [1.0] * len(items)
    warm = list(warmup)
    results = [
        _one_repeat(f, items, w, settings.budget, before_each, warm) for _ in range(max(1, settings.repeats))
    ]
    return max(results, key=lambda r: r[1])


def measure_rate(
    func: Callable[[Any], object],
    items: Sequence[Any],
    settings: Settings,
    *,
    weights: Sequence[float] | None = None,
    before_each: Callable[[], None] | None = None,
    warmup: Iterable[Any] = (),
    guard: bool = False,
) -> float:
    """Best rate over repeats, ``sum(weights of processed items) / seconds``.

    Each repeat goes through ``items`` in order and stops early once the time
    budget is spent (so slow peers are measured on a prefix). ``weights``
    defaults to 1 per item (items/s); pass byte sizes for bytes/s.
    ``before_each`` runs before every repeat, outside the timing (used to
    clear caches), followed by ``warmup`` calls, also untimed.
    """
    return measure_rates(
        func, items, settings, weights=weights, before_each=before_each, warmup=warmup, guard=guard
    )[1]


def fmt_rate(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit in ("MB/s", "MiB", "MB", "seconds", "peak MB", "speed-up", "wall s"):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    if unit == "ms":
        return f"{value:,.1f}"
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def fmt_ratio(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:,.0f}x"
    if value >= 10:
        return f"{value:.1f}x"
    return f"{value:.2f}x"


def short(text: object, limit: int = 400) -> str:
    """``text`` on one line, cut to ``limit`` characters."""
    one = " ".join(str(text).split())
    return one if len(one) <= limit else one[:limit] + " ..."


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)
