"""The step model: registry, options, pipelines, fixpoint, traces, pickling."""

from __future__ import annotations

import pickle
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import normkit
from normkit.pipeline import (
    PRESETS,
    Change,
    Pipeline,
    Trace,
    available_steps,
    get_step,
    record_diff,
    register_step,
    replay,
    sub,
)


def shout(text: str) -> str:
    """Upper-case (a plain callable without trace support)."""
    return text.upper()


def dedupe_x(text: str, *, trace: Trace | None = None) -> str:
    """Collapse runs of 'x' (a traced callable)."""
    return sub(re.compile("x{2,}"), "x", text, trace=trace, rule="dedupe-x")


def test_unknown_step_and_option_fail_at_construction() -> None:
    with pytest.raises(KeyError, match="unknown step"):
        Pipeline(["no-such-step"])
    with pytest.raises(TypeError, match="unknown option"):
        Pipeline(["whitespace"], no_such_option=1)
    with pytest.raises(ValueError, match="unknown preset"):
        normkit.clean("x", preset="nope")


def test_every_preset_resolves() -> None:
    for name in PRESETS:
        p = Pipeline.from_preset(name)
        assert p.steps, name
        assert isinstance(p("Hello  world\n"), str)


def test_callables_and_pickle_roundtrip() -> None:
    p = Pipeline(["whitespace", shout, dedupe_x])
    assert p("axxxb  c\n") == "AXXXB C\n"
    q = pickle.loads(pickle.dumps(p))
    assert q == p
    assert hash(q) == hash(p)
    assert q("axxxb  c\n") == p("axxxb  c\n")


def test_pipeline_is_frozen() -> None:
    p = Pipeline(["whitespace"])
    with pytest.raises(AttributeError):
        p.steps = ()  # type: ignore[misc]


def test_register_step_and_refuse_duplicates() -> None:
    step = register_step("test-shout", shout, replace=True)
    assert step.name == "test-shout"
    assert "test-shout" in available_steps()
    assert get_step("test-shout")("a") == "A"
    with pytest.raises(ValueError, match="already registered"):
        register_step("test-shout", shout)
    with pytest.raises(ValueError, match="already registered"):
        register_step("whitespace", shout)


def test_fixpoint_rounds_until_stable() -> None:
    calls: list[str] = []

    def halve(text: str) -> str:
        calls.append(text)
        return text.replace("aa", "a", 1)

    p = Pipeline([halve], max_rounds=10)
    assert p("aaaa") == "a"
    assert calls[-1] == "a"  # the last round saw a fixpoint


def test_explain_replays_untraced_and_traced_steps() -> None:
    p = Pipeline([dedupe_x, shout, "whitespace"])
    e = p.explain("axxxb  \nxx c\n\n\n\nd")
    assert e.result == p("axxxb  \nxx c\n\n\n\nd")
    assert e.replay() == e.result
    assert {c.step for c in e.changes} >= {"shout", "dedupe_x"}
    assert any(c.rule == "dedupe-x" and c.before == "xxx" for c in e.changes)


@given(st.text(), st.text())
def test_record_diff_replays(a: str, b: str) -> None:
    trace = Trace()
    trace.step = "diff"
    record_diff(trace, a, b, "rule")
    assert replay(a, trace.changes) == b


@given(st.text(alphabet="ax \n"))
def test_sub_trace_equals_plain_sub(text: str) -> None:
    trace = Trace()
    out = dedupe_x(text, trace=trace)
    assert out == dedupe_x(text)
    assert replay(text, trace.changes) == out
    assert all(isinstance(c, Change) and c.before != c.after for c in trace.changes)


def test_top_level_explain_dispatches_on_arity() -> None:
    e = normkit.explain("a\u00a0b")
    assert e.replay() == e.result == normkit.clean("a\u00a0b")
    m = normkit.explain("Ana López", "LOPEZ, Ana")
    assert m.same
    assert m.key_a == m.key_b


def test_public_names_resolve() -> None:
    missing = []
    for name in normkit.__all__:
        try:
            getattr(normkit, name)
        except (AttributeError, ImportError) as e:  # pragma: no cover - reported below
            missing.append(f"{name}: {e}")
    assert not missing, missing
