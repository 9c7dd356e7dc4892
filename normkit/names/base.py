"""Types shared by the name engines and the dispatcher."""

from __future__ import annotations

import dataclasses

__all__ = ["Match", "NameMatch"]


@dataclasses.dataclass(frozen=True)
class Match:
    """An engine's verdict on two names: same or not, a score in [0, 1], and
    the reasons (which tokens or syllables were aligned, through which rule)."""

    same: bool
    score: float
    reasons: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class NameMatch:
    """What :func:`normkit.explain_match` returns: both names, the engine that
    judged them, both keys, the verdict and its reasons."""

    a: str
    b: str
    engine: str
    key_a: str
    key_b: str
    same: bool
    score: float
    reasons: tuple[str, ...]

    def __bool__(self) -> bool:
        return self.same

    def __str__(self) -> str:
        verdict = "same name" if self.same else "different names"
        lines = [f"{self.a!r} vs {self.b!r}: {verdict} ({self.engine}, score {self.score:.2f})"]
        lines.append(f"  keys: {self.key_a!r} / {self.key_b!r}")
        lines.extend(f"  {r}" for r in self.reasons)
        return "\n".join(lines)
