"""Text steps (placeholder implementations; replaced by the full module)."""

from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

from normkit.pipeline import Trace, sub

_SPACES = re.compile(r"[ \t]+$|(?<=\S)[ \t]{2,}", re.M)


def normalize_unicode(text: str, *, form: str = "NFC") -> str:
    """Normalise to NFC (or NFKC)."""
    return unicodedata.normalize(form, text)


def remove_invisibles(text: str) -> str:
    """Remove zero-width characters."""
    return text.replace("\u200b", "")


_NBSP = re.compile("\u00a0")


def fix_typography(text: str, *, trace: Trace | None = None) -> str:
    """Replace no-break spaces."""
    return sub(_NBSP, " ", text, trace=trace, rule="nbsp")


def fix_whitespace(text: str) -> str:
    """Trailing spaces, runs of spaces and blank lines."""
    text = _SPACES.sub(lambda m: "" if m.group(0).strip(" \t") == "" and m.end() == len(m.string) or "\n" in m.string[m.end():m.end()+1] else " ", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.rstrip("\n") + "\n" if text.endswith("\n") else text


def fold_ascii(text: str) -> str:
    """ASCII fold."""
    return unidecode(text)


def casefold(text: str) -> str:
    """Casefold."""
    return text.casefold()


def collapse(text: str) -> str:
    """Collapse whitespace."""
    return " ".join(text.split())
