"""Chunked cleaning of big files equals whole-text cleaning; incremental decoding."""

from __future__ import annotations

import difflib
import itertools
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normkit import cli, streaming
from normkit.files import InvalidUTF8, decode
from normkit.pipeline import Pipeline
from normkit.streaming import Decoder, blocking_steps, chunks, clean_text, fence_spans

# ---------------------------------------------------------------- texts

_WORDS = ["the", "cat", "sat", "on", "mat", "x1", "über", "naïve", "東京", "한국", "don't", '"q"']
_ODD = [
    "\u00a0",
    "\u200b",
    "e\u0301",
    "\u2014",
    "--",
    "...",
    "`c  d`",
    "\t",
    "\r",
    "\ufeff",
    "´",
    "¨",
    "\u3164",
    "ᄀ",
]

word = st.sampled_from(_WORDS)
gap = st.sampled_from([" ", " ", " ", "  ", "   "])
odd = st.sampled_from(_ODD)
trailing = st.sampled_from(["", "", " ", "  ", "\t", " \t "])


@st.composite
def line(draw: st.DrawFn) -> str:
    n = draw(st.integers(1, 8))
    parts = [draw(st.sampled_from(["", "", "", "    ", "  ", "\u00a0"]))]
    for i in range(n):
        if i:
            parts.append(draw(gap))
        parts.append(draw(st.one_of(word, word, word, odd)))
    parts.append(draw(trailing))
    return "".join(parts)


@st.composite
def document(draw: st.DrawFn) -> str:
    """Paragraphs of lines, runs of blank (or whitespace-only) lines, an
    occasional code fence, CRLF or LF, with or without a final newline."""
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    blocks: list[str] = []
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["para", "para", "para", "blank", "fence"]))
        if kind == "para":
            blocks.extend(draw(st.lists(line(), min_size=1, max_size=4)))
        elif kind == "blank":
            blocks.extend(draw(st.lists(trailing, min_size=1, max_size=4)))
        else:
            fence = draw(st.sampled_from(["```", "~~~", "````"]))
            body = draw(st.lists(st.one_of(line(), trailing), max_size=4))
            blocks.extend([fence + draw(st.sampled_from(["", "py"])), *body, fence])
    text = eol.join(blocks)
    if draw(st.booleans()):
        text += eol * draw(st.integers(1, 3))
    if eol == "\r\n" and draw(st.booleans()):
        text = text.replace("\r\n", "\n", 1)  # mixed line endings
    return text


TEXT_STEPS = Pipeline(["unicode", "invisibles", "typography", "whitespace"])
CURLY = Pipeline(
    ["unicode", "invisibles", "typography", "whitespace"],
    quotes="curly",
    dashes="smart",
    ellipsis="unicode",
    blank_lines=2,
    final_newline="ensure",
)
DEFAULT = Pipeline.from_preset("default")
NFKC_ASCII = Pipeline(["unicode", "invisibles", "typography", "ascii", "casefold", "whitespace"], form="NFKC")


def whole(text: str, pipeline: Pipeline) -> str:
    lf = text.replace("\r\n", "\n")
    return pipeline(lf)


def chunked(text: str, pipeline: Pipeline, size: int) -> str:
    out = clean_text(text, pipeline, size=size)
    return out


@settings(max_examples=80)
@given(document(), st.integers(1, 40), st.sampled_from([TEXT_STEPS, CURLY, DEFAULT, NFKC_ASCII]))
def test_chunked_equals_whole(text: str, size: int, pipeline: Pipeline) -> None:
    assert chunked(text, pipeline, size) == whole(text, pipeline)


@settings(max_examples=40)
@given(st.lists(line(), min_size=1, max_size=6), st.integers(1, 12), st.booleans())
def test_hard_cuts_inside_one_long_line(words: list[str], size: int, final: bool) -> None:
    text = " ".join(w.strip() for w in words).replace("\r", "") + ("\n" if final else "")
    for pipeline in (TEXT_STEPS, CURLY, DEFAULT):
        assert chunked(text, pipeline, size) == whole(text, pipeline)


@settings(max_examples=60)
@given(st.text(), st.integers(1, 30))
def test_chunked_is_total_and_equal_on_any_text(text: str, size: int) -> None:
    assert chunked(text, TEXT_STEPS, size) == whole(text, TEXT_STEPS)


def test_chunks_cut_at_paragraphs_and_keep_fences_whole() -> None:
    text = "p1 a\np1 b\n\n```\nx\n\n\ny\n```\n\np3\n\np4\n"
    parts = list(chunks([text], size=4))
    assert "".join(c.text for c in parts) == text
    assert all(c.text.endswith("\n\n") for c in parts[:-1])
    assert any("```\nx\n\n\ny\n```" in c.text for c in parts)
    assert parts[-1].last
    assert not any(c.last for c in parts[:-1])
    for a, b in itertools.pairwise(parts):
        assert b.text.startswith(a.lookahead)


def test_hard_cuts_only_between_ascii_letters_or_digits() -> None:
    text = "e\u0301" * 50 + "\u1100\u1161" * 50 + "가나다라東京" * 30 + "abcd" * 30 + "한국" * 30
    parts = [c.text for c in chunks([text], size=8)]
    assert "".join(parts) == text
    assert len(parts) > 1
    for a, b in itertools.pairwise(parts):
        assert (a[-1] + b[0]).isascii()
        assert (a[-1] + b[0]).isalnum()


def test_fence_spans_follow_both_steps() -> None:
    assert fence_spans("a\n```\nb\n")[1]
    assert not fence_spans("a\n```\nb\n```\n")[1]
    assert fence_spans("\t```\nb\n")[1]  # the names step sees a tab-indented fence


def test_blocking_steps() -> None:
    assert blocking_steps(Pipeline.from_preset("default")) == []
    assert blocking_steps(Pipeline.from_preset("key")) == ["collapse"]
    assert blocking_steps(Pipeline([str.upper])) == ["upper"]


def test_names_resolve_a_lone_surname_only_within_a_chunk(tmp_path: Path) -> None:
    # The documented difference (docs/cli.md): a surname shared by two people
    # resolves to the one named in full earlier in the same chunk only.
    table = tmp_path / "people.tsv"
    table.write_text(
        "canonical\tvariant\tlang\tnote\n"
        "Tatiana Petrovska\tTatjana Petrofska\tmk-Latn\ttest person\n"
        "Vesna Petrovska\tVesna Petrofska\tmk-Latn\ttest person\n",
        encoding="utf-8",
    )
    names = Pipeline.from_preset("default", aliases=(str(table),))
    filler = "Nothing to see here.\n\n" * 20
    text = "Vesna Petrofska arrived.\n\n" + filler + "Later Petrofska spoke.\n"
    assert names(text).endswith("Later Petrovska spoke.\n")
    assert clean_text(text, names, size=64).endswith("Later Petrofska spoke.\n")
    near = "Vesna Petrofska arrived.\n\nLater Petrofska spoke.\n\n" + filler
    assert clean_text(near, names, size=64) == names(near)


# ---------------------------------------------------------------- decoding


def _split(data: bytes, cuts: list[int]) -> Iterator[bytes]:
    pos = 0
    for c in sorted(set(cuts)):
        if 0 < c < len(data):
            yield data[pos:c]
            pos = c
    yield data[pos:]


def _decode_all(data: bytes, cuts: list[int]) -> tuple[str, Decoder]:
    dec = Decoder("f")
    text = "".join(dec.feed(part) for part in _split(data, cuts)) + dec.feed(b"", final=True)
    return text, dec


byte_text = st.one_of(
    st.binary(max_size=40),
    st.text(max_size=30).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.text(max_size=30).map(lambda s: ("\ufeff" + s).encode("utf-8", "surrogatepass")),
    st.lists(st.sampled_from(["a", "\r\n", "\n", "é", "한", "\ufeff", "🙂"])).map(
        lambda x: "".join(x).encode()
    ),
)


@given(byte_text, st.lists(st.integers(0, 60), max_size=6))
def test_incremental_decoding_equals_whole_decoding(data: bytes, cuts: list[int]) -> None:
    try:
        expected = decode(data, "f")
    except InvalidUTF8 as e:
        message = str(e)
    else:
        message = ""
    if message:
        with pytest.raises(InvalidUTF8) as info:
            _decode_all(data, cuts)
        assert str(info.value) == message
        return
    text, dec = _decode_all(data, cuts)
    assert text.replace("\r\n", "\n") == expected.text
    assert dec.bom == expected.bom
    assert (dec.newline or "\n") == expected.newline


# ---------------------------------------------------------------- the CLI


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streaming, "STREAM_THRESHOLD", 64)
    monkeypatch.setattr(streaming, "CHUNK_CHARS", 40)
    monkeypatch.setattr(streaming, "READ_SIZE", 7)


def _sample(n: int = 30) -> str:
    paras = []
    for i in range(n):
        paras.append(f"Paragraph {i}  has   spaces \u00a0and\u200b marks.  \nline two {i}\t\n")
        paras.append("\n" * (i % 4))
    return "".join(paras) + "\n\n"


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("bom", [False, True])
def test_cli_streams_big_files_like_small_ones(
    tmp_path: Path, small_chunks: None, newline: str, bom: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    text = _sample().replace("\n", newline)
    data = ("\ufeff" if bom else "").encode() + text.encode()
    expected = decode(data, "x").encode(whole(text, DEFAULT))
    p = tmp_path / "big.txt"
    p.write_bytes(data)
    assert cli.main(["clean", "--isolated", str(p)]) == 1
    assert p.read_bytes() == expected
    assert "Fixing" in capsys.readouterr().out
    assert cli.main(["clean", "--isolated", str(p)]) == 0
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".normkit-tmp")]


def test_cli_check_and_diff_on_big_files(
    tmp_path: Path, small_chunks: None, capsys: pytest.CaptureFixture[str]
) -> None:
    text = _sample()
    p = tmp_path / "big.txt"
    p.write_text(text, encoding="utf-8", newline="")
    assert cli.main(["clean", "--isolated", "--check", str(p)]) == 1
    assert capsys.readouterr().out == f"Would fix {p}\n"
    assert cli.main(["clean", "--isolated", "--diff", str(p)]) == 1
    diff = capsys.readouterr().out
    assert p.read_text(encoding="utf-8") == text  # nothing written
    assert _apply(text, diff) == whole(text, DEFAULT)


def test_cli_streaming_reports_invalid_utf8_at_its_byte_offset(
    tmp_path: Path, small_chunks: None, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _sample().encode() + b"tail \xff end\n"
    p = tmp_path / "big.txt"
    p.write_bytes(data)
    bad = data.index(b"\xff")
    for flags in ([], ["--check"], ["--diff"]):
        assert cli.main(["clean", "--isolated", *flags, str(p)]) == 2
        err = capsys.readouterr().err
        assert f"invalid UTF-8 at byte {bad}" in err
    assert p.read_bytes() == data
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".normkit-tmp")]


def test_cli_streaming_explain_positions_match_whole(
    tmp_path: Path, small_chunks: None, capsys: pytest.CaptureFixture[str]
) -> None:
    text = _sample(12)
    p = tmp_path / "big.txt"
    p.write_text(text, encoding="utf-8", newline="")
    assert cli.main(["clean", "--isolated", "--check", "--explain", str(p)]) == 1
    streamed = [x for x in capsys.readouterr().out.splitlines() if not x.startswith("Would fix")]
    _, expected = cli.explain_lines(str(p), text, DEFAULT)
    assert sorted(streamed) == sorted(expected)  # grouped chunk by chunk, same lines


def test_cli_news_preset_is_not_streamed(
    tmp_path: Path, small_chunks: None, capsys: pytest.CaptureFixture[str]
) -> None:
    text = _sample()
    p = tmp_path / "big.txt"
    p.write_text(text, encoding="utf-8", newline="")
    assert cli.main(["clean", "--isolated", "--preset", "news", str(p)]) == 1
    assert p.read_text(encoding="utf-8") == Pipeline.from_preset("news")(text)
    assert "read whole (not streamed): needs the whole document: boilerplate" in capsys.readouterr().err


_HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def _apply(text: str, diff: str) -> str:
    """Apply a unified diff (as ``normkit clean --diff`` prints it) to ``text``."""
    old = text.splitlines(keepends=True)
    out: list[str] = []
    pos = 0
    lines = diff.splitlines(keepends=True)
    i = 2
    last = ""
    assert lines[0].startswith("--- ")
    assert lines[1].startswith("+++ ")
    while i < len(lines):
        m = _HUNK.match(lines[i])
        assert m, lines[i]
        start = int(m.group(1)) - (0 if m.group(2) == "0" else 1)
        out.extend(old[pos:start])
        pos = start
        i += 1
        while i < len(lines) and not lines[i].startswith("@@"):
            tag, body = lines[i][0], lines[i][1:]
            if tag == "\\":
                if last in "+ " and out:
                    out[-1] = out[-1].rstrip("\n")
            elif tag in " -":
                assert old[pos] == body, (old[pos], body)
                pos += 1
                if tag == " ":
                    out.append(body)
            else:
                out.append(body)
            last = tag
            i += 1
    out.extend(old[pos:])
    return "".join(out)


def test_apply_helper_agrees_with_difflib() -> None:
    a, b = "a\nb\nc\n", "a\nB\nc\nd"
    diff = "".join(difflib.unified_diff(a.splitlines(True), b.splitlines(True), "f", "f"))
    assert _apply(a, diff.replace("d", "d\n\\ No newline at end of file\n", 1)) == b


def test_cli_streaming_leaves_clean_and_read_only_files_alone(
    tmp_path: Path, small_chunks: None, capsys: pytest.CaptureFixture[str]
) -> None:
    clean = tmp_path / "clean.txt"
    clean.write_text(whole(_sample(), DEFAULT), encoding="utf-8", newline="")
    before = clean.stat()
    assert cli.main(["clean", "--isolated", str(clean)]) == 0
    assert clean.stat().st_mtime_ns == before.st_mtime_ns
    assert clean.stat().st_ino == before.st_ino  # not even rewritten
    locked = tmp_path / "locked.txt"
    locked.write_text(_sample(), encoding="utf-8", newline="")
    locked.chmod(0o444)
    assert cli.main(["clean", "--isolated", str(locked)]) == 2
    assert "read-only file; left unchanged" in capsys.readouterr().err
    assert locked.read_text(encoding="utf-8") == _sample()
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".normkit-tmp")]
