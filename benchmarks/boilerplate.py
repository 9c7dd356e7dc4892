"""Boilerplate cases: ``strip_boilerplate`` profiles against the C4 line rules and jusText.

The C4 line rules are reimplemented here from their published description
(the line part of the C4 filters of Raffel et al. 2020: keep a line only if it
ends in terminal punctuation, has at least three words, no overlong word, and
mentions neither JavaScript nor a cookie/terms/privacy policy). jusText runs
on the page's lines, each wrapped as an HTML paragraph.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from benchmarks import corpora
from benchmarks.common import CaseResult, Row, Settings, Skip, Suite, import_peer

_TERMINAL = (".", "!", "?", '"', "'", "\u201d", "\u2019")
_POLICY = (
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
)
_BULLETS = ("* ", "+ ", "o ", "- ", "\u2022 ")


def c4_keep_line(line: str) -> bool:
    """True when the C4 line rules keep ``line``.

    >>> c4_keep_line("The minister said the talks went well.")
    True
    >>> c4_keep_line("Privacy Policy | Terms of Use")
    False
    """
    core = line.strip()
    for b in _BULLETS:
        if core.startswith(b):
            core = core[len(b) :].lstrip()
            break
    if not core.endswith(_TERMINAL) or core.endswith("..."):
        return False
    words = core.split()
    if len(words) < 3 or any(len(w) > 1000 for w in words):
        return False
    low = core.lower()
    return "javascript" not in low and not any(p in low for p in _POLICY)


def c4_lines(text: str) -> str:
    """Keep the lines of ``text`` that the C4 line rules keep."""
    return "\n".join(line for line in text.splitlines() if c4_keep_line(line))


def _justext() -> Callable[[str], str]:
    justext = import_peer("justext")
    stoplist = justext.get_stoplist("English")

    def run(text: str) -> str:
        lines = [ln for ln in text.splitlines() if ln.strip()]
        if not lines:
            return ""
        page = "<html><body>" + "".join(f"<p>{html.escape(ln)}</p>" for ln in lines) + "</body></html>"
        paras = justext.justext(page, stoplist)
        return "\n".join(p.text for p in paras if not p.is_boilerplate)

    return run


def _normkit(profile: str) -> tuple[Callable[[str], Any], Callable[[list[str]], Any] | None]:
    try:
        import normkit

        strip = normkit.strip_boilerplate
    except Exception as exc:
        raise Skip(f"normkit.strip_boilerplate missing: {type(exc).__name__}: {exc}") from None
    try:
        strip(
            "Home\nThe minister said the talks went well.\nVisited 1 times, 1 visit(s) today\n",
            profile=profile,
        )
    except Exception as exc:
        raise Skip(f"strip_boilerplate(profile={profile!r}) failed: {type(exc).__name__}: {exc}") from None

    def one(text: str) -> Any:
        return strip(text, profile=profile)

    many: Callable[[list[str]], Any] | None
    try:
        strip_many = normkit.strip_boilerplate_many

        def many(docs: list[str]) -> Any:
            return list(strip_many(docs, profile=profile))

        many(["Home\nThe minister said the talks went well.\n"])
    except Exception:
        many = None
    return one, many


def _bench(name: str, profile: str, view: str, settings: Settings) -> CaseResult:
    docs, source = corpora.pages(view, settings)
    mb = [len(d.encode("utf-8")) / 1e6 for d in docs]
    warm = docs[-3:]
    res = CaseResult(
        name,
        f"strip_boilerplate profile={profile!r} on {view} ({sum(mb):.1f} MB: {source})",
        "docs/s",
        columns=("MB/s",),
    )
    systems: list[tuple[str, str, Callable[[], Callable[[str], Any]]]] = []
    try:
        one, many = _normkit(profile)
        systems.append((f"normkit {profile}", "ref", lambda: one))
    except Skip as exc:
        res.skipped.append(f"normkit {profile}: {exc}")
        many = None
    systems.append(("C4 line rules", "peer", lambda: c4_lines))
    systems.append(("jusText on lines", "peer", _justext))
    suite = Suite(settings)
    batch_row: Row | None = None
    batch = docs[: min(len(docs), 50)]
    for label, kind, make in systems:
        try:
            f = make()
        except Skip as exc:
            res.skipped.append(f"{label}: {exc}")
            continue
        row = Row(label, None, "docs/s", kind)
        res.rows.append(
            suite.add(
                row, f, docs, weights=mb, guard=kind == "peer", warmup=warm, value="items", extra="MB/s"
            )
        )
        if kind == "ref" and many is not None:
            # corpus mode: one call on a batch; weight = documents, so the rate is docs/s
            batch_row = Row(
                f"normkit {profile}, strip_boilerplate_many ({len(batch)} docs a call)",
                None,
                "docs/s",
                "normkit",
            )
            res.rows.append(suite.add(batch_row, many, [batch], weights=[float(len(batch))]))
    suite.run()
    if batch_row is not None and batch_row.value is not None:
        batch_row.extra["MB/s"] = batch_row.value * sum(mb[: len(batch)]) / len(batch)
    if profile == "fullpage":
        res.add_target(
            "fullpage >= 1,000 docs/s (issue 6)",
            res.value("normkit fullpage"),
            lambda v: v >= 1000,
            "{:,.0f}/s",
        )
    return res


def bench_fullpage(settings: Settings) -> CaseResult:
    return _bench("boilerplate-fullpage", "fullpage", "fulltext", settings)


def bench_residual(settings: Settings) -> CaseResult:
    return _bench("boilerplate-residual", "residual", "lighttext", settings)
