"""The ``names`` step: find person-name mentions and write each one as its
alias table's canonical spelling.

A mention is a run of name-like words (capitalised, caseless such as Hangul,
or joined by hyphens; all-lowercase runs only when every word is a listed
one) that contains a word of some listed spelling. Inside a run the longest
stretch that resolves to exactly one person wins:

1. a listed spelling, in any order, case, separator style or diacritics
   ("AHN, Gyu-baek", "Gyubaek Ahn", "Radmila Sekerinska");
2. an unlisted spelling whose :func:`normkit.name_key` equals the key of one
   person's listed spelling ("Wee Sung-lac" once the Korean engine knows it);
3. a surname alone (at least four letters, in the canonical's script, not
   followed by another name-like word) when that person was named in full
   earlier in the text, or when no other loaded person has that surname.

Possessives keep their ending ("Sekirinska's" -> "Šekerinska's"). URLs,
e-mail addresses, Markdown code spans and fenced blocks are left alone, as is
every mention that resolves to two or more persons; ``explain`` notes say so.

>>> canonicalize_names("Radmila Sekirinska met Wi Sung-rak. Sekirinska's visit ended.")
"Radmila Šekerinska met Wi Sung-lac. Šekerinska's visit ended."
>>> canonicalize_names("KO YONG-CHUL Reporter", names_case="match")
'KO YONG-CHUL Reporter'
>>> canonicalize_names("Lunch on Park Avenue.")
'Lunch on Park Avenue.'
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

import regex

from normkit.aliases import AliasSet, load_aliases, name_forms, script_of
from normkit.pipeline import Trace

__all__ = ["canonicalize_names", "find_mentions"]

_WORD = r"[^\W\d_]+(?:['’][^\W\d_]+)*"
_WORD_RE = re.compile(_WORD)
_NEXT = re.compile(r"(, |\. ?|[ \u00a0\u202f]|[-‐‑])(" + _WORD + r")")
_PREV = regex.compile(r"(" + _WORD + r")(, |\. ?|[ \u00a0\u202f]|[-‐‑])", flags=regex.REVERSE)
_POSSESSIVE = re.compile(r"['’]s$")
_HYPHEN = frozenset("-‐‑")
_APOSTROPHE = re.compile(r"['’]")
_LETTERS = re.compile(r"[^\W\d_]+")
_MAX_RUN = 8

_FENCE = re.compile(r"^[ \t]{0,3}(```+|~~~+)[^\n]*(?:\n|\Z)", re.M)
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)")


def _fences(text: str) -> list[tuple[int, int]]:
    """Spans of Markdown fenced code blocks (an unclosed fence runs to the end)."""
    spans: list[tuple[int, int]] = []
    opening: re.Match[str] | None = None
    for m in _FENCE.finditer(text):
        if opening is None:
            opening = m
        else:
            fence, close = opening.group(1), m.group(1)
            bare = not text[m.start() : m.end()].strip().lstrip("`~").strip()
            if close[0] == fence[0] and len(close) >= len(fence) and bare:
                spans.append((opening.start(), m.end()))
                opening = None
    if opening is not None:
        spans.append((opening.start(), len(text)))
    return spans


@functools.lru_cache(maxsize=1 << 16)
def _key(span: str) -> str:
    from normkit.names import name_key

    try:
        k = name_key(span)
    except Exception:  # an engine bug must not make the step partial
        return ""
    return k if isinstance(k, str) else ""


@functools.lru_cache(maxsize=1 << 14)
def _same(a: str, b: str) -> bool:
    from normkit.names import same_name

    try:
        return bool(same_name(a, b))
    except Exception:  # an engine bug must not make the step partial
        return False


class _Tok:
    __slots__ = ("end", "joined", "possessive", "start", "text")

    def __init__(self, start: int, end: int, text: str, joined: bool) -> None:
        self.start = start
        self.text = text
        self.joined = joined  # joined to the previous word by a hyphen
        self.possessive = bool(_POSSESSIVE.search(text)) and len(text) > 3
        if self.possessive:
            self.text = text[:-2]
            end -= 2
        self.end = end


# the script of a word's first letter, cached: words repeat in running text
_script = functools.lru_cache(maxsize=1 << 14)(script_of)


def _list(names: Iterable[str]) -> str:
    """At most three names, then how many more."""
    items = sorted(names)
    shown = ", ".join(items[:3])
    return shown if len(items) <= 3 else f"{shown} and {len(items) - 3} more"


def _cased(word: str) -> str:
    """'U' upper-initial, 'l' lower-initial, 'c' caseless script (Hangul, CJK)."""
    ch = word[0]
    if ch.isupper() or ch.istitle():
        return "U"
    if ch.islower():
        return "l"
    return "c"


def _sep_ok(prev: str, sep: str) -> bool:
    if sep in (" ", "\u00a0", "\u202f") or sep in _HYPHEN:
        return True
    if sep == ", ":
        return len(prev) >= 2 and prev.isupper()  # OFAC-style "AHN, Gyu-baek"
    return len(prev) == 1 and prev.isupper()  # an initial: "V. Zelensky"


class _Rewriter:
    def __init__(self, text: str, aset: AliasSet, names_case: str, trace: Trace | None) -> None:
        self.text = text
        self.aset = aset
        self.case = names_case
        self.trace = trace
        self.named: set[str] = set()
        self.changes: list[tuple[int, int, str, str, str]] = []
        self.mentions: list[tuple[int, int, str, str]] = []
        self._fence_spans: list[tuple[int, int]] | None = None
        self.tokens = aset.tokens
        self.max_span = min(_MAX_RUN, 1 + aset.max_words)

    # -- protected regions -------------------------------------------------

    def _inside(self, start: int, end: int) -> str:
        """What protected region (URL, e-mail, code) ``start:end`` is in, or ""."""
        text = self.text
        for pos in (start, end - 1):
            lo, hi = pos, pos + 1
            while lo > 0 and not text[lo - 1].isspace() and pos - lo < 2000:
                lo -= 1
            while hi < len(text) and not text[hi].isspace() and hi - pos < 2000:
                hi += 1
            chunk = text[lo:hi]
            if "://" in chunk or "www." in chunk or "mailto:" in chunk:
                return "a URL"
            if "@" in chunk:
                return "an e-mail address"
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line = text[line_start : len(text) if line_end < 0 else line_end]
        if "`" in line:
            for m in _CODE_SPAN.finditer(line):
                if m.start() + line_start < end and start < m.end() + line_start:
                    return "a code span"
        if self._fence_spans is None:
            self._fence_spans = _fences(text) if ("```" in text or "~~~" in text) else []
        for s, e in self._fence_spans:
            if s < end and start < e:
                return "a fenced code block"
        return ""

    # -- runs --------------------------------------------------------------

    def _is_anchor(self, word: str) -> bool:
        toks = self.tokens
        if word in toks:
            return True
        if "'" in word or "’" in word:
            return any(p in toks for p in _APOSTROPHE.split(word))
        return False

    def _run(self, start: int, lower_bound: int) -> list[_Tok]:
        """The run of name-like words around the word at ``start``."""
        text = self.text
        first = _WORD_RE.match(text, start)
        if first is None:  # pragma: no cover - the scanner only stops on words
            return []
        mode = _cased(first.group())
        lower = mode == "l"

        def fits(word: str, sep: str) -> bool:
            if lower:
                return _cased(word) == "l" and self._is_anchor(word)
            return _cased(word) != "l" or sep in _HYPHEN

        toks = [_Tok(first.start(), first.end(), first.group(), False)]
        left: list[_Tok] = []
        # leftwards
        pos = start
        while pos > lower_bound:
            m = _PREV.match(text, lower_bound, pos)
            if m is None or (
                m.start() == lower_bound and lower_bound > 0 and text[lower_bound - 1].isalpha()
            ):
                break
            word, sep = m.group(1), m.group(2)
            if not _sep_ok(word, sep) or not fits(word, sep) or _POSSESSIVE.search(word):
                break
            nearest = left[-1] if left else toks[0]
            if sep not in _HYPHEN and not fits(nearest.text, sep):
                break
            nearest.joined = sep in _HYPHEN
            left.append(_Tok(m.start(1), m.end(1), word, False))
            pos = m.start(1)
        if left:
            left.reverse()
            toks = left + toks
        # rightwards
        pos = toks[-1].end
        while not toks[-1].possessive:
            n = _NEXT.match(text, pos)
            if n is None:
                break
            sep, word = n.group(1), n.group(2)
            end = n.end(2)
            if end < len(text) and (text[end].isalnum() or text[end] == "_"):
                break
            if not _sep_ok(toks[-1].text, sep) or not fits(word, sep):
                break
            tok = _Tok(n.start(2), end, word, sep in _HYPHEN)
            toks.append(tok)
            pos = tok.end
            if tok.possessive:
                break
        return toks

    # -- resolution --------------------------------------------------------

    def _write(self, canonical: str, mention: str) -> str:
        if self.case == "match":
            letters = [ch for ch in mention if ch.isalpha() and (ch.isupper() or ch.islower())]
            if letters and all(ch.isupper() for ch in letters) and len(letters) > 1:
                return canonical.upper()
            if letters and all(ch.islower() for ch in letters):
                return canonical.lower()
        return canonical

    def _note(self, start: int, end: int, message: str) -> None:
        if self.trace is not None:
            self.trace.note(start, end, self.text[start:end], message, rule="alias")

    def _apply(
        self,
        start: int,
        end: int,
        canonical: str,
        rule: str,
        replacement: str | None = None,
        *,
        full: bool = False,
    ) -> None:
        old = self.text[start:end]
        what = self._inside(start, end)
        if what:
            self._note(start, end, f"inside {what}; not a mention of {canonical!r}")
            return
        if full:
            self.named.add(canonical)
        new = self._write(replacement if replacement is not None else canonical, old)
        self.mentions.append((start, end, canonical, rule))
        if new != old:
            self.changes.append((start, end, old, new, rule))

    def _resolve_full(self, toks: list[_Tok], i: int, j: int) -> str | None:
        """Try ``toks[i:j]`` as a full name. Returns "done" when the span was
        handled (rewritten or deliberately left), None to try shorter spans."""
        text = self.text
        start, end = toks[i].start, toks[j - 1].end
        span = text[start:end]
        found = self.aset.lookup_entries(span)
        if len(found) == 1:
            ((canonical, entry),) = found.items()
            rule = f"alias:{canonical}" + (f" <- {entry.short_where}" if entry is not None else "")
            self._apply(start, end, canonical, rule, full=True)
            return "done"
        if len(found) > 1:
            self._note(start, end, f"ambiguous: listed for {_list(found)}")
            return "done"
        if j - i < 2:
            return None
        if not (self._is_anchor(toks[i].text) or self._is_anchor(toks[j - 1].text)):
            return None
        script = _script(toks[i].text)
        if any(_script(t.text) != script for t in toks[i + 1 : j]):
            return None
        k = _key(span)
        if not k:
            return None
        owners = self.aset.keys.get(k)
        if not owners:
            return None
        # a key that ignores an edge word belongs to the shorter span
        if k in (_key(text[toks[i + 1].start : end]), _key(text[start : toks[j - 2].end])):
            return None
        if len(owners) > 1:
            self._note(start, end, f"ambiguous: name_key {k!r} matches {_list(owners)}")
            return "done"
        (canonical,) = owners
        # A key is for blocking; confirm with the pairwise verdict against
        # a listed spelling before rewriting an unlisted one.
        person = self.aset.persons.get(canonical)
        spellings = (canonical, *(person.variants if person is not None else ()))
        if not any(_same(span, s) for s in spellings):
            self._note(start, end, f"name_key {k!r} matches {canonical}, but same_name confirms no spelling")
            return "done"
        self._apply(start, end, canonical, f"alias:{canonical} <- name_key {k}", full=True)
        return "done"

    def _resolve_surname(self, toks: list[_Tok], i: int) -> None:
        tok = toks[i]
        if _cased(tok.text) == "l":
            return
        forms = name_forms(tok.text)
        cands: set[str] = set()
        for f in forms:
            cands |= self.aset.surnames.get(f, frozenset())
        if not cands:
            return
        if i + 1 < len(toks):
            nxt = toks[i + 1]
            self._note(
                tok.start,
                nxt.end,
                f"looks like the surname of {_list(cands)} but is followed by {nxt.text!r}",
            )
            return
        named = cands & self.named
        if len(named) == 1:
            (canonical,) = named
            why = "named in full earlier"
        elif len(named) > 1:
            self._note(tok.start, tok.end, f"ambiguous surname: {_list(named)} were named earlier")
            return
        elif len(cands) == 1:
            (canonical,) = cands
            why = "unique surname"
        else:
            self._note(tok.start, tok.end, f"ambiguous surname: {_list(cands)}")
            return
        surname = self.aset.canonical_surname.get(canonical)
        if not surname:
            return
        self._apply(tok.start, tok.end, canonical, f"alias:{canonical} <- surname ({why})", surname)

    def _process(self, toks: list[_Tok]) -> None:
        n = len(toks)
        notes = len(self.trace.notes) if self.trace is not None else 0
        found = len(self.mentions)
        i = 0
        while i < n:
            handled = False
            for j in range(min(n, i + self.max_span), i, -1):
                # a name never starts with a hyphen-joined part
                if toks[i].joined or (j < n and toks[j].joined):
                    continue
                if self._resolve_full(toks, i, j):
                    i = j
                    handled = True
                    break
            if handled:
                continue
            if not toks[i].joined and (i + 1 >= n or not toks[i + 1].joined):
                self._resolve_surname(toks, i)
            i += 1
        trace = self.trace
        if trace is not None and n >= 2 and len(trace.notes) == notes and len(self.mentions) == found:
            self._note(
                toks[0].start,
                toks[-1].end,
                "has words of listed names but is no listed spelling and shares no name_key with one",
            )

    def run(self, anchors: list[tuple[int, int]]) -> str:
        text = self.text
        tokens = self.tokens
        done = 0
        for a, b in anchors:
            if a < done:
                continue
            if text[a].islower():
                # lowercase words start a run only when a listed word follows
                if text[b : b + 1] not in (" ", "-"):
                    continue
                nxt = _WORD_RE.match(text, b + 1)
                if nxt is None or nxt.group() not in tokens:
                    continue
            elif a > 1 and text[a - 1] in "'’" and text[a - 2].isalpha():
                continue  # a fragment after an apostrophe inside a word
            toks = self._run(a, done)
            if not toks:
                continue
            self._process(toks)
            done = max(done, toks[-1].end)
        return self._emit()

    def _emit(self) -> str:
        if not self.changes:
            return self.text
        if self.trace is not None:
            self.trace.begin_pass()
            for start, end, old, new, rule in self.changes:
                self.trace.add(start, end, old, new, rule)
        parts: list[str] = []
        pos = 0
        for start, end, _old, new, _rule in self.changes:
            parts.append(self.text[pos:start])
            parts.append(new)
            pos = end
        parts.append(self.text[pos:])
        return "".join(parts)


_NAMES_CASES = ("table", "match")


_CHUNK = 1 << 20


def _anchors(text: str, tokens: frozenset[str]) -> list[tuple[int, int]]:
    """Start and end of every whole word of ``text`` that is a word of some
    listed spelling, in text order.

    The distinct whitespace-separated words are collected first (C-speed
    ``str.split``), the listed words among them found, and only those are
    searched for with ``str.find``: text without any listed word costs one
    split.
    """
    present: set[str] = set()
    seen: set[str] = set()
    n = len(text)
    lo = 0
    while lo < n:
        # chunks end at whitespace so no word is cut (a word longer than a chunk is cut, harmlessly:
        # every hit is checked against the text below)
        hi = min(n, lo + _CHUNK)
        while hi < n and not text[hi].isspace() and hi - lo < 2 * _CHUNK:
            hi += 1
        chunk = text[lo:hi]
        lo = hi
        words = set(chunk.split()) - seen
        seen |= words
        present |= words & tokens
        for w in words:
            # an all-letter word is one token: found above or not listed
            if not w.isalpha():
                present.update(t for t in _LETTERS.findall(w) if t in tokens)
    if not present:
        return []
    out: list[tuple[int, int]] = []
    for t in present:
        size = len(t)
        i = text.find(t)
        while i >= 0:
            j = i + size
            if (i == 0 or not _wordish(text[i - 1])) and (j == n or not _wordish(text[j])):
                out.append((i, j))
            i = text.find(t, j)
    out.sort()
    return out


def _wordish(ch: str) -> bool:
    return ch.isalnum() or ch == "_" or unicodedata.category(ch)[0] == "M"


def _prepare(
    text: str, aliases: tuple[str, ...], names_case: str, trace: Trace | None
) -> tuple[_Rewriter, list[tuple[int, int]]] | None:
    if names_case not in _NAMES_CASES:
        raise ValueError(f"names_case must be one of {', '.join(_NAMES_CASES)}, not {names_case!r}")
    if not text:
        return None
    aset = load_aliases(tuple(aliases))
    anchors = _anchors(text, aset.tokens)
    if not anchors:
        return None
    return _Rewriter(text, aset, names_case, trace), anchors


def canonicalize_names(
    text: str,
    *,
    aliases: tuple[str, ...] = (),
    names_case: str = "table",
    trace: Trace | None = None,
) -> str:
    """Write every mention of a person in the loaded alias tables as the
    table's canonical spelling.

    Args:
        text: any text.
        aliases: alias table files layered over the built-in tables, in order
            (the CLI passes ``[tool.normkit] extend-aliases`` and ``--aliases``).
        names_case: ``"table"`` writes the canonical as the table has it;
            ``"match"`` writes it in capitals where the mention is all
            capitals and in lower case where it is all lower case.
        trace: collects the changes and the mentions deliberately left alone.

    >>> canonicalize_names("Foreign Minister Jo Hyeon and AN, Gyu-baek met.")
    'Foreign Minister Cho Hyun and Ahn Gyu-baek met.'
    >>> canonicalize_names("See https://example.org/Radmila_Sekirinska or `Sekirinska`.")
    'See https://example.org/Radmila_Sekirinska or `Sekirinska`.'
    """
    prepared = _prepare(text, aliases, names_case, trace)
    if prepared is None:
        return text
    rewriter, anchors = prepared
    return rewriter.run(anchors)


def find_mentions(
    text: str, *, aliases: tuple[str, ...] = (), names_case: str = "table"
) -> list[tuple[int, int, str, str]]:
    """The mentions of loaded persons in ``text``: ``(start, end, canonical, rule)``.

    >>> find_mentions("Wi Sung-rak spoke.")
    [(0, 11, 'Wi Sung-lac', 'alias:Wi Sung-lac <- people.tsv:...')]
    """
    prepared = _prepare(text, aliases, names_case, None)
    if prepared is None:
        return []
    rewriter, anchors = prepared
    rewriter.run(anchors)
    return rewriter.mentions
