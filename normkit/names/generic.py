"""The fallback name engine for names no other engine claims.

It folds what does not change a name's identity: case, diacritics (through the
ASCII fold, so per-script overrides apply), separators and token order.

>>> key("  García-Márquez, Gabriel ")
'gabriel garcia marquez'
>>> match("Gabriel García Márquez", "MARQUEZ, Gabriel Garcia").same
True
>>> match("", "").same
False
"""

from __future__ import annotations

import unicodedata

import regex

from normkit.names.base import Match

__all__ = ["claim", "key", "match", "tokens"]

_TOKEN = regex.compile(r"[\p{L}\p{N}]+")


def tokens(name: str) -> list[str]:
    """Lower-case ASCII tokens of ``name`` (letters and digits only)."""
    from normkit.text import fold_ascii

    folded = fold_ascii(unicodedata.normalize("NFKC", name)).casefold()
    return _TOKEN.findall(folded)


def claim(name: str) -> float:
    """The generic engine claims every name weakly."""
    return 0.1


def key(name: str) -> str:
    """Sorted folded tokens; empty when the name has no letters or digits."""
    return " ".join(sorted(tokens(name)))


def match(a: str, b: str) -> Match:
    ka, kb = key(a), key(b)
    same = bool(ka) and ka == kb
    reason = (
        "equal generic keys" if same else ("no usable letters" if not ka or not kb else "generic keys differ")
    )
    return Match(same, 1.0 if same else 0.0, (f"{reason}: {ka!r} / {kb!r}",))
