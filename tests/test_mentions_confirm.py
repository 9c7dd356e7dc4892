"""An unlisted spelling is rewritten only when same_name confirms the key match."""

from __future__ import annotations

import pytest

import normkit
from normkit import mentions


def test_key_match_needs_confirmation(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Wee Sung-lac spoke."
    assert normkit.clean(text) == "Wi Sung-lac spoke."  # key match, confirmed
    monkeypatch.setattr(mentions, "_same", lambda a, b: False)
    e = normkit.explain(text)
    assert e.result == text
    assert any("same_name confirms no spelling" in n.message for n in e.notes)
