"""Name keys and name matching: detect a name's origin, dispatch to its engine.

Engines are modules in this package with three functions:

- ``claim(name) -> float``: how surely the name is of the engine's origin (0..1);
- ``key(name) -> str``: the key shared by every spelling of one name ("" when
  the name has no usable letters);
- ``match(a, b) -> Match``: the verdict with reasons.

The dispatcher picks the engine with the highest claim (the ``generic`` engine
claims every name at 0.1). Keys are prefixed with the engine's name so keys of
different engines never collide.

>>> same_name("Gabriel García Márquez", "MARQUEZ, Gabriel")
False
>>> same_name("Ana María López", "LÓPEZ, Ana María")
True
"""

from __future__ import annotations

import importlib
from types import ModuleType

from normkit.names.base import Match, NameMatch

__all__ = ["ENGINES", "Match", "NameMatch", "explain_match", "name_key", "origin", "same_name"]

# Engine modules, in order of preference when claims tie.
ENGINES: tuple[str, ...] = ("korean", "slavic", "generic")

_MODULES: dict[str, ModuleType] = {}


def _engine(name: str) -> ModuleType:
    mod = _MODULES.get(name)
    if mod is None:
        mod = importlib.import_module(f"normkit.names.{name}")
        _MODULES[name] = mod
    return mod


def _claims(name: str) -> list[tuple[float, str]]:
    return [(float(_engine(e).claim(name)), e) for e in ENGINES]


# An engine owns a name on its own only when it claims it at least this
# surely; weaker claims (a given name that is common in many languages) only
# count when the other name of a pair is claimed strongly (see _pick_engine).
OWN = 0.3
PLAUSIBLE = 0.2


# A claim this sure ends the search: no other engine is asked. It is above
# the Slavic engine's highest claim (0.85), which Korean spellings such as
# "Suh Jin-suck" can reach, so only a Korean claim of 0.9 or more (Hangul,
# breves, a clear romanisation) stops early.
STRONG = 0.9

_HANGUL_FIRST = ("korean", "slavic", "generic")
_OTHERS_FIRST = ("slavic", "korean", "generic")


# McCune–Reischauer's breves (ŏ ŭ, precomposed or with U+0306) mark a Korean
# spelling even though Belarusian Łacinka also writes ŭ: ask Korean first.
_KOREAN_HINTS = frozenset("ŏŎŭŬ\u0306")


def _order(name: str) -> tuple[str, ...]:
    """Engines in the order to ask: the likeliest and cheapest first."""
    for ch in name:
        if (
            "\uac00" <= ch <= "\ud7a3"
            or "\u1100" <= ch <= "\u11ff"
            or "\u3130" <= ch <= "\u318f"
            or ch in _KOREAN_HINTS
        ):
            return _HANGUL_FIRST
    return _OTHERS_FIRST


def _origin(name: str) -> tuple[str, float]:
    best, best_engine = 0.0, "generic"
    for engine in _order(name):
        if engine not in ENGINES:
            continue
        score = float(_engine(engine).claim(name))
        if score > best:
            best, best_engine = score, engine
        if best >= STRONG:
            break
    if best < OWN:
        return "generic", best
    return best_engine, best


def origin(name: str) -> str:
    """The engine that claims ``name`` most surely (``generic`` if none claims
    it at least at ``OWN``). Engines are asked in order of likelihood and the
    search stops at the first claim of at least ``STRONG``."""
    return _origin(name)[0]


def name_key(name: str) -> str:
    """One deterministic key shared by every spelling of one name.

    Empty when the name has no usable letters.

    >>> name_key("López,  Ana-María") == name_key("ana maría lopez")
    True
    """
    engine = origin(name)
    k: str = _engine(engine).key(name)
    return f"{engine}:{k}" if k else ""


def _pick_engine(a: str, b: str) -> str:
    ea = origin(a)
    if ea == origin(b):
        # Both owned by one engine (each claim >= OWN), or by none.
        return ea
    ca, cb = dict((e, s) for s, e in _claims(a)), dict((e, s) for s, e in _claims(b))
    # The engine that best claims both: it must own one name (>= OWN) and
    # find the other plausible (>= PLAUSIBLE); otherwise the generic engine.
    engine = max(ENGINES, key=lambda e: (min(ca[e], cb[e]), max(ca[e], cb[e])))
    if max(ca[engine], cb[engine]) >= OWN and min(ca[engine], cb[engine]) >= PLAUSIBLE:
        return engine
    return "generic"


def explain_match(a: str, b: str) -> NameMatch:
    """Whether ``a`` and ``b`` are spellings of one name, and why."""
    engine = _pick_engine(a, b)
    mod = _engine(engine)
    m: Match = mod.match(a, b)
    ka, kb = mod.key(a), mod.key(b)
    return NameMatch(
        a,
        b,
        engine,
        f"{engine}:{ka}" if ka else "",
        f"{engine}:{kb}" if kb else "",
        m.same,
        m.score,
        m.reasons,
    )


def same_name(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` are spellings of one name. Never True for two
    names without usable letters."""
    engine = _pick_engine(a, b)
    return bool(_engine(engine).match(a, b).same)
