"""Line features for the boilerplate classifier (language-independent).

Each non-blank line of a document becomes a short vector of numbers that carry
across languages and scripts: length (with CJK characters weighted as words),
terminal punctuation (``. ! ? 。 ！ ？ ؟ । …`` and closing quotes), case shape
(for cased scripts only), shares of digits and symbols, stopword density in
the document's own language (lists in ``data/stopwords/``), link, e-mail,
date and price shapes, list bullets, table layout, duplicates and position.
A second pass adds the scores of the neighbouring lines (jusText's context
idea, learned rather than hand-set), so a heading or a short caption between
two paragraphs is kept while a run of short menu items is dropped.

>>> feats = line_features(["* Home", "This is a sentence, with words in it."], "en")
>>> feats[0][_F["bullet"]], feats[1][_F["term"]]
(1.0, 1.0)
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

import regex

from normkit.tables import data_dir

__all__ = [
    "CONTEXT_FEATURES",
    "FEATURES",
    "context_features",
    "detect_language",
    "line_features",
    "stopwords",
]

# ---------------------------------------------------------------------------
# Stopwords


@functools.cache
def stopwords() -> dict[str, frozenset[str]]:
    """Stopword lists by language code, from ``data/stopwords/<lang>.txt``.

    >>> "the" in stopwords()["en"]
    True
    """
    out: dict[str, frozenset[str]] = {}
    folder = data_dir() / "stopwords"
    if not folder.is_dir():  # pragma: no cover - broken install
        return out
    for path in sorted(folder.glob("*.txt")):
        words = []
        for raw in path.read_text(encoding="utf-8").splitlines():
            w = raw.strip()
            if w and not w.startswith("#"):
                words.append(unicodedata.normalize("NFC", w).lower())
        out[path.stem] = frozenset(words)
    return out


# Languages written without spaces between words: their lists hold particles
# that are counted inside runs of letters.
_UNSPACED = ("ja", "th", "zh")
# Particles per character differ by script; these factors bring the density of
# ordinary prose near that of spaced languages (about 0.3-0.5).
_PARTICLE_SCALE = {"ja": 1.5, "zh": 3.0, "th": 2.0}


@functools.cache
def _particle_pattern(lang: str) -> regex.Pattern[str]:
    words = sorted(stopwords().get(lang, ()), key=len, reverse=True)
    return regex.compile("|".join(regex.escape(w) for w in words) or r"(?!)")


_WORD = re.compile(r"\w+")
# Han (incl. extension A and compatibility ideographs), kana and Thai: scripts written without spaces
_CJK_CLASS = "[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]"
_CJK = re.compile(_CJK_CLASS)
_HANGUL_OR_CJK_DOC = re.compile(_CJK_CLASS + "{8}")


def detect_language(lines: Sequence[str]) -> str:
    """Guess the document's language from stopword hits of its longer lines;
    ``""`` when no list fits (the stopword feature is then neutral).

    >>> detect_language(["Der Hund und die Katze sind nicht in dem Haus."])
    'de'
    >>> detect_language(["これは日本語の文章です。私は東京に住んでいます。"])
    'ja'
    """
    sample: list[str] = []
    size = 0
    for line in lines:
        if len(line) >= 40:
            sample.append(line[:3000])
            size += min(len(line), 3000)
            if size > 3000:
                break
    if not sample:
        sample = list(lines[:50])
    # later rounds of one document usually keep the same sample: decide once per sample
    return _detect_sample("\n".join(sample))


@functools.cache
def _stopword_index() -> dict[str, tuple[str, ...]]:
    """Stopword -> the spaced languages whose lists hold it."""
    index: dict[str, list[str]] = {}
    for lang, stops in stopwords().items():
        if lang not in _UNSPACED:
            for w in stops:
                index.setdefault(w, []).append(lang)
    return {w: tuple(langs) for w, langs in index.items()}


@functools.lru_cache(maxsize=256)
def _detect_sample(sample: str) -> str:
    text = sample.lower()
    if _HANGUL_OR_CJK_DOC.search(text):
        n = max(1, len(_CJK.findall(text)))
        if n * 4 > len(text) * 0.5:  # mostly unspaced script
            best, score = "", 0.0
            for lang in _UNSPACED:
                if lang in stopwords():
                    s = len(_particle_pattern(lang).findall(text)) / n
                    if s > score:
                        best, score = lang, s
            return best if score > 0.05 else ""
    words = _WORD.findall(text)
    if not words:
        return ""
    index = _stopword_index()
    per_lang: dict[str, int] = {}
    for w, c in Counter(words).items():
        for lang in index.get(w, ()):
            per_lang[lang] = per_lang.get(lang, 0) + c
    best, best_hits = "", 0
    for lang in sorted(stopwords()):  # the first language with the most hits wins ties
        hits = per_lang.get(lang, 0)
        if hits > best_hits:
            best, best_hits = lang, hits
    if best_hits < max(3, 0.08 * len(words)):
        return ""
    return best


# ---------------------------------------------------------------------------
# Own features of one line

FEATURES: tuple[str, ...] = (
    "bias",
    "len_le8",
    "len_le20",
    "len_le40",
    "len_le80",
    "len_le160",
    "loglen",
    "words1",
    "words_le3",
    "words_le6",
    "term",
    "term_long",
    "colon",
    "ellipsis",
    "bullet",
    "bullet_nested",
    "numbered",
    "upper_start",
    "titlecase",
    "allcaps",
    "digits",
    "symbols",
    "stop",
    "stop_known",
    "comma",
    "url",
    "email",
    "sep",
    "date",
    "time",
    "price",
    "copyright",
    "table",
    "dup",
    "pos",
    "pos_head",
    "pos_tail",
    "quote",
    "paren",
)
_F = {name: i for i, name in enumerate(FEATURES)}


_TERMINAL = frozenset(".!?。！？؟।…;")
_CLOSERS = "\"'”’»)]」』›\u201d\u2019 "
_BULLETS = frozenset(("* ", "- ", "• ", "· ", "– ", "— ", "▪ ", "► ", "● "))
_NESTED = frozenset(("+ ", "o "))
_NUMBERED = re.compile(r"(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[.)]\s")
_URL = re.compile(r"https?://|www\.|\.(?:com|org|net|html?|php)\b", re.I)
# Each _URL alternative holds "://", "www." or one of these endings (no letter in them has a
# case-insensitive match other than its own upper case, so lower() finds them all).
_URL_ENDINGS = (".com", ".org", ".net", ".htm", ".php")


def _url_possible(text: str) -> bool:
    if "://" in text:
        return True
    low = text.lower()
    return "www." in low or any(e in low for e in _URL_ENDINGS)


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_SEP = re.compile(r"\s[|»›/·•>]\s|^[|»›]|[|»›]$")
_SEP_CHARS = frozenset("|»›/·•>")
_DATE = re.compile(
    r"\b(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}|\d{4}年|\d{1,2}月\d{1,2}日)"
    r"|\b\d{1,2}\s?[^\W\d_]{3,9}\.?,?\s\d{4}\b|\b[^\W\d_]{3,9}\.?\s\d{1,2},\s\d{4}\b"
)
# Necessary for a _DATE match (each alternative holds four digits in a row, a digit-separator-digit
# run or 月): a cheap test that spares the slow pattern most lines with digits.
_DATE_HINT = re.compile(r"\d{4}|\d[-./]\d|月")
_TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b")
_PRICE = re.compile(r"[$€£¥₩₽₹]\s?\d|\d\s?(?:[$€£¥₩₽₹]|USD|EUR|грн|руб|zł|Kč|kr)\b")
# Necessary for a _PRICE match: a currency sign or one of its currency words.
_PRICE_CHARS = frozenset("$€£¥₩₽₹")
_PRICE_WORDS = ("USD", "EUR", "грн", "руб", "zł", "Kč", "kr")
_DIGIT = re.compile(r"\d")
_SYMBOL = re.compile(r"[^\w\s]")
_TABLE = re.compile(r"\S {3,}\S")
_QUOTE_START = tuple("\"“„«'‘「『")
_NFEAT = len(FEATURES)
_CAP = 4096  # characters of a line looked at for counts and shares
_NEUTRAL_STOP = 0.3  # stopword density of ordinary prose (about 0.3-0.5 in the listed languages)


def _shape(text: str, lang: str, stops: frozenset[str]) -> list[float]:
    """Position-independent own features of one stripped, non-empty line
    (see :data:`FEATURES`; ``dup`` and the position features stay 0)."""
    f = [0.0] * _NFEAT
    f[0] = 1.0
    length = len(text)
    full = text
    if length > _CAP:  # very long lines: shares and counts from a sample
        text = text[:_CAP]
    scale = length / len(text)
    ascii_ = text.isascii()
    cjk = 0 if ascii_ else int(len(_CJK.findall(text)) * scale)
    eff = length + 2 * cjk
    if eff <= 8:
        f[1] = 1.0
    elif eff <= 20:
        f[2] = 1.0
    elif eff <= 40:
        f[3] = 1.0
    elif eff <= 80:
        f[4] = 1.0
    elif eff <= 160:
        f[5] = 1.0
    f[6] = math.log1p(eff) / 5.0
    tokens = text.split()
    nwords = int(len(tokens) * scale) + cjk // 2
    if nwords <= 1:
        f[7] = 1.0
    if nwords <= 3:
        f[8] = 1.0
    elif nwords <= 6:
        f[9] = 1.0
    core = full[-200:].rstrip(_CLOSERS)
    last = core[-1:]
    if last in _TERMINAL and not core.endswith("..."):
        f[10] = 1.0
        if nwords >= 8:
            f[11] = 1.0
    elif last == ":" or last == "：":
        f[12] = 1.0
    if core.endswith(("...", "…")):
        f[13] = 1.0
    head = text[:2]
    if head in _BULLETS:
        f[14] = 1.0
    elif head in _NESTED:
        f[15] = 1.0
    elif text[0].isalnum() and _NUMBERED.match(text):
        f[16] = 1.0
    # case shape, for cased scripts only
    firsts = [tok[0] for tok in tokens[:12]]
    caps = sum(map(str.isupper, firsts))
    cased = caps + sum(map(str.islower, firsts))  # no character is both
    if cased:
        if text[0].isupper() or (not text[0].isalpha() and caps and tokens[0][0] != text[0]):
            f[17] = 1.0
        if cased >= 2:
            f[18] = caps / cased
        if length >= 4 and text.isupper():
            f[19] = 1.0
    ndigits = 0 if text.isalpha() else len(_DIGIT.findall(text))
    has_digit = ndigits > 0
    if has_digit:
        f[20] = ndigits / len(text)
    f[21] = len(_SYMBOL.findall(text)) / len(text)
    if lang:
        if lang in _UNSPACED:
            if cjk:
                f[22] = min(
                    1.0, _PARTICLE_SCALE.get(lang, 2.0) * len(_particle_pattern(lang).findall(text)) / cjk
                )
        elif nwords >= 2:
            words = _WORD.findall(text.lower())
            if words:
                f[22] = sum(map(stops.__contains__, words)) / len(words)
        f[23] = 1.0
    elif nwords >= 5:
        # No stopword list fits the document: stand in a typical prose density for
        # sentence-length lines, so a language without a list is not read as furniture.
        f[22] = _NEUTRAL_STOP
        f[23] = 1.0
    else:
        f[23] = 1.0
    if nwords:
        f[24] = min(1.0, (text.count(",") + text.count("，") + text.count("、")) / nwords * 4)
    if ("http" in text or "www." in text or "." in text) and _url_possible(text) and _URL.search(text):
        f[25] = 1.0
    if "@" in text and _EMAIL.search(text):
        f[26] = 1.0
    if not _SEP_CHARS.isdisjoint(text) and _SEP.search(text):
        f[27] = 1.0
    if has_digit:
        if _DATE_HINT.search(text) and _DATE.search(text):
            f[28] = 1.0
        if ":" in text and _TIME.search(text):
            f[29] = 1.0
        if (not _PRICE_CHARS.isdisjoint(text) or any(w in text for w in _PRICE_WORDS)) and _PRICE.search(
            text
        ):
            f[30] = 1.0
    if "©" in text or "(c)" in text or "(C)" in text:
        f[31] = 1.0
    if text[0] == "|" or ("   " in text and _TABLE.search(text)):
        f[32] = 1.0
    if text.startswith(_QUOTE_START):
        f[37] = 1.0
    if text[0] == "(" and core.endswith(")"):
        f[38] = 1.0
    return f


_DUP, _POS, _POS_HEAD, _POS_TAIL = (_F[k] for k in ("dup", "pos", "pos_head", "pos_tail"))
assert (_POS, _POS_HEAD, _POS_TAIL) == (_DUP + 1, _DUP + 2, _DUP + 3)


def line_features(
    lines: Sequence[str], lang: str | None = None, cache: dict[str, list[float]] | None = None
) -> list[list[float]]:
    """Own features of each (stripped, non-empty) line of one document.

    ``lang`` is a stopword-list code (``detect_language`` when ``None``);
    ``cache`` (line -> position-independent features, for one language)
    saves work when the same document is scored again after edits.
    """
    if lang is None:
        lang = detect_language(lines)
    shapes = shape_rows(lines, lang, cache)
    out: list[list[float]] = []
    for base, tail in zip(shapes, position_tails(lines, shapes), strict=True):
        f = base[:_DUP]
        f.extend(tail)
        out.append(f)
    return out


def shape_rows(
    lines: Sequence[str], lang: str, cache: dict[str, list[float]] | None = None
) -> list[list[float]]:
    """Position-independent own features of each line (shared with ``cache``: do not modify)."""
    stops = stopwords().get(lang, frozenset()) if lang else frozenset()
    if cache is None:
        cache = {}
    out: list[list[float]] = []
    for line in lines:
        base = cache.get(line)
        if base is None:
            base = cache[line] = _shape(line, lang, stops)
        out.append(base)
    return out


def position_tails(lines: Sequence[str], shapes: Sequence[Sequence[float]]) -> list[list[float]]:
    """The features from ``dup`` to the end of each line's own vector: ``dup`` and the
    position features filled in, the rest copied from ``shapes``."""
    counts = Counter(lines)
    n = len(lines)
    last = max(1, n - 1)
    out: list[list[float]] = []
    for i, line in enumerate(lines):
        f = list(shapes[i][_DUP:])
        dup = counts[line]
        if dup > 1:
            f[0] = math.log1p(dup - 1) / 2.0
        f[1] = i / last
        if i < 3:
            f[2] = 1.0
        if n - i <= 3:
            f[3] = 1.0
        out.append(f)
    return out


# ---------------------------------------------------------------------------
# Context features (second pass)

CONTEXT_FEATURES: tuple[str, ...] = (
    "ctx_bias",
    "own",
    "prev1",
    "next1",
    "win3",
    "win10",
    "win30",
    "doc",
    "before_mass",
    "after_mass",
    "none_before",
    "none_after",
    "bullets3",
    "own_x_win3",
    "max3",
    "prose_before",
    "prose_after",
    "prose_near",
    "own_x_after",
    "own_x_before",
    "prev_short",
    "next_short",
    "after_end",
)


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def context_features(
    scores: Sequence[float],
    lines: Sequence[str],
    own: Sequence[Sequence[float]],
    ends: Sequence[bool] | None = None,
) -> list[list[float]]:
    """Context features from first-pass probabilities ``scores`` (0..1) of
    each line, the lines' texts (for the mass of likely content before and
    after), their own features (for bullets and short lines around) and
    ``ends``: which lines are section-end headings ("Related articles"); the
    lines after the first one that comes once half the likely content is
    behind get ``after_end``."""
    n = len(scores)
    if n == 0:
        return []
    pre = [0.0]
    for s in scores:
        pre.append(pre[-1] + s)
    mass = [0.0]
    for s, line in zip(scores, lines, strict=True):
        mass.append(mass[-1] + (len(line) if s > 0.5 else 0))
    total_mass = mass[-1] or 1.0
    bl = [0.0]
    bi = _F["bullet"]
    bn = _F["bullet_nested"]
    tl = _F["term_long"]
    short = [f[_F["len_le8"]] + f[_F["len_le20"]] for f in own]
    prose = [scores[i] > 0.7 and own[i][tl] > 0 for i in range(n)]
    last_prose = [-1] * n
    k = -1
    for i in range(n):
        last_prose[i] = k
        if prose[i]:
            k = i
    next_prose = [-1] * n
    k = -1
    for i in range(n - 1, -1, -1):
        next_prose[i] = k
        if prose[i]:
            k = i
    for f in own:
        bl.append(bl[-1] + (1.0 if f[bi] or f[bn] else 0.0))
    doc = pre[-1] / n

    def wins(k: int) -> list[float]:
        """Mean score of the (up to) k lines on each side, the line itself left out."""
        return [
            (pre[hi] - pre[lo] - s) / (hi - lo - 1) if hi - lo - 1 > 0 else doc
            for i, s in enumerate(scores)
            for lo, hi in ((i - k if i > k else 0, i + k + 1 if i + k + 1 < n else n),)
        ]

    win3, win10, win30 = wins(3), wins(10), wins(30)

    after_end = [0.0] * n
    if ends is not None:
        half = mass[-1] / 2
        for i in range(n):
            if ends[i] and mass[-1] and mass[i] >= half:
                for j in range(i + 1, n):
                    after_end[j] = 1.0
                break
    # column by column (the same arithmetic per value as a row-wise loop), rows zipped at the end
    sc = list(scores)
    rng = range(n)
    los = [i - 3 if i > 3 else 0 for i in rng]
    his = [i + 4 if i + 4 < n else n for i in rng]
    lm = mass[-1]
    before = [m / total_mass for m in mass[:-1]]
    after = [(total_mass - m) / total_mass for m in mass[1:]] if lm else [0.0] * n
    pbs = [math.log1p(i - k) / 4 if k >= 0 else 1.5 for i, k in enumerate(last_prose)]
    pas = [math.log1p(k - i) / 4 if k >= 0 else 1.5 for i, k in enumerate(next_prose)]
    cols: list[list[float]] = [
        [1.0] * n,
        [_logit(s) / 4 for s in sc],
        [0.0, *sc[:-1]],
        [*sc[1:], 0.0],
        win3,
        win10,
        win30,
        [doc] * n,
        before,
        after,
        [1.0 if m == 0 else 0.0 for m in mass[:-1]],
        [1.0 if lm and m >= lm else 0.0 for m in mass[1:]],
        [(bl[hi] - bl[lo]) / (hi - lo) for lo, hi in zip(los, his, strict=True)],
        [s * w for s, w in zip(sc, win3, strict=True)],
        [max(sc[lo:hi]) for lo, hi in zip(los, his, strict=True)],
        pbs,
        pas,
        [min(pb, pa) for pb, pa in zip(pbs, pas, strict=True)],
        [s * a for s, a in zip(sc, after, strict=True)],
        [s * b for s, b in zip(sc, before, strict=True)],
        [1.0, *short[:-1]],
        [*short[1:], 1.0],
        after_end,
    ]
    return [list(row) for row in zip(*cols, strict=True)]


# ---------------------------------------------------------------------------
# The main-content span


def word_weight(line: str) -> int:
    """Words in a line, counting two CJK/Thai characters as one word.

    >>> word_weight("two words"), word_weight("政府は月曜日")
    (2, 4)
    """
    sample = line if len(line) <= _CAP else line[:_CAP]
    scale = len(line) / max(1, len(sample))
    n = len(sample.split())
    if not sample.isascii():
        n += len(_CJK.findall(sample)) // 2
    return int(n * scale)


def best_span(scores: Sequence[float], weights: Sequence[float], threshold: float) -> tuple[int, int]:
    """The run of lines ``[a, b]`` maximising ``sum((s - threshold) * (w + 1))``
    (Kadane); ``(0, -1)`` when no line scores above ``threshold``.

    >>> best_span([0.1, 0.9, 0.4, 0.8, 0.1], [1, 10, 1, 10, 1], 0.5)
    (1, 3)
    """
    best = 0.0
    cur = 0.0
    start = 0
    span = (0, -1)
    for k, (s, w) in enumerate(zip(scores, weights, strict=True)):
        v = (s - threshold) * (w + 1)
        if cur <= 0:
            cur = v
            start = k
        else:
            cur += v
        if cur > best:
            best = cur
            span = (start, k)
    return span


SPAN_FEATURES: tuple[str, ...] = ("in_span", "before_span", "after_span")


def span_features(scores: Sequence[float], weights: Sequence[float], threshold: float) -> list[list[float]]:
    """Whether each line lies in the best span, and how far before/after it."""
    a, b = best_span(scores, weights, threshold)
    out: list[list[float]] = []
    for k in range(len(scores)):
        if a <= k <= b:
            out.append([1.0, 0.0, 0.0])
        elif k < a:
            out.append([0.0, math.log1p(a - k) / 3, 0.0])
        else:
            out.append([0.0, 0.0, math.log1p(k - b) / 3])
    return out
