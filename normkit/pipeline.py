"""Steps, the step registry, presets, pipelines and change traces.

A *step* is a named, pure, total function ``str -> str``. Its options are
keyword-only parameters with defaults; a step that can explain itself also
accepts ``trace: Trace | None = None`` and records every change it makes into
it. A :class:`Pipeline` is itself a step: it runs its steps in order and
repeats the round until the text stops changing (a fixpoint, as ftfy does).

>>> p = Pipeline(["whitespace"])
>>> p("two  spaces \\n")
'two spaces\\n'
>>> p == pickle.loads(pickle.dumps(p))
True
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib
import inspect
import pickle  # noqa: F401  (used by the module doctest)
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol

__all__ = [
    "PRESETS",
    "Change",
    "Explanation",
    "Note",
    "Pipeline",
    "Step",
    "Trace",
    "available_steps",
    "clean",
    "explain",
    "get_step",
    "record_diff",
    "register_step",
    "sub",
]


# --------------------------------------------------------------------------
# Traces


@dataclasses.dataclass(frozen=True, slots=True)
class Change:
    """One edit made by a step.

    ``start``/``end`` index the text as it was at the start of the pass that
    made the change (``pass_no``); every change of one pass refers to the same
    text, they never overlap and they are sorted, so a pass can be replayed by
    splicing its changes right to left.
    """

    step: str
    rule: str
    start: int
    end: int
    before: str
    after: str
    pass_no: int = 0

    def __str__(self) -> str:
        return f"{self.step}: {self.rule}: {self.before!r} -> {self.after!r} at {self.start}"


@dataclasses.dataclass(frozen=True, slots=True)
class Note:
    """Something a step looked at and deliberately left alone (or a decision it
    made without changing text, such as a detected language)."""

    step: str
    rule: str
    start: int
    end: int
    text: str
    message: str

    def __str__(self) -> str:
        return f"{self.step}: {self.rule}: {self.text!r} left: {self.message}"


class Trace:
    """Collects :class:`Change` and :class:`Note` records.

    Steps call :meth:`begin_pass` once per pass over a text, then :meth:`add`
    for each edit of that pass, with offsets into the pass's input text.
    """

    __slots__ = ("_pass", "changes", "notes", "step")

    def __init__(self) -> None:
        self.changes: list[Change] = []
        self.notes: list[Note] = []
        self.step = ""
        self._pass = -1

    def begin_pass(self) -> None:
        self._pass += 1

    def add(self, start: int, end: int, before: str, after: str, rule: str) -> None:
        if self._pass < 0:
            self._pass = 0
        self.changes.append(Change(self.step, rule, start, end, before, after, self._pass))

    def note(self, start: int, end: int, text: str, message: str, rule: str = "") -> None:
        self.notes.append(Note(self.step, rule, start, end, text, message))


def replay(text: str, changes: Iterable[Change]) -> str:
    """Apply recorded changes pass by pass; the result equals the traced output."""
    by_pass: dict[int, list[Change]] = {}
    for c in changes:
        by_pass.setdefault(c.pass_no, []).append(c)
    for pass_no in sorted(by_pass):
        parts: list[str] = []
        pos = 0
        for c in sorted(by_pass[pass_no], key=lambda c: (c.start, c.end)):
            parts.append(text[pos : c.start])
            parts.append(c.after)
            pos = c.end
        parts.append(text[pos:])
        text = "".join(parts)
    return text


class _Pattern(Protocol):
    def finditer(self, string: str) -> Iterator[Any]: ...
    def sub(self, repl: Any, string: str) -> str: ...


def sub(
    pattern: _Pattern,
    repl: str | Callable[[Any], str],
    text: str,
    *,
    trace: Trace | None,
    rule: str | Callable[[Any], str],
) -> str:
    """``pattern.sub(repl, text)`` that records each real change in ``trace``.

    ``pattern`` is a compiled ``re`` or ``regex`` pattern; ``rule`` names the
    rule (or computes the name from the match) for :func:`explain`.
    """
    if trace is None:
        return pattern.sub(repl, text)
    trace.begin_pass()
    parts: list[str] = []
    pos = 0
    for m in pattern.finditer(text):
        new = repl(m) if callable(repl) else m.expand(repl)
        old = m.group(0)
        if new == old:
            continue
        start, end = m.span()
        parts.append(text[pos:start])
        parts.append(new)
        pos = end
        trace.add(start, end, old, new, rule(m) if callable(rule) else rule)
    parts.append(text[pos:])
    return "".join(parts)


def record_diff(trace: Trace | None, before: str, after: str, rule: str) -> None:
    """Record the difference between two texts as one pass of changes.

    For steps that are not written as regex substitutions (Unicode
    normalisation, say). Lines are compared first, then characters inside the
    changed lines, so the cost stays near-linear for local edits.
    """
    if trace is None or before == after:
        return
    trace.begin_pass()
    a_lines = before.splitlines(keepends=True)
    b_lines = after.splitlines(keepends=True)
    a_off = [0]
    for line in a_lines:
        a_off.append(a_off[-1] + len(line))
    sm = difflib.SequenceMatcher(None, a_lines, b_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        a_block = "".join(a_lines[i1:i2])
        b_block = "".join(b_lines[j1:j2])
        base = a_off[i1]
        # Trim what the two blocks share at both ends; a character-level diff
        # is quadratic, so long remainders are recorded as one change.
        head = 0
        limit = min(len(a_block), len(b_block))
        while head < limit and a_block[head] == b_block[head]:
            head += 1
        tail = 0
        while tail < limit - head and a_block[-1 - tail] == b_block[-1 - tail]:
            tail += 1
        a_block = a_block[head : len(a_block) - tail]
        b_block = b_block[head : len(b_block) - tail]
        base += head
        if len(a_block) + len(b_block) > 2_000:
            _record_token_diff(trace, a_block, b_block, base, rule)
            continue
        cm = difflib.SequenceMatcher(None, a_block, b_block, autojunk=False)
        for ctag, k1, k2, l1, l2 in cm.get_opcodes():
            if ctag != "equal":
                trace.add(base + k1, base + k2, a_block[k1:k2], b_block[l1:l2], rule)


_TOKENS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def _record_token_diff(trace: Trace, a: str, b: str, base: int, rule: str) -> None:
    """Record the changes between two long strings at word granularity."""
    ta, tb = _TOKENS.findall(a), _TOKENS.findall(b)
    if len(ta) + len(tb) > 100_000:
        trace.add(base, base + len(a), a, b, rule)
        return
    offsets = [0]
    for tok in ta:
        offsets.append(offsets[-1] + len(tok))
    sm = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag != "equal":
            trace.add(base + offsets[i1], base + offsets[i2], "".join(ta[i1:i2]), "".join(tb[j1:j2]), rule)


# --------------------------------------------------------------------------
# The registry


@dataclasses.dataclass(frozen=True)
class Step:
    """A registered step: its name, function, options and whether it needs the
    whole document at once (rather than one paragraph at a time)."""

    name: str
    func: Callable[..., str]
    options: Mapping[str, object]
    summary: str
    whole_document: bool
    traced: bool

    def __call__(self, text: str, trace: Trace | None = None, **options: object) -> str:
        if self.traced:
            return self.func(text, trace=trace, **options)
        out = self.func(text, **options)
        record_diff(trace, text, out, self.name)
        return out


# Built-in steps: name -> ("module:function", whole_document). Modules are
# imported on first use so that ``import normkit`` stays cheap.
_BUILTIN: dict[str, tuple[str, bool]] = {
    "unicode": ("normkit.text:normalize_unicode", False),
    "invisibles": ("normkit.text:remove_invisibles", False),
    "typography": ("normkit.text:fix_typography", False),
    "whitespace": ("normkit.text:fix_whitespace", True),
    "ascii": ("normkit.text:fold_ascii", False),
    "casefold": ("normkit.text:casefold", False),
    "collapse": ("normkit.text:collapse", False),
    "names": ("normkit.mentions:canonicalize_names", True),
    "boilerplate": ("normkit.boilerplate:strip_boilerplate", True),
}

_REGISTRY: dict[str, Step] = {}


def _make_step(name: str, func: Callable[..., str], whole_document: bool) -> Step:
    sig = inspect.signature(func)
    options: dict[str, object] = {}
    traced = False
    for p in sig.parameters.values():
        if p.name == "trace":
            traced = True
        elif p.kind is inspect.Parameter.KEYWORD_ONLY:
            options[p.name] = p.default
    doc = inspect.getdoc(func) or ""
    summary = doc.split("\n\n", 1)[0].replace("\n", " ")
    return Step(name, func, options, summary, whole_document, traced)


def register_step(
    name: str, func: Callable[..., str], *, whole_document: bool = True, replace: bool = False
) -> Step:
    """Register ``func`` as the step ``name``.

    Options are the function's keyword-only parameters. A function that takes
    ``trace`` records its own changes; otherwise they are derived by diffing.
    ``whole_document`` (default True, the safe choice) tells the CLI the step
    cannot be fed a paragraph at a time.
    """
    if not replace and (name in _REGISTRY or name in _BUILTIN):
        raise ValueError(f"step {name!r} is already registered")
    step = _make_step(name, func, whole_document)
    _REGISTRY[name] = step
    return step


def _register_builtin(name: str, target: str, whole_document: bool) -> None:
    _BUILTIN[name] = (target, whole_document)


def get_step(name: str) -> Step:
    """The registered step called ``name`` (importing its module if needed)."""
    step = _REGISTRY.get(name)
    if step is not None:
        return step
    if name not in _BUILTIN:
        raise KeyError(f"unknown step {name!r}; known: {', '.join(available_steps())}")
    target, whole = _BUILTIN[name]
    module, _, attr = target.partition(":")
    func = getattr(importlib.import_module(module), attr)
    step = _make_step(name, func, whole)
    _REGISTRY[name] = step
    return step


def available_steps() -> list[str]:
    """Names of every registered step, built-in or user-registered."""
    return sorted(set(_BUILTIN) | set(_REGISTRY))


# --------------------------------------------------------------------------
# Presets

# A preset is a sequence of step names plus option overrides. Later steps in
# the list run later. Engines add their steps here (see CONTRIBUTING).
PRESETS: dict[str, tuple[tuple[str, ...], Mapping[str, object]]] = {
    "default": (("unicode", "invisibles", "typography", "whitespace", "names"), {}),
    "news": (("unicode", "invisibles", "boilerplate", "typography", "whitespace", "names"), {}),
    "ascii": (("unicode", "invisibles", "typography", "names", "ascii", "whitespace"), {}),
    "key": (
        ("unicode", "invisibles", "ascii", "casefold", "collapse"),
        {"form": "NFKC"},
    ),
}


# --------------------------------------------------------------------------
# Pipelines

StepLike = str | Callable[..., str]


def _resolve(item: StepLike) -> Step:
    if isinstance(item, str):
        return get_step(item)
    if isinstance(item, Step):
        return item
    if isinstance(item, Pipeline):
        return Step(item.name, item, {}, "a nested pipeline", item.whole_document, True)
    name = getattr(item, "__name__", repr(item))
    return _make_step(name, item, True)


class Pipeline:
    """A sequence of steps with one frozen set of keyword options.

    ``Pipeline(["unicode", "whitespace"], form="NFKC")`` or
    ``Pipeline.from_preset("news", profile="fullpage")``. Options are passed
    to every step that declares them; an option no step declares is an error.
    Calling the pipeline runs rounds of all steps until a round changes
    nothing (at most ``max_rounds``). Pipelines are hashable and picklable
    (steps are kept by name, callables by reference).
    """

    __slots__ = ("_resolved", "max_rounds", "name", "options", "steps")

    steps: tuple[StepLike, ...]
    options: tuple[tuple[str, object], ...]
    max_rounds: int
    name: str
    _resolved: list[tuple[Step, dict[str, object]]] | None

    def __init__(
        self,
        steps: Sequence[StepLike],
        *,
        max_rounds: int = 4,
        name: str = "pipeline",
        **options: object,
    ) -> None:
        object.__setattr__(self, "steps", tuple(steps))
        object.__setattr__(self, "options", tuple(sorted(options.items())))
        object.__setattr__(self, "max_rounds", max(1, max_rounds))
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "_resolved", None)
        self._plan()  # validate eagerly: unknown steps and options fail here

    @classmethod
    def from_preset(
        cls, preset: str = "default", *, steps: Sequence[StepLike] | None = None, **options: object
    ) -> Pipeline:
        """The pipeline of a named preset, with option overrides (and
        optionally a different step list)."""
        try:
            preset_steps, preset_options = PRESETS[preset]
        except KeyError:
            raise ValueError(f"unknown preset {preset!r}; known: {', '.join(PRESETS)}") from None
        merged: dict[str, Any] = {**preset_options, **options}
        chosen: Sequence[StepLike] = preset_steps if steps is None else steps
        if steps is not None:
            # Drop preset options that the chosen steps do not declare.
            declared = {k for s in chosen for k in _resolve(s).options}
            merged = {k: v for k, v in merged.items() if k in declared or k in options}
        return cls(chosen, name=preset, **merged)

    def __setattr__(self, key: str, value: object) -> None:
        raise dataclasses.FrozenInstanceError(f"Pipeline is frozen; cannot set {key!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.steps, self.options, self.max_rounds, self.name))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Pipeline) and (
            self.steps,
            self.options,
            self.max_rounds,
        ) == (other.steps, other.options, other.max_rounds)

    def __hash__(self) -> int:
        return hash((self.steps, self.max_rounds, tuple(repr(o) for o in self.options)))

    def __repr__(self) -> str:
        names = [s if isinstance(s, str) else getattr(s, "__name__", repr(s)) for s in self.steps]
        opts = "".join(f", {k}={v!r}" for k, v in self.options)
        return f"Pipeline({names!r}{opts})"

    @property
    def whole_document(self) -> bool:
        """True if some step needs the whole document at once."""
        return any(step.whole_document for step, _ in self._plan())

    def _plan(self) -> list[tuple[Step, dict[str, object]]]:
        resolved = self._resolved
        if resolved is None:
            opts = dict(self.options)
            used: set[str] = set()
            plan: list[tuple[Step, dict[str, object]]] = []
            for item in self.steps:
                step = _resolve(item)
                kwargs = {k: opts[k] for k in step.options if k in opts}
                used.update(kwargs)
                plan.append((step, kwargs))
            unknown = set(opts) - used
            if unknown:
                known = sorted({k for s, _ in plan for k in s.options})
                raise TypeError(
                    f"unknown option(s) {', '.join(sorted(unknown))} for steps "
                    f"{[s.name for s, _ in plan]}; known options: {', '.join(known)}"
                )
            resolved = plan
            object.__setattr__(self, "_resolved", resolved)
        return resolved

    def __call__(self, text: str, trace: Trace | None = None) -> str:
        plan = self._plan()
        for _ in range(self.max_rounds):
            before = text
            for step, kwargs in plan:
                if trace is not None:
                    trace.step = step.name
                text = step(text, trace, **kwargs)
            if text == before:
                break
        return text

    def explain(self, text: str) -> Explanation:
        """Run the pipeline and return every change it made."""
        trace = Trace()
        out = self(text, trace)
        return Explanation(text, out, tuple(trace.changes), tuple(trace.notes))


def _rebuild(
    steps: tuple[StepLike, ...],
    options: tuple[tuple[str, object], ...],
    max_rounds: int,
    name: str,
) -> Pipeline:
    kwargs: dict[str, Any] = dict(options)
    return Pipeline(steps, max_rounds=max_rounds, name=name, **kwargs)


@dataclasses.dataclass(frozen=True)
class Explanation:
    """What :func:`explain` returns: input, output, changes and notes."""

    text: str
    result: str
    changes: tuple[Change, ...]
    notes: tuple[Note, ...] = ()

    def replay(self) -> str:
        """Apply :attr:`changes` to :attr:`text`; equals :attr:`result`."""
        text = self.text
        # Passes are numbered across the whole run, in order.
        return replay(text, self.changes)

    def __str__(self) -> str:
        lines = [str(c) for c in self.changes] + [str(n) for n in self.notes]
        return "\n".join(lines) if lines else "no changes"


# --------------------------------------------------------------------------
# Entry points


_PIPELINE_CACHE: dict[tuple[Any, ...], Pipeline] = {}


def _pipeline(preset: str, steps: Sequence[StepLike] | None, options: Mapping[str, object]) -> Pipeline:
    try:
        key: tuple[Any, ...] = (
            preset,
            None if steps is None else tuple(steps),
            tuple(sorted(options.items())),
        )
        hash(key)
    except TypeError:
        return Pipeline.from_preset(preset, steps=steps, **options)
    p = _PIPELINE_CACHE.get(key)
    if p is None:
        p = Pipeline.from_preset(preset, steps=steps, **options)
        if len(_PIPELINE_CACHE) > 256:
            _PIPELINE_CACHE.clear()
        _PIPELINE_CACHE[key] = p
    return p


def clean(
    text: str,
    *,
    preset: str = "default",
    steps: Sequence[StepLike] | None = None,
    **options: object,
) -> str:
    """Clean ``text`` with a preset (``default``, ``news``, ``ascii``, ``key``).

    >>> clean("Hello\\u200b  world  \\n\\n\\n")
    'Hello world\\n'
    """
    return _pipeline(preset, steps, options)(text)


def explain(
    text: str,
    *,
    preset: str = "default",
    steps: Sequence[StepLike] | None = None,
    **options: object,
) -> Explanation:
    """Like :func:`clean`, but return every change with its step and rule.

    >>> e = explain("a\\u00a0b")
    >>> e.result, e.replay() == e.result
    ('a b', True)
    """
    return _pipeline(preset, steps, options).explain(text)
