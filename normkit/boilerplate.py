"""Boilerplate stripping for text extracted from web pages.

Two layers decide which lines go:

1. **Rules** (``data/boilerplate.tsv`` and user tables layered after it):
   regular expressions for page furniture such as "Close Search Window",
   "Visited 1 times, 1 visit(s) today" or cookie notices, each valid in a
   *zone*: ``head`` (before the first prose line), ``tail`` (after the last
   one) or ``anywhere``.
2. **A line classifier** over features that carry across languages (see
   :mod:`normkit.boilerplate_features`): a logistic model on each line's own
   shape, then a second one that also sees its neighbours' scores and the
   main-content span (the run of lines with the most likely-content words).

Profiles: ``residual`` (an article an extractor already handled: only the
leftovers at its edges and clear furniture inside are removed) and
``fullpage`` (the text of a whole page: menus, footers, teasers, comment
threads, share bars). Lines are removed whole, with their line endings;
everything else is returned byte for byte.

>>> text = "Close Search Window\\nThe minister said the talks would resume in May.\\n"
>>> strip_boilerplate(text + "Visited 1 times, 1 visit(s) today\\n")
'The minister said the talks would resume in May.\\n'
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import math
import operator
import os
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import regex

from normkit import boilerplate_model as _model
from normkit.boilerplate_features import (
    FEATURES,
    best_span,
    context_features,
    detect_language,
    line_features,
    position_tails,
    shape_rows,
    span_features,
    word_weight,
)
from normkit.pipeline import Trace
from normkit.tables import Problem, Table, load, read_table

__all__ = [
    "PROFILES",
    "Rule",
    "check_rules",
    "fullpage",
    "load_rules",
    "residual",
    "strip_boilerplate",
    "strip_boilerplate_many",
]

PROFILES = ("residual", "fullpage")
ZONES = ("head", "tail", "anywhere")
_COLUMNS = ("pattern", "kind", "zone", "note")

#: Rounds of decisions at most (each only removes lines; the last round finds nothing).
_MAX_ROUNDS = 1_000_000

#: Seconds a user pattern may spend on one line before it is reported and disabled.
USER_PATTERN_TIMEOUT = 0.05


# ---------------------------------------------------------------------------
# Rules


@dataclasses.dataclass(frozen=True)
class Rule:
    """One compiled table row: ``name`` is ``file:LINE kind`` for explain."""

    pattern: regex.Pattern[str]
    kind: str
    zone: str
    name: str
    user: bool = False


def _compile_table(table: Table, label: str, *, user: bool) -> tuple[list[Rule], list[Problem]]:
    rules: list[Rule] = []
    problems = list(table.problems)
    bad_lines = {p.line for p in table.errors}
    for row in table.rows:
        if row.line in bad_lines:
            continue
        pat, kind, zone = row["pattern"], row["kind"], row["zone"]
        if zone not in ZONES:
            problems.append(
                Problem(
                    table.source, row.line, row.col("zone"), "error", f"zone {zone!r} is not one of {ZONES}"
                )
            )
            continue
        try:
            compiled = regex.compile(pat, regex.IGNORECASE | regex.MULTILINE | regex.VERSION0)
        except (regex.error, ValueError, OverflowError, RecursionError) as e:
            pos = getattr(e, "pos", None)
            col = row.col("pattern") + (pos if isinstance(pos, int) else 0)
            problems.append(Problem(table.source, row.line, col, "error", f"bad pattern: {e}"))
            continue
        rules.append(Rule(compiled, kind, zone, f"{label}:{row.line} {kind}", user))
    return rules, problems


@functools.cache
def _builtin_rules() -> tuple[Rule, ...]:
    table = load("boilerplate.tsv", columns=_COLUMNS, required=("pattern", "kind", "zone"))
    rules, problems = _compile_table(table, "boilerplate.tsv", user=False)
    if any(p.severity == "error" for p in problems):  # pragma: no cover - caught by tests
        raise ValueError("\n".join(str(p) for p in problems))
    return tuple(rules)


def load_rules(path: str | os.PathLike[str]) -> tuple[tuple[Rule, ...], list[Problem]]:
    """Compile a user rule table (same columns as ``data/boilerplate.tsv``).

    Rows with problems are skipped; the problems come back as
    ``file:line:col`` records (a missing file is a problem too).

    >>> rules, problems = load_rules("/nonexistent/rules.tsv")
    >>> rules, problems[0].message[:14]
    ((), 'cannot read it')
    """
    p = Path(path)
    try:
        table = read_table(p, columns=_COLUMNS, required=("pattern", "kind", "zone"))
    except OSError as e:
        return (), [Problem(str(p), 1, 1, "error", f"cannot read it: {e}")]
    rules, problems = _compile_table(table, p.name, user=True)
    return tuple(rules), problems


def check_rules(path: str | os.PathLike[str]) -> list[Problem]:
    """Problems of a user rule table, for linters and the CLI.

    >>> import tempfile, os
    >>> d = tempfile.mkdtemp(); f = os.path.join(d, "r.tsv")
    >>> _ = open(f, "w").write("pattern\\tkind\\tzone\\tnote\\n^(Share$\\tshare\\ttail\\t\\n")
    >>> p = check_rules(f)[0]
    >>> (p.line, p.severity, p.message.startswith("bad pattern"))
    (2, 'error', True)
    """
    return load_rules(path)[1]


@functools.cache
def _user_rules_cached(path: str, mtime: float) -> tuple[tuple[Rule, ...], tuple[Problem, ...]]:
    rules, problems = load_rules(path)
    for p in problems:
        warnings.warn(str(p), stacklevel=4)
    return rules, tuple(problems)


def _user_rules(paths: Sequence[str]) -> tuple[list[Rule], list[Problem]]:
    rules: list[Rule] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            mtime = os.stat(path).st_mtime
        except (OSError, ValueError):
            mtime = -1.0
        r, p = _user_rules_cached(str(path), mtime)
        rules.extend(r)
        problems.extend(p)
    return rules, problems


# Patterns that timed out once are disabled for the rest of the process.
_DISABLED: set[str] = set()


_Pat = re.Pattern[str] | regex.Pattern[str]


@dataclasses.dataclass(frozen=True)
class _RuleSet:
    """Built-in rules compiled for a few scans of the whole document.

    Anchored rules (``^...``) are joined into alternations with one group per
    rule; the others run one pattern each, so their literal prefixes stay
    fast. Rules written in lower case run without IGNORECASE over the
    lower-cased text (several times faster); ``lower`` says which text a
    pattern scans.
    """

    anchored: tuple[tuple[_Pat, tuple[Rule, ...], bool], ...]
    others: tuple[tuple[_Pat, Rule, bool], ...]


def _fast(pattern: str, ignore_case: bool) -> _Pat:
    """Compile with ``re`` when it can (several times faster here), else ``regex``."""
    try:
        return re.compile(pattern, re.M | (re.I if ignore_case else 0))
    except (re.error, ValueError):
        return regex.compile(pattern, regex.VERSION0 | regex.M | (regex.I if ignore_case else 0))


def _lower_ok(pattern: str) -> bool:
    return pattern == pattern.lower()


@functools.cache
def _ruleset(rules: tuple[Rule, ...]) -> _RuleSet:
    anchored = [r for r in rules if r.pattern.pattern.startswith("^")]
    others = tuple(
        (_fast(r.pattern.pattern, not _lower_ok(r.pattern.pattern)), r, _lower_ok(r.pattern.pattern))
        for r in rules
        if r not in anchored
    )
    groups: list[tuple[_Pat, tuple[Rule, ...], bool]] = []
    for lower in (True, False):
        for fits_re in (True, False):
            chosen = tuple(
                r
                for r in anchored
                if _re_ok(r.pattern.pattern) is fits_re and _lower_ok(r.pattern.pattern) is lower
            )
            if chosen:
                body = "|".join(f"(?P<r{i}>{r.pattern.pattern[1:]})" for i, r in enumerate(chosen))
                groups.append((_fast(f"^(?:{body})", not lower), chosen, lower))
    return _RuleSet(tuple(groups), others)


def _re_ok(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except (re.error, ValueError):
        return False
    return True


def _line_of(starts: Sequence[int], lines: Sequence[str], pos: int, end: int) -> int:
    """Index of the line holding ``pos``; -1 if the match ``[pos, end)`` crosses a line break."""
    i = bisect.bisect_right(starts, pos) - 1
    return i if end <= starts[i] + len(lines[i]) else -1


def _rule_hits(rules: Sequence[Rule], lines: Sequence[str], trace: Trace | None) -> list[list[Rule]]:
    """The rules matching each line (all zones; zones are checked later).

    Built-in rules are scanned over the joined lines (see :class:`_RuleSet`);
    user rules run one by one with a timeout.
    """
    hits: list[list[Rule]] = [[] for _ in lines]
    joined = "\n".join(lines)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    rs = _ruleset(tuple(r for r in rules if not r.user))
    low = joined.lower()
    if len(low) != len(joined):  # a few characters lower-case to two
        low = "\n".join(line.lower() if len(line.lower()) == len(line) else line for line in lines)
    low_lines = low.split("\n") if lines else []

    def scan(pat: _Pat, lower: bool) -> Iterator[tuple[int, str | None]]:
        """(line index, matched group) of every line the pattern matches. A
        match that runs over a line break (``\\s`` can match one) is dropped
        and the lines it covered are searched one by one, so the result for
        a line never depends on its neighbours."""
        text, per_line = (low, low_lines) if lower else (joined, lines)
        for m in pat.finditer(text):
            i = _line_of(starts, lines, m.start(), m.end())
            if i >= 0:
                yield i, m.lastgroup
                continue
            first = bisect.bisect_right(starts, m.start()) - 1
            last = bisect.bisect_right(starts, max(m.start(), m.end() - 1)) - 1
            for j in range(first, min(last, len(lines) - 1) + 1):
                mj = pat.search(per_line[j])
                if mj is not None:
                    yield j, mj.lastgroup

    for pat, chosen, lower in rs.anchored:
        for i, group in scan(pat, lower):
            if group is None:
                continue
            k = int(group[1:])
            if chosen[k] not in hits[i]:
                hits[i].append(chosen[k])
            # An alternation reports only the first rule that matches; the
            # earlier ones cannot match this line (all are anchored at its
            # start), the later ones may (the same pattern for another zone).
            for r in chosen[k + 1 :]:
                if r not in hits[i] and r.pattern.search(lines[i]) is not None:
                    hits[i].append(r)
    for pat, rule, lower in rs.others:
        for i, _ in scan(pat, lower):
            if rule not in hits[i]:
                hits[i].append(rule)
    budget = USER_PATTERN_TIMEOUT + len(joined) / 2_000_000
    for rule in rules:
        if not rule.user or rule.name in _DISABLED:
            continue
        try:
            found = [m.start() for m in rule.pattern.finditer(joined, timeout=budget)]
            for pos in found:
                i = bisect.bisect_right(starts, pos) - 1
                if rule not in hits[i] and rule.pattern.search(lines[i], timeout=budget) is not None:
                    hits[i].append(rule)
        except TimeoutError:
            _DISABLED.add(rule.name)
            msg = f"pattern timed out (over {budget:.2f}s on one document); rule disabled"
            warnings.warn(f"{rule.name}: {msg}", stacklevel=3)
            if trace is not None:
                trace.note(0, 0, "", msg, rule.name)
        except Exception as e:  # a user pattern must never crash a run
            _DISABLED.add(rule.name)
            warnings.warn(f"{rule.name}: pattern failed ({e}); rule disabled", stacklevel=3)
    return hits


# ---------------------------------------------------------------------------
# Classifier


def _sigmoid(z: float) -> float:
    if z < -30:
        return 0.0
    if z > 30:
        return 1.0
    return 1.0 / (1.0 + math.exp(-z))


@dataclasses.dataclass
class _Scored:
    p: list[float]
    z: list[float]
    x: list[list[float]]


def section_ends(lines: Sequence[str], hits: Sequence[Sequence[Rule]] | None = None) -> list[bool]:
    """Which lines match a built-in ``section-end`` rule ("Related articles", ...)."""
    if hits is None:
        hits = _rule_hits(_builtin_rules(), lines, None)
    return [any(r.kind == "section-end" and not r.user for r in h) for h in hits]


#: Features before this index do not depend on the line's position or duplicates: the
#: partial dot products over them are computed once per distinct line (same order of
#: additions as a full dot product, so the scores are bit for bit the same).
_FIXED = FEATURES.index("dup")


def _classify(
    lines: Sequence[str], profile: str, cache: _Cache, ends: Sequence[bool], evidence: bool = True
) -> tuple[_Scored, list[list[float]], list[int]]:
    m = _model.MODELS[profile]
    shapes = shape_rows(lines, cache.lang, cache.features)
    tails = position_tails(lines, shapes)
    b1, b2 = m["b1"], m["b2"]
    k = _FIXED
    b1_tail, b2_tail = b1[k:], b2[k:]
    prefix = cache.prefix
    wcache = cache.weights
    mul = operator.mul
    sig = _sigmoid
    pre2: list[float] = []
    p1: list[float] = []
    weights: list[int] = []
    for line, f, t in zip(lines, shapes, tails, strict=True):
        pr = prefix.get(line)
        if pr is None:
            head = f[:k]
            pr = prefix[line] = (sum(map(mul, b1, head)), sum(map(mul, b2, head)))
        pre2.append(pr[1])
        p1.append(sig(sum(map(mul, b1_tail, t), pr[0])))
        w = wcache.get(line)
        if w is None:
            w = wcache[line] = word_weight(line)
        weights.append(w)
    # context features read only position-free own features: the shared shape rows serve
    ctx = context_features(p1, lines, shapes, ends)
    spf = span_features(p1, weights, m["th1"][0])
    z2 = [
        sum(map(mul, b2_tail, t + c[1:] + s), p0) for p0, t, c, s in zip(pre2, tails, ctx, spf, strict=True)
    ]
    own = shapes
    xs: list[list[float]] = []
    if evidence:
        own = line_features(lines, cache.lang, cache.features)
        xs = [f + c[1:] + s for f, c, s in zip(own, ctx, spf, strict=True)]
    return _Scored([sig(z) for z in z2], z2, xs), own, weights


_TAGS: dict[str, str] = {
    "len_le8": "very-short",
    "len_le20": "short",
    "len_le40": "short",
    "words1": "one-word",
    "words_le3": "few-words",
    "ellipsis": "ellipsis",
    "bullet_nested": "nested-list",
    "titlecase": "title-case",
    "email": "e-mail",
    "url": "link",
    "sep": "separators",
    "date": "date",
    "time": "time",
    "copyright": "copyright",
    "dup": "duplicated",
    "pos_head": "page-head",
    "pos_tail": "page-tail",
    "stop": "few-stopwords",
    "prev1": "weak-neighbours",
    "next1": "weak-neighbours",
    "win3": "weak-neighbours",
    "win10": "weak-neighbours",
    "win30": "weak-neighbours",
    "before_mass": "after-text",  # much likely content before the line
    "after_mass": "before-text",  # much likely content after it
    "none_before": "before-text",
    "none_after": "after-text",
    "bullets3": "menu-neighbours",
    "before_span": "outside-main",
    "after_span": "outside-main",
    "in_span": "outside-main",
    "own": "line-shape",
}


def _evidence(profile: str, x: Sequence[float], z: float) -> str:
    """``classifier:PROFILE score=Z tag,tag,tag``: the features that pushed
    the line's score down the most."""
    m = _model.MODELS[profile]
    names = _model.STAGE2_FEATURES
    contrib = sorted(
        ((w * v, n) for w, v, n in zip(m["b2"], x, names, strict=True) if w * v < 0), key=lambda t: t[0]
    )
    tags: list[str] = []
    for _, n in contrib:
        tag = _TAGS.get(n)
        if n in FEATURES and tag is None:
            tag = {"term": "no-punct", "term_long": "no-punct", "stop_known": "language"}.get(n)
        if tag and tag not in tags:
            tags.append(tag)
        if len(tags) == 3:
            break
    return f"classifier:{profile} score={z:.1f} {','.join(tags) or 'low-score'}"


# ---------------------------------------------------------------------------
# Decisions


@dataclasses.dataclass
class _Cache:
    """Own features of a document's lines, kept across the rounds of one call."""

    lang: str = ""
    features: dict[str, list[float]] = dataclasses.field(default_factory=dict)
    weights: dict[str, int] = dataclasses.field(default_factory=dict)
    # line -> first- and second-stage dot products over its position-free features
    prefix: dict[str, tuple[float, float]] = dataclasses.field(default_factory=dict)


def _decide(
    lines: Sequence[str],
    profile: str,
    rules: Sequence[Rule],
    recurring: frozenset[str],
    trace: Trace | None,
    offsets: Sequence[int],
    evidence: bool,
    cache: _Cache,
    hits: Sequence[Sequence[Rule]],
) -> list[str | None]:
    """For each line, ``None`` (keep) or the name of the reason to drop it."""
    n = len(lines)
    if n == 0:
        return []
    lang = detect_language(lines)
    if cache.lang != lang or not cache.features:  # features depend on the language's stopwords
        cache.lang = lang
        cache.features.clear()
        cache.prefix.clear()
    scored, own, weights = _classify(lines, profile, cache, section_ends(lines, hits), evidence)
    m = _model.MODELS[profile]
    th_span, lo, hi, long_words, lo_long = m["decision"]
    a, b = best_span(scored.p, weights, th_span)
    trust_classifier = b >= a or profile == "fullpage"  # residual: no likely content, no opinion
    # prose lines delimit the head and tail zones
    prose = [i for i in range(n) if own[i][_TERM_LONG] and scored.p[i] >= 0.5]
    first = prose[0] if prose else (a if b >= a else n)
    last = prose[-1] if prose else (b if b >= a else -1)
    out: list[str | None] = []
    for i in range(n):
        if hits[i]:
            valid = [
                r
                for r in hits[i]
                if r.zone == "anywhere" or (r.zone == "head" and i < first) or (r.zone == "tail" and i > last)
            ]
            # user tables are layered after the built-in one: their rule is the one named
            rule = next((r for r in reversed(valid) if r.user), valid[0] if valid else None)
            if rule is not None:
                out.append(rule.name)
                continue
        p = scored.p[i]
        if lines[i] in recurring and p < 0.9:
            out.append("corpus:recurring line")
            continue
        inside = a <= i <= b
        if not trust_classifier or ((p >= lo) if inside else (p >= hi)):
            out.append(None)
            continue
        if weights[i] >= long_words and p >= lo_long:
            out.append(None)  # a long line needs stronger evidence
            continue
        out.append(_evidence(profile, scored.x[i], scored.z[i]) if evidence else "classifier")
    return out


_TERM_LONG = FEATURES.index("term_long")


# ---------------------------------------------------------------------------
# Splitting and re-assembling the text


@dataclasses.dataclass
class _Doc:
    text: str
    # (start, end) of each non-blank line's text (without its line break)
    spans: list[tuple[int, int]]
    lines: list[str]  # stripped


def _split(text: str) -> _Doc:
    spans: list[tuple[int, int]] = []
    lines: list[str] = []
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        s = text[pos:end].strip()
        if s:
            spans.append((pos, end))
            lines.append(s)
        if nl < 0:
            break
        pos = nl + 1
    return _Doc(text, spans, lines)


def _removal_ranges(doc: _Doc, drop: Sequence[bool]) -> list[tuple[int, int, int]]:
    """(start, end, line index) text ranges to delete for the dropped lines.

    A dropped line goes with its line break and the blank lines after it.
    When the dropped lines run to the end of the text, the blank lines before
    them go too: the last kept line then ends the text as the input ended
    (with its line break if the input ended with one).
    """
    text = doc.text
    n = len(text)
    spans = doc.spans
    k = len(spans)
    last_kept = max((i for i in range(k) if not drop[i]), default=-1)
    ranges: list[tuple[int, int, int]] = []
    for i in range(k):
        if not drop[i]:
            continue
        start = spans[i][0]
        end = spans[i + 1][0] if i + 1 < k else n
        if last_kept >= 0 and i == last_kept + 1:
            lk_end = spans[last_kept][1]  # the kept line's "\n" (or the end)
            if text.endswith("\n"):
                start = lk_end + 1
            else:
                start = lk_end - 1 if text[lk_end - 1 : lk_end] == "\r" else lk_end
        ranges.append((start, end, i))
    return ranges


def _apply(doc: _Doc, drop: Sequence[bool]) -> tuple[str, list[tuple[int, int, int]]]:
    ranges = _removal_ranges(doc, drop)
    parts: list[str] = []
    pos = 0
    text = doc.text
    for start, end, _ in ranges:
        parts.append(text[pos:start])
        pos = end
    parts.append(text[pos:])
    return "".join(parts), ranges


# ---------------------------------------------------------------------------
# Public API


def _rules_for(boilerplate_rules: Sequence[str], trace: Trace | None) -> list[Rule]:
    rules = list(_builtin_rules())
    if boilerplate_rules:
        user, problems = _user_rules(tuple(str(p) for p in boilerplate_rules))
        if trace is not None:
            for p in problems:
                trace.note(0, 0, "", str(p), f"{Path(p.file).name}:{p.line}")
        rules.extend(user)
    return rules


def _strip(
    text: str,
    profile: str,
    rules: Sequence[Rule],
    recurring: frozenset[str],
    trace: Trace | None,
) -> str:
    if profile not in PROFILES:
        if trace is not None:
            trace.note(0, 0, "", f"unknown profile {profile!r}; text left alone", "boilerplate")
        return text
    original = _split(text)
    k = len(original.lines)
    if k == 0:
        return text
    alive = list(range(k))
    reasons: dict[int, str] = {}
    cache = _Cache()
    # rule hits depend on each line alone: find them once
    all_hits = _rule_hits(rules, original.lines, trace)
    # Repeat until nothing more goes: the result is then a fixed point, so the
    # step is idempotent. Each round only removes lines, so this terminates.
    for _ in range(min(k, _MAX_ROUNDS)):
        lines = [original.lines[i] for i in alive]
        offsets = [original.spans[i][0] for i in alive]
        decision = _decide(
            lines,
            profile,
            rules,
            recurring,
            trace if not reasons else None,
            offsets,
            trace is not None,
            cache,
            [all_hits[i] for i in alive],
        )
        gone = [j for j, r in enumerate(decision) if r is not None]
        if not gone:
            break
        for j in gone:
            reasons[alive[j]] = decision[j] or "classifier"
        gone_set = set(gone)
        alive = [i for j, i in enumerate(alive) if j not in gone_set]
        if not alive:
            break
    if not reasons:
        return text
    drop = [i in reasons for i in range(k)]
    out, ranges = _apply(original, drop)
    if trace is not None:
        trace.begin_pass()
        for start, end, i in ranges:
            trace.add(start, end, text[start:end], "", reasons[i])
    return out


def strip_boilerplate(
    text: str,
    *,
    profile: str = "residual",
    boilerplate_rules: tuple[str, ...] = (),
    trace: Trace | None = None,
) -> str:
    """Remove boilerplate lines (menus, bylines, share bars, counters, ...).

    ``profile`` is ``"residual"`` (text an extractor already handled; the
    default) or ``"fullpage"`` (the text of a whole page). ``boilerplate_rules``
    are paths of user rule tables, layered after the built-in one; rows with
    problems are skipped and reported (as warnings and trace notes), and a
    pattern that runs too long is disabled, never fatal. Removed lines take
    their line breaks with them; everything else is returned unchanged.

    >>> strip_boilerplate("KO YONG-CHUL Reporter\\n\\nSEOUL - The talks resumed on Monday, officials said.")
    'SEOUL - The talks resumed on Monday, officials said.'
    """
    if not text:
        return text
    return _strip(text, profile, _rules_for(boilerplate_rules, trace), frozenset(), trace)


def fullpage(text: str) -> str:
    """``strip_boilerplate(text, profile="fullpage")`` (for scorers).

    >>> menu = "* Home\\n* News\\n* Sport\\n* Contact\\n"
    >>> body = "The council approved the budget after a long debate.\\nCouncillors said the plan was fair.\\n"
    >>> fullpage(menu + body) == body
    True
    """
    return strip_boilerplate(text, profile="fullpage")


def residual(text: str) -> str:
    """``strip_boilerplate(text, profile="residual")`` (for scorers).

    >>> residual("The council approved the budget.\\nClose\\n")
    'The council approved the budget.\\n'
    """
    return strip_boilerplate(text, profile="residual")


def strip_boilerplate_many(
    docs: Iterable[str],
    *,
    profile: str = "residual",
    boilerplate_rules: tuple[str, ...] = (),
    batch_size: int = 500,
    min_docs: int = 3,
    min_share: float = 0.2,
) -> Iterator[str]:
    """Corpus mode: strip each document, and also the lines that recur across
    the documents of a batch (site navigation, footers).

    Documents are read ``batch_size`` at a time (buffered: the first result
    comes after the first batch is read); a stripped line that occurs in at
    least ``min_docs`` documents and ``min_share`` of the batch is removed
    unless the classifier is very sure it is content; such lines stay known
    for the following batches. Results come out in input order, one per
    document.

    >>> pages = [f"* Home\\n* About us\\nStory {i} is about the harbour and its boats.\\n" for i in range(4)]
    >>> list(strip_boilerplate_many(pages))[0]
    'Story 0 is about the harbour and its boats.\\n'
    """
    rules = _rules_for(boilerplate_rules, None)
    batch: list[str] = []
    recurring: frozenset[str] = frozenset()
    it = iter(docs)
    while True:
        batch.clear()
        for d in it:
            batch.append(d)
            if len(batch) >= max(1, batch_size):
                break
        if not batch:
            return
        df: Counter[str] = Counter()
        for d in batch:
            df.update({s for s in (line.strip() for line in d.split("\n")) if s})
        need = max(min_docs, math.ceil(min_share * len(batch)))
        # lines found recurring in an earlier batch stay recurring (same site, later pages)
        recurring = recurring | frozenset(s for s, c in df.items() if c >= need)
        for d in batch:
            yield _strip(d, profile, rules, recurring, None) if d else d
        if len(batch) < batch_size:
            return
