"""Text cases: the ``default`` and ``news`` presets against text fixers, and the ``names`` step."""

from __future__ import annotations

import functools
import importlib
import random
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import corpora
from benchmarks.common import CaseResult, Row, Settings, Skip, Suite, import_peer, ratio


def _normkit_clean(preset: str) -> Callable[[str], str]:
    normkit = importlib.import_module("normkit")  # the public API, as a user calls it
    if preset not in normkit.PRESETS:
        raise Skip(f"normkit has no preset {preset!r}")
    clean = normkit.clean

    def f(text: str) -> str:
        return clean(text, preset=preset)  # type: ignore[no-any-return]

    try:
        f("Warm-up:\u00a0tables load here. Wi Sung-lac met Radmila Šekerinska.\n")
    except Exception as exc:
        raise Skip(f"normkit.clean(preset={preset!r}) failed: {type(exc).__name__}: {exc}") from None
    return f


def _peers() -> list[tuple[str, Callable[[], Callable[[str], Any]]]]:
    def ftfy() -> Callable[[str], Any]:
        return import_peer("ftfy").fix_text  # type: ignore[no-any-return]

    def normality() -> Callable[[str], Any]:
        return import_peer("normality").normalize  # type: ignore[no-any-return]

    def unidecode() -> Callable[[str], Any]:
        return import_peer("unidecode").unidecode  # type: ignore[no-any-return]

    def anyascii() -> Callable[[str], Any]:
        return import_peer("anyascii").anyascii  # type: ignore[no-any-return]

    def floor() -> Callable[[str], Any]:
        pattern = import_peer("regex").compile(r"[^\S\n]+")
        return functools.partial(pattern.sub, " ")

    return [
        ("ftfy.fix_text", ftfy),
        ("normality.normalize", normality),
        ("unidecode", unidecode),
        ("anyascii", anyascii),
        ("regex.sub whitespace (floor)", floor),
    ]


def _step_rows(res: CaseResult, suite: Suite, docs: list[str], mb: list[float], warm: list[str]) -> None:
    """Each step of the default preset alone (one call per document), and the
    preset without its ``names`` step: where the preset's time goes."""
    try:
        from normkit.pipeline import PRESETS, Pipeline, get_step

        steps = list(PRESETS["default"][0])
    except Exception as exc:
        res.skipped.append(f"per-step rows: {exc}")
        return
    if "names" in steps:
        try:
            rest = Pipeline([s for s in steps if s != "names"])
            row = Row("normkit default without `names`", None, "MB/s", "ref")
            res.rows.append(suite.add(row, rest, docs, weights=mb, warmup=warm))
        except Exception as exc:
            res.skipped.append(f"default without names: {type(exc).__name__}: {exc}")
    for name in steps:
        try:
            step = get_step(name)
        except Exception as exc:
            res.skipped.append(f"step {name}: {type(exc).__name__}: {exc}")
            continue
        row = Row(f"  step `{name}` alone (one pass)", None, "MB/s", "normkit")
        res.rows.append(suite.add(row, step, docs, weights=mb, warmup=warm))


def bench_text(settings: Settings) -> CaseResult:
    docs, source = corpora.news_docs(settings)
    mb = [len(d.encode("utf-8")) / 1e6 for d in docs]
    # untimed warm-up: the seeds name Korean and Slavic persons, so every lazy table loads here
    warm = [*corpora.seed_texts(), *docs[-3:]]
    res = CaseResult("text", f"Presets on news text ({sum(mb):.1f} MB, {len(docs)} docs: {source})", "MB/s")
    suite = Suite(settings)
    for preset in ("default", "news"):
        try:
            f = _normkit_clean(preset)
        except Skip as exc:
            res.skipped.append(f"normkit {preset}: {exc}")
            continue
        res.rows.append(
            suite.add(Row(f"normkit {preset}", None, "MB/s", "ref"), f, docs, weights=mb, warmup=warm)
        )
    _step_rows(res, suite, docs, mb, warm)
    for label, make in _peers():
        try:
            f = make()
        except Skip as exc:
            res.skipped.append(f"{label}: {exc}")
            continue
        res.rows.append(suite.add(Row(label, None, "MB/s"), f, docs, weights=mb, guard=True, warmup=warm))
    suite.run()
    default = res.value("normkit default")
    res.add_target(
        "default >= 5x ftfy.fix_text", ratio(default, res.value("ftfy.fix_text")), lambda r: r >= 5, "{:.2f}x"
    )
    res.add_target(
        "default within 3x of the regex.sub floor (>= 0.33x)",
        ratio(default, res.value("regex.sub whitespace (floor)")),
        lambda r: r >= 1 / 3,
        "{:.2f}x",
    )
    return res


# --------------------------------------------------------------------------
# the names step with a large alias table


def _alias_option(options: dict[str, object]) -> str | None:
    for key in options:
        if "alias" in key or key in ("tables", "table", "extend"):
            return key
    return None


def bench_names_step(settings: Settings) -> CaseResult:
    from normkit.pipeline import get_step

    try:
        step = get_step("names")
    except Exception as exc:
        raise Skip(f"no `names` step registered ({exc})") from None
    opt = _alias_option(dict(step.options))
    if opt is None:
        raise Skip(f"the names step has no option for an extra alias table (options: {sorted(step.options)})")
    n_persons = max(100, int(10_000 * min(1.0, settings.scale)))
    docs, source = corpora.news_docs(settings)
    with tempfile.TemporaryDirectory() as tmp:
        table = Path(tmp) / "bench_persons.tsv"
        canon = corpora.persons_table(table, n_persons, settings.seed)
        rng = random.Random(settings.seed)
        # mention a few of the generated persons in a third of the documents
        docs = [
            d if i % 3 else f"{rng.choice(canon)} said on Monday that talks went well.\n\n{d}"
            for i, d in enumerate(docs)
        ]
        mb = [len(d.encode("utf-8")) / 1e6 for d in docs]
        warm = [*corpora.seed_texts(), *docs[-3:]]
        default = step.options[opt]
        value: object = (str(table),) if isinstance(default, tuple | list) or default is None else str(table)
        res = CaseResult(
            "names-step",
            f"`names` step, {n_persons:,} generated persons ({sum(mb):.1f} MB: {source})",
            "MB/s",
        )

        def run(text: str) -> str:
            return step(text, None, **{opt: value})

        probe = f"Yesterday {canon[0]} spoke."
        try:
            out = run(probe)
        except Exception as exc:
            raise Skip(f"names step failed with {opt}={value!r}: {type(exc).__name__}: {exc}") from None
        if canon[0] not in out:
            res.notes.append(
                f"the generated table did not rewrite {probe!r} (got {out!r}); timing still shown"
            )
        suite = Suite(settings)
        res.rows.append(
            suite.add(Row("normkit names step", None, "MB/s", "ref"), run, docs, weights=mb, warmup=warm)
        )
        floor = import_peer("regex").compile(r"[^\S\n]+")
        res.rows.append(
            suite.add(
                Row("regex.sub whitespace (floor)", None, "MB/s"),
                functools.partial(floor.sub, " "),
                docs,
                weights=mb,
                warmup=warm,
            )
        )
        suite.run()  # inside the with: the table file must still exist
    res.add_target(
        "names step >= 5 MB/s (issue 5)", res.value("normkit names step"), lambda v: v >= 5, "{:.2f} MB/s"
    )
    return res
