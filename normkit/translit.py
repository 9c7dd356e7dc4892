"""Cyrillic to Latin transliteration in the systems people meet.

Languages: Russian (``ru``), Ukrainian (``uk``), Belarusian (``be``),
Bulgarian (``bg``), Macedonian (``mk``) and Serbian (``sr``). Systems:

- ``iso9``: ISO 9:1995 (GOST 7.79 system A), one Latin letter per Cyrillic letter;
- ``scientific``: the linguists' system (č š ž, x for х);
- ``bgn_pcgn``: BGN/PCGN (for uk, bg, mk and sr the national system it adopted);
- ``icao``: ICAO Doc 9303, the passport system (Russia's official one);
- ``ala_lc``: the Library of Congress tables (with tie bars);
- ``national``: each country's official system (Ukraine 2010, Bulgaria 2009,
  North Macedonia, Serbian Latin, Belarus 2007, Russia = ICAO);
- ``wikipedia``: English Wikipedia's reader-friendly Russian system;
- ``ascii``: a reader-friendly ASCII spelling for any of the languages (what
  :func:`fold_cyrillic` writes).

Every system is a table in ``data/slavic/systems/``: one row per Cyrillic
letter or letter group, with an optional context (word start, word end,
after or before given letters). Capitals follow the source: ``Щука`` gives
``Shchuka``, ``ЩУКА`` gives ``SHCHUKA``. Letters a table does not list (a
Ukrainian ``ї`` in Russian text) fall back to ISO 9, then to an ASCII
spelling, so the functions are total.

>>> transliterate("Володимир Зеленський")
'Volodymyr Zelenskyi'
>>> transliterate("Юлия Щеглова", "ru", system="icao")
'Iuliia Shcheglova'
>>> detect_language("Аляксандр Лукашэнка")
'be'
>>> fold_cyrillic("Радмила Шекеринска")
'Radmila Shekerinska'
"""

from __future__ import annotations

import dataclasses
import functools
import unicodedata

import regex

__all__ = [
    "LANGUAGES",
    "SYSTEMS",
    "Transliteration",
    "detect_language",
    "fold_cyrillic",
    "transliterate",
    "transliterate_explained",
]

LANGUAGES: tuple[str, ...] = ("ru", "uk", "be", "bg", "mk", "sr")
SYSTEMS: tuple[str, ...] = (
    "iso9",
    "scientific",
    "bgn_pcgn",
    "icao",
    "ala_lc",
    "national",
    "wikipedia",
    "ascii",
)

_ALIASES = {
    "iso_9": "iso9",
    "iso9_1995": "iso9",
    "gost_779": "iso9",
    "bgn": "bgn_pcgn",
    "pcgn": "bgn_pcgn",
    "icao_doc_9303": "icao",
    "icao_9303": "icao",
    "passport": "icao",
    "alalc": "ala_lc",
    "lc": "ala_lc",
    "official": "national",
    "wiki": "wikipedia",
}

# Word: a run of Cyrillic letters (with combining marks), apostrophes allowed inside.
_WORD = regex.compile(r"\p{Cyrillic}[\p{Cyrillic}\p{Mn}]*(?:['’ʼ]\p{Cyrillic}[\p{Cyrillic}\p{Mn}]*)*")
_MARKS = regex.compile(r"\p{Mn}+")


@dataclasses.dataclass(frozen=True)
class _Rule:
    cyr: str
    lat: str
    start: bool
    end: bool
    after: frozenset[str] | None
    before: frozenset[str] | None
    contextual: bool
    where: str  # "file.tsv:line"


@dataclasses.dataclass(frozen=True)
class _Table:
    name: str
    rules: dict[str, tuple[_Rule, ...]]  # first letter -> rules, most specific first


@dataclasses.dataclass(frozen=True)
class Transliteration:
    """What :func:`transliterate_explained` returns: the output, the language
    used (and whether it was detected), the system and table(s) used."""

    text: str
    lang: str | None
    detected: bool
    system: str
    tables: tuple[str, ...]

    def __str__(self) -> str:
        how = "detected" if self.detected else "given"
        tables = ", ".join(self.tables)
        return f"{self.text!r} ({self.system}, language {self.lang or 'none'} {how}; tables {tables})"


def _parse_context(ctx: str) -> tuple[bool, bool, frozenset[str] | None, frozenset[str] | None]:
    start = end = False
    after: set[str] | None = None
    before: set[str] | None = None
    for part in filter(None, (p.strip() for p in ctx.split("|"))):
        if part == "start":
            start = True
        elif part == "end":
            end = True
        elif part.startswith("after:"):
            after = (after or set()) | set(part[6:])
        elif part.startswith("before:"):
            before = (before or set()) | set(part[7:])
        else:
            raise ValueError(f"unknown context {part!r}")
    return (
        start,
        end,
        (frozenset(after) if after is not None else None),
        (frozenset(before) if before is not None else None),
    )


@functools.cache
def _table(filename: str) -> _Table:
    from normkit.tables import load

    t = load(
        "slavic",
        "systems",
        filename,
        columns=("cyrillic", "latin", "context", "note"),
        required=("cyrillic",),
    )
    by_first: dict[str, list[_Rule]] = {}
    for row in t:
        start, end, after, before = _parse_context(row["context"])
        contextual = start or end or after is not None or before is not None
        rule = _Rule(
            row["cyrillic"], row["latin"], start, end, after, before, contextual, f"{filename}:{row.line}"
        )
        by_first.setdefault(rule.cyr[0], []).append(rule)
    ordered = {
        k: tuple(
            sorted(v, key=lambda r: (-len(r.cyr), not r.end, not r.start, r.after is None, not r.contextual))
        )
        for k, v in by_first.items()
    }
    return _Table(filename, ordered)


def _canon_system(system: str) -> str:
    s = system.strip().lower().replace("-", "_").replace("/", "_").replace(" ", "_")
    s = _ALIASES.get(s, s)
    if s not in SYSTEMS:
        raise ValueError(f"unknown transliteration system {system!r}; expected one of {', '.join(SYSTEMS)}")
    return s


def _tables_for(system: str, lang: str) -> tuple[str, ...]:
    """Table files for a system and language, most specific first (ISO 9 last as fallback)."""
    if system in ("iso9", "icao"):
        names: tuple[str, ...] = (f"{system}.tsv",)
    elif system == "ascii":
        names = {
            "ru": ("wikipedia-ru.tsv",),
            "uk": ("national-uk.tsv",),
            "be": ("bgn_pcgn-be.tsv",),
            "bg": ("national-bg.tsv",),
            "mk": ("national-mk.tsv",),
            "sr": ("national-sr.tsv",),
        }[lang]
    elif system == "wikipedia":
        names = ("wikipedia-ru.tsv",) if lang == "ru" else _tables_for("ascii", lang)
    else:
        names = (f"{system}-{lang}.tsv",)
    return names if names[-1] == "iso9.tsv" else (*names, "iso9.tsv")


_VOWELS = frozenset("аеёиоуыэюяіїєѐѝ")
_BE_HINT = regex.compile(r"[шжчцр]э|дз[ьеіяюё]|ц[іяюё]|іч\b|[аоеё]ў|ўна\b")
_UK_HINT = regex.compile(r"[сцз]ьк")
_BG_HARD = regex.compile(r"ъ(?![еёюя'’])")


def detect_language(text: str) -> str | None:
    """The language of Cyrillic ``text`` from its letters; ``None`` when it
    has no Cyrillic letters. Russian is the default when no letter decides.

    >>> detect_language("Київ"), detect_language("Мікалай"), detect_language("Ђоковић")
    ('uk', 'be', 'sr')
    >>> detect_language("Ѓорѓе"), detect_language("Съединение"), detect_language("Hello")
    ('mk', 'ru', None)
    >>> detect_language("Стъпка")
    'bg'
    """
    low = text.lower()
    letters = set(low)
    if not any("\u0400" <= c <= "\u04ff" for c in letters):
        return None
    if letters & set("ђћ"):
        return "sr"
    if letters & set("ѓќѕѐѝ"):
        return "mk"
    if letters & set("љњџј"):
        return "sr"
    if letters & set("їєґ"):
        return "uk"
    if "ў" in letters:
        return "be"
    if "і" in letters:
        if "и" in letters:
            return "uk"
        if letters & set("ыэё") or _BE_HINT.search(low):
            return "be"
        if not letters & set("щье"):  # Belarusian has no щ; without и, ь or е nothing points to Ukrainian
            return "be"
        return "uk"
    if _BE_HINT.search(low) and "и" not in letters and "щ" not in letters:
        return "be"
    if _UK_HINT.search(low):
        return "uk"
    if "ъ" in letters and _BG_HARD.search(low) and not letters & set("ыэё"):
        return "bg"
    if "ьо" in low and not letters & set("ыэёъ"):
        return "bg"
    return "ru"


def _resolve(text: str, lang: str | None) -> tuple[str, bool]:
    if lang is None:
        return detect_language(text) or "ru", True
    code = lang.strip().lower()[:2]
    if code == "by":
        code = "be"
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return code, False


def _apply_case(out: str, src: str, upper_word: bool) -> str:
    if not src[:1].isupper() or not out:
        return out
    if upper_word:
        return out.upper()
    for i, ch in enumerate(out):
        if ch.isalpha():
            return out[:i] + ch.upper() + out[i + 1 :]
    return out


def _word(word: str, tables: tuple[_Table, ...]) -> str:
    word = _MARKS.sub("", unicodedata.normalize("NFC", word))
    low = word.lower()
    if len(low) != len(word):  # a letter whose lower case changes length: work letter by letter
        low = "".join(c.lower()[:1] or c for c in word)
    n = len(low)
    letters = [c for c in word if c.isalpha()]
    upper_word = len(letters) > 1 and all(c.isupper() for c in letters)
    out: list[str] = []
    i = 0
    while i < n:
        ch = low[i]
        done = False
        for table in tables:
            for rule in table.rules.get(ch, ()):
                k = len(rule.cyr)
                if low[i : i + k] != rule.cyr:
                    continue
                if rule.contextual:
                    ok = False
                    if rule.start and i == 0:
                        ok = True
                    if rule.end and i + k == n:
                        ok = True
                    if rule.after is not None and i > 0 and low[i - 1] in rule.after:
                        ok = True
                    if rule.before is not None and i + k < n and low[i + k] in rule.before:
                        ok = True
                    if not ok:
                        continue
                out.append(_apply_case(rule.lat, word[i], upper_word))
                i += k
                done = True
                break
            if done:
                break
        if not done:
            out.append(word[i])
            i += 1
    return "".join(out)


def _run(text: str, lang: str | None, system: str) -> Transliteration:
    sysname = _canon_system(system)
    code, detected = _resolve(text, lang)
    names = _tables_for(sysname, code)
    tables = tuple(_table(n) for n in names)
    if sysname == "ascii":
        out = _WORD.sub(lambda m: _ascii_word(_word(m.group(0), tables)), text)
    else:
        out = _WORD.sub(lambda m: _word(m.group(0), tables), text)
    return Transliteration(
        out, code if (lang is not None or detect_language(text)) else None, detected, sysname, names
    )


_SR_ASCII = str.maketrans(
    {"đ": "dj", "Đ": "Dj", "ć": "c", "Ć": "C", "č": "c", "Č": "C", "š": "s", "Š": "S", "ž": "z", "Ž": "Z"}
)
_MARK_CHARS = str.maketrans({"’": "", "”": "", "ʹ": "", "ʺ": "", "·": ""})


def _ascii_word(out: str) -> str:
    out = out.translate(_SR_ASCII).translate(_MARK_CHARS)
    if out.isascii():
        return out
    from unidecode import unidecode

    return unidecode(out)


@functools.lru_cache(maxsize=256)
def _word_tables(system: str, lang: str) -> tuple[str, tuple[_Table, ...]]:
    sysname = _canon_system(system)
    code, _ = _resolve("", lang)
    return sysname, tuple(_table(n) for n in _tables_for(sysname, code))


def transliterate_known(text: str, lang: str, system: str) -> str:
    """:func:`transliterate` for a known language, without detection or a
    result record: the fast path for building tables from many entries.

    >>> transliterate_known("Шекеринска", "mk", "national") == transliterate("Шекеринска", "mk")
    True
    """
    sysname, tables = _word_tables(system, lang)
    if sysname == "ascii":
        return _WORD.sub(lambda m: _ascii_word(_word(m.group(0), tables)), text)
    return _WORD.sub(lambda m: _word(m.group(0), tables), text)


def transliterate(text: str, lang: str | None = None, system: str = "national") -> str:
    """Transliterate the Cyrillic words of ``text`` to Latin; everything else is kept.

    Args:
        text: any text; only Cyrillic words change.
        lang: ``ru``, ``uk``, ``be``, ``bg``, ``mk`` or ``sr``; ``None`` detects
            it from the letters (see :func:`detect_language`).
        system: ``iso9``, ``scientific``, ``bgn_pcgn``, ``icao``, ``ala_lc``,
            ``national`` (default), ``wikipedia`` or ``ascii``.

    Raises:
        ValueError: for an unknown ``system`` or ``lang`` (never for the text).

    >>> transliterate("Шекеринска", "mk")
    'Shekerinska'
    >>> transliterate("Хрущёв", "ru", system="scientific")
    'Xruščëv'
    >>> transliterate("Ђоковић")
    'Đoković'
    """
    return _run(text, lang, system).text


def transliterate_explained(text: str, lang: str | None = None, system: str = "national") -> Transliteration:
    """Like :func:`transliterate`, also saying which language was used (and
    whether it was detected) and which tables.

    >>> r = transliterate_explained("Київ")
    >>> r.text, r.lang, r.detected, r.tables[0]
    ('Kyiv', 'uk', True, 'national-uk.tsv')
    """
    return _run(text, lang, system)


def fold_cyrillic(run: str) -> str:
    """ASCII spelling of a run of Cyrillic running text, for readers of
    English: the language is detected and its reader-friendly system used
    (Wikipedia's for Russian, the national systems otherwise, native ASCII
    conventions for Serbian: Đ as Dj). Non-Cyrillic characters are kept.

    >>> fold_cyrillic("Ельцин, Борис Николаевич")
    'Yeltsin, Boris Nikolayevich'
    >>> fold_cyrillic("Новак Ђоковић")
    'Novak Djokovic'
    """
    try:
        return _run(run, None, "ascii").text
    except (ValueError, KeyError, IndexError):  # pragma: no cover - defensive: stay total
        from unidecode import unidecode

        return unidecode(run)
