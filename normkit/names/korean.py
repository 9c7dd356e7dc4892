"""Korean personal names: keys, matching, romanisation and Hangul candidates.

A name in Hangul, in any romanisation (Revised Romanization, McCune–Reischauer
with or without breves, OFAC's apostrophes, North Korean usage, personal
spellings) or in Cyrillic (Kontsevich) is read as a sequence of syllables. A
Hangul syllable is exact; a romanised syllable is a set of possible jamo for
each position (initial, vowel, final), each with a cost, from the lattice
rules in ``data/korean/jamo_spellings.tsv``. Two names match when their
syllables align one to one and every aligned pair shares jamo cheaply enough.

The key maps every syllable to coarse classes that all spellings agree on
(plain, aspirated and tense consonants together; ㅓㅗㅜㅡ together; final n
and ng together; ㄹ/ㄴ/ㅇ before i and y together, the initial-sound rule), so
every spelling of one name has one key.

>>> key("Wi Sung-lac") == key("위성락") == key("WI, Song-rak")
True
>>> match("Wi Sung-lac", "위성락").same
True
>>> match("Kim Jong-un", "Kim Jong-il").same
False
>>> romanize("김정은", "mr")
'Kim Chŏng-ŭn'
>>> fold_hangul("고용철")
'goyongcheol'
"""

from __future__ import annotations

import dataclasses
import functools
import math
import unicodedata
from typing import NamedTuple

import regex

from normkit.names.base import Match
from normkit.names.hangul import FINALS, INITIALS, VOWELS, compose, decompose, fold_hangul, to_nfc

__all__ = [
    "claim",
    "cyrillic",
    "fold_hangul",
    "hangul_candidates",
    "key",
    "match",
    "romanize",
]

_INF = math.inf
Opts = dict[int, float]

# Indices of jamo.
_I = {c: i for i, c in enumerate(INITIALS)}
_V = {c: i for i, c in enumerate(VOWELS)}
_F = {c: i for i, c in enumerate(FINALS) if c}
_F["-"] = 0
_IEUNG, _RIEUL, _NIEUN = _I["ㅇ"], _I["ㄹ"], _I["ㄴ"]
# Vowels before which ㄹ/ㄴ and ㅇ alternate (initial-sound rule): ㅣ and the y-vowels.
_Y_VOWELS = frozenset(_V[c] for c in "ㅣㅑㅕㅛㅠㅒㅖ")

# Coarse classes for the key.
_ICLASS = [("k", "ㄱㄲㅋ"), ("t", "ㄷㄸㅌ"), ("p", "ㅂㅃㅍ"), ("j", "ㅈㅉㅊ"), ("s", "ㅅㅆ"), ("h", "ㅎ")]
_ICLASS += [("m", "ㅁ"), ("n", "ㄴㄹ"), ("", "ㅇ")]
_VCLASS = [("a", "ㅏ"), ("e", "ㅐㅔㅒㅖ"), ("ya", "ㅑ"), ("o", "ㅓㅗㅜㅡ"), ("yo", "ㅕㅛㅠ")]
_VCLASS += [("i", "ㅣㅢ"), ("wa", "ㅘ"), ("we", "ㅙㅚㅞ"), ("wo", "ㅝ"), ("wi", "ㅟ")]
_FCLASS = [
    ("k", "ㄱㄲㅋㄳㄺ"),
    ("n", "ㄴㅇㄵㄶ"),
    ("l", "ㄹㄼㄽㄾㅀ"),
    ("m", "ㅁㄻ"),
    ("p", "ㅂㅍㅄㄿ"),
    ("t", "ㄷㅅㅆㅈㅊㅌㅎ"),
]
IC = [""] * 19
VC = [""] * 21
FC = [""] * 28
for _cls, _chars in _ICLASS:
    for _c in _chars:
        IC[_I[_c]] = _cls
for _cls, _chars in _VCLASS:
    for _c in _chars:
        VC[_V[_c]] = _cls
for _cls, _chars in _FCLASS:
    for _c in _chars:
        FC[_F[_c]] = _cls


def _syl_class(i: int, v: int, f: int) -> str:
    """Key class of one syllable: the letters every spelling of it agrees on."""
    ic, vc = IC[i], VC[v]
    # ㄴ/ㄹ/ㅇ before i, y-vowels and e (initial-sound rule; Kontsevich writes ㅔ and ㅖ alike).
    if ic == "n" and (vc[0] in "iy" or vc == "e"):
        ic = ""
    if ic == "j" and vc[0] == "y":
        vc = vc[1:]
    return ic + vc + FC[f]


# --------------------------------------------------------------------------
# Tables


@dataclasses.dataclass(frozen=True)
class _Syl:
    """One syllable: possible jamo for each position with their costs."""

    ini: Opts
    vow: Opts
    fin: Opts
    cost: float  # cost of the cheapest reading
    cls: str  # key class of the cheapest reading
    text: str  # the spelling (or the Hangul syllable)
    hangul: bool = False
    parts: tuple[str, str, str] = ("", "", "")  # spelling of initial, vowel, final
    source: str = "jamo_spellings.tsv"  # the table the reading comes from
    seg_pen: float = 0.0  # segmentation penalty: rarity of the syllable in given names
    jamo: tuple[int, int, int] = (-1, -1, -1)  # (initial, vowel, final) of a Hangul syllable
    # Options against a Hangul syllable: with the rows that only a Hangul spelling can vouch for
    # (script "hangul" in jamo_spellings.tsv); None when the same as (ini, vow, fin).
    vs_hangul: tuple[Opts, Opts, Opts] | None = None
    # A cheap reading (cost <= _ATTESTED_COST) is a syllable seen in given names. An unattested
    # spelling ("wong": no 웡) is a misspelling, so its "hangul" rows apply against any spelling.
    attested: bool = True


_RULES_SOURCE = "jamo_spellings.tsv"
Seg = tuple[float, tuple[_Syl, ...]]  # a reading of one word: cost, syllables


def _best(o: Opts) -> int:
    return min(o, key=lambda j: (o[j], j))


@functools.lru_cache(maxsize=12000)
def _hangul_syl(ch: str) -> _Syl:
    i, v, f = decompose(ch)
    return _Syl({i: 0.0}, {v: 0.0}, {f: 0.0}, 0.0, _syl_class(i, v, f), ch, True, jamo=(i, v, f))


_ATTESTED_COST = 0.5
# A spelling's entry: (rank in the table, options, cheapest cost, cheapest jamo, options against Hangul).
_Entry = tuple[int, Opts, float, int, Opts]


class _SylTable:
    """Romanised syllable spellings of one script, read lazily: ``get(text)`` splits ``text``
    into initial + vowel + final spellings of ``jamo_spellings.tsv`` and merges the options of
    every split (memoised per spelling; nothing is enumerated up front)."""

    __slots__ = (
        "_cache",
        "_class_pen",
        "_fin",
        "_given",
        "_ini",
        "_maxi",
        "_maxv",
        "_rime",
        "_vow",
        "maxlen",
    )

    def __init__(
        self,
        parts: dict[str, dict[str, Opts]],
        vs_hangul: dict[str, dict[str, Opts]],
        rimes: dict[str, tuple[int, int, float]],
    ) -> None:
        # Spelling -> (insertion rank, options, cheapest cost, cheapest jamo, options against Hangul).
        def prep(d: dict[str, Opts], h: dict[str, Opts]) -> dict[str, _Entry]:
            out = {}
            for k, (sp, o) in enumerate(d.items()):
                ho = dict(o)
                for j, c in h.get(sp, {}).items():
                    ho[j] = min(ho.get(j, _INF), c)
                out[sp] = (k, o, min(o.values()), _best(o), ho)
            return out

        self._ini = prep(parts["initial"], vs_hangul["initial"])
        self._vow = prep(parts["vowel"], vs_hangul["vowel"])
        self._fin = prep(parts["final"], vs_hangul["final"])
        self._maxi = max(map(len, self._ini), default=0)
        self._maxv = max(map(len, self._vow), default=0)
        longest = max(
            (len(si) + len(sv) for si in self._ini for sv in self._vow if not (si[-1:] == "h" == sv[:1])),
            default=0,
        )
        self.maxlen = longest + max(map(len, self._fin), default=0)
        # A rime (vowel and final spelt together, "ack" for ㅐㄱ): its cost is shared by both.
        self._rime: dict[str, tuple[_Entry, _Entry]] = {}
        for k, (sp, (v, f, c)) in enumerate(rimes.items()):
            half = c / 2
            self._rime[sp] = ((k, {v: half}, half, v, {v: half}), (0, {f: half}, half, f, {f: half}))
            self.maxlen = max(self.maxlen, self._maxi + len(sp))
        self._cache: dict[str, _Syl | None] = {}
        self._class_pen: dict[str, float] = {}
        self._given: dict[str, float] = {}

    def set_priors(self, pen: dict[str, float], given: dict[str, float]) -> None:
        """Segmentation penalty per key class; given-name syllables (for ``attested``)."""
        self._class_pen = pen
        self._given = given
        self._cache.clear()

    def get(self, text: str) -> _Syl | None:
        try:
            return self._cache[text]
        except KeyError:
            pass
        sy = self._cache[text] = self._build(text) if len(text) <= self.maxlen else None
        return sy

    def _build(self, text: str) -> _Syl | None:
        splits: list[tuple[int, int, str, str, str, _Entry, _Entry, _Entry]] = []
        ini, vow, fin = self._ini, self._vow, self._fin
        n = len(text)
        for a in range(min(n, self._maxi) + 1):
            si = text[:a]
            ei = ini.get(si)
            if ei is None:
                continue
            for b in range(a + 1, min(n, a + self._maxv) + 1):
                sv = text[a:b]
                ev = vow.get(sv)
                if ev is None or (si.endswith("h") and sv.startswith("h")):
                    continue
                sf = text[b:]
                ef = fin.get(sf)
                if ef is not None:
                    splits.append((ei[0], ev[0], si, sv, sf, ei, ev, ef))
            rime = self._rime.get(text[a:])
            if rime is not None:
                splits.append((ei[0], len(vow) + rime[0][0], si, text[a:], "", ei, *rime))
        if not splits:
            return None
        splits.sort(key=lambda x: (x[0], x[1]))
        io: Opts = {}
        vo: Opts = {}
        fo: Opts = {}
        hio: Opts = {}
        hvo: Opts = {}
        hfo: Opts = {}
        cost = _INF
        cls = ""
        jamo = (0, 0, 0)
        for *_, ei, ev, ef in splits:
            for mine, new in (
                (io, ei[1]),
                (vo, ev[1]),
                (fo, ef[1]),
                (hio, ei[4]),
                (hvo, ev[4]),
                (hfo, ef[4]),
            ):
                for j, c in new.items():
                    mine[j] = min(mine.get(j, _INF), c)
            c = ei[2] + ev[2] + ef[2]
            if c < cost:
                cost, jamo = c, (ei[3], ev[3], ef[3])
                cls = _syl_class(*jamo)
        first = splits[0]
        pen = self._class_pen.get(cls, 1.0) if self._class_pen else 0.0
        vs_h = None if (hio, hvo, hfo) == (io, vo, fo) else (hio, hvo, hfo)
        given = self._given
        attested = not given or any(
            compose(i, v, f) in given
            for i, ci in io.items()
            for v, cv in vo.items()
            for f, cf in fo.items()
            if ci + cv + cf <= _ATTESTED_COST
        )
        return _Syl(
            io,
            vo,
            fo,
            cost,
            cls,
            text,
            False,
            (first[2], first[3], first[4]),
            seg_pen=pen,
            vs_hangul=vs_h,
            attested=attested,
        )


@dataclasses.dataclass(frozen=True)
class _Rules:
    syl: dict[str, _SylTable]  # script -> Latin syllable spelling -> syllable
    maxlen: int
    cyr: list[tuple[str, str]]  # Cyrillic letter group -> Latin letters, longest first
    surnames: dict[str, float]  # Hangul surname -> log prior
    compound: frozenset[str]  # two-syllable surnames
    customary: dict[str, str]  # Hangul surname -> customary spelling
    latin_surnames: dict[str, dict[str, dict[str, float]]]  # script -> spelling -> {surname: log share}
    given: dict[str, float]  # Hangul syllable -> log prior in given names
    given_by_class: dict[str, list[tuple[str, float]]]  # key class -> syllables with log priors
    given_pos: dict[str, tuple[float, float]]  # syllable -> log prior as first / later given syllable
    surname_by_class: dict[str, list[str]]
    surname_syl: dict[str, dict[str, tuple[_Syl, ...]]]  # script -> spelling -> the surnames it writes


def _load_rules() -> _Rules:
    from normkit.tables import load

    t = load(
        "korean", "jamo_spellings.tsv", columns=("position", "spelling", "jamo", "cost", "script", "note")
    )
    parts: dict[str, dict[str, dict[str, Opts]]] = {
        s: {"initial": {}, "vowel": {}, "final": {}} for s in ("lat", "cyr")
    }
    # Rows read only against a Hangul name (script "hangul").
    vs_hangul: dict[str, dict[str, dict[str, Opts]]] = {
        s: {"initial": {}, "vowel": {}, "final": {}} for s in ("lat", "cyr")
    }
    index = {"initial": _I, "vowel": _V, "final": _F}
    rimes: dict[str, dict[str, tuple[int, int, float]]] = {"lat": {}, "cyr": {}}
    for row in t:
        pos, sp, jamo, cost = row["position"], row["spelling"], row["jamo"], float(row["cost"])
        if pos == "rime":  # vowel and final written together: jamo is the vowel then the final
            for script in ("cyr",) if row["script"] == "cyr" else ("lat", "cyr"):
                rimes[script][sp] = (_V[jamo[0]], _F[jamo[1:]], cost)
            continue
        j = index[pos][jamo]
        target = vs_hangul if row["script"] == "hangul" else parts
        for script in ("cyr",) if row["script"] == "cyr" else ("lat", "cyr"):
            d = target[script][pos].setdefault(sp, {})
            d[j] = min(d.get(j, _INF), cost)
    syl = {script: _SylTable(p, vs_hangul[script], rimes[script]) for script, p in parts.items()}
    maxlen = max(tb.maxlen for tb in syl.values())
    ct = load("korean", "cyrillic.tsv", columns=("cyrillic", "latin", "note"))
    cyr = sorted(((r["cyrillic"], r["latin"]) for r in ct), key=lambda x: -len(x[0]))

    st = load("korean", "surnames.tsv", columns=("hangul", "customary", "note"))
    customary = {r["hangul"]: r["customary"] for r in st}
    counts: dict[str, float] = {h: 1.0 for h in customary}
    for r in load("korean", "derived", "surname_counts.tsv", columns=("hangul", "count")):
        counts[r["hangul"]] = counts.get(r["hangul"], 0.0) + float(r["count"])
    total = sum(counts.values())
    surnames = {h: math.log(c / total) for h, c in counts.items()}
    compound = frozenset(h for h in surnames if len(h) == 2)
    latin_counts: dict[str, dict[str, float]] = {}
    for fname in (("surname_spellings.tsv",), ("derived", "surname_spellings.tsv")):
        for r in load("korean", *fname, columns=("hangul", "latin", "count")):
            lc = latin_counts.setdefault(r["latin"], {})
            lc[r["hangul"]] = lc.get(r["hangul"], 0.0) + float(r["count"] or 1)
    for h, cust in customary.items():  # every surname in its RR and customary spelling
        for sp in {fold_hangul(h), cust.lower()}:
            lc = latin_counts.setdefault(sp, {})
            lc[h] = lc.get(h, 0.0) + 1.0
    cyr_counts: dict[str, dict[str, float]] = {sp: dict(d) for sp, d in latin_counts.items()}
    cyr_compiled = _cyr_compile(cyr)
    for r in load("korean", "surname_cyrillic.tsv", columns=("hangul", "cyrillic", "note")):
        sp = _cyrillic_letters(r["cyrillic"], cyr_compiled)
        lc = cyr_counts.setdefault(sp, {})
        lc[r["hangul"]] = lc.get(r["hangul"], 0.0) + 3.0
    latin_surnames = {
        script: {sp: {h: math.log(c / sum(d.values())) for h, c in d.items()} for sp, d in counts_.items()}
        for script, counts_ in (("lat", latin_counts), ("cyr", cyr_counts))
    }
    gtable = load("korean", "derived", "given_syllables.tsv")
    gcounts = {r["syllable"]: float(r["count"]) for r in gtable}
    gfirst = {r["syllable"]: float(r.get("first", "0") or 0) for r in gtable}
    nfirst = sum(gfirst.values()) or 1.0
    nlater = (sum(gcounts.values()) - nfirst) or 1.0
    given_pos = {
        sy: (math.log((gfirst[sy] + 0.5) / nfirst), math.log((c - gfirst[sy] + 0.5) / nlater))
        for sy, c in gcounts.items()
    }
    gtotal = sum(gcounts.values()) or 1.0
    given = {s: math.log(c / gtotal) for s, c in gcounts.items()}
    given_by_class: dict[str, list[tuple[str, float]]] = {}
    for s, lp in given.items():
        if len(s) == 1 and 0xAC00 <= ord(s) <= 0xD7A3:
            given_by_class.setdefault(_hangul_syl(s).cls, []).append((s, lp))
    class_count: dict[str, float] = {}
    for cl, lst in given_by_class.items():
        class_count[cl] = sum(math.exp(lp) for _, lp in lst)
    top_count = max(class_count.values(), default=1.0)
    # Segmentation penalty of a syllable: rarity of its key class in given names (1.0 if unseen).
    class_pen = {cl: min(1.0, 0.12 * -math.log(n / top_count + 1e-4)) for cl, n in class_count.items()}
    for table in syl.values():
        table.set_priors(class_pen, given)
    surname_by_class: dict[str, list[str]] = {}
    for h in surnames:
        surname_by_class.setdefault("-".join(_hangul_syl(c).cls for c in h), []).append(h)
    surname_syl: dict[str, dict[str, tuple[_Syl, ...]]] = {"lat": {}, "cyr": {}}
    for script, sp, sd in [(sc, sp, sd) for sc, m in latin_surnames.items() for sp, sd in m.items()]:
        for n in (1, 2):
            hs = [h for h in sd if len(h) == n]
            if not hs:
                continue
            top = max(hs, key=lambda h: (sd[h], h))
            merged: list[_Syl] = []
            for kk in range(n):
                ini: Opts = {}
                vow: Opts = {}
                fin: Opts = {}
                for h in hs:
                    ji, jv, jf = decompose(h[kk])
                    ini[ji], vow[jv], fin[jf] = 0.0, 0.0, 0.0
                text = sp if n == 1 else f"{sp}[{kk + 1}]"
                cls = _hangul_syl(top[kk]).cls
                merged.append(_Syl(ini, vow, fin, 0.0, cls, text, False, ("", "", ""), "surname spellings"))
            surname_syl[script][sp] = tuple(merged)
            break
    return _Rules(
        syl,
        maxlen,
        cyr,
        surnames,
        compound,
        customary,
        latin_surnames,
        given,
        given_by_class,
        given_pos,
        surname_by_class,
        surname_syl,
    )


# A chunk spelt as one syllable at most this cheaply is read as that syllable without looking for a
# two-syllable reading; dearer personal spellings ("hoin", "boa") are cut both ways.
_WHOLE_MAX = 0.1


@functools.cache
def _rules() -> _Rules:
    return _load_rules()


# --------------------------------------------------------------------------
# Reading a name

_HANGUL_RE = regex.compile(r"[\p{Hangul}]")
_CYR_RE = regex.compile(r"\p{Cyrillic}")
_LATIN_RE = regex.compile(r"\p{Latin}")
# MR breves and OFAC's vowel apostrophes; aspiration apostrophes.
_BREVE = regex.compile(r"(?<=[ou])[\u0306\u02d8'’ʼ`](?=[a-z\u0306]|$|[^a-z])")
_WH = regex.compile(r"wh(?=[aeiouy])")
_ASPIRATE = regex.compile(r"(?<=k|t|p|ch)['’ʼ`]")


_MR_MARKS = regex.compile(
    r"(?i)[ŏ]|[ou]\u0306|[ou]['’ʼ`]|(?<=[bcdfghjklmnpqrstvwxz])ŭ|(?<![\p{L}])ŭ(?:n|m|l|ng|i)?(?![\p{L}])"
)
_SEPARATORS = regex.compile(r"[^a-z'\-]+")
# Cheap early exits before any lattice work: Slavic surname and patronymic endings that no
# Korean syllable sequence ends with (-ov/-ev, -ovich, -ovna, -sky/-ska, -enko, -czyk, -wicz;
# not -uk: Гук, Сук are Korean).
_SLAVIC_CYR = regex.compile(r"(?i)(?:ов|ев|ёв|ович|евич|овна|евна|ский|ская|цкий|цкая|енко)(?!\p{L})")
_SLAVIC_LAT = regex.compile(r"(?:sk[iyae]|ck[iya]|enko|czyk|wicz|ovich|evich)(?![a-z])")


def _fold_latin(text: str) -> str:
    """Lower-case letters of a romanised name; breves become eo/eu, aspiration apostrophes h.

    Separators other than hyphens and apostrophes become spaces.
    """
    w = text.lower()
    if not w.isascii() or "’" in w or "ʼ" in w or "`" in w:
        w = unicodedata.normalize("NFD", w.casefold())
        w = _BREVE.sub("\u0306", w)
        w = w.replace("o\u0306", "eo").replace("u\u0306", "eu").replace("\u0306", "")
        w = w.replace("’", "'").replace("ʼ", "'").replace("`", "'")
        w = "".join(c for c in w if not unicodedata.combining(c))
        if not w.isascii():
            from unidecode import unidecode

            w = unidecode(w).lower()
    if "'" in w:
        w = _BREVE.sub("\u0306", w)
        w = w.replace("o\u0306", "eo").replace("u\u0306", "eu").replace("\u0306", "")
        w = _ASPIRATE.sub("h", w)
    if "wh" in w:
        w = _WH.sub("hw", w)  # Whang, Myung-whun: h written after w
    return _SEPARATORS.sub(" ", w)


def _cyr_compile(pairs: list[tuple[str, str]]) -> tuple[regex.Pattern[str], dict[str, str]]:
    table = dict(pairs)
    keys = sorted(table, key=lambda k: (-len(k), k))
    return regex.compile("|".join(regex.escape(k) for k in keys)), table


@functools.cache
def _cyr_pattern() -> tuple[regex.Pattern[str], dict[str, str]]:
    return _cyr_compile(_rules().cyr)


_CYR_VOWELS = frozenset("аеёиоуыэюяaeiouy")


def _cyrillic_letters(text: str, compiled: tuple[regex.Pattern[str], dict[str, str]]) -> str:
    pattern, table = compiled
    s = unicodedata.normalize("NFC", text.casefold())

    def repl(m: regex.Match[str]) -> str:
        cy = m.group()
        if cy == "е":
            k = m.start()
            prev = s[k - 1] if k else " "
            return "e" if prev.isalpha() and prev not in _CYR_VOWELS else "ye"
        return table[cy]

    return pattern.sub(repl, s)


def cyrillic(text: str) -> str:
    """Read a Korean name written in Cyrillic as Latin letters (Kontsevich conventions).

    ``е`` after a consonant reads "e", elsewhere "ye".

    >>> cyrillic("Ким Чен Ын")
    'kim chen eun'
    """
    return _cyrillic_letters(text, _cyr_pattern())


class _Reading(NamedTuple):
    syls: tuple[_Syl, ...]
    cost: float
    nsur: int  # syllables of the surname (0 when unknown)
    as_written: bool = True  # the words in the order they were written


def _segment(s: str, script: str, top: int = 3, *, surname: bool = True) -> list[Seg]:
    """The ``top`` cheapest ways to cut a run of letters into romanised syllables."""
    return _segment_uncached(s, script, top, surname=surname)


def _segment_misread(s: str, script: str) -> list[Seg]:
    """A word that does not read, whose first letter l stands for a capital I (OCR and
    typing confusion in lists: "O ln-chun" for "O In-chun")."""
    if script == "lat" and len(s) > 1 and s[0] == "l" and s[1] not in "aeiouwy":
        return [(c + 0.5, sy) for c, sy in _segment("i" + s[1:], script, surname=False)]
    return []


def _segment_uncached(s: str, script: str, top: int = 3, *, surname: bool = True) -> list[Seg]:
    """The ``top`` cheapest ways to cut a run of letters into romanised syllables."""
    rules = _rules()
    table = rules.syl[script]
    whole = table.get(s)
    sur = rules.surname_syl[script].get(s) if surname else None
    if sur is not None:
        alt = (
            [(whole.cost + 0.5, (whole,))]
            if whole is not None and whole.cost <= _WHOLE_MAX
            else _segment_dp(s, table, rules.maxlen, top)
        )
        return [(0.5 * len(sur), sur), *alt][:top]
    if whole is not None:
        if whole.cost <= _WHOLE_MAX:
            return [(whole.cost + 0.5, (whole,))]
        return _segment_dp(s, table, rules.maxlen, top)  # includes the one-syllable reading
    return _segment_dp(s, table, rules.maxlen, top)


def _segment_dp(s: str, table: _SylTable, maxlen: int, top: int) -> list[Seg]:
    n = len(s)
    best: list[list[Seg]] = [[] for _ in range(n + 1)]
    best[0] = [(0.0, ())]
    for i in range(n):
        here = best[i]
        if not here:
            continue
        for j in range(i + 1, min(n, i + maxlen) + 1):
            sy = table.get(s[i:j])
            if sy is None:
                continue
            extra = sy.cost + sy.seg_pen + 0.5
            if i and _IEUNG in sy.ini and len(sy.ini) == 1:
                extra += 0.0  # a vowel-initial syllable inside a word
            lst = best[j]
            for c, path in here:
                lst.append((c + extra, (*path, sy)))
            if len(lst) > top:
                lst.sort(key=lambda x: x[0])
                del lst[top:]
    res = best[n]
    res.sort(key=lambda x: x[0])
    return res[:top]


@dataclasses.dataclass
class _Parsed:
    script: str  # hangul, lat, cyr, none
    words: tuple[tuple[Seg, ...], ...]  # per word: its cheapest segmentations
    comma: int  # number of words before a comma (0: none)
    ok: bool  # every word could be read
    readings: list[_Reading] | None = None  # filled by _readings
    given_words: tuple[tuple[Seg, ...], ...] = ()  # words without surname-table readings
    orders: list[tuple[float, list[int], int]] | None = None  # filled by _orders
    best: _Reading | None = None  # filled by _best_reading
    texts: tuple[str, ...] = ()  # per word: the letters of its cheapest segmentation


def _empty() -> _Parsed:
    return _Parsed("none", (), 0, False)


def _parse(name: str) -> _Parsed:
    """Read a name (scratch memo of the last few names: the dispatcher asks for
    the claim and then the key or match of the same string)."""
    p = _parse_cache.get(name)
    if p is None:
        if len(_parse_cache) > 8:
            _parse_cache.clear()
        p = _parse_cache[name] = _parse_uncached(name)
    return p


_parse_cache: dict[str, _Parsed] = {}


_MAX_NAME = 300  # longer text is not a personal name: not read (keeps every call fast)


def _parse_uncached(name: str) -> _Parsed:
    if not name or len(name) > _MAX_NAME:
        return _empty()
    text = name
    script = "lat"
    if not name.isascii():
        text = to_nfc(name)
        if _HANGUL_RE.search(text):
            syls = tuple(_hangul_syl(c) for c in text if 0xAC00 <= ord(c) <= 0xD7A3)
            hwords: tuple[tuple[Seg, ...], ...] = tuple(((0.0, (sy,)),) for sy in syls)
            return _Parsed("hangul", hwords, 0, bool(syls))
        if _CYR_RE.search(text):
            if _SLAVIC_CYR.search(text):
                return _Parsed("cyr", (), 0, False)
            script = "cyr"
            text = cyrillic(text)
    comma = 0
    head, sep, tail = text.partition(",")
    if sep and head.strip() and tail.strip():
        comma = len(_fold_latin(head).split()) if script == "lat" else len(head.split())
        text = head + " " + tail
    folded = _fold_latin(text) if script == "lat" else _SEPARATORS.sub(" ", text)
    if "v" in folded or "x" in folded or "q" in folded:  # letters no romanisation of Korean uses
        return _Parsed(script, (), 0, False)
    if script == "lat" and _SLAVIC_LAT.search(folded):
        return _Parsed(script, (), 0, False)
    words: list[tuple[Seg, ...]] = []
    ok = True
    multi = False
    given: list[tuple[Seg, ...]] = []
    texts: list[str] = []
    for w in folded.split():
        rw = _read_word(w, script)
        if rw is None:
            ok = False
            break
        if rw[0]:
            words.append(rw[0])
            given.append(rw[1])
            texts.append(rw[2])
            multi = multi or len(rw[0]) > 1
    if comma > len(words):
        comma = 0
    if not ok:  # a word that does not read as Korean: not a Korean name
        return _Parsed(script, (), 0, False)
    return _Parsed(script, tuple(words), comma, bool(words), None, tuple(given), texts=tuple(texts))


# A read word: its cheapest segmentations, the same without surname-table readings (for a
# given-name word), and the letters of the cheapest one.
_Word = tuple[tuple[Seg, ...], tuple[Seg, ...], str]
_word_cache: dict[tuple[str, str], _Word | None] = {}


def _read_word(w: str, script: str) -> _Word | None:
    """One word read (None: it does not read as Korean; no segmentations: no letters).
    Kept in a bounded memo: a word is read once however many names it appears in."""
    k = (w, script)
    try:
        return _word_cache[k]
    except KeyError:
        pass
    if len(_word_cache) > 50000:
        _word_cache.clear()
    segs = _read_word_uncached(w, script)
    v: _Word | None = None
    if segs is not None:
        given = segs
        if len(segs) > 1:
            given = tuple(sg for sg in segs if all(x.source == _RULES_SOURCE for x in sg[1])) or segs
        v = (segs, given, "".join(x.text for x in segs[0][1]) if segs else "")
    _word_cache[k] = v
    return v


def _read_word_uncached(w: str, script: str) -> tuple[Seg, ...] | None:
    if "-" not in w and "'" not in w:
        return tuple(_segment(w, script) or _segment_misread(w, script)) or None
    segs_per_chunk: list[list[Seg]] = []
    for chunk in w.replace("'", "-").split("-"):
        if chunk:
            segs_per_chunk.append(_segment(chunk, script, surname=False) or _segment_misread(chunk, script))
    if not segs_per_chunk:
        return ()
    if any(not sg for sg in segs_per_chunk):
        return None
    if len(segs_per_chunk) == 1:
        return tuple(segs_per_chunk[0])
    combos: list[Seg] = [(0.0, ())]
    for segs in segs_per_chunk:
        combos = [(c1 + c2, p1 + p2) for c1, p1 in combos for c2, p2 in segs]
        if len(combos) > 4:
            combos.sort(key=lambda x: x[0])
            del combos[4:]
    return tuple(combos)


_surname_cache: dict[tuple[str, int, str, bool], float] = {}


def _surname_score(sy: tuple[_Syl, ...], word: str | None = None, script: str = "lat") -> float:
    """Log prior that these syllables are a surname (-inf if no known surname fits).

    Scores of Latin spellings are kept in a bounded memo: a lexicon lookup per
    spelling, never a cache of whole names.
    """
    if not sy:
        return -_INF
    if sy[0].hangul:
        return _rules().surnames.get("".join(s.text for s in sy), -_INF)
    k = (word or "".join([x.text for x in sy]), len(sy), sy[0].source + script, word is None)
    v = _surname_cache.get(k)
    if v is None:
        if len(_surname_cache) > 50000:
            _surname_cache.clear()
        v = _surname_cache[k] = _surname_score_uncached(sy, word, script)
    return v


def _surname_score_uncached(sy: tuple[_Syl, ...], word: str | None, script: str) -> float:
    rules = _rules()
    if sy[0].hangul:
        return rules.surnames.get("".join(s.text for s in sy), -_INF)
    if word is not None:
        d = rules.latin_surnames[script].get(word)
        if d:
            return max(rules.surnames.get(h, -12.0) + lp for h, lp in d.items())
    if len(sy) > 2:
        return -_INF
    hs = rules.surname_by_class.get("-".join(s.cls for s in sy))
    if not hs:
        return -_INF
    best = -_INF
    for h in hs:
        c = sum(_pair_cost(x, _hangul_syl(ch), 0)[0] for x, ch in zip(sy, h, strict=False))
        if c <= _THRESHOLD_MAX:
            best = max(best, rules.surnames[h] - 1.0 - 3.0 * c)
    return best


def _word_text(segs: tuple[Seg, ...]) -> str:
    return "".join(s.text for s in segs[0][1])


def _readings(p: _Parsed, limit: int = 8) -> list[_Reading]:
    """Surname-first syllable sequences of a parsed name, cheapest first (at most 8)."""
    if p.readings is None:
        p.readings = _compute_readings(p)
    return p.readings[:limit]


def _orders(p: _Parsed) -> list[tuple[float, list[int], int]]:
    """Word orders to read a romanised name in: (cost, order, number of surname words)."""
    if p.orders is None:
        p.orders = _compute_orders(p)
    return p.orders


def _comma_flipped(p: _Parsed) -> bool:
    """A comma form whose words before the comma are no surname and after it one surname word."""
    words, c = p.words, p.comma
    if len(words) - c != 1:
        return False
    head: tuple[_Syl, ...] = tuple(sy for w in words[:c] for sy in w[0][1])
    head_text = "".join(p.texts[:c])
    if _surname_score(head, head_text, p.script) > -_INF:
        return False
    return _surname_score(words[c][0][1], p.texts[c], p.script) > -_INF


def _compute_orders(p: _Parsed) -> list[tuple[float, list[int], int]]:
    words = p.words
    orders: list[tuple[float, list[int], int]] = []  # (cost, word order, surname words)
    nw = len(words)
    if p.comma:
        c_comma, c_flip = 0.0, 1.0
        if p.comma < nw and _comma_flipped(p):
            c_comma, c_flip = 1.0, 0.0  # "Han Woong, Yeom": the given name before the comma
        orders.append((c_comma, list(range(nw)), p.comma))
        if p.comma < nw:
            orders.append((c_flip, list(range(p.comma, nw)) + list(range(p.comma)), nw - p.comma))
    elif nw == 1:
        orders.append((0.0, [0], 1))
    else:
        first = _surname_score(words[0][0][1], p.texts[0], p.script)
        last = _surname_score(words[-1][0][1], p.texts[-1], p.script)
        # Surname first (Korean order) unless the last word is clearly the surname.
        if first == -_INF and last == -_INF:
            c_first, c_last = 0.0, 0.4
        elif first == -_INF:
            c_first, c_last = 1.0, 0.0
        elif last == -_INF or nw >= 3 or p.script == "cyr" or last - first < 2.0:
            # (Cyrillic sources write Korean names surname first: Ким Чен Ын.)
            c_first, c_last = 0.0, 0.5
        else:
            c_first, c_last = 0.5, 0.0
        orders.append((c_first, list(range(nw)), 1))
        orders.append((c_last, [nw - 1, *range(nw - 1)], 1))
    return orders


def _best_reading(p: _Parsed) -> _Reading | None:
    """The cheapest reading (the first of :func:`_readings`), without building the others."""
    if p.readings is not None:
        return p.readings[0] if p.readings else None
    if p.best is not None:
        return p.best
    if not p.words:
        return None
    if p.script == "hangul":
        p.best = _compute_readings(p)[0]
        return p.best
    words, given = p.words, p.given_words
    best_cost, best_order, best_nsurw = _INF, None, 0
    for oc, order, nsurw in _orders(p):
        cost = oc
        for k, wi in enumerate(order):
            cost += words[wi][0][0] if k < nsurw else given[wi][0][0]
        if best_order is None or cost < best_cost:
            best_cost, best_order, best_nsurw = cost, order, nsurw
    if best_order is None:
        return None
    syls: tuple[_Syl, ...] = ()
    ns = 0
    for k, wi in enumerate(best_order):
        sy = words[wi][0][1] if k < best_nsurw else given[wi][0][1]
        syls += sy
        if k < best_nsurw:
            ns += len(sy)
    p.best = _Reading(syls, best_cost, ns, best_order[0] == 0)
    return p.best


def _compute_readings(p: _Parsed, limit: int = 8) -> list[_Reading]:
    if not p.words:
        return []
    if p.script == "hangul":
        syls = tuple(seg[0][1][0] for seg in p.words)
        n = 2 if len(syls) >= 3 and syls[0].text + syls[1].text in _rules().compound else 1
        return [_Reading(syls, 0.0, min(n, len(syls)))]
    words = p.words
    orders = _orders(p)
    given_segs = p.given_words
    out: list[_Reading] = []
    for oc, order, nsurw in orders:
        combos: list[tuple[float, tuple[_Syl, ...], int]] = [(oc, (), 0)]
        for k, wi in enumerate(order):
            if k < nsurw:
                wsegs = words[wi]
                if len(wsegs) == 1:
                    c2, p2 = wsegs[0]
                    combos = [(c1 + c2, p1 + p2, ns + len(p2)) for c1, p1, ns in combos]
                    continue
                combos = [(c1 + c2, p1 + p2, ns + len(p2)) for c1, p1, ns in combos for c2, p2 in wsegs]
            else:
                wsegs = given_segs[wi]  # surname spellings read surnames only
                if len(wsegs) == 1:
                    c2, p2 = wsegs[0]
                    combos = [(c1 + c2, p1 + p2, ns) for c1, p1, ns in combos]
                    continue
                combos = [(c1 + c2, p1 + p2, ns) for c1, p1, ns in combos for c2, p2 in wsegs]
            if len(combos) > limit:
                combos.sort(key=lambda x: x[0])
                del combos[limit:]
        written = order[0] == 0
        out.extend(_Reading(sy, c, ns, written) for c, sy, ns in combos)
    out.sort(key=lambda r: r.cost)
    return out[:limit]


# --------------------------------------------------------------------------
# Chinese names written in Hangul (Korean transcription of Mandarin)


@functools.cache
def _pinyin_table() -> tuple[dict[str, str], int]:
    from normkit.tables import load

    t = load("korean", "pinyin_hangul.tsv", columns=("pinyin", "hangul", "note"))
    table = {r["pinyin"]: r["hangul"] for r in t}
    return table, max(map(len, table), default=1)


def _pinyin_word(word: str) -> list[str]:
    """Hangul transcriptions of one pinyin word (fewest syllables first, at most 3)."""
    table, maxlen = _pinyin_table()
    n = len(word)
    best: list[list[tuple[int, str]]] = [[] for _ in range(n + 1)]
    best[0] = [(0, "")]
    for i in range(n):
        if not best[i]:
            continue
        for j in range(i + 1, min(n, i + maxlen) + 1):
            h = table.get(word[i:j])
            if h is not None:
                best[j].extend((k + 1, out + h) for k, out in best[i])
                if len(best[j]) > 3:
                    best[j].sort()
                    del best[j][3:]
    return [out for _, out in sorted(best[n])]


def _mandarin_forms(name: str) -> set[str]:
    """Hangul spellings of a pinyin name, words in written order or surname last."""
    if len(name) > _MAX_NAME:
        return set()
    words = [w for w in _fold_latin(name).replace("-", "").replace("'", "").split() if w]
    if not words or len(words) > 4:
        return set()
    per_word = [_pinyin_word(w) for w in words]
    if any(not f for f in per_word):
        return set()
    out: set[str] = set()
    for order in (per_word, per_word[-1:] + per_word[:-1]):
        forms = [""]
        for f in order:
            forms = [a + b for a in forms for b in f][:9]
        out.update(forms)
    return out


@functools.cache
def _pinyin_word_re() -> regex.Pattern[str]:
    table, _ = _pinyin_table()
    return regex.compile("(?:" + "|".join(sorted(table, key=lambda k: (-len(k), k))) + ")+")


def _is_pinyin(name: str) -> bool:
    """Every word of ``name`` is a run of pinyin syllables (a cheap test, for claim)."""
    if not name.isascii() or len(name) > _MAX_NAME:
        return False
    words = _fold_latin(name).replace("-", "").replace("'", "").split()
    pattern = _pinyin_word_re()
    return 0 < len(words) <= 4 and all(pattern.fullmatch(w) for w in words)


# --------------------------------------------------------------------------
# Claim, key, match


def claim(name: str) -> float:
    """How surely ``name`` is a Korean name (0..1).

    Hangul scores high; a romanised or Cyrillic name scores high only when every
    word reads as romanised Korean syllables, a known surname stands first or
    last, and the given name has one to three syllables.

    >>> claim("김정은") > 0.9, claim("KIM, Jong-un") > 0.5, claim("Ким Чен Ын") > 0.5
    (True, True, True)
    >>> claim("Kim Kardashian") < 0.2, claim("Andrey Artemenko") < 0.2
    (True, True)
    """
    try:
        return _claim(name)
    except Exception:  # pragma: no cover - claim must never raise
        return 0.0


def _claim(name: str) -> float:
    if not name or len(name) > 200:
        return 0.0
    p = _parse(name)
    if p.script == "hangul" or (not p.ok and not name.isascii() and _HANGUL_RE.search(name)):
        text = to_nfc(name)
        letters = [c for c in text if c.isalpha()]
        syl = [c for c in letters if 0xAC00 <= ord(c) <= 0xD7A3]
        if not syl:
            return 0.3
        share = len(syl) / len(letters)
        if share < 0.8:
            return 0.4 * share
        if 2 <= len(syl) <= 5:
            return 1.0 if (syl[0] in _rules().surnames or "".join(syl[:2]) in _rules().surnames) else 0.8
        return 0.6
    if not p.ok:
        # A pinyin name (Xi Jinping) is not Korean, but its Hangul transcription is
        # compared here: plausible for a pair with Hangul (0.2), never owned (under 0.3).
        return 0.2 if p.script == "lat" and _is_pinyin(name) else 0.0
    nw = len(p.words)
    if nw < 2 and not p.comma:
        # A single word: only a joined Korean name ("Kimjongun") reads this way.
        if nw == 1:
            seg = p.words[0][0]
            if 2 <= len(seg[1]) <= 4 and seg[0] / len(seg[1]) < 1.0:
                sc = _surname_score(seg[1][:1])
                return 0.3 if sc > -6 else 0.0
        return 0.0
    if nw > 5:
        return 0.0
    r = _best_reading(p)
    if r is None:
        return 0.0
    nsyl = len(r.syls)
    if not 2 <= nsyl <= 6:
        return 0.0
    ngiven = nsyl - r.nsur
    if ngiven < 1 or ngiven > 3 or r.nsur > 2:
        return 0.0
    # Every given-name word must be at most three syllables.
    for wsegs in p.words:
        if len(wsegs[0][1]) > 3:
            return 0.0
    sur = _surname_score(r.syls[: r.nsur])
    per = r.cost / nsyl
    score = 0.9 if sur > -7.5 else (0.65 if sur > -_INF else 0.15)
    if per > 0.9:
        score -= 0.35
    elif per > 0.7:
        score -= 0.15
    elif _MR_MARKS.search(name):
        score += 0.25  # McCune–Reischauer breves or OFAC's o' and u': Korean, not Belarusian ŭ
    return max(0.0, min(1.0, score))


def _key_from_reading(r: _Reading) -> str:
    """Surname and given name as class strings, in sorted order (so that a name
    whose two words could both be surnames has one key in either order)."""
    ns = r.nsur if 0 < r.nsur < len(r.syls) else len(r.syls)
    sur = "-".join(s.cls for s in r.syls[:ns])
    given = "-".join(s.cls for s in r.syls[ns:])
    return " ".join(sorted((sur, given))) if given else sur


def key(name: str) -> str:
    """The key shared by every spelling of one Korean name ("" when nothing reads).

    Surname first, one class string per syllable.

    >>> key("Ahn Gyu-baek") == key("Gyubaek Ahn") == key("안규백") == key("AN, Kyu-paek")
    True
    >>> key("") == key("123") == ""
    True
    """
    try:
        p = _parse(name)
        best = _best_reading(p)
        if best is None:
            if not any(c.isalpha() for c in name):
                return ""
            from normkit.names import generic

            return generic.key(name)
        return _key_from_reading(best)
    except Exception:  # pragma: no cover - key must never raise
        return ""


def _opt_cost(a: Opts, b: Opts) -> tuple[float, int]:
    if len(a) > len(b):
        a, b = b, a
    if len(a) == 1:
        for j, c in a.items():
            d = b.get(j)
            return (_INF, -1) if d is None else (c + d, j)
    best, bj = _INF, -1
    for j, c in a.items():
        d = b.get(j)
        if d is not None and c + d < best:
            best, bj = c + d, j
    return best, bj


_INITIAL_SOUND = 0.25  # cost of the initial-sound rule (리/이, 로/노)


def _pair_cost(a: _Syl, b: _Syl, pos: int) -> tuple[float, str]:
    if a.hangul:
        a, b = b, a
    ai, av, af = a.ini, a.vow, a.fin
    bi_, bv_, bf_ = b.ini, b.vow, b.fin
    if not b.hangul:
        # Between two romanisations the "hangul" rows apply to an unattested spelling only.
        if a.vs_hangul is not None and not a.attested:
            ai, av, af = a.vs_hangul
        if b.vs_hangul is not None and not b.attested:
            bi_, bv_, bf_ = b.vs_hangul
    else:
        # Two different Hangul syllables: only the initial-sound rule joins them.
        if a.hangul and (av.keys() != b.vow.keys() or af.keys() != b.fin.keys()):
            return _INF, "syllable"
        if a.vs_hangul is not None:
            ai, av, af = a.vs_hangul
        bi, bv, bf = b.jamo
        vc0 = av.get(bv)
        if vc0 is None:
            return _INF, "vowel"
        fc0 = af.get(bf)
        if fc0 is None:
            return _INF, "final"
        ic0 = ai.get(bi)
        if ic0 is not None and ic0 == 0.0:
            return vc0 + fc0, ""
    vc, vj = _opt_cost(av, bv_)
    if vc == _INF:
        return _INF, "vowel"
    fc, _ = _opt_cost(af, bf_)
    if fc == _INF:
        return _INF, "final"
    ic, _ = _opt_cost(ai, bi_)
    rule = ""
    if ic > 0.0:
        # Initial-sound rule: ㄹ ~ ㄴ anywhere, ㄹ/ㄴ ~ ㅇ before ㅣ and y-vowels.
        la = min((c for j, c in ai.items() if j in (_RIEUL, _NIEUN, _IEUNG)), default=_INF)
        lb = min((c for j, c in bi_.items() if j in (_RIEUL, _NIEUN, _IEUNG)), default=_INF)
        if la < _INF and lb < _INF:
            ieung_a = _IEUNG in ai and len(ai) == 1
            ieung_b = _IEUNG in bi_ and len(bi_) == 1
            if (ieung_a or ieung_b) and vj not in _Y_VOWELS:
                pass
            else:
                extra = _INITIAL_SOUND if pos <= 2 else 0.6
                if la + lb + extra < ic:
                    ic, rule = la + lb + extra, "initial-sound rule"
    if ic == _INF:
        return _INF, "initial"
    return ic + vc + fc, rule


_THRESHOLD_PER_SYL = 0.6
_SURNAME_MISSING = 0.3
_THRESHOLD_MAX = 1.0


def _compare(
    ra: _Reading,
    rb: _Reading,
    bound: float = _INF,
    memo: dict[tuple[int, int, bool], float] | None = None,
) -> float:
    """Total cost of aligning two readings syllable by syllable (inf if one pair fails, or
    as soon as the total exceeds ``bound``). ``memo`` keeps syllable-pair costs within
    one comparison of two names (the readings of a name share their syllables)."""
    total = 0.0
    bound += 1e-9
    for k, (x, y) in enumerate(zip(ra.syls, rb.syls, strict=True)):
        if x.text == y.text:
            continue
        if memo is None:
            c = _pair_cost(x, y, k)[0]
        else:
            mk = (id(x), id(y), k > 2)
            c = memo.get(mk, -1.0)
            if c < 0:
                c = memo[mk] = _pair_cost(x, y, k)[0]
        if c > _THRESHOLD_MAX:
            return _INF
        total += c
        if total > bound:
            return _INF
    return total


def _reasons(ra: _Reading, rb: _Reading) -> list[str]:
    out: list[str] = []
    for k, (x, y) in enumerate(zip(ra.syls, rb.syls, strict=True)):
        if x.text == y.text:
            out.append(f"{x.text} = {y.text}")
            continue
        c, rule = _pair_cost(x, y, k)
        if c > _THRESHOLD_MAX:
            out.append(f"{x.text} / {y.text}: no shared reading of the {rule or 'syllable'}")
        else:
            out.append(_describe(x, y, c, rule))
    return out


_POS_NAMES = ("initial", "vowel", "final")
_JAMO_NAMES = (INITIALS, VOWELS, ("-", *FINALS[1:]))


def _describe(x: _Syl, y: _Syl, cost: float, rule: str) -> str:
    """Which readings aligned two syllables: the table rows (spelling = jamo) used."""
    notes: list[str] = []

    def options(sy: _Syl, other: _Syl) -> tuple[Opts, Opts, Opts]:
        if sy.vs_hangul is not None and (other.hangul or not sy.attested):
            return sy.vs_hangul
        return sy.ini, sy.vow, sy.fin

    xo, yo = options(x, y), options(y, x)
    for k in range(3):
        c, j = _opt_cost(xo[k], yo[k])
        if j < 0 or c == 0:
            continue
        for sy, opts in ((x, xo[k]), (y, yo[k])):
            if not sy.hangul and opts.get(j, 0.0) > 0:
                sp = sy.parts[k] or "(none)"
                notes.append(f"{sy.source}: {_POS_NAMES[k]} {sp} = {_JAMO_NAMES[k][j]} ({opts[j]:.2f})")
    for sy in (x, y):
        if sy.source != "jamo_spellings.tsv":
            notes.append(f"{sy.source}: {sy.text}")
    if rule:
        notes.append(rule)
    return f"{x.text} ~ {y.text}: " + ("; ".join(notes) if notes else "exact reading") + f" [cost {cost:.2f}]"


def match(a: str, b: str) -> Match:
    """Whether ``a`` and ``b`` are spellings of one Korean name, with the aligned syllables.

    >>> match("CHO'N, Myo'ng-kuk", "Jeon Myeong-guk").same
    True
    >>> match("김정은", "김정일").same
    False
    >>> match("", "").same
    False
    """
    try:
        return _match(a, b)
    except Exception as e:  # pragma: no cover - match must never raise
        return Match(False, 0.0, (f"error: {type(e).__name__}",))


def _mandarin_match(pa: _Parsed, pb: _Parsed, a: str, b: str) -> Match | None:
    """A Hangul name that transcribes a pinyin name (리창춘 / Li Changchun), or None."""
    if pa.script == "hangul" and pb.script == "lat":
        hangul, latin = pa, b
    elif pb.script == "hangul" and pa.script == "lat":
        hangul, latin = pb, a
    else:
        return None
    h = "".join(sy.text for w in hangul.words for sy in w[0][1])
    if len(h) >= 2 and h in _mandarin_forms(latin):
        return Match(True, 0.9, (f"Mandarin transcription: {latin!r} is written {h} (pinyin_hangul.tsv)",))
    return None


def _match(a: str, b: str) -> Match:
    pa, pb = _parse(a), _parse(b)
    ra, rb = _readings(pa), _readings(pb)
    if not ra or not rb:
        mandarin = _mandarin_match(pa, pb, a, b)
        if mandarin is not None:
            return mandarin
        return Match(False, 0.0, ("no usable letters",))
    best, best_pair, note = _INF, (ra[0], rb[0]), ""
    memo: dict[tuple[int, int, bool], float] = {}
    rb_by_len: dict[int, list[_Reading]] = {}
    for y in rb:
        rb_by_len.setdefault(len(y.syls), []).append(y)
    for x in ra:
        for y in rb_by_len.get(len(x.syls), ()):
            extra = (x.cost + y.cost) * 0.05
            c = _compare(x, y, best - extra, memo) + extra
            if c < best:
                best, best_pair = c, (x, y)
    if best == _INF:
        # One name may be the given name alone (a Hangul label without the surname).
        for x in ra:
            for y in rb:
                long, short = (x, y) if len(x.syls) > len(y.syls) else (y, x)
                ns = long.nsur
                if long.syls[0].hangul:
                    continue
                if not ns or len(short.syls) < 2 or len(long.syls) - ns != len(short.syls):
                    continue
                given = _Reading(long.syls[ns:], long.cost, 0)
                extra = _SURNAME_MISSING + (x.cost + y.cost) * 0.05
                c = _compare(given, short, best - extra, memo) + extra
                if c < best:
                    best, best_pair = c, (given, short)
                    note = f"surname {''.join(s.text for s in long.syls[:ns])} missing on one side"
    if best == _INF or best > _THRESHOLD_PER_SYL * len(best_pair[0].syls):
        mandarin = _mandarin_match(pa, pb, a, b)
        if mandarin is not None:
            return mandarin
    if best == _INF:
        shown = _reasons(ra[0], rb[0]) if len(ra[0].syls) == len(rb[0].syls) else []
        return Match(False, 0.0, ("no alignment of the syllables", *shown))
    n = len(best_pair[0].syls)
    limit = _THRESHOLD_PER_SYL * n
    same = best <= limit
    score = max(0.0, 1.0 - best / (2 * limit)) if limit else 0.0
    head = f"aligned {n} syllables, cost {best:.2f} (limit {limit:.2f})"
    return Match(same, round(score, 3), (head, *([note] if note else []), *_reasons(*best_pair)))


# --------------------------------------------------------------------------
# Romanisation

_SYSTEMS = ("rr", "mr", "mr-ascii", "dprk", "kontsevich")

_MR_INITIAL = (
    "k",
    "kk",
    "n",
    "t",
    "tt",
    "r",
    "m",
    "p",
    "pp",
    "s",
    "ss",
    "",
    "ch",
    "tch",
    "ch'",
    "k'",
    "t'",
    "p'",
    "h",
)
_MR_VOWEL = tuple("a|ae|ya|yae|ŏ|e|yŏ|ye|o|wa|wae|oe|yo|u|wŏ|we|wi|yu|ŭ|ŭi|i".split("|"))  # noqa: SIM905
_MR_FINAL = tuple("|k|k|k|n|n|n|t|l|k|m|l|l|l|p|l|m|p|p|t|t|ng|t|t|k|t|p|t".split("|"))  # noqa: SIM905
_DPRK_INITIAL = (
    "k",
    "kk",
    "n",
    "t",
    "tt",
    "r",
    "m",
    "p",
    "pp",
    "s",
    "ss",
    "",
    "j",
    "jj",
    "ch",
    "kh",
    "th",
    "ph",
    "h",
)
_DPRK_VOWEL = tuple("a|ae|ya|yae|o|e|yo|ye|o|wa|wae|oe|yo|u|wo|we|wi|yu|u|ui|i".split("|"))  # noqa: SIM905
_KO_INITIAL = (
    "к",
    "кк",
    "н",
    "т",
    "тт",
    "р",
    "м",
    "п",
    "пп",
    "с",
    "сс",
    "",
    "ч",
    "чч",
    "чх",
    "кх",
    "тх",
    "пх",
    "х",
)
_KO_VOWEL = tuple("а|э|я|йя|о|е|ё|е|о|ва|вэ|ве|ё|у|во|ве|ви|ю|ы|ый|и".split("|"))  # noqa: SIM905
_KO_FINAL = tuple("|к|к|к|н|н|н|т|ль|к|м|ль|ль|ль|п|ль|м|п|п|т|т|н|т|т|к|т|п|т".split("|"))  # noqa: SIM905
_VOICED = {"k": "g", "t": "d", "p": "b", "ch": "j"}
_KO_VOICED = {"к": "г", "т": "д", "п": "б", "ч": "дж"}


def _rom_syllable(ch: str, system: str, prev_final: int | None) -> str:
    """One syllable; ``prev_final`` is the final of the previous syllable of the same
    word (None at the start of a word), for MR/DPRK voicing."""
    i, v, f = decompose(ch)
    voiced_ctx = prev_final is not None and prev_final in (0, 4, 8, 16, 21)
    if system == "rr":
        from normkit.names.hangul import RR_FINAL, RR_INITIAL, RR_VOWEL

        ini = RR_INITIAL[i]
        if i == 5 and prev_final == 8:
            ini = "l"
        return ini + RR_VOWEL[v] + RR_FINAL[f]
    if system in ("mr", "mr-ascii"):
        ini = _MR_INITIAL[i]
        if voiced_ctx and ini in _VOICED:
            ini = _VOICED[ini]
        if i == 9 and v in (20, 16):  # ㅅ before ㅣ, ㅟ
            ini = "sh"
        if i == 5 and prev_final is None:
            ini = "r"
        elif i == 5 and prev_final == 8:
            ini = "l"
        vow = _MR_VOWEL[v]
        if prev_final is not None and i == _IEUNG and prev_final in (1, 4, 21):
            ini = "'"  # MR separates n/ng/k + vowel from a possible other reading
        out = ini + vow + _MR_FINAL[f]
        if system == "mr-ascii":
            out = out.replace("ŏ", "o").replace("ŭ", "u")
        return out
    if system == "dprk":
        ini = _DPRK_INITIAL[i]
        if voiced_ctx and ini in ("k", "t", "p"):
            ini = _VOICED[ini]
        if i == 5 and prev_final == 8:
            ini = "l"
        return ini + _DPRK_VOWEL[v] + _MR_FINAL[f]
    # kontsevich
    ini = _KO_INITIAL[i]
    if voiced_ctx and ini in _KO_VOICED:
        ini = _KO_VOICED[ini]
    vow = _KO_VOWEL[v]
    if i == _IEUNG and v == 1:
        vow = "э"
    fin = _KO_FINAL[f]
    return ini + vow + fin


def _cap(s: str) -> str:
    for k, c in enumerate(s):
        if c.isalpha():
            return s[:k] + c.upper() + s[k + 1 :]
    return s


def romanize(hangul: str, system: str = "rr", *, customary: bool = False) -> str:
    """Romanise a Hangul name: surname, space, given name.

    Systems: ``rr`` (Revised Romanization, name mode: hyphenated given name, no
    sound change across its syllables), ``mr`` (McCune–Reischauer with breves
    and aspiration apostrophes), ``mr-ascii`` (breves dropped), ``dprk`` (North
    Korean usage: Ri, Ro, Ryang, given syllables as separate words) and
    ``kontsevich`` (Cyrillic). ``customary=True`` writes the surname as it is
    customarily spelt (Kim, Lee, Park, Choi, ...). Text without Hangul gives "";
    an unknown system is read as ``rr``.

    >>> romanize("위성락")
    'Wi Seong-rak'
    >>> romanize("이명박", customary=True)
    'Lee Myeong-bak'
    >>> romanize("리용호", "dprk")
    'Ri Yong Ho'
    >>> romanize("김정은", "kontsevich")
    'Ким Чон Ын'
    """
    try:
        return _romanize(hangul, system, customary)
    except Exception:  # pragma: no cover - romanize must never raise
        return ""


def _romanize(hangul: str, system: str, customary: bool) -> str:
    system = system.lower() if system.lower() in _SYSTEMS else "rr"
    syl = [c for c in to_nfc(hangul) if 0xAC00 <= ord(c) <= 0xD7A3]
    if not syl:
        return ""
    rules = _rules()
    nsur = 2 if len(syl) >= 3 and "".join(syl[:2]) in rules.compound else 1
    sur, given = syl[:nsur], syl[nsur:]
    sur_h = "".join(sur)
    if customary and sur_h in rules.customary and system != "kontsevich":
        sur_text = rules.customary[sur_h]
    else:
        parts = []
        prev: int | None = None
        for ch in sur:
            parts.append(_rom_syllable(ch, system, prev))
            prev = decompose(ch)[2]
        sur_text = _cap("".join(parts))
        if system in ("mr", "mr-ascii") and sur_h == "이":
            sur_text = "Yi"
    if not given:
        return sur_text
    pieces: list[str] = []
    prev = None
    for ch in given:
        piece = _rom_syllable(ch, system, prev)
        if system == "rr" and prev is not None and decompose(ch)[0] == 5 and prev == 8:
            piece = "l" + piece[1:]
        pieces.append(piece)
        prev = decompose(ch)[2]
    if system == "rr":
        pieces = [_rom_syllable(ch, "rr", None) for ch in given]
    if system in ("dprk", "kontsevich"):
        given_text = " ".join(_cap(p.lstrip("'")) for p in pieces)
    else:
        given_text = _cap("-".join(p.lstrip("'") for p in pieces))
    return f"{sur_text} {given_text}"


# --------------------------------------------------------------------------
# Hangul candidates


def hangul_candidates(name: str, limit: int = 5) -> list[str]:
    """Ranked Hangul spellings of a romanised (or Cyrillic) Korean name, surname first.

    Hangul input gives itself (composed, without spaces).

    >>> "위성락" in hangul_candidates("Wi Sung-lac")
    True
    >>> "김정은" in hangul_candidates("Kim Jong-un")
    True
    >>> hangul_candidates("")
    []
    """
    try:
        return _candidates(name, max(0, int(limit)))
    except Exception:  # pragma: no cover - must never raise
        return []


_POS_BLEND = 0.5  # weight of the positional prior (first / later given syllable)
_W_COST = 5.0  # weight of spelling costs against log priors


def _syl_options(
    sy: _Syl, pool: list[tuple[str, float]], pos: int, given_index: int = 0
) -> list[tuple[float, str]]:
    """Hangul syllables a romanised given-name syllable can write, cheapest first: spelling
    cost (weighted) against the syllable's frequency, overall and at its place in the name."""
    out: list[tuple[float, str]] = []
    given_pos = _rules().given_pos
    for h, lp in pool:
        c, _ = _pair_cost(sy, _hangul_syl(h), pos)
        if c <= _THRESHOLD_MAX:
            gp = given_pos.get(h)
            if gp is not None:
                lp = _POS_BLEND * (gp[0] if given_index == 0 else gp[1]) + (1.0 - _POS_BLEND) * lp
            out.append((c * _W_COST - lp, h))
    out.sort()
    return out


def _candidates(name: str, limit: int) -> list[str]:
    if limit <= 0:
        return []
    p = _parse(name)
    if p.script == "hangul":
        s = "".join(sy.text for w in p.words for sy in w[0][1])
        return [s] if s else []
    rules = _rules()
    scored: dict[str, float] = {}
    literal: str | None = None
    for r in _readings(p):
        ns = r.nsur if r.nsur in (1, 2) else 1
        sur_syls, given_syls = r.syls[:ns], r.syls[ns:]
        # Surname options.
        sur_opts: list[tuple[float, str]] = []
        word = "".join(s.text for s in sur_syls)
        spelled = rules.latin_surnames["cyr" if p.script == "cyr" else "lat"].get(word, {})
        for h, lp in rules.surnames.items():
            if len(h) != ns:
                continue
            c = 0.0
            for k, ch in enumerate(h):
                cc, _ = _pair_cost(sur_syls[k], _hangul_syl(ch), k)
                c += cc
            if h in spelled:
                c = min(c, 0.0) - spelled[h] * 0.0
                sc = -lp - spelled[h] * 0.5
            elif c <= _THRESHOLD_MAX:
                sc = c * _W_COST - lp + 2.0
            else:
                continue
            sur_opts.append((sc, h))
        sur_opts.sort()
        beam: list[tuple[float, str]] = [(r.cost * _W_COST + s, h) for s, h in sur_opts[: limit + 3]]
        for k, sy in enumerate(given_syls):
            pool = _given_pool(sy)
            opts = _syl_options(sy, pool, ns + k, k)[: limit + 3]
            if not opts:
                opts = [(5.0, _best_hangul(sy))]
            beam = sorted((c1 + c2, h1 + h2) for c1, h1 in beam for c2, h2 in opts)[: limit + 5]
        for c, h in beam:
            if c < scored.get(h, _INF):
                scored[h] = c
        if literal is None and sur_opts and r.as_written:
            # The literal reading: the surname that fits best and each given syllable read
            # through its cheapest jamo (the inverse of RR for an RR spelling).
            exact = [h for _, h in sur_opts if fold_hangul(h) == word]
            exact = exact or [h for _, h in sur_opts if h in spelled] or [sur_opts[0][1]]
            literal = exact[0] + "".join(_best_hangul(sy) for sy in given_syls)
    ranked = [h for h, _ in sorted(scored.items(), key=lambda x: x[1])][:limit]
    if literal is not None and literal not in ranked:
        ranked = [*ranked[: limit - 1], literal]
    return ranked


def _given_pool(sy: _Syl) -> list[tuple[str, float]]:
    rules = _rules()
    pool: list[tuple[str, float]] = []
    classes = set()
    for i in sy.ini:
        for v in sy.vow:
            for f in sy.fin:
                classes.add(_syl_class(i, v, f))
    for c in classes:
        pool.extend(rules.given_by_class.get(c, ()))
    if not pool:
        b = _best_hangul(sy)
        pool = [(b, -15.0)]
    return pool


def _best_hangul(sy: _Syl) -> str:
    return compose(_best(sy.ini), _best(sy.vow), _best(sy.fin))
