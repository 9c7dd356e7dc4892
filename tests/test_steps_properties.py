"""Properties every registered step and every preset must have.

The step and preset lists are read from the registry when the tests are
collected, so steps registered later (boilerplate, names, ...) are covered
without editing this file: idempotent, total on any ``str`` (astral
characters and lone surrogates included), a trace that replays to the output,
``explain(...).replay() == clean(...)``, and pipelines that survive pickle.
"""

from __future__ import annotations

import pickle

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from normkit.pipeline import PRESETS, Pipeline, Trace, available_steps, clean, explain, get_step, replay

STEPS = available_steps()
PRESET_NAMES = list(PRESETS)

# Characters the steps treat specially, so that short random texts hit them often.
INTERESTING = (
    " \t\n\r\f\v\x00\x1b\x7f\x85\u2028\u2029"  # whitespace and controls
    "\u00a0\u2009\u202f\u3000\u00ad\u200b\u200c\u200d\u2060\ufeff\u200e\u202e\u2066"  # spaces, invisibles
    "'\"`\u00b4\u2018\u2019\u201c\u201d\u201e\u00ab\u00bb-\u2013\u2014.\u2026,;:!?()[]"  # punctuation
    "aZ5\u0301\u0308e\u00e9\u0130\u00df\u0111\u0110\ufb01\uff21\u00b2"  # Latin, marks, compatibility
    "\uace0\uc6a9\ucca0\u314a\u1100\u1161"  # Hangul syllables and jamo
    "\u0416\u0449\u044c\u0439\u0451"  # Cyrillic
    "\u0915\u094d\u0937\u0645\u06cc\u062e"  # Devanagari, Persian
    "\U0001f469\U0001f4bb\U0001f3fd\ufe0f\u2764\U0001f525"  # emoji pieces
    "\ud800\udfff"  # lone surrogates
)
ANY_CHAR = st.characters(exclude_categories=())  # every code point, surrogates included
TEXTS = st.text(alphabet=st.one_of(ANY_CHAR, st.sampled_from(INTERESTING), st.sampled_from(INTERESTING)))

LETTERS_AND_DIGITS_KEPT = {"typography", "whitespace", "invisibles"}


def _alnum(text: str) -> list[str]:
    return [c for c in text if c.isalnum()]


def test_the_text_strategy_reaches_surrogates_and_astral_characters() -> None:
    assert "\ud800" in INTERESTING
    assert ANY_CHAR.validate() is None


@pytest.mark.parametrize("name", STEPS)
@given(text=TEXTS)
@example(text="")
@example(text="\ud800 \U0001f469\u200d\U0001f4bb  x \r\n\r\n\r\n")
def test_step_is_total_and_idempotent(name: str, text: str) -> None:
    step = get_step(name)
    once = step(text)
    assert isinstance(once, str)
    assert step(once) == once


@pytest.mark.parametrize("name", STEPS)
@given(text=TEXTS)
def test_step_trace_replays_to_its_output(name: str, text: str) -> None:
    step = get_step(name)
    trace = Trace()
    trace.step = name
    out = step(text, trace)
    assert out == step(text)  # tracing does not change the result
    assert replay(text, trace.changes) == out
    for change in trace.changes:
        assert change.before != change.after
        assert change.rule, change


@pytest.mark.parametrize("name", STEPS)
@given(text=TEXTS)
def test_step_explain_replays_to_clean(name: str, text: str) -> None:
    e = explain(text, steps=[name])
    assert e.result == clean(text, steps=[name])
    assert e.replay() == e.result


@pytest.mark.parametrize("name", sorted(LETTERS_AND_DIGITS_KEPT & set(STEPS)))
@given(text=TEXTS)
def test_step_keeps_letters_and_digits(name: str, text: str) -> None:
    assert _alnum(get_step(name)(text)) == _alnum(text)


@pytest.mark.parametrize("preset", PRESET_NAMES)
@given(text=TEXTS)
@example(text="")
@example(text="a\u200b\u0301 \u00a0\u00a0b\n\n\n")
def test_preset_is_total_idempotent_and_explained(preset: str, text: str) -> None:
    out = clean(text, preset=preset)
    assert isinstance(out, str)
    assert clean(out, preset=preset) == out
    e = explain(text, preset=preset)
    assert e.result == out
    assert e.replay() == out


@pytest.mark.parametrize("preset", PRESET_NAMES)
def test_preset_pipeline_survives_pickle(preset: str) -> None:
    p = Pipeline.from_preset(preset)
    q = pickle.loads(pickle.dumps(p))
    assert q == p
    assert hash(q) == hash(p)
    sample = "Ko\u00a0Yong-chul  \u201cquoted\u201d \uace0\uc6a9\ucca0\u200b\n\n\n"
    assert q(sample) == p(sample)


@pytest.mark.parametrize("name", STEPS)
def test_step_pipeline_survives_pickle(name: str) -> None:
    p = Pipeline([name])
    q = pickle.loads(pickle.dumps(p))
    assert q == p
    assert q("Caf\u00e9  \u00a0x\n") == p("Caf\u00e9  \u00a0x\n")


@pytest.mark.parametrize("name", STEPS)
def test_step_has_docstring_examples(name: str) -> None:
    func = get_step(name).func
    assert ">>>" in (func.__doc__ or ""), f"step {name!r} needs a docstring with >>> examples"
