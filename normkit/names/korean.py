"""Korean personal names: keys, matching, romanisation, Hangul candidates.

(First version: Hangul names only; romanised names come next.)

>>> romanize("김정은")
'Gim Jeong-eun'
>>> fold_hangul("고용철")
'goyongcheol'
"""

from __future__ import annotations

from normkit.names.base import Match
from normkit.names.hangul import fold_hangul, syllables

__all__ = ["claim", "fold_hangul", "hangul_candidates", "key", "match", "romanize"]


def claim(name: str) -> float:
    """How surely ``name`` is a Korean name (0..1).

    >>> claim("김정은")
    1.0
    """
    return 1.0 if len(syllables(name)) >= 2 else 0.0


def key(name: str) -> str:
    """The key of a Korean name ("" without usable letters).

    >>> key("김정은") == key("김 정은")
    True
    """
    return fold_hangul("".join(syllables(name)))


def match(a: str, b: str) -> Match:
    """Whether two Korean names are one name.

    >>> match("김정은", "김정일").same
    False
    """
    ka, kb = key(a), key(b)
    same = bool(ka) and ka == kb
    return Match(same, 1.0 if same else 0.0, (f"keys {ka!r} / {kb!r}",))


def romanize(hangul: str, system: str = "rr") -> str:
    """Romanise a Hangul name (surname, space, hyphenated given name).

    >>> romanize("위성락")
    'Wi Seong-rak'
    """
    syl = syllables(hangul)
    if not syl:
        return ""
    parts = [fold_hangul(s) for s in syl]
    if len(parts) == 1:
        return parts[0].capitalize()
    return parts[0].capitalize() + " " + "-".join(parts[1:]).capitalize()


def hangul_candidates(name: str, limit: int = 5) -> list[str]:
    """Ranked Hangul reconstructions of a romanised name.

    >>> hangul_candidates("김정은")
    ['김정은']
    """
    syl = syllables(name)
    return ["".join(syl)][:limit] if syl else []
