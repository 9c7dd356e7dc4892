"""Tables for the terminal and ``docs/performance.md``, and the machine they ran on."""

from __future__ import annotations

import datetime
import os
import platform
import sys
from collections.abc import Sequence
from pathlib import Path

from benchmarks.common import CaseResult, fmt_rate, fmt_ratio, ratio, short, version_of

PEER_DISTS = (
    "ftfy",
    "normality",
    "anyascii",
    "Unidecode",
    "regex",
    "nomenklatura",
    "followthemoney",
    "rigour",
    "fingerprints",
    "jellyfish",
    "abydos",
    "jusText",
    "codespell",
)


def table(res: CaseResult) -> str:
    """One case as a Markdown table, then its targets, notes and skips."""
    if not res.rows and res.title.startswith("skipped"):
        return f"### {res.name}: {res.title}\n"
    refs = [r for r in res.rows if r.kind == "ref"]
    kind = "time" if res.lower_is_better else "throughput"
    header = ["system", res.unit, *res.columns, *(f"{r.system} / peer ({kind})" for r in refs)]
    align = ["---", *["---:"] * (len(header) - 1)]
    lines = [
        f"### {res.name}: {res.title}",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join(align) + "|",
    ]
    for row in res.rows:
        cells = [row.system.strip() if row.kind != "normkit" else row.system.replace("  ", "\u2003")]
        cells.append(fmt_rate(row.value, row.unit))
        for col in res.columns:
            v = row.extra.get(col)
            cells.append(fmt_rate(v, col) if v is not None else "-")
        for ref in refs:
            cells.append("-" if row.kind != "peer" else fmt_ratio(ratio(ref.value, row.value)))
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    if res.targets:
        lines.append("Targets:")
        for t in res.targets:
            verdict = "PASS" if t.passed else "FAIL" if t.passed is not None else "n/a "
            lines.append(f"- **{verdict}** {t.goal}: {t.measured}")
        lines.append("")
    for n in res.notes:
        lines.append(f"Note: {short(n, 2000)}")
    for s in res.skipped:
        lines.append(f"Skipped: {short(s)}")
    if res.notes or res.skipped:
        lines.append("")
    return "\n".join(lines)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return "unknown"


def _load() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def machine() -> list[tuple[str, str]]:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    try:
        import normkit

        nk = str(normkit.__version__)
    except Exception:
        nk = "not importable"
    items = [
        ("CPU", _cpu_model()),
        ("cores", f"{os.cpu_count()} logical, {usable} usable by this process"),
        ("memory", _memory()),
        ("OS", platform.platform()),
        ("Python", f"{platform.python_implementation()} {sys.version.split()[0]}"),
        ("load average at the end (1/5/15 min)", _load()),
        ("normkit", nk),
    ]
    items.extend((d, version_of(d)) for d in PEER_DISTS)
    return items


def summary(results: Sequence[CaseResult]) -> str:
    lines = ["| case | target | measured | verdict |", "|---|---|---:|---|"]
    for res in results:
        for t in res.targets:
            verdict = "PASS" if t.passed else "FAIL" if t.passed is not None else "n/a"
            lines.append(f"| {res.name} | {t.goal} | {t.measured} | {verdict} |")
    return "\n".join(lines)


# Why a step needs the whole document (shown for steps the registry flags so).
_WHY_WHOLE = {
    "whitespace": "runs of blank lines and the end of the text are judged across paragraph boundaries",
    "names": "a surname alone is rewritten only when the full name appeared earlier in the same document",
    "boilerplate": "lines are judged by their position in the document, repeats and their neighbours",
}


def _steps_section() -> str:
    try:
        from normkit.pipeline import PRESETS, available_steps, get_step
    except Exception as exc:
        return f"(the step registry could not be read: {exc})"
    lines = [
        "Steps marked *whole document* need the full text at once; the others can be fed a paragraph",
        "at a time, which is what lets `normkit clean` stream a large file. The flag is read from the",
        "step registry (`Step.whole_document`) when this page is written.",
        "",
        "| step | whole document | why | summary |",
        "|---|---|---|---|",
    ]
    for name in available_steps():
        try:
            step = get_step(name)
        except Exception as exc:
            lines.append(f"| `{name}` | ? | | could not load: {type(exc).__name__} |")
            continue
        summary_text = step.summary.replace("|", "\\|")
        why = _WHY_WHOLE.get(name, "(not documented)") if step.whole_document else ""
        lines.append(f"| `{name}` | {'yes' if step.whole_document else 'no'} | {why} | {summary_text} |")
    lines.append("")
    lines.append("Presets: " + "; ".join(f"`{k}` = {', '.join(v[0])}" for k, v in PRESETS.items()))
    return "\n".join(lines)


def write_docs(path: Path, results: Sequence[CaseResult], command: str, started: datetime.datetime) -> None:
    parts = [
        "# Performance",
        "",
        "Every figure on this page comes from one run of the benchmark harness, with normkit and its",
        "peers measured in the same process, on the same inputs. Throughputs are higher-is-better;",
        "ratios are normkit / peer for throughputs and normkit time / peer time for the CLI.",
        "The page is regenerated, not edited:",
        "",
        "```sh",
        "pip install -e '.[bench]'",
        command,
        "```",
        "",
        "`python -m benchmarks --quick` is a short run; `--only CASE` runs one case",
        "(cases: text, names-step, name_key, same_name, boilerplate-fullpage, boilerplate-residual,",
        "cli, stream, corpus). `--profile TARGET` prints a cProfile of the normkit side instead.",
        "",
        f"Run started {started:%Y-%m-%d %H:%M} UTC.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in machine()),
        "",
        "## Targets",
        "",
        summary(results),
        "",
        "## Tables",
        "",
        "How each case is measured: a throughput is the best over 3 repeats of (input processed) /",
        "(time) (the repeat least disturbed by other processes, as `timeit` advises), where each",
        "repeat stops after a time budget, so slow peers run on a prefix of the same input. The",
        "repeats of the systems of one case are interleaved (repeat 1 of every system, then repeat 2,",
        "...), so a burst of load hits normkit and its peers alike. The machine is shared: see the",
        "load average above, and compare ratios rather than absolute figures.",
        "Name cases with *caching off* clear every function cache in the loaded normkit modules",
        "before each repeat, reload the tables on a separate warm-up share of the names (never timed)",
        "and then see each timed name once; *caching on* times names already seen. CLI figures are",
        "the median wall time and peak resident memory (`ru_maxrss`, through GNU time) of fresh",
        "processes started outside the harness, after one untimed warm-up run.",
        "",
        *(table(r) for r in results),
        "## Which steps need a whole document",
        "",
        _steps_section(),
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(parts), encoding="utf-8")
