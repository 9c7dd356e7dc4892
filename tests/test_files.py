"""Safe file I/O: strict decoding, BOM and newline style, atomic writes, path filters."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normkit.files import (
    DEFAULT_EXCLUDE,
    DEFAULT_INCLUDE,
    BadFile,
    InvalidUTF8,
    PathFilter,
    SkipFile,
    decode,
    is_binary,
    iter_paths,
    read_file,
    write_atomic,
)
from normkit.pipeline import Pipeline

# ---------------------------------------------------------------- decoding


def test_decode_reports_byte_offset_line_and_column() -> None:
    data = "ok\nçà ".encode() + b"\xff rest"
    with pytest.raises(InvalidUTF8) as info:
        decode(data, "f.txt")
    err = info.value
    assert err.offset == data.index(b"\xff")
    assert (err.line, err.col) == (2, err.offset - data.index(b"\n"))
    assert "f.txt" in str(err)
    assert f"byte {err.offset}" in str(err)
    assert "\n" not in str(err)


@pytest.mark.parametrize(
    "data",
    [
        b"\xed\xa0\x80",  # an encoded surrogate is not UTF-8
        b"\xc0\xaf",  # overlong
        b"abc\xe2\x82",  # truncated at the end
    ],
)
def test_decode_is_strict(data: bytes) -> None:
    with pytest.raises(InvalidUTF8):
        decode(data, "x")


def test_bom_and_crlf_are_split_off_and_restored() -> None:
    d = decode(b"\xef\xbb\xbfa\r\nb\r\n", "x")
    assert (d.text, d.bom, d.newline) == ("a\nb\n", True, "\r\n")
    assert d.encode("a\nc\n") == b"\xef\xbb\xbfa\r\nc\r\n"


def test_lf_file_without_bom() -> None:
    d = decode(b"a\nb", "x")
    assert (d.text, d.bom, d.newline) == ("a\nb", False, "\n")


def test_newline_style_is_the_first_line_ending() -> None:
    # A mixed file is written back in the style of its first line ending.
    assert decode(b"a\r\nb\nc\n", "x").encode("a\nb\nc\n") == b"a\r\nb\r\nc\r\n"
    assert decode(b"a\nb\r\nc\n", "x").encode("a\nb\nc\n") == b"a\nb\nc\n"


_ALPHABET = st.sampled_from(
    ["a", "Z", " ", "\t", "\n", "\r", "\r\n", "\u00a0", "\u200b", "é", "\U0001f600", "\ufeff"]
)


@given(
    body=st.lists(_ALPHABET, max_size=40).map("".join) | st.text(max_size=60),
    bom=st.booleans(),
    crlf=st.booleans(),
)
def test_round_trip_of_unchanged_text_is_byte_exact(body: str, bom: bool, crlf: bool) -> None:
    """decode then encode without changes returns the very same bytes for any
    file whose line endings are all of one style."""
    body = body.replace("\r\n", "\n").replace("\r", "")
    if crlf:
        body = body.replace("\n", "\r\n")
    data = (("\ufeff" if bom else "") + body).encode("utf-8", "surrogatepass")
    try:
        d = decode(data, "x")
    except InvalidUTF8:
        assert any(0xD800 <= ord(ch) <= 0xDFFF for ch in body)
        return
    assert d.encode(d.text) == data


@given(
    body=st.lists(_ALPHABET, max_size=40).map("".join) | st.text(max_size=60),
    bom=st.booleans(),
    crlf=st.booleans(),
)
def test_fixpoint_holds_on_files(body: str, bom: bool, crlf: bool) -> None:
    """Cleaning a file's bytes twice changes nothing the second time, and
    the BOM and newline style survive."""
    pipeline = Pipeline.from_preset("default")
    if crlf:
        body = body.replace("\n", "\r\n")
    data = (("\ufeff" if bom else "") + body).encode("utf-8", "replace")
    d1 = decode(data, "x")
    out1 = d1.encode(pipeline(d1.text))
    d2 = decode(out1, "x")
    out2 = d2.encode(pipeline(d2.text))
    assert out2 == out1
    assert out1.startswith(b"\xef\xbb\xbf") == d1.bom  # a leading BOM is kept, no BOM added
    if d1.newline == "\r\n":  # every line ending of a CRLF file stays CRLF
        assert out1.count(b"\n") == out1.count(b"\r\n")


def test_is_binary_looks_at_the_first_8_kib() -> None:
    assert is_binary(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert not is_binary(b"x" * 9000 + b"\x00")
    assert not is_binary(b"")


# ---------------------------------------------------------------- reading


def test_read_file_refuses_symlinks(tmp_path: Path) -> None:
    target = tmp_path / "t.txt"
    target.write_text("x")
    link = tmp_path / "l.txt"
    link.symlink_to(target)
    with pytest.raises(SkipFile, match="symbolic link"):
        read_file(link)
    assert read_file(target).data == b"x"


def test_read_file_reports_missing_and_special_files(tmp_path: Path) -> None:
    with pytest.raises(BadFile, match=r"nope\.txt"):
        read_file(tmp_path / "nope.txt")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(SkipFile, match="not a regular file"):
        read_file(fifo)


# ---------------------------------------------------------------- writing


def test_write_atomic_replaces_content_and_keeps_mode(tmp_path: Path) -> None:
    p = tmp_path / "f.txt"
    p.write_bytes(b"old")
    p.chmod(0o751)
    snap = read_file(p)
    write_atomic(p, b"new", expect=snap.st)
    assert p.read_bytes() == b"new"
    assert stat.S_IMODE(p.stat().st_mode) == 0o751
    assert os.listdir(tmp_path) == ["f.txt"]


def test_write_atomic_leaves_original_when_rename_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = tmp_path / "f.txt"
    p.write_bytes(b"old")
    snap = read_file(p)

    def boom(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(BadFile, match=r"f\.txt"):
        write_atomic(p, b"new", expect=snap.st)
    assert p.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["f.txt"]  # the temporary file is gone


def test_write_atomic_leaves_original_on_interrupt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "f.txt"
    p.write_bytes(b"old")
    snap = read_file(p)

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(p, b"new", expect=snap.st)
    assert p.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["f.txt"]


def test_write_atomic_refuses_a_file_changed_since_it_was_read(tmp_path: Path) -> None:
    p = tmp_path / "f.txt"
    p.write_bytes(b"old")
    snap = read_file(p)
    p.write_bytes(b"edited by someone else")
    with pytest.raises(BadFile, match="changed"):
        write_atomic(p, b"new", expect=snap.st)
    assert p.read_bytes() == b"edited by someone else"


def test_write_atomic_refuses_a_file_replaced_by_a_symlink(tmp_path: Path) -> None:
    p = tmp_path / "f.txt"
    p.write_bytes(b"old")
    snap = read_file(p)
    other = tmp_path / "other.txt"
    other.write_bytes(b"other")
    p.unlink()
    p.symlink_to(other)
    with pytest.raises(BadFile):
        write_atomic(p, b"new", expect=snap.st)
    assert p.is_symlink()
    assert other.read_bytes() == b"other"


def test_write_atomic_refuses_read_only_files(tmp_path: Path) -> None:
    p = tmp_path / "f.txt"
    p.write_bytes(b"old")
    p.chmod(0o444)
    snap = read_file(p)
    with pytest.raises(BadFile, match="read-only"):
        write_atomic(p, b"new", expect=snap.st)
    assert p.read_bytes() == b"old"


# ---------------------------------------------------------------- filtering


@pytest.mark.parametrize(
    ("patterns", "path", "is_dir", "expected"),
    [
        (["*.min.md"], "a/b/x.min.md", False, True),
        (["*.min.md"], "a/b/x.md", False, False),
        (["vendor/"], "vendor", True, True),
        (["vendor/"], "vendor", False, False),  # dir-only pattern vs a file
        (["vendor/"], "a/vendor/x.md", False, True),  # inside an excluded dir
        (["/vendor"], "a/vendor/x.md", False, False),  # anchored at the root
        (["/vendor"], "vendor/x.md", False, True),
        (["docs/gen"], "docs/gen/x.md", False, True),
        (["docs/gen"], "sub/docs/gen/x.md", False, False),  # a slash anchors
        (["**/gen"], "sub/docs/gen/x.md", False, True),
        (["docs/**"], "docs/a/b.md", False, True),
        (["a/**/z.md"], "a/z.md", False, True),
        (["a/**/z.md"], "a/b/c/z.md", False, True),
        (["notes?.md"], "notes1.md", False, True),
        (["notes[0-9].md"], "notesx.md", False, False),
        (["notes[!0-9].md"], "notesx.md", False, True),
        (["*.md", "!keep.md"], "keep.md", False, False),
        (["*.md", "!keep.md", "keep.md"], "keep.md", False, True),  # last match wins
        (["# comment", ""], "x.md", False, False),
        ([], ".git/config", False, True),  # VCS directories are always skipped
    ],
)
def test_path_filter(patterns: list[str], path: str, is_dir: bool, expected: bool, tmp_path: Path) -> None:
    f = PathFilter(patterns, root=tmp_path)
    assert f.excluded(tmp_path / path, is_dir=is_dir) is expected


def test_default_filters() -> None:
    f = PathFilter(DEFAULT_EXCLUDE, DEFAULT_INCLUDE, root="/r")
    assert f.excluded("/r/node_modules", is_dir=True)
    assert f.excluded("/r/pkg.egg-info/PKG-INFO")
    assert not f.excluded("/r/docs/index.md")
    assert f.included("/r/docs/index.md")
    assert f.included("/r/a.rst")
    assert f.included("/r/notes.txt")
    assert not f.included("/r/setup.py")


def test_iter_paths_walks_sorted_prunes_and_dedupes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for rel in ["b.md", "a.txt", "code.py", "sub/c.rst", "node_modules/x.md", ".git/y.md", "skip/z.md"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x")
    (tmp_path / "linkdir").symlink_to(tmp_path / "sub")
    monkeypatch.chdir(tmp_path)
    f = PathFilter([*DEFAULT_EXCLUDE, "skip/"], DEFAULT_INCLUDE, root=tmp_path)
    got = [(os.path.normpath(p), explicit) for p, explicit in iter_paths([".", "a.txt", "code.py"], f)]
    assert got == [
        ("a.txt", False),
        ("b.md", False),
        (os.path.join("sub", "c.rst"), False),
        ("code.py", True),
    ]


_PATTERN_CHARS = st.sampled_from([*"ab/*?[]!-^\\.#", "**", "z-a", "\u00e9", "\U0001f600"])


@given(
    patterns=st.lists(st.lists(_PATTERN_CHARS, max_size=8).map("".join) | st.text(max_size=10), max_size=4),
    path=st.lists(st.sampled_from(["a", "b", "a.md", "[z-a]", "é", "**", "x y"]), min_size=1, max_size=4),
    is_dir=st.booleans(),
)
def test_path_filter_is_total(patterns: list[str], path: list[str], is_dir: bool) -> None:
    """Any user pattern compiles (malformed classes are taken literally) and
    matching never raises."""
    f = PathFilter(patterns, patterns, root="/r")
    full = "/r/" + "/".join(path)
    assert isinstance(f.excluded(full, is_dir=is_dir), bool)
    assert isinstance(f.included(full), bool)


@pytest.mark.parametrize(
    ("pattern", "name", "expected"),
    [
        ("[a-c]x", "bx", True),
        ("[!a-c]x", "bx", False),
        ("[!a-c]x", "]x", True),
        ("[]]x", "]x", True),
        ("[z-a]", "[z-a]", True),  # reversed range: taken literally
        ("\\[x]", "[x]", True),  # escaped bracket
        ("\\!keep.md", "!keep.md", True),  # escaped leading "!"
        ("a*", "a/b", True),  # "a*" matches the directory a, so a/b is inside it
        ("a?", "a/", False),
    ],
)
def test_path_filter_glob_details(pattern: str, name: str, expected: bool) -> None:
    assert PathFilter([pattern], root="/r").excluded("/r/" + name) is expected
