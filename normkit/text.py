"""Text steps: Unicode normalisation, invisible characters, typography,
whitespace, ASCII folding and the matching-key steps (casefold, collapse).

Every step is a pure, total, idempotent ``str -> str`` function with
keyword-only options; each accepts ``trace`` and records every change it makes
with a rule name that says which rule made it (``"typography:nbsp"``,
``"invisibles:U+200B ZERO WIDTH SPACE"``, ...). The registry in
:mod:`normkit.pipeline` names them ``unicode``, ``invisibles``, ``typography``,
``whitespace``, ``ascii``, ``casefold`` and ``collapse``.

>>> fix_whitespace(fix_typography(remove_invisibles("Hello\\u200b\\u00a0 world  \\n\\n\\n")))
'Hello world\\n'
>>> fold_ascii("Đoković, 고용철")
'Djokovic, goyongcheol'
"""

from __future__ import annotations

import bisect
import functools
import importlib
import re
import threading
import unicodedata
from collections.abc import Callable
from typing import Any, Literal, cast

import regex

from normkit.pipeline import Trace, sub

__all__ = [
    "casefold",
    "collapse",
    "fix_typography",
    "fix_whitespace",
    "fold_ascii",
    "fold_overrides",
    "normalize_unicode",
    "register_fold",
    "remove_invisibles",
]


def _choice(option: str, value: object, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{option} must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return value


def _cp(ch: str) -> str:
    """``U+00A0 NO-BREAK SPACE``: a code point and its name, for rule names."""
    name = unicodedata.name(ch, "")
    if not name:
        o = ord(ch)
        if 0xD800 <= o <= 0xDFFF:
            name = "SURROGATE"
        elif o < 0x20 or 0x7F <= o <= 0x9F:
            name = "CONTROL"
        else:
            name = "UNNAMED"
    return f"U+{ord(ch):04X} {name}"


# ---------------------------------------------------------------------------
# unicode

_FORMS = ("NFC", "NFKC", "NFD", "NFKD")
_Form = Literal["NFC", "NFKC", "NFD", "NFKD"]
# A run of non-ASCII characters with the ASCII character before it (which a
# combining mark in the run may attach to). ASCII characters are stable
# starters in every normalisation form, so normalising these runs one by one
# gives exactly the normalisation of the whole text.
_NON_ASCII_RUN = re.compile(r"[\x00-\x7f]?[^\x00-\x7f]+")


def _unicode_rule(form: _Form, run: str) -> str:
    for ch in run:
        if unicodedata.combining(ch) or unicodedata.normalize(form, ch) != ch:
            return f"unicode:{form} {_cp(ch)}"
    return f"unicode:{form}"


def normalize_unicode(text: str, *, form: str = "NFC", trace: Trace | None = None) -> str:
    """Normalise to a Unicode normal form: NFC by default.

    ``form="NFKC"`` (opt-in, used by the ``key`` preset) also rewrites
    compatibility characters: ligatures, full-width forms, superscripts,
    circled digits, ``…``. ``NFD`` and ``NFKD`` are accepted too.

    Args:
        text: any string.
        form: ``"NFC"`` (default), ``"NFKC"``, ``"NFD"`` or ``"NFKD"``.
        trace: records one change per changed run, named ``unicode:<form> <code point>``.

    >>> normalize_unicode("Cafe\\u0301")
    'Café'
    >>> normalize_unicode("ﬁnal ２０２５ x²")
    'ﬁnal ２０２５ x²'
    >>> normalize_unicode("ﬁnal ２０２５ x²", form="NFKC")
    'final 2025 x2'
    """
    nf = cast(_Form, _choice("form", form, _FORMS))
    if text.isascii() or unicodedata.is_normalized(nf, text):
        return text
    if trace is None:
        return unicodedata.normalize(nf, text)
    return sub(
        _NON_ASCII_RUN,
        lambda m: unicodedata.normalize(nf, m.group()),
        text,
        trace=trace,
        rule=lambda m: _unicode_rule(nf, m.group()),
    )


# ---------------------------------------------------------------------------
# invisibles

_ZWNJ, _ZWJ = "\u200c", "\u200d"
_ALWAYS = "\u200b\u2060\ufeff"  # zero width space, word joiner, BOM / ZWNBSP
_SOFT_HYPHEN = "\u00ad"
_BIDI_MARKS = "\u200e\u200f\u061c"  # LRM, RLM, ALM
_BIDI_EMBEDDINGS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_CONTROLS = "".join(chr(c) for c in [*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), *range(0x7F, 0xA0)])

# Scripts in which ZWJ/ZWNJ select joining forms, conjuncts or half-forms.
_JOINING_SCRIPTS = (
    "Arabic",
    "Syriac",
    "Nko",
    "Mongolian",
    "Mandaic",
    "Manichaean",
    "Psalter_Pahlavi",
    "Hanifi_Rohingya",
    "Sogdian",
    "Adlam",
    "Phags_Pa",
    "Devanagari",
    "Bengali",
    "Gurmukhi",
    "Gujarati",
    "Oriya",
    "Tamil",
    "Telugu",
    "Kannada",
    "Malayalam",
    "Sinhala",
    "Myanmar",
    "Khmer",
    "Tibetan",
    "Balinese",
    "Javanese",
    "Tai_Tham",
    "Lao",
    "Thaana",
    "Hebrew",
)
_JOINING_CHAR = regex.compile(
    r"(?=[\p{L}\p{M}])(?:" + "|".join(rf"\p{{scx={s}}}" for s in _JOINING_SCRIPTS) + ")"
)
_EMOJI_BEFORE_ZWJ = regex.compile(r"[\p{Extended_Pictographic}\p{Emoji_Modifier}\ufe0f\U000e0020-\U000e007f]")
_EMOJI_AFTER_ZWJ = regex.compile(r"\p{Extended_Pictographic}")


def _joins(s: str, i: int) -> bool:
    """True if the ZWJ/ZWNJ at ``s[i]`` sits between two characters it can join."""
    if i == 0 or i + 1 >= len(s):
        return False
    before, after = s[i - 1], s[i + 1]
    if s[i] == _ZWJ and _EMOJI_BEFORE_ZWJ.match(before) and _EMOJI_AFTER_ZWJ.match(after):
        return True
    return bool(_JOINING_CHAR.match(before) and _JOINING_CHAR.match(after))


@functools.cache
def _invisibles_pattern(bidi: str, controls: bool, soft_hyphens: bool, joiners: str) -> re.Pattern[str]:
    chars = _ALWAYS
    if bidi == "remove":
        chars += _BIDI_MARKS + _BIDI_EMBEDDINGS
    elif bidi == "marks":
        chars += _BIDI_EMBEDDINGS
    if controls:
        chars += _CONTROLS
    if soft_hyphens:
        chars += _SOFT_HYPHEN
    if joiners != "keep":
        chars += _ZWNJ + _ZWJ
    return re.compile("[" + "".join(sorted(re.escape(c) for c in set(chars))) + "]")


def remove_invisibles(
    text: str,
    *,
    bidi: str = "remove",
    controls: bool = True,
    soft_hyphens: bool = True,
    joiners: str = "context",
    trace: Trace | None = None,
) -> str:
    """Remove invisible characters: zero-width spaces, word joiners, stray
    BOMs, soft hyphens, bidi controls and C0/C1 control characters (tab, line
    feed, carriage return and form feed are kept).

    The zero-width joiner and non-joiner (ZWJ, ZWNJ) are kept where they join:
    ZWJ inside emoji sequences, and both between two letters or marks of a
    script that uses them (Arabic and Persian, the Indic scripts, Syriac,
    Mongolian, ...); elsewhere they are removed.

    Args:
        text: any string.
        bidi: ``"remove"`` (default) every bidi control; ``"marks"`` keeps the
            marks LRM, RLM and ALM but removes embeddings, overrides and
            isolates; ``"keep"`` keeps them all.
        controls: remove C0/C1 controls other than ``\\t \\n \\r \\f`` (default True).
        soft_hyphens: remove U+00AD SOFT HYPHEN (default True).
        joiners: ``"context"`` (default) keeps ZWJ/ZWNJ where they join,
            ``"keep"`` keeps all, ``"remove"`` removes all.
        trace: one change per removed character, named
            ``invisibles:<code point> <name>``; kept joiners are noted.

    >>> remove_invisibles("zero\\u200bwidth, soft\\u00adhyphen, \\ufeffBOM")
    'zerowidth, softhyphen, BOM'
    >>> remove_invisibles("👩\\u200d💻 and می\\u200cخواهم and a\\u200db")
    '👩\\u200d💻 and می\\u200cخواهم and ab'
    """
    bidi = _choice("bidi", bidi, ("remove", "marks", "keep"))
    joiners = _choice("joiners", joiners, ("context", "keep", "remove"))
    pattern = _invisibles_pattern(bidi, bool(controls), bool(soft_hyphens), joiners)
    if text.isascii() and not controls:
        return text
    if pattern.search(text) is None:
        return text
    context = joiners == "context"

    def repl(m: re.Match[str]) -> str:
        ch = m.group()
        if context and ch in "\u200c\u200d" and _joins(m.string, m.start()):
            if trace is not None:
                trace.note(m.start(), m.end(), ch, "joins its neighbours", rule=f"invisibles:{_cp(ch)}")
            return ch
        return ""

    return sub(pattern, repl, text, trace=trace, rule=lambda m: f"invisibles:{_cp(m.group())}")


# ---------------------------------------------------------------------------
# typography

_BREAKING_SPACES = "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u205f"
_NONBREAKING_SPACES = "\u00a0\u2007\u202f"
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f"
_ASCII_DASHES = {
    "\u2010": "-",  # HYPHEN
    "\u2011": "-",  # NON-BREAKING HYPHEN
    "\u2012": "-",  # FIGURE DASH
    "\u2013": "-",  # EN DASH
    "\u2014": "--",  # EM DASH
    "\u2015": "--",  # HORIZONTAL BAR
    "\u2212": "-",  # MINUS SIGN
}
_LETTER = r"[^\W\d_]"


def _char_rule(ch: str) -> str:
    return "typography:nbsp" if ch == "\u00a0" else f"typography:{_cp(ch)}"


@functools.cache
def _typography_pass1(
    quotes: str, dashes: str, ellipsis: str, spaces: str
) -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    """Context-free replacements (plus the acute accent between letters)."""
    table: dict[str, tuple[str, str]] = {}
    if spaces != "keep":
        chars = _BREAKING_SPACES + ("" if spaces == "nonbreaking" else _NONBREAKING_SPACES)
        for ch in chars:
            table[ch] = (" ", _char_rule(ch))
    if quotes == "straight":
        for ch in _SINGLE_QUOTES:
            table[ch] = ("'", f"typography:straight-quote {_cp(ch)}")
        for ch in _DOUBLE_QUOTES:
            table[ch] = ('"', f"typography:straight-quote {_cp(ch)}")
    if dashes == "ascii":
        for ch, rep in _ASCII_DASHES.items():
            table[ch] = (rep, f"typography:ascii-dash {_cp(ch)}")
    if ellipsis == "ascii":
        table["\u2026"] = ("...", "typography:ascii-ellipsis")
    # An acute accent between two letters is a mistyped apostrophe ("don´t");
    # the replacement function checks the letters.
    table["\u00b4"] = ("'" if quotes == "straight" else "\u2019", "typography:acute-as-apostrophe")
    return re.compile("[" + "".join(re.escape(c) for c in sorted(table)) + "]"), table


# Pass 2 (opt-in, context-dependent rules) leaves Markdown code alone: fenced
# blocks, inline code spans and indented code lines. Every pattern here is
# anchored so that a scan stays linear on any input.
_FENCE = re.compile(r"[ ]{0,3}(`{3,}+|~{3,}+)")
_INLINE_CODE = re.compile(r"(?<!`)(`++)[^`\n]++\1(?!`)")
_INDENTED_CODE = re.compile(r"^(?: {4}|\t)[ \t]*+[^ \t\r\n][^\n]*+", re.M)


def _fenced_blocks(text: str) -> list[tuple[int, int]]:
    """Spans of the Markdown fenced code blocks in ``text``, fences included."""
    spans: list[tuple[int, int]] = []
    if "```" not in text and "~~~" not in text:
        return spans
    pos = 0
    fence = ""
    start = 0
    for line in text.split("\n"):
        end = pos + len(line) + 1
        m = _FENCE.match(line)
        if fence:
            if (
                m
                and m.group(1)[0] == fence[0]
                and len(m.group(1)) >= len(fence)
                and not line[m.end() :].strip()
            ):
                spans.append((start, min(end, len(text))))
                fence = ""
        elif m:
            fence, start = m.group(1), pos
        pos = end
    if fence:  # an unclosed fence runs to the end (CommonMark)
        spans.append((start, len(text)))
    return spans


def _merge(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    spans.sort()
    starts: list[int] = []
    ends: list[int] = []
    for st, en in spans:
        if ends and st <= ends[-1]:
            ends[-1] = max(ends[-1], en)
        else:
            starts.append(st)
            ends.append(en)
    return starts, ends


def _code_spans(text: str) -> tuple[list[int], list[int]]:
    """Sorted, merged (starts, ends) of the Markdown code in ``text``: fenced
    blocks, inline code spans and indented code lines."""
    spans = _fenced_blocks(text)
    if "`" in text:
        spans.extend(m.span() for m in _INLINE_CODE.finditer(text))
    if "    " in text or "\t" in text:
        spans.extend(m.span() for m in _INDENTED_CODE.finditer(text))
    return _merge(spans)


_OPEN_CONTEXT = frozenset(" \t\n\r\f\v([{<\u00ab\u2039\u201c\u2018\u201e\u201a-\u2013\u2014/")
_ELISION = re.compile(r"(?:\d\d(?!\d)|(?:tis|twas|em|til|n|bout|cause)(?![^\W_]))", re.I)


@functools.cache
def _typography_pass2(quotes: str, dashes: str, ellipsis: str) -> re.Pattern[str] | None:
    alternatives = []
    if quotes == "curly":
        alternatives.append(r"(?P<quote>['\"])")
    if dashes == "smart":
        alternatives.append(r"(?P<emdash>(?<=\w)--(?=\w)|(?<=[^\s-])\ --(?=\ [^\s-]))")
        alternatives.append(r"(?P<endash>(?<=[^\s\d-])\ -(?=\ [^\s-]))")
    if ellipsis == "unicode":
        alternatives.append(r"(?P<ellipsis>(?<!\.)\.\.\.(?!\.))")
    if not alternatives:
        return None
    return re.compile("|".join(alternatives))


def _curly(s: str, i: int, q: str, prev_out: str) -> tuple[str, str] | None:
    """The curly form of the straight quote ``q`` at ``s[i]`` and its rule, or
    None to leave it (after a digit it is a prime: feet, inches, minutes;
    alone between spaces it is ambiguous). ``prev_out`` is what the
    previous character became (it may be a quote converted just before)."""
    after = s[i + 1] if i + 1 < len(s) else ""
    if prev_out.isdigit():
        if q == "'" and after.isalpha():
            return "\u2019", "typography:apostrophe"  # 1990's
        return None
    opening = prev_out == "" or prev_out in _OPEN_CONTEXT or prev_out in "'\""
    if q == "'":
        if not opening:
            return "\u2019", "typography:apostrophe"  # don't, students', closing quote
        if after == "" or after.isspace():
            return None
        if _ELISION.match(s, i + 1):
            return "\u2019", "typography:elision"  # 'tis, '90s, rock 'n' roll
        return "\u2018", "typography:open-single-quote"
    if not opening:
        return "\u201d", "typography:close-double-quote"
    if after == "" or after.isspace():
        return None
    return "\u201c", "typography:open-double-quote"


def fix_typography(
    text: str,
    *,
    quotes: str = "keep",
    dashes: str = "keep",
    ellipsis: str = "keep",
    spaces: str = "space",
    trace: Trace | None = None,
) -> str:
    """Fix quotes, apostrophes, dashes, ellipses and Unicode spaces.

    The default is safe for a repository of documents and articles: every
    Unicode space (no-break, thin, en, em, ...; not U+3000 IDEOGRAPHIC SPACE)
    becomes a plain space, and an acute accent between two letters
    (``don´t``) becomes an apostrophe; nothing else changes. Letters and
    digits are never changed, added or removed.

    Args:
        text: any string.
        quotes: ``"keep"`` (default); ``"straight"`` turns curly quotes into
            ``'`` and ``"`` (guillemets and primes stay); ``"curly"`` turns
            straight quotes into ``‘ ’ “ ”`` by context, writing apostrophes
            (``don’t``, ``’90s``) as ``’`` and leaving quotes after a digit
            (``5'10"``) and lone quotes between spaces alone.
        dashes: ``"keep"`` (default); ``"ascii"`` writes hyphens, en dashes
            and minus signs as ``-`` and em dashes as ``--``; ``"smart"``
            writes ``word--word`` and ``a -- b`` with an em dash and
            ``a - b`` with an en dash.
        ellipsis: ``"keep"`` (default); ``"ascii"`` writes ``…`` as ``...``;
            ``"unicode"`` writes ``...`` (exactly three dots) as ``…``.
        spaces: ``"space"`` (default) makes every Unicode space a space;
            ``"nonbreaking"`` keeps the no-break ones (U+00A0, U+2007, U+202F,
            as French typography uses them) and converts the others;
            ``"keep"`` leaves them all.
        trace: records each change (``typography:nbsp``,
            ``typography:open-double-quote``, ...).

    The context-dependent options (``quotes="curly"``, ``dashes="smart"``,
    ``ellipsis="unicode"``) leave Markdown code alone: fenced blocks, inline
    code spans and lines indented by four spaces or a tab.

    >>> fix_typography("10\\u00a0km \\u2014 don´t")
    '10 km — don’t'
    >>> fix_typography("“Fine,” she said…", quotes="straight", ellipsis="ascii")
    '"Fine," she said...'
    >>> fix_typography("\\"It's 'ok' -- see `a\\"b`,\\" he said...", quotes="curly", dashes="smart",
    ...                ellipsis="unicode")
    '“It’s ‘ok’ — see `a"b`,” he said…'
    """
    quotes = _choice("quotes", quotes, ("keep", "straight", "curly"))
    dashes = _choice("dashes", dashes, ("keep", "ascii", "smart"))
    ellipsis = _choice("ellipsis", ellipsis, ("keep", "ascii", "unicode"))
    spaces = _choice("spaces", spaces, ("space", "nonbreaking", "keep"))
    pattern2 = _typography_pass2(quotes, dashes, ellipsis)
    if text.isascii() and pattern2 is None:
        return text
    pattern1, table = _typography_pass1(quotes, dashes, ellipsis, spaces)
    if pattern1.search(text) is not None:

        def repl(m: re.Match[str]) -> str:
            ch = m.group()
            if ch == "\u00b4":
                i, s = m.start(), m.string
                if not (0 < i < len(s) - 1 and s[i - 1].isalpha() and s[i + 1].isalpha()):
                    return ch
            return table[ch][0]

        text = sub(pattern1, repl, text, trace=trace, rule=lambda m: table[m.group()][1])
    if pattern2 is None:
        return text
    return _typography_context(text, pattern2, trace)


def _typography_context(text: str, pattern: re.Pattern[str], trace: Trace | None) -> str:
    last_end = -1
    last_out = ""

    starts, ends = _code_spans(text)

    def decide(m: re.Match[str]) -> tuple[str, str]:
        nonlocal last_end, last_out
        kind = m.lastgroup
        found = m.group()
        out, rule = found, ""
        k = bisect.bisect_right(starts, m.start()) - 1
        if k >= 0 and m.start() < ends[k]:
            pass  # inside Markdown code
        elif kind == "quote":
            i = m.start()
            prev_out = last_out if last_end == i else (text[i - 1] if i else "")
            decided = _curly(text, i, found, prev_out)
            if decided is None:
                if trace is not None:
                    trace.note(i, i + 1, found, "ambiguous quote (prime or lone quote)", "typography:quote")
            else:
                out, rule = decided
        elif kind == "emdash":
            out, rule = found.replace("--", "\u2014"), "typography:em-dash"
        elif kind == "endash":
            out, rule = " \u2013", "typography:en-dash"
        elif kind == "ellipsis":
            out, rule = "\u2026", "typography:ellipsis"
        last_end, last_out = m.end(), out[-1:] if out else ""
        return out, rule

    decisions: dict[int, tuple[str, str]] = {}

    def repl(m: re.Match[str]) -> str:
        out, rule = decide(m)
        decisions[m.start()] = (out, rule)
        return out

    return sub(pattern, repl, text, trace=trace, rule=lambda m: decisions[m.start()][1])


# ---------------------------------------------------------------------------
# whitespace

_EOL = re.compile(r"\r\n|\r|\n")
_EOL_SPLIT = re.compile(r"(\r\n|\r|\n)")
_CR_RUN = {n: re.compile(rf"[\r\n]{{{n}}}") for n in range(2, 6)}
# Patterns that start with a literal are scanned fast by ``re``; a match always
# takes a whole run, so the scans stay linear.
_SPACE_RUN = re.compile("  +")
_LF_RUN = {n: re.compile("\n" * (n + 2) + "\n*") for n in range(4)}
_WS_CHARS = " \t\r\n"


def _needs_whitespace_fix(text: str, blank_lines: int, inner_spaces: bool) -> bool:
    """Cheap substring checks: False means the middle of ``text`` is already tidy."""
    if " \n" in text or "\t\n" in text or (inner_spaces and "  " in text):
        return True
    if "\r" in text:
        if " \r" in text or "\t\r" in text:
            return True
        run = _CR_RUN.get(blank_lines + 2) or re.compile(rf"[\r\n]{{{blank_lines + 2}}}")
        return run.search(text) is not None
    return "\n" * (blank_lines + 2) in text


def fix_whitespace(
    text: str,
    *,
    blank_lines: int = 1,
    inner_spaces: bool = True,
    final_newline: str = "keep",
    hard_breaks: bool = False,
    markdown: bool = True,
    trace: Trace | None = None,
) -> str:
    """Tidy spaces and blank lines; line endings (LF, CRLF, CR) stay as they are.

    - Spaces and tabs at the end of every line are removed.
    - A run of two or more spaces between two non-space characters becomes
      one space; indentation (spaces at the start of a line) and tabs are
      never touched.
    - More than ``blank_lines`` blank lines in a row become ``blank_lines``;
      whitespace-only lines count as blank (and lose their spaces). Blank
      lines at the start of the text are removed.
    - The end: a text ending in whitespace that contains a line break ends with
      exactly one line break (the first of that run, in its own style); a text
      that does not end with a line break gets none (``final_newline="keep"``);
      a whitespace-only text becomes empty.

    Args:
        text: any string.
        blank_lines: the most blank lines allowed in a row (default 1, >= 0).
        inner_spaces: collapse runs of spaces inside lines (default True).
        final_newline: ``"keep"`` (default, see above), ``"ensure"`` (every
            non-empty text ends with exactly one line break, in the style of
            the text's first line ending) or ``"remove"`` (no final line break).
        hard_breaks: keep Markdown hard line breaks: two or more trailing
            spaces after text become exactly two (default False).
        markdown: leave the inside of Markdown code alone (default True): no
            space runs or blank lines are collapsed in fenced code blocks, and
            no space runs in inline code spans and lines indented by four
            spaces or a tab (code, aligned comments). Trailing spaces go
            everywhere.
        trace: records each change (``whitespace:trailing``, ``whitespace:blank-lines``, ...).

    >>> fix_whitespace("  indented  text  \\n\\n\\n\\nnext\\t \\r\\n\\r\\n\\r\\n")
    '  indented text\\n\\nnext\\r\\n'
    >>> fix_whitespace("no newline   ")
    'no newline'
    >>> fix_whitespace("no newline", final_newline="ensure")
    'no newline\\n'
    """
    if not isinstance(blank_lines, int) or isinstance(blank_lines, bool) or blank_lines < 0:
        raise ValueError(f"blank_lines must be an integer >= 0; got {blank_lines!r}")
    final_newline = _choice("final_newline", final_newline, ("keep", "ensure", "remove"))
    n = len(text)
    body_end = len(text.rstrip(_WS_CHARS))
    if body_end == 0:  # empty or whitespace-only
        if text and trace is not None:
            trace.begin_pass()
            trace.add(0, n, text, "", "whitespace:blank-text")
        return ""
    # Leading blank lines: everything up to the last line break before the first non-space.
    content_start = n - len(text.lstrip(_WS_CHARS))
    lead_end = 0
    for m in _EOL.finditer(text, 0, content_start):
        lead_end = m.end()
    # Trailing whitespace after the last non-space character.
    tail = text[body_end:]
    eol = _EOL.search(tail)
    if final_newline == "remove" or (eol is None and final_newline == "keep"):
        new_tail = ""
    elif eol is not None:
        new_tail = eol.group()
    else:
        first = _EOL.search(text, 0, body_end)
        new_tail = first.group() if first is not None else "\n"
    if trace is not None:
        trace.begin_pass()
        if lead_end:
            trace.add(0, lead_end, text[:lead_end], "", "whitespace:leading-blank-lines")
    middle = text[lead_end:body_end]
    if _needs_whitespace_fix(middle, blank_lines, bool(inner_spaces)):
        code = _code_spans(middle) if markdown else ([], [])
        fenced = _merge(_fenced_blocks(middle)) if markdown and code[0] else ([], [])
        middle = _fix_lines(
            middle, lead_end, blank_lines, bool(inner_spaces), bool(hard_breaks), code, fenced, trace
        )
    elif lead_end == 0 and tail == new_tail:
        return text
    if trace is not None and tail != new_tail:
        trace.add(body_end, n, tail, new_tail, "whitespace:final-newline")
    return middle + new_tail


def _in_spans(spans: tuple[list[int], list[int]], i: int) -> bool:
    starts, ends = spans
    k = bisect.bisect_right(starts, i) - 1
    return k >= 0 and i < ends[k]


def _fix_lines(
    middle: str,
    offset: int,
    blank_lines: int,
    inner_spaces: bool,
    hard_breaks: bool,
    spans: tuple[list[int], list[int]],
    fenced: tuple[list[int], list[int]],
    trace: Trace | None,
) -> str:
    """Trailing spaces, blank-line runs and inner space runs, line by line.

    ``middle`` starts with a non-blank line and ends with a non-space character.
    ``spans`` (offsets into ``middle``) are Markdown code: no inner-space
    collapsing there; nor blank-line collapsing in ``fenced`` code blocks.
    """
    if trace is None and not hard_breaks and "\r" not in middle and not spans[0]:
        return _fix_lf_lines(middle, blank_lines, inner_spaces)
    pieces = _EOL_SPLIT.split(middle)
    out: list[str] = []
    pos = offset  # offset of the current line in the pass's input
    blank_run = 0
    drop_start = -1  # start of a pending run of dropped blank lines
    drop_text: list[str] = []
    for k in range(0, len(pieces), 2):
        line = pieces[k]
        eol = pieces[k + 1] if k + 1 < len(pieces) else ""
        stripped = line.rstrip(" \t")
        if not stripped:
            blank_run += 1
            if blank_run > blank_lines and not (fenced[0] and _in_spans(fenced, pos - offset)):
                if drop_start < 0:
                    drop_start = pos
                drop_text.append(line + eol)
                pos += len(line) + len(eol)
                continue
        else:
            blank_run = 0
        if drop_start >= 0:
            if trace is not None:
                trace.add(drop_start, pos, "".join(drop_text), "", "whitespace:blank-lines")
            drop_start, drop_text = -1, []
        if inner_spaces and "  " in stripped:
            stripped = _collapse_inner(stripped, pos, trace, spans, pos - offset)
        trailing = line[len(line.rstrip(" \t")) :]
        new_trailing = ""
        if hard_breaks and len(trailing) >= 2 and stripped and not trailing.strip(" "):
            new_trailing = "  "
        if trailing != new_trailing and trace is not None:
            end = pos + len(line)
            trace.add(end - len(trailing), end, trailing, new_trailing, "whitespace:trailing")
        out.append(stripped)
        out.append(new_trailing)
        out.append(eol)
        pos += len(line) + len(eol)
    return "".join(out)


def _fix_lf_lines(middle: str, blank_lines: int, inner_spaces: bool) -> str:
    """:func:`_fix_lines` for untraced LF-only text, with whole-text string operations."""
    out = "\n".join([line.rstrip(" \t") for line in middle.split("\n")])
    if "\n" * (blank_lines + 2) in out:
        run = _LF_RUN.get(blank_lines) or re.compile("\n" * (blank_lines + 2) + "\n*")
        out = run.sub("\n" * (blank_lines + 1), out)
    if inner_spaces and "  " in out:
        n = len(out)

        def repl(m: re.Match[str]) -> str:
            start, end = m.span()
            if start == 0 or end >= n or out[start - 1] in "\t\n" or out[end] in "\t\n":
                return m.group()
            return " "

        out = _SPACE_RUN.sub(repl, out)
    return out


def _collapse_inner(
    line: str, offset: int, trace: Trace | None, spans: tuple[list[int], list[int]], span_offset: int
) -> str:
    """Runs of spaces between two non-space characters of ``line`` become one
    space, except inside ``spans`` (``span_offset`` is the line's offset there)."""
    n = len(line)

    def repl(m: re.Match[str]) -> str:
        start, end = m.span()
        if start == 0 or end >= n or line[start - 1] == "\t" or line[end] == "\t":
            return m.group()
        if spans[0] and _in_spans(spans, span_offset + start):
            return m.group()
        if trace is not None:
            trace.add(offset + start, offset + end, m.group(), " ", "whitespace:inner")
        return " "

    return _SPACE_RUN.sub(repl, line)


# ---------------------------------------------------------------------------
# ascii

FoldFunc = Callable[[str], str]

# script -> folding function for runs of that script, or "module:function" to
# import on first use. The name engines provide Korean and Cyrillic.
_FOLD_OVERRIDES: dict[str, FoldFunc | str] = {
    "Hangul": "normkit.names.korean:fold_hangul",
    "Cyrillic": "normkit.names.slavic:fold_cyrillic",
}
_FOLD_LOCK = threading.Lock()
_FOLD_VERSION = [0]


def register_fold(script: str, func: FoldFunc | str, *, replace: bool = False) -> None:
    """Fold runs of ``script`` (a Unicode script name such as ``"Hiragana"``)
    with ``func`` in :func:`fold_ascii`, instead of Unidecode.

    ``func`` is a ``str -> str`` function or a ``"module:function"`` string
    imported on first use. Whatever it returns is folded further to ASCII;
    if it raises, the built-in folding is used for that run.

    >>> register_fold("Hangul", "normkit.names.korean:fold_hangul", replace=True)
    """
    try:
        regex.compile(rf"\p{{Script={script}}}")
    except regex.error:
        raise ValueError(f"unknown Unicode script {script!r}") from None
    with _FOLD_LOCK:
        if script in _FOLD_OVERRIDES and not replace:
            raise ValueError(f"a fold override for {script!r} is already registered")
        _FOLD_OVERRIDES[script] = func
        _FOLD_RESOLVED.pop(script, None)
        _FOLD_VERSION[0] += 1
        _RUN_CACHE.clear()


def fold_overrides() -> dict[str, str]:
    """The registered per-script overrides, as ``{script: "module:function"}``.

    >>> fold_overrides()["Hangul"]
    'normkit.names.korean:fold_hangul'
    """
    return {script: _fold_name(func) for script, func in _FOLD_OVERRIDES.items()}


def _fold_name(func: FoldFunc | str) -> str:
    if isinstance(func, str):
        return func
    return f"{getattr(func, '__module__', '?')}:{getattr(func, '__qualname__', repr(func))}"


# (run, character before, character after, unknown) -> folded run
_RUN_CACHE: dict[tuple[str, str, str, str], str] = {}


# script -> (resolved function or None if it cannot be imported, its name)
_FOLD_RESOLVED: dict[str, tuple[FoldFunc | None, str]] = {}


def _resolve_fold(script: str) -> tuple[FoldFunc | None, str]:
    cached = _FOLD_RESOLVED.get(script)
    if cached is not None:
        return cached
    target = _FOLD_OVERRIDES.get(script)
    if target is None:
        return None, ""
    func: FoldFunc | None
    if isinstance(target, str):
        module, _, attr = target.partition(":")
        try:
            func = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError):
            func = None
    else:
        func = target
    resolved = (func, _fold_name(target))
    with _FOLD_LOCK:
        if _FOLD_OVERRIDES.get(script) is target:
            _FOLD_RESOLVED[script] = resolved
    return resolved


@functools.cache
def _fold_pattern(scripts: tuple[str, ...], version: int) -> Any:
    del version  # part of the cache key only
    groups = [rf"(?P<s{i}>\p{{Script={s}}}[\p{{Script={s}}}\p{{M}}]*+)" for i, s in enumerate(scripts)]
    excluded = "".join(rf"\p{{Script={s}}}" for s in scripts)
    groups.append(rf"(?P<other>[^\x00-\x7f{excluded}]++)")
    return regex.compile("|".join(groups), regex.V0)


@functools.cache
def _fold_table() -> dict[str, tuple[str, str]]:
    """char -> (ascii, rule) from ``data/fold/chars.tsv``."""
    from normkit.tables import load

    table = load(
        "fold", "chars.tsv", columns=("codepoint", "char", "ascii", "note"), required=("char", "note")
    )
    out: dict[str, tuple[str, str]] = {}
    for row in table:
        out[row["char"]] = (row["ascii"], f"ascii:fold/chars.tsv:{row.line} {row['codepoint']}")
    return out


# Vietnamese letters: near one of these, Đ/đ is the Vietnamese d, not the South Slavic dj.
_VIETNAMESE = re.compile("[\u01a0\u01a1\u01af\u01b0\u0102\u0103\u1ea0-\u1ef9]")


def _builtin_hangul(run: str) -> str:
    """The fold of last resort for Hangul (a registered override failed):
    the Korean engine's syllable algebra, which loads no tables."""
    from normkit.names.hangul import fold_hangul

    return fold_hangul(run)


_BUILTIN_FOLDS: dict[str, FoldFunc] = {"Hangul": _builtin_hangul}


def _context_free(rep: str) -> bool:
    """True if :func:`_match_case` never changes ``rep``."""
    return len(rep) < 2 or not rep[0].isupper() or not rep[1:].islower()


def _match_case(rep: str, s: str, start: int, end: int) -> str:
    """``Dj``/``Shch`` -> ``DJ``/``SHCH`` inside an upper-case word."""
    if len(rep) < 2 or not rep[0].isupper() or not rep[1:].islower():
        return rep
    after = s[end] if end < len(s) else ""
    before = s[start - 1] if start else ""
    neighbour = after if after.isalpha() else before
    return rep.upper() if neighbour.isupper() and neighbour.isalpha() else rep


# char -> (ascii, rule) for folds that do not depend on the neighbours
_FOLD_MEMO: dict[tuple[str, str], tuple[str, str]] = {}


def _fold_char(s: str, i: int, unknown: str) -> tuple[str, str]:
    """ASCII for the non-ASCII character ``s[i]``, and the rule that gave it."""
    ch = s[i]
    memo = _FOLD_MEMO.get((ch, unknown))
    if memo is not None:
        return memo
    rep, rule, context_free = _fold_char_uncached(s, i, unknown)
    if context_free and len(_FOLD_MEMO) < 65536:
        _FOLD_MEMO[ch, unknown] = (rep, rule)
    return rep, rule


def _fold_char_uncached(s: str, i: int, unknown: str) -> tuple[str, str, bool]:
    ch = s[i]
    o = ord(ch)
    if 0xD800 <= o <= 0xDFFF:
        return unknown, "ascii:lone-surrogate", True
    if ch in "Đđ":  # never memoised: depends on the context
        window = s[max(0, i - 20) : i + 20]
        if _VIETNAMESE.search(window):
            return ("D" if ch == "Đ" else "d"), "ascii:vietnamese-d", False
    entry = _fold_table().get(ch)
    if entry is not None:
        return _match_case(entry[0], s, i, i + 1), entry[1], _context_free(entry[0]) and ch not in "Đđ"
    if 0xAC00 <= o <= 0xD7A3 or 0x3131 <= o <= 0x318E or 0x1100 <= o <= 0x11FF:
        return _builtin_hangul(ch), "ascii:builtin-hangul", True
    from unidecode import unidecode

    rep = unidecode(ch)
    if not rep.isascii():  # pragma: no cover - unidecode returns ASCII
        rep = rep.encode("ascii", "ignore").decode("ascii")
    if not rep and unknown:
        return unknown, f"ascii:unknown {_cp(ch)}", True
    return _match_case(rep, s, i, i + 1), f"ascii:unidecode {_cp(ch)}", _context_free(rep)


def _fold_other(s: str, start: int, end: int, unknown: str, trace: Trace | None, offset: int) -> str:
    """Fold ``s[start:end]`` character by character.

    Unidecode ends the syllable of a Han character with a space (``北`` ->
    ``"Bei "``); that space is kept only before a letter or digit, and one is
    added after punctuation folded from a full-width form before a letter
    (``北京，中国`` -> ``Bei Jing, Zhong Guo``).
    """
    reps: list[str] = []
    rules: list[str] = []
    for i in range(start, end):
        rep, rule = _fold_char(s, i, unknown)
        reps.append(rep)
        rules.append(rule)
    for j, rep in enumerate(reps):
        spaced = len(rep) > 1 and rep.endswith(" ") and not rep.isspace()
        if not spaced and not (rep in _SPACED_PUNCT and _is_wide(s[start + j])):
            continue
        word = rep.rstrip(" ")
        following = next((r for r in reps[j + 1 :] if r), None)
        if following is None:
            following = s[end] if end < len(s) else ""
        reps[j] = word + " " if following[:1].isalnum() else word
    if trace is not None:
        for j, rep in enumerate(reps):
            i = start + j
            if rep != s[i]:
                trace.add(offset + i, offset + i + 1, s[i], rep, rules[j])
    return "".join(reps)


_SPACED_PUNCT = frozenset(",.;:!?")


def _is_wide(ch: str) -> bool:
    """CJK symbols and punctuation, or a full-width form."""
    o = ord(ch)
    return 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF


def _fold_script(script: str, run: str, unknown: str) -> tuple[str, str]:
    func, name = _resolve_fold(script)
    result: object = None
    if func is not None:
        try:
            result = func(run)
        except Exception:
            result = None
    if isinstance(result, str):
        rule = f"ascii:{script} {name}"
    else:
        builtin = _BUILTIN_FOLDS.get(script)
        result = builtin(run) if builtin is not None else run
        rule = f"ascii:{script} built-in"
    assert isinstance(result, str)
    if not result.isascii():
        result = _fold_other(result, 0, len(result), unknown, None, 0)
    return result, rule


_NON_ASCII = regex.compile("[\x80-\U0010ffff]+")  # the regex module scans this much faster than re


def fold_ascii(text: str, *, unknown: str = "", trace: Trace | None = None) -> str:
    """Fold text to ASCII: Unidecode, corrected where it is wrong.

    Runs of a script with a registered override (:func:`register_fold`) are
    folded by it: Hangul by the Korean engine (Revised Romanization, so
    ``고용철`` is ``goyongcheol``, never Unidecode's ``goyongceol``),
    Cyrillic by the Slavic engine. Other characters use the table
    ``data/fold/chars.tsv`` (``đ`` -> ``dj``, ``ə`` -> ``a``, ``·`` -> ``.``;
    multi-letter folds of a capital follow the case of the word:
    ``ĐOKOVIĆ`` -> ``DJOKOVIC``), then Unidecode. ``Đ``/``đ`` near
    Vietnamese letters is ``D``/``d``. The output is always ASCII.

    Args:
        text: any string.
        unknown: what to write for a character with no ASCII form (emoji,
            private use, lone surrogates): nothing by default; must be ASCII.
        trace: records each change (``ascii:Hangul normkit.names.korean:fold_hangul``,
            ``ascii:fold/chars.tsv:12 U+0111``, ``ascii:unidecode U+00E9 ...``).

    >>> fold_ascii("Crème brûlée, Straße, Þór")
    'Creme brulee, Strasse, Thor'
    >>> fold_ascii("ĐOKOVIĆ"), fold_ascii("Nguyễn Văn Đức")
    ('DJOKOVIC', 'Nguyen Van Duc')
    """
    if not isinstance(unknown, str) or not unknown.isascii():
        raise ValueError(f"unknown must be an ASCII string; got {unknown!r}")
    if text.isascii():
        return text
    scripts = tuple(_FOLD_OVERRIDES)
    pattern = _fold_pattern(scripts, _FOLD_VERSION[0])
    if trace is not None:
        trace.begin_pass()
    parts: list[str] = []
    pos = 0
    n = len(text)
    cache = _RUN_CACHE
    for run in _NON_ASCII.finditer(text):
        start, end = run.span()
        parts.append(text[pos:start])
        pos = end
        if trace is not None:
            parts.append(_fold_run(text, start, end, unknown, pattern, scripts, trace))
            continue
        # A run's fold depends on the run and its two neighbours only (except
        # near Đ/đ, which looks further for Vietnamese letters).
        key = (run.group(), text[start - 1] if start else "", text[end] if end < n else "", unknown)
        folded = cache.get(key)
        if folded is None:
            folded = _fold_run(text, start, end, unknown, pattern, scripts, None)
            if "\u0110" not in key[0] and "\u0111" not in key[0]:
                if len(cache) >= 50_000:
                    cache.clear()
                cache[key] = folded
        parts.append(folded)
    parts.append(text[pos:])
    return "".join(parts)


def _fold_run(
    text: str,
    start: int,
    end: int,
    unknown: str,
    pattern: Any,
    scripts: tuple[str, ...],
    trace: Trace | None,
) -> str:
    """Fold the run of non-ASCII characters ``text[start:end]``."""
    parts: list[str] = []
    for m in pattern.finditer(text, start, end):
        kind = m.lastgroup
        if kind == "other":
            parts.append(_fold_other(text, m.start(), m.end(), unknown, trace, 0))
            continue
        script = scripts[int(kind[1:])]
        folded, rule = _fold_script(script, m.group(), unknown)
        parts.append(folded)
        if trace is not None and folded != m.group():
            trace.add(m.start(), m.end(), m.group(), folded, rule)
    return "".join(parts)


# ---------------------------------------------------------------------------
# key steps

# Characters whose case folding differs from themselves: ASCII capitals and
# (checked per run) anything outside ASCII.
_CASED_RUN = re.compile(r"[A-Z\x80-\U0010ffff]+")


def casefold(text: str, *, trace: Trace | None = None) -> str:
    """Case-fold (``str.casefold``: ``ß`` -> ``ss``, ``Σ``/``ς`` -> ``σ``).

    >>> casefold("Straße ΣΟΦΙΑ")
    'strasse σοφια'
    """
    if trace is None:
        return text.casefold()
    return sub(_CASED_RUN, lambda m: m.group().casefold(), text, trace=trace, rule="casefold")


# str.isspace() characters, so that the traced path agrees with str.split().
_SPACES = "\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_PUNCT_SPACE = regex.compile(rf"[\p{{P}}{_SPACES}]++")
_PUNCT = regex.compile(r"\p{P}++")


def collapse(text: str, *, trace: Trace | None = None) -> str:
    """Punctuation to spaces, every run of whitespace to one space, no
    leading or trailing space: the last step of a matching key.

    >>> collapse("  Ko Yong-chul,\\tReporter! ")
    'Ko Yong chul Reporter'
    """
    if trace is None:
        return " ".join(_PUNCT.sub(" ", text).split())
    n = len(text)
    return sub(
        _PUNCT_SPACE,
        lambda m: "" if m.start() == 0 or m.end() == n else " ",
        text,
        trace=trace,
        rule="collapse",
    )
