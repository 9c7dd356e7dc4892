"""Hangul syllable algebra: decompose and compose syllables, romanise them.

A precomposed Hangul syllable (U+AC00..U+D7A3) is ``0xAC00 + (L * 21 + V) * 28 + T``
with ``L`` the initial consonant (19), ``V`` the vowel (21) and ``T`` the final
(28, 0 = none). Decomposed text (conjoining jamo, as in NFD) is composed first.

The romanisation tables are letter tables for one syllable at a time; the name
formatting (surname, hyphens, customary spellings) lives in
:mod:`normkit.names.korean`.

>>> decompose("한")
(18, 0, 4)
>>> compose(18, 0, 4)
'한'
>>> fold_hangul("고용철")
'goyongcheol'
>>> fold_hangul("ㅊ")
'ch'
"""

from __future__ import annotations

import unicodedata

__all__ = [
    "FINALS",
    "INITIALS",
    "VOWELS",
    "compose",
    "decompose",
    "fold_hangul",
    "is_hangul",
    "is_syllable",
    "syllables",
    "to_nfc",
]

SBASE = 0xAC00
SCOUNT = 11172

# Compatibility jamo for each position (used for display and for lone jamo).
INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
FINALS = (
    "",
    *[
        "ㄱ",
        "ㄲ",
        "ㄳ",
        "ㄴ",
        "ㄵ",
        "ㄶ",
        "ㄷ",
        "ㄹ",
        "ㄺ",
        "ㄻ",
        "ㄼ",
        "ㄽ",
        "ㄾ",
        "ㄿ",
        "ㅀ",
        "ㅁ",
        "ㅂ",
        "ㅄ",
        "ㅅ",
        "ㅆ",
        "ㅇ",
        "ㅈ",
        "ㅊ",
        "ㅋ",
        "ㅌ",
        "ㅍ",
        "ㅎ",
    ],
)

# Revised Romanization letters (transliteration of one syllable, no sound change).
RR_INITIAL = (
    "g",
    "kk",
    "n",
    "d",
    "tt",
    "r",
    "m",
    "b",
    "pp",
    "s",
    "ss",
    "",
    "j",
    "jj",
    "ch",
    "k",
    "t",
    "p",
    "h",
)
RR_VOWEL = tuple(
    [
        "a",
        "ae",
        "ya",
        "yae",
        "eo",
        "e",
        "yeo",
        "ye",
        "o",
        "wa",
        "wae",
        "oe",
        "yo",
        "u",
        "wo",
        "we",
        "wi",
        "yu",
        "eu",
        "ui",
        "i",
    ]
)
RR_FINAL = (
    "",
    *[
        "k",
        "k",
        "k",
        "n",
        "n",
        "n",
        "t",
        "l",
        "k",
        "m",
        "l",
        "l",
        "l",
        "p",
        "l",
        "m",
        "p",
        "p",
        "t",
        "t",
        "ng",
        "t",
        "t",
        "k",
        "t",
        "p",
        "t",
    ],
)

# Romanisation of a lone compatibility jamo (U+3131..U+318E) in running text.
_JAMO_RR: dict[str, str] = {}
for _i, _c in enumerate(INITIALS):
    _JAMO_RR[_c] = RR_INITIAL[_i] or "ng"
for _i, _c in enumerate(VOWELS):
    _JAMO_RR[_c] = RR_VOWEL[_i]
for _i, _c in enumerate(FINALS):
    if _c and _c not in _JAMO_RR:
        _JAMO_RR[_c] = RR_FINAL[_i]
_JAMO_RR["ㄹ"] = "l"
# Conjoining jamo (U+1100.., U+1161.., U+11A8..) that did not compose into a syllable.
for _i in range(19):
    _JAMO_RR[chr(0x1100 + _i)] = RR_INITIAL[_i] or "ng"
for _i in range(21):
    _JAMO_RR[chr(0x1161 + _i)] = RR_VOWEL[_i]
for _i in range(1, 28):
    _JAMO_RR[chr(0x11A7 + _i)] = RR_FINAL[_i]


def is_syllable(ch: str) -> bool:
    """True for one precomposed Hangul syllable.

    >>> is_syllable("가"), is_syllable("ㄱ"), is_syllable("a")
    (True, False, False)
    """
    return len(ch) == 1 and SBASE <= ord(ch) < SBASE + SCOUNT


def is_hangul(ch: str) -> bool:
    """True for a Hangul syllable or any Hangul jamo (conjoining, compatibility, half-width).

    >>> is_hangul("ㅊ"), is_hangul("\\u1100"), is_hangul("x")
    (True, True, False)
    """
    if len(ch) != 1:
        return False
    o = ord(ch)
    return (
        SBASE <= o < SBASE + SCOUNT
        or 0x1100 <= o <= 0x11FF
        or 0x3131 <= o <= 0x318E
        or 0xA960 <= o <= 0xA97F
        or 0xD7B0 <= o <= 0xD7FF
        or 0xFFA0 <= o <= 0xFFDC
    )


def decompose(ch: str) -> tuple[int, int, int]:
    """Indices (initial, vowel, final) of one precomposed syllable.

    >>> decompose("김")
    (0, 20, 16)
    """
    s = ord(ch) - SBASE
    return s // 588, (s % 588) // 28, s % 28


def compose(initial: int, vowel: int, final: int = 0) -> str:
    """The syllable with these indices.

    >>> compose(0, 20, 16)
    '김'
    """
    return chr(SBASE + (initial * 21 + vowel) * 28 + final)


def to_nfc(text: str) -> str:
    """NFC-compose ``text`` (decomposed Hangul becomes syllables); never raises.

    >>> to_nfc("\\u1100\\u1175\\u11b7") == "김"
    True
    """
    try:
        return unicodedata.normalize("NFC", text)
    except Exception:  # pragma: no cover - normalize is total on str
        return text


def syllables(text: str) -> list[str]:
    """The precomposed syllables of ``text`` in order (after NFC), others dropped.

    >>> syllables("김 정-은!")
    ['김', '정', '은']
    """
    return [c for c in to_nfc(text) if SBASE <= ord(c) < SBASE + SCOUNT]


def _rr_syllable(ch: str, prev: str | None) -> str:
    i, v, f = decompose(ch)
    ini = RR_INITIAL[i]
    # RR writes ㄹㄹ as "ll" (실라 is silla).
    if i == 5 and prev is not None and is_syllable(prev) and decompose(prev)[2] == 8:
        ini = "l"
    return ini + RR_VOWEL[v] + RR_FINAL[f]


def fold_hangul(run: str) -> str:
    """ASCII Revised Romanization of the Hangul in ``run``, syllable by syllable.

    Meant for folding running text to ASCII: Hangul syllables and jamo become
    lower-case RR letters (no name formatting, no hyphens); every other
    character is kept as it is. ``ㄹ`` before ``ㄹ`` is written ``l`` (RR's
    ``ll``). Total: never raises.

    >>> fold_hangul("위성락")
    'wiseongrak'
    >>> fold_hangul("서울 ㅊㅋ")
    'seoul chk'
    >>> fold_hangul("실라")
    'silla'
    """
    text = to_nfc(run) if any(0x1100 <= ord(c) <= 0x11FF or 0xD7B0 <= ord(c) <= 0xD7FF for c in run) else run
    out: list[str] = []
    for idx, ch in enumerate(text):
        o = ord(ch)
        if SBASE <= o < SBASE + SCOUNT:
            out.append(_rr_syllable(ch, text[idx - 1] if idx else None))
        elif 0x3131 <= o <= 0x318E:
            out.append(_JAMO_RR.get(ch, ""))
        elif 0xFFA0 <= o <= 0xFFDC or 0x1100 <= o <= 0x11FF or 0xA960 <= o <= 0xA97F or 0xD7B0 <= o <= 0xD7FF:
            rr = _JAMO_RR.get(ch)
            if rr is None:
                compat = unicodedata.normalize("NFKC", ch)
                rr = _JAMO_RR.get(compat, "")
            out.append(rr)
        else:
            out.append(ch)
    return "".join(out)
