"""Chunked (streaming) cleaning of big files for ``normkit clean``.

A file above :data:`STREAM_THRESHOLD` bytes is not read whole: its bytes are
decoded incrementally (strict UTF-8, errors reported at their byte offset
even across read boundaries), the text is cut into chunks of about
:data:`CHUNK_CHARS` characters and the pipeline runs on one chunk at a time.
The result equals what running the pipeline on the whole text gives, for
every pipeline made of the steps in :data:`LINE_LOCAL_STEPS` (the ``names``
step excepted, see below):

- A chunk ends at a line boundary, preferably at the end of a run of blank
  lines (a paragraph boundary), never inside a Markdown fenced code block.
  The first line of the next chunk must begin with a printable ASCII
  character, a letter or a digit, so no step can turn it into a blank or
  indented line, and hold no lone
  carriage return (a line break to the whitespace step).
- A chunk that is not the last is cleaned together with that next line (the
  *lookahead*), and the output is cut after the last line break before it.
  So the whitespace step sees a blank-line run straddling the cut followed
  by real text, exactly as in the whole document, and only the last chunk is
  treated as the end of the document (final newline, trailing blank lines).
- A line longer than four chunks is cut at a *hard cut*: before a space
  between two letters or digits, else between two ASCII letters or digits
  (never inside a combining sequence, a CRLF pair or a run of another
  script, which folding reads as a whole); only in a line that starts
  like the lines above (not indented code) and has no backtick before the
  cut (no code span crosses it); failing all that, the chunk grows. The cleaned piece loses the
  line break the whitespace step's ``final_newline="ensure"`` adds to it.
- After cleaning, a chunk whose output still has an open code fence (a step
  turned something into a fence) is merged with the next chunk.

The ``names`` step resolves a lone surname to a person named in full
*earlier in the same text*; chunk by chunk, "earlier" means earlier in the
same chunk (about a megabyte). Pipelines with any other step (``boilerplate``
reads a page as a whole, ``collapse`` joins lines, user steps are unknown)
are not streamed: :func:`blocking_steps` names them.

>>> dec = Decoder("f.txt")
>>> text = dec.feed("\\ufeffone\\r\\n".encode()) + dec.feed(b"", final=True)
>>> text, dec.bom, dec.newline
('one\\r\\n', True, '\\r\\n')
>>> [c.text for c in chunks(["a\\n\\nb\\n\\nc\\n"], size=2)]
['a\\n\\n', 'b\\n\\n', 'c\\n']
"""

from __future__ import annotations

import bisect
import codecs
import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from normkit.files import InvalidUTF8

if TYPE_CHECKING:  # pragma: no cover
    from normkit.pipeline import Pipeline

__all__ = [
    "CHUNK_CHARS",
    "LINE_LOCAL_STEPS",
    "READ_SIZE",
    "STREAM_THRESHOLD",
    "Chunk",
    "Decoder",
    "Piece",
    "blocking_steps",
    "chunks",
    "clean_chunks",
    "clean_text",
    "fence_spans",
]

#: Files bigger than this (bytes) are cleaned chunk by chunk.
STREAM_THRESHOLD = 4 << 20
#: The target size of a chunk (characters).
CHUNK_CHARS = 1 << 20
#: Bytes read at a time.
READ_SIZE = 1 << 20

#: The steps that can run chunk by chunk: each changes a line using that
#: line only (``whitespace`` and ``names`` need the care described above).
#: Step name -> the implementation it must be (a replaced step is not known).
LINE_LOCAL_STEPS: dict[str, str] = {
    "unicode": "normkit.text:normalize_unicode",
    "invisibles": "normkit.text:remove_invisibles",
    "typography": "normkit.text:fix_typography",
    "whitespace": "normkit.text:fix_whitespace",
    "ascii": "normkit.text:fold_ascii",
    "casefold": "normkit.text:casefold",
    "names": "normkit.mentions:canonicalize_names",
}


def blocking_steps(pipeline: Pipeline) -> list[str]:
    """The steps of ``pipeline`` that need the whole document at once (an
    empty list means the pipeline can run chunk by chunk).

    >>> from normkit.pipeline import Pipeline
    >>> blocking_steps(Pipeline.from_preset("default")), blocking_steps(Pipeline.from_preset("news"))
    ([], ['boilerplate'])
    """
    out: list[str] = []
    for step, _ in pipeline._plan():
        func = step.func
        where = f"{getattr(func, '__module__', '')}:{getattr(func, '__name__', '')}"
        if LINE_LOCAL_STEPS.get(step.name) != where:
            out.append(step.name)
    return out


# --------------------------------------------------------------------------
# Incremental strict decoding


class Decoder:
    """Strict incremental UTF-8 decoding that reports errors like
    :func:`normkit.files.decode` (byte offset, line, column in the whole
    file), strips a leading BOM and finds the newline style (that of the
    first line ending). The text it returns keeps ``\\r\\n``.

    >>> dec = Decoder("f")
    >>> dec.feed(b"ok\\n\\xc3")
    'ok\\n'
    >>> dec.feed(b"(")
    Traceback (most recent call last):
    ...
    normkit.files.InvalidUTF8: f: invalid UTF-8 at byte 3 (line 2, column 1); left unchanged
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.bom = False
        #: ``"\\n"`` or ``"\\r\\n"`` once a line ending was seen, else None.
        self.newline: str | None = None
        self._dec = codecs.getincrementaldecoder("utf-8")("strict")
        self._fed = 0
        self._lines = 0
        self._line_start = 0
        self._started = False
        self._last = ""

    def feed(self, data: bytes, final: bool = False) -> str:
        """Decode the next bytes (``final`` at the end of the file)."""
        pending = len(self._dec.getstate()[0])
        try:
            text: str = self._dec.decode(data, final)
        except UnicodeDecodeError as e:
            offset = self._fed - pending + e.start
            before = data[: max(0, e.start - pending)]
            nl = before.rfind(b"\n")
            line_start = self._fed + nl + 1 if nl >= 0 else self._line_start
            line = self._lines + before.count(b"\n") + 1
            raise InvalidUTF8(self.source, offset, line, offset - line_start + 1) from None
        nl = data.rfind(b"\n")
        if nl >= 0:
            self._lines += data.count(b"\n")
            self._line_start = self._fed + nl + 1
        self._fed += len(data)
        if not self._started and text:
            self._started = True
            if text[0] == "\ufeff":
                self.bom = True
                text = text[1:]
        if self.newline is None:
            i = text.find("\n")
            if i >= 0:
                prev = text[i - 1] if i else self._last
                self.newline = "\r\n" if prev == "\r" else "\n"
        if text:
            self._last = text[-1]
        return text


# --------------------------------------------------------------------------
# Code fences (the rules of the whitespace and names steps, both tracked)

_FENCE_MARK = re.compile(r"```|~~~")
_WS_FENCE = re.compile(r"[ ]{0,3}(`{3,}+|~{3,}+)")
_NAMES_FENCE = re.compile(r"[ \t]{0,3}(```+|~~~+)")


def fence_spans(text: str) -> tuple[list[tuple[int, int]], bool]:
    """Spans of the Markdown fenced code blocks of ``text`` as the whitespace
    and the names steps see them (the union of both), and whether one is
    still open at the end.

    >>> fence_spans("a\\n```\\nx\\n```\\nb\\n```py\\n")
    ([(2, 12), (14, 20)], True)
    """
    spans: list[tuple[int, int]] = []
    ws = names = ""
    ws_start = names_start = 0
    n = len(text)
    if "```" not in text and "~~~" not in text:
        return spans, False
    last = -1
    for m in _FENCE_MARK.finditer(text):
        start = text.rfind("\n", 0, m.start()) + 1
        if start == last or text[start : m.start()].strip(" \t"):
            continue  # a line seen already, or a mark after other text
        last = start
        nl = text.find("\n", start)
        end = n if nl < 0 else nl + 1
        line = text[start:end].rstrip("\n")
        w = _WS_FENCE.match(line)
        if ws:
            if w and w.group(1)[0] == ws[0] and len(w.group(1)) >= len(ws) and not line[w.end() :].strip():
                spans.append((ws_start, end))
                ws = ""
        elif w:
            ws, ws_start = w.group(1), start
        k = _NAMES_FENCE.match(line)
        if k:
            if not names:
                names, names_start = k.group(1), start
            else:
                close = k.group(1)
                bare = not line.strip().lstrip("`~").strip()
                if close[0] == names[0] and len(close) >= len(names) and bare:
                    spans.append((names_start, end))
                    names = ""
    if ws:
        spans.append((ws_start, n))
    if names:
        spans.append((names_start, n))
    return sorted(set(spans)), bool(ws or names)


# --------------------------------------------------------------------------
# Chunking


@dataclasses.dataclass(frozen=True, slots=True)
class Chunk:
    """A piece of the decoded text (``\\r\\n`` kept): ``lookahead`` is the first
    line of the next chunk ("" after a hard cut), ``last`` marks the end."""

    text: str
    lookahead: str = ""
    last: bool = False


# A line that starts with printable ASCII, a letter or a digit: no step makes
# it blank or indented (the Hangul fillers are excluded in _solid).
_PARAGRAPH_CUT = re.compile(r"\n[ \t\r]*\n(?=[!-~]|[^\W_])")
_LINE_CUT = re.compile(r"\n(?=[!-~]|[^\W_])")
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0")
_SPACE_CUT = re.compile(r"(?<=[^\W_]) (?=[^\W_])")
_LETTER_CUT = re.compile(r"(?<=[A-Za-z0-9])(?=[A-Za-z0-9])")
_NEWLINE = re.compile("\n")
_BACKTICK = re.compile("`")
_NEAR_CUT = re.compile("['\"`.\\-\u00b4\u2018\u2019\u201c\u201d]")


def _solid(ch: str) -> bool:
    return "!" <= ch <= "~" or (ch.isalnum() and ch not in _FILLERS)


def _letter_ok(text: str, p: int) -> bool:
    """A cut inside a word: only between two ASCII letters or digits (folding
    and transliteration read runs of other scripts as a whole), with no quote,
    backtick, dot or hyphen just before (typography reads those with what
    follows)."""
    return (
        text[p - 1 : p + 1].isalnum()
        and text[p - 1 : p + 1].isascii()
        and not _NEAR_CUT.search(text, max(0, p - 8), p)
    )


def _pick(
    pattern: re.Pattern[str],
    pos_of: Callable[[re.Match[str]], int],
    buf: str,
    ok: Callable[[int], bool],
    lo: int,
    hi: int,
    far: bool,
) -> int | None:
    """The last acceptable cut found by ``pattern`` in [lo, hi]; with ``far``,
    else the first after ``hi``, else the last before ``lo``. The text is
    scanned in windows growing away from ``hi``, so a cut near it is cheap."""
    n = len(buf)

    def scan(a: int, b: int, last: bool) -> int | None:
        found = None
        for m in pattern.finditer(buf, max(0, a - 4096), min(n, b + 2)):
            p = pos_of(m)
            if a <= p <= b and p > 0 and ok(p):
                found = p
                if not last:
                    break
        return found

    def backward(a: int, b: int) -> int | None:
        step = 1 << 16
        while b >= a:
            start = max(a, b - step)
            p = scan(start, b, True)
            if p is not None:
                return p
            b, step = start - 1, step * 2
        return None

    p = backward(lo, hi)
    if p is not None or not far:
        return p
    a, step = hi + 1, 1 << 16
    while a <= n:
        p = scan(a, a + step, False)
        if p is not None:
            return p
        a, step = a + step + 1, step * 2
    return backward(1, lo - 1)


def _end(m: re.Match[str]) -> int:
    return m.end()


def _start(m: re.Match[str]) -> int:
    return m.start()


def _find_cut(buf: str, size: int, at_eof: bool, mid_line: bool = False) -> tuple[int, bool] | None:
    """Where to end the next chunk of ``buf``: (position, is a line cut), or
    None to read more text first. ``mid_line``: ``buf`` starts inside a line
    (after a hard cut)."""
    spans, _ = fence_spans(buf)
    starts = [s for s, _ in spans]

    def outside(p: int) -> bool:
        i = bisect.bisect_left(starts, p)
        return all(not (s < p < e) for s, e in spans[:i])

    def line_ok(p: int) -> bool:
        # the next line is complete and has no lone CR (a line break for the
        # whitespace step), so its cleaned form is one line; nor has the blank
        # run before the cut (collapsed, it would join lines of Markdown fences)
        nl = buf.find("\n", p)
        if nl < 0 or buf.find("\r", p, nl - 1) >= 0 or not _solid(buf[p]):
            return False
        i = p
        while i > 0 and buf[i - 1] in " \t\r\n":
            if buf[i - 1] == "\r" and buf[i : i + 1] != "\n":
                return False
            i -= 1
        return outside(p)

    lo, hi = size // 4, size
    for far in (False, True):
        if far and len(buf) < 4 * size and not at_eof:
            return None
        for pattern in (_PARAGRAPH_CUT, _LINE_CUT):
            p = _pick(pattern, _end, buf, line_ok, lo, hi, far)
            if p is not None:
                return p, True
    # A hard cut: only in a line that starts with printable ASCII, a letter or
    # a digit (no indented code) and has no backtick before the cut (no code
    # span crosses it).
    newlines = [m.start() for m in _NEWLINE.finditer(buf)]
    ticks = [m.start() for m in _BACKTICK.finditer(buf)]

    def hard_ok(q: int) -> bool:
        i = bisect.bisect_left(newlines, q)
        start = newlines[i - 1] + 1 if i else 0
        j = bisect.bisect_left(ticks, q)
        if j and ticks[j - 1] >= start:
            return False
        # a line begun before ``buf`` was checked at the hard cut that began ``buf``
        return ((mid_line and not i) or _solid(buf[start])) and outside(q)

    def space_ok(q: int) -> bool:  # neither neighbour may vanish (a Hangul filler)
        return _solid(buf[q - 1]) and _solid(buf[q + 1]) and hard_ok(q)

    p = _pick(_SPACE_CUT, _start, buf, space_ok, lo, hi, True)
    if p is None:
        p = _pick(_LETTER_CUT, _start, buf, lambda q: _letter_ok(buf, q) and hard_ok(q), lo, hi, True)
    return None if p is None else (p, False)


def chunks(pieces: Iterable[str], *, size: int = CHUNK_CHARS) -> Iterator[Chunk]:
    """Cut decoded text (given in pieces of any size) into :class:`Chunk`\\ s of
    about ``size`` characters; the last one has ``last=True``."""
    size = max(1, size)
    parts: list[str] = []
    have = 0
    buf = ""
    wait = 2 * size  # look for a cut once this much text is buffered
    mid_line = False  # the buffer starts inside a line (after a hard cut)

    def cut(at_eof: bool) -> Iterator[Chunk]:
        nonlocal buf, wait, mid_line
        while len(buf) > (size if at_eof else 2 * size):
            found = _find_cut(buf, size, at_eof, mid_line)
            if found is None:
                if len(buf) >= 4 * size:  # no safe cut at all yet: look again when twice as long
                    wait = 2 * len(buf)
                return
            wait = 2 * size
            p, is_line = found
            mid_line = not is_line
            look = buf[p : buf.index("\n", p) + 1] if is_line else ""
            yield Chunk(buf[:p], look)
            buf = buf[p:]

    for piece in pieces:
        if not piece:
            continue
        parts.append(piece)
        have += len(piece)
        if have <= wait:
            continue
        buf = "".join(parts)
        yield from cut(False)
        parts, have = [buf], len(buf)
    buf = "".join(parts)
    yield from cut(True)
    yield Chunk(buf, "", True)


# --------------------------------------------------------------------------
# Cleaning chunk by chunk

#: ``(text, offset, (first, last)) -> (cleaned, messages)``: clean ``text``
#: (``\\n`` line endings), whose line ``n`` is line ``n + offset`` of the
#: document; messages are about its lines ``first`` to ``last`` (1-based; -1:
#: to the end) only.
Processor = Callable[[str, int, tuple[int, int]], tuple[str, list[str]]]

_FINAL_EOL = re.compile(r"(?:\r\n|\r|\n)\Z")
_EOL = re.compile(r"\r\n|\r|\n")


@dataclasses.dataclass(frozen=True, slots=True)
class Piece:
    """One cleaned piece: the original text (``\\r\\n`` kept), the cleaned text
    (``\\n`` line endings, as the pipeline returns it), messages, and whether
    it is the last."""

    before: str
    after: str
    messages: list[str]
    last: bool


def clean_chunks(parts: Iterable[Chunk], process: Processor) -> Iterator[Piece]:
    """Clean chunks with ``process``; concatenated, the cleaned pieces equal
    ``process`` run on the whole text (see the module documentation)."""
    carry = ""
    line = 0
    first_eol: str | None = None  # the document's first line break
    for chunk in parts:
        raw = carry + chunk.text
        lf = raw.replace("\r\n", "\n") if "\r" in raw else raw
        if first_eol is None:
            m = _EOL.search(lf)
            first_eol = m.group() if m else None
        if chunk.last:
            yield Piece(raw, *_clean_last(lf, line, first_eol, process), True)
            return
        if chunk.lookahead:
            look = chunk.lookahead
            look = look.replace("\r\n", "\n") if "\r" in look else look
            out, messages = process(lf + look, line, (1, lf.count("\n")))
            body = out[:-1] if out.endswith("\n") else out
            out = out[: max(body.rfind("\n"), body.rfind("\r")) + 1]
        else:  # a hard cut inside a line: no line break may end the piece
            out, messages = process(lf, line, (1, -1))
            out = _FINAL_EOL.sub("", out, count=1)
        if fence_spans(out)[1]:  # cut inside a code fence after all: merge with the next chunk
            carry = raw
            continue
        carry = ""
        line += lf.count("\n")
        yield Piece(raw, out, messages, False)
    if carry:  # pragma: no cover - chunks() always ends with a last chunk
        out, messages = process(carry.replace("\r\n", "\n"), line, (1, -1))
        yield Piece(carry, out, messages, True)


def _clean_last(text: str, line: int, first_eol: str | None, process: Processor) -> tuple[str, list[str]]:
    """Clean the last chunk. The whitespace step ends a text in the style of
    its first line break (``final_newline="ensure"``): when the chunk's first
    line break is not the document's, a line ``x`` ending in the document's is
    put before the chunk while cleaning."""
    m = _EOL.search(text)
    if first_eol is None or (m is not None and m.group() == first_eol):
        return process(text, line, (1, -1))
    # A leading line break is dropped by the whitespace step but still counts
    # as the text's first; "x" keeps the chunk's first line a line of its own.
    head = first_eol + "x\n"
    skip = head.count("\n")
    out, messages = process(head + text, line - skip, (skip + 1, -1))
    for cleaned in (head, "x\n"):
        if out.startswith(cleaned):
            return out[len(cleaned) :], messages
    return process(text, line, (1, -1))  # pragma: no cover - a step changed the line "x"


def clean_text(text: str, pipeline: Pipeline | Callable[[str], str], *, size: int = CHUNK_CHARS) -> str:
    """Clean ``text`` chunk by chunk (chunks of about ``size`` characters);
    equal to ``pipeline(text)`` for line-local pipelines.

    >>> from normkit.pipeline import Pipeline
    >>> p = Pipeline(["whitespace"])
    >>> text = "a  \\n\\n\\n\\nb\\n\\n\\n\\nc \\n\\n"
    >>> clean_text(text, p, size=3) == p(text) == "a\\n\\nb\\n\\nc\\n"
    True
    """

    def process(t: str, _line: int, _keep: tuple[int, int]) -> tuple[str, list[str]]:
        return pipeline(t), []

    return "".join(p.after for p in clean_chunks(chunks([text], size=size), process))
