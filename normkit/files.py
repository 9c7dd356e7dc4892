"""Safe file I/O for the CLI: strict UTF-8, BOM and newline style kept,
binary files and symlinks skipped, atomic in-place writes, path filtering.

A text file is read whole (one ``bytes`` object, then one ``str``), decoded
strictly as UTF-8 and split into three parts: an optional leading byte order
mark, the newline style (``"\\n"`` or ``"\\r\\n"``, from the first line
ending) and the text with ``"\\n"`` line endings that the pipeline sees.
:meth:`Decoded.encode` puts the BOM and the newline style back, so a file
that the pipeline does not change round-trips byte for byte.

>>> d = decode(b"\\xef\\xbb\\xbfone\\r\\ntwo\\r\\n", "x.txt")
>>> d.text, d.bom, d.newline
('one\\ntwo\\n', True, '\\r\\n')
>>> d.encode(d.text)
b'\\xef\\xbb\\xbfone\\r\\ntwo\\r\\n'
>>> decode(b"caf\\xe9", "bad.txt")
Traceback (most recent call last):
...
normkit.files.InvalidUTF8: bad.txt: invalid UTF-8 at byte 3 (line 1, column 4); left unchanged
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import BinaryIO

__all__ = [
    "ALWAYS_SKIPPED_DIRS",
    "BINARY_PROBE",
    "DEFAULT_EXCLUDE",
    "DEFAULT_INCLUDE",
    "AtomicWriter",
    "BadFile",
    "Decoded",
    "FileSnapshot",
    "InvalidUTF8",
    "PathFilter",
    "SkipFile",
    "decode",
    "display",
    "is_binary",
    "iter_paths",
    "open_regular",
    "read_file",
    "write_atomic",
]

#: Bytes inspected for NUL to decide that a file is binary.
BINARY_PROBE = 8192

#: Directory names never entered, whatever the configuration says.
ALWAYS_SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", ".bzr", "_darcs", ".jj", ".pijul"})

#: Default ``exclude`` patterns (gitignore syntax); ``exclude`` in the
#: configuration replaces them, ``extend-exclude`` adds to them.
DEFAULT_EXCLUDE: tuple[str, ...] = (
    ".direnv/",
    ".eggs/",
    ".hypothesis/",
    ".ipynb_checkpoints/",
    ".mypy_cache/",
    ".nox/",
    ".pytest_cache/",
    ".ruff_cache/",
    ".tox/",
    ".venv/",
    "__pycache__/",
    "__pypackages__/",
    "*.egg-info/",
    "build/",
    "dist/",
    "node_modules/",
    "site-packages/",
    "venv/",
)

#: Files picked up when a directory is walked (explicitly named files are
#: always processed unless excluded). ``include`` replaces, ``extend-include``
#: adds. Source code is deliberately not included: typography rules must not
#: rewrite quotes inside programs.
DEFAULT_INCLUDE: tuple[str, ...] = (
    "*.adoc",
    "*.asciidoc",
    "*.markdown",
    "*.md",
    "*.mdown",
    "*.mkd",
    "*.org",
    "*.rst",
    "*.text",
    "*.txt",
)


class BadFile(Exception):
    """A file that cannot be processed (unreadable, invalid, changed under
    us). The message is one line and names the file; the file is untouched."""


class InvalidUTF8(BadFile):
    """The file is not valid UTF-8; ``offset`` is the first bad byte."""

    def __init__(self, source: str, offset: int, line: int, col: int) -> None:
        self.source = source
        self.offset = offset
        self.line = line
        self.col = col
        super().__init__(
            f"{source}: invalid UTF-8 at byte {offset} (line {line}, column {col}); left unchanged"
        )


class SkipFile(Exception):
    """A file deliberately left alone (binary, symlink, not a regular file);
    the message is a one-line notice naming it."""


@dataclasses.dataclass(frozen=True, slots=True)
class Decoded:
    """A decoded text file: the text with ``\\n`` line endings, whether it
    had a leading BOM and its newline style."""

    text: str
    bom: bool = False
    newline: str = "\n"

    def restore(self, text: str) -> str:
        """``text`` with this file's BOM and newline style put back."""
        if self.newline != "\n":
            text = text.replace("\n", self.newline)
        return "\ufeff" + text if self.bom else text

    def encode(self, text: str) -> bytes:
        """The bytes of ``text`` written in this file's style (strict UTF-8)."""
        return self.restore(text).encode("utf-8")


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    col = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, col


def is_binary(data: bytes) -> bool:
    """True if a NUL byte occurs in the first :data:`BINARY_PROBE` bytes.

    >>> is_binary(b"PK\\x03\\x04\\x00"), is_binary(b"plain text")
    (True, False)
    """
    return data.find(b"\0", 0, BINARY_PROBE) != -1


def decode(data: bytes, source: str) -> Decoded:
    """Decode file bytes strictly as UTF-8 (raises :class:`InvalidUTF8` with
    the byte offset); strip and remember a leading BOM and the newline style.

    The newline style is that of the first line ending; every ``\\r\\n`` becomes
    ``\\n`` in :attr:`Decoded.text` (a lone ``\\r`` is left to the steps).

    >>> decode(b"a\\nb\\r\\n", "f").encode("a\\nb\\n")
    b'a\\nb\\n'
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line, col = _line_col(data, e.start)
        raise InvalidUTF8(source, e.start, line, col) from None
    bom = text.startswith("\ufeff")
    if bom:
        text = text[1:]
    first = text.find("\n")
    newline = "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    return Decoded(text, bom, newline)


@dataclasses.dataclass(frozen=True, slots=True)
class FileSnapshot:
    """What :func:`read_file` saw: the bytes and the file's ``lstat`` identity,
    so :func:`write_atomic` can tell whether the file changed meanwhile."""

    data: bytes
    st: os.stat_result


def open_regular(path: str | os.PathLike[str]) -> tuple[BinaryIO, os.stat_result]:
    """Open a regular file for reading without following a symlink; return
    the open binary file and the ``lstat`` taken before opening it.

    Raises :class:`SkipFile` for symlinks, directories and special files and
    :class:`BadFile` (one line, naming the file) when it cannot be opened.
    """
    name = os.fspath(path)
    try:
        st = os.lstat(name)
    except OSError as e:
        raise BadFile(f"{name}: {e.strerror or e}") from None
    if stat.S_ISLNK(st.st_mode):
        raise SkipFile(f"{name}: skipped: symbolic link (normkit never writes through a link)")
    if stat.S_ISDIR(st.st_mode):
        raise BadFile(f"{name}: cannot read directory")
    if not stat.S_ISREG(st.st_mode):
        raise SkipFile(f"{name}: skipped: not a regular file")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(name, flags)
    except OSError as e:
        raise BadFile(f"{name}: {e.strerror or e}") from None
    try:
        fst = os.fstat(fd)
        if (fst.st_dev, fst.st_ino) != (st.st_dev, st.st_ino):
            raise BadFile(f"{name}: changed while being read; left unchanged")
        return os.fdopen(fd, "rb"), st
    except OSError as e:
        os.close(fd)
        raise BadFile(f"{name}: {e.strerror or e}") from None
    except BaseException:
        os.close(fd)
        raise


def read_file(path: str | os.PathLike[str]) -> FileSnapshot:
    """Read a regular file without following a symlink.

    Raises :class:`SkipFile` for symlinks, directories and special files and
    :class:`BadFile` (one line, naming the file) when it cannot be read.
    """
    name = os.fspath(path)
    f, st = open_regular(name)
    try:
        with f:
            data = f.read()
    except OSError as e:
        raise BadFile(f"{name}: {e.strerror or e}") from None
    return FileSnapshot(data, st)


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino, a.st_size, a.st_mtime_ns, a.st_mode) == (
        b.st_dev,
        b.st_ino,
        b.st_size,
        b.st_mtime_ns,
        b.st_mode,
    )


class AtomicWriter:
    """Write the replacement of the file at ``path`` piece by piece, then
    :meth:`commit` it atomically (or :meth:`abort`; leaving a ``with`` block
    without committing aborts).

    The bytes go to a temporary file in the same directory, which gets the
    original's permission bits (and owner, where allowed) and is flushed to
    disk, then renamed over the original with :func:`os.replace`. ``expect``
    is the ``lstat`` taken when the file was read: if the file has changed,
    become a symlink or lost its write permission since, nothing is written.
    On any failure the original is left as it was and the temporary file is
    removed; the error is raised as :class:`BadFile`.
    """

    def __init__(self, path: str | os.PathLike[str], *, expect: os.stat_result) -> None:
        name = self.name = os.fspath(path)
        self.expect = expect
        try:
            current = os.lstat(name)
        except OSError as e:
            raise BadFile(f"{name}: {e.strerror or e}; left unchanged") from None
        if stat.S_ISLNK(current.st_mode) or not _same_file(current, expect):
            raise BadFile(f"{name}: changed while being cleaned; left unchanged")
        if not current.st_mode & 0o222 or not os.access(name, os.W_OK):
            raise BadFile(f"{name}: read-only file; left unchanged")
        self.current = current
        self.directory = os.path.dirname(name) or "."
        try:
            fd, self.tmp = tempfile.mkstemp(
                prefix=f".{os.path.basename(name)}.", suffix=".normkit-tmp", dir=self.directory
            )
        except OSError as e:
            raise BadFile(f"{name}: cannot create a temporary file next to it: {e.strerror or e}") from None
        self._f: BinaryIO | None = os.fdopen(fd, "wb")

    def write(self, data: bytes) -> None:
        """Append ``data`` to the replacement."""
        if self._f is None:
            raise BadFile(f"{self.name}: write after commit or abort")
        try:
            self._f.write(data)
        except OSError as e:
            self.abort()
            raise BadFile(f"{self.name}: write failed: {e.strerror or e}; left unchanged") from None

    def abort(self) -> None:
        """Drop the replacement; the original stays as it is."""
        f, self._f = self._f, None
        if f is not None:
            with contextlib.suppress(OSError):
                f.close()
            with contextlib.suppress(OSError):
                os.unlink(self.tmp)

    def commit(self) -> None:
        """Replace the original with what was written."""
        f = self._f
        if f is None:
            raise BadFile(f"{self.name}: commit after abort")
        name, current, tmp = self.name, self.current, self.tmp
        try:
            with f:
                f.flush()
                mode = stat.S_IMODE(current.st_mode)
                if hasattr(os, "fchmod"):
                    os.fchmod(f.fileno(), mode)
                else:  # pragma: no cover - Windows
                    os.chmod(tmp, mode)
                if hasattr(os, "fchown"):
                    with contextlib.suppress(OSError):
                        os.fchown(f.fileno(), current.st_uid, current.st_gid)
                os.fsync(f.fileno())
            again = os.lstat(name)
            if stat.S_ISLNK(again.st_mode) or not _same_file(again, self.expect):
                raise BadFile(f"{name}: changed while being cleaned; left unchanged")
            os.replace(tmp, name)
        except BadFile:
            self._drop()
            raise
        except OSError as e:
            self._drop()
            raise BadFile(f"{name}: write failed: {e.strerror or e}; left unchanged") from None
        except BaseException:
            self._drop()
            raise
        self._f = None
        _fsync_dir(self.directory)

    def _drop(self) -> None:
        f, self._f = self._f, None
        if f is not None:
            with contextlib.suppress(OSError):
                f.close()
        with contextlib.suppress(OSError):
            os.unlink(self.tmp)

    def __enter__(self) -> AtomicWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.abort()


def write_atomic(path: str | os.PathLike[str], data: bytes, *, expect: os.stat_result) -> None:
    """Replace the file at ``path`` with ``data`` atomically (see
    :class:`AtomicWriter`: same directory, permissions kept, flushed to disk,
    nothing written if the file changed since ``expect`` was taken)."""
    with AtomicWriter(path, expect=expect) as w:
        w.write(data)
        w.commit()


def _fsync_dir(directory: str) -> None:
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(directory, flags)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


# --------------------------------------------------------------------------
# gitignore-style path filtering


def _glob_to_regex(glob: str) -> str:
    out: list[str] = []
    i, n = 0, len(glob)
    while i < n:
        c = glob[i]
        if c == "*":
            if glob.startswith("**", i):
                at_start = i == 0 or glob[i - 1] == "/"
                j = i + 2
                if at_start and (j == n or glob[j] == "/"):
                    if j == n:  # trailing "**": everything below
                        out.append(".*")
                        i = j
                    else:  # "**/": zero or more directories
                        out.append("(?:.*/)?")
                        i = j + 1
                    continue
                out.append("[^/]*")
                i = j
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = i + 1
            if j < n and glob[j] in "!^":
                j += 1
            if j < n and glob[j] == "]":
                j += 1
            while j < n and glob[j] != "]":
                j += 1
            if j >= n:
                out.append(re.escape(c))
            else:
                body = glob[i + 1 : j]
                negate = body[:1] in ("!", "^")
                if negate:
                    body = body[1:]
                body = "".join("\\" + ch if ch in "\\[]^&~|" else ch for ch in body)
                out.append(f"(?!/)[{'^' if negate else ''}{body}]")
                i = j
        elif c == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(glob[i]))
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


@dataclasses.dataclass(frozen=True, slots=True)
class _Rule:
    pattern: str
    negate: bool
    dir_only: bool
    regex: re.Pattern[str]


def _compile(pattern: str) -> _Rule | None:
    p = pattern.strip()
    if not p or p.startswith("#"):
        return None
    negate = p.startswith("!")
    if negate or p.startswith(("\\!", "\\#")):
        p = p[1:]
    dir_only = p.endswith("/")
    p = p.rstrip("/")
    if not p:
        return None
    anchored = "/" in p
    p = p.lstrip("/")
    body = _glob_to_regex(p)
    if not anchored:
        body = "(?:.*/)?" + body
    try:
        regex = re.compile(f"^{body}$", re.S)
    except re.error:  # e.g. a reversed range "[z-a]": match the pattern literally
        regex = re.compile(("" if anchored else "(?:.*/)?") + re.escape(p) + "$", re.S)
    return _Rule(pattern, negate, dir_only, regex)


class PathFilter:
    """Which paths a directory walk visits: gitignore-style ``exclude``
    patterns and ``include`` patterns, relative to ``root``.

    A pattern without a slash matches a name at any depth; with a slash it is
    anchored at ``root``; a trailing slash matches directories only; ``*``,
    ``?``, ``[...]`` and ``**`` work as in ``.gitignore``; ``!pattern``
    re-includes; the last matching pattern wins. A file inside an excluded
    directory is excluded.

    >>> f = PathFilter(["build/", "*.min.md", "!keep.min.md", "/docs/gen"], root=".")
    >>> [f.excluded(p) for p in ["a/build/x.md", "x.min.md", "keep.min.md", "docs/gen/a.md", "z/docs/gen"]]
    [True, True, False, True, False]
    >>> f.included("notes.md"), f.included("script.py")
    (True, False)
    """

    def __init__(
        self,
        exclude: Iterable[str] = DEFAULT_EXCLUDE,
        include: Iterable[str] = DEFAULT_INCLUDE,
        *,
        root: str | os.PathLike[str] = ".",
    ) -> None:
        self.root = os.path.abspath(root)
        self._exclude = [r for r in map(_compile, exclude) if r is not None]
        self._include = [r for r in map(_compile, include) if r is not None]

    def _rel(self, path: str | os.PathLike[str]) -> str:
        absolute = os.path.abspath(path)
        try:
            rel = os.path.relpath(absolute, self.root)
        except ValueError:  # pragma: no cover - another drive on Windows
            rel = absolute
        if rel == os.curdir:
            return ""
        if rel.startswith(os.pardir):
            rel = absolute.lstrip(os.sep)
        return rel.replace(os.sep, "/")

    @staticmethod
    def _matches(rules: Sequence[_Rule], rel: str, is_dir: bool) -> bool | None:
        verdict: bool | None = None
        for rule in rules:
            if rule.dir_only and not is_dir:
                continue
            if rule.regex.match(rel):
                verdict = not rule.negate
        return verdict

    def excluded(self, path: str | os.PathLike[str], *, is_dir: bool = False) -> bool:
        """True if ``path`` or one of its directories (below the root) is excluded."""
        rel = self._rel(path)
        if not rel:
            return False
        parts = rel.split("/")
        if any(part in ALWAYS_SKIPPED_DIRS for part in parts[:-1]) or (
            is_dir and parts[-1] in ALWAYS_SKIPPED_DIRS
        ):
            return True
        for i in range(1, len(parts)):
            if self._matches(self._exclude, "/".join(parts[:i]), True):
                return True
        return bool(self._matches(self._exclude, rel, is_dir))

    def included(self, path: str | os.PathLike[str]) -> bool:
        """True if a file met while walking a directory should be processed."""
        rel = self._rel(path)
        return bool(self._matches(self._include, rel, False))


def iter_paths(paths: Iterable[str], path_filter: PathFilter) -> Iterator[tuple[str, bool]]:
    """Expand command-line paths into ``(path, explicit)`` pairs, in a stable order.

    Directories are walked (sorted, symlinked directories not followed,
    excluded directories pruned, files kept when :meth:`PathFilter.included`);
    explicitly named files are yielded unless excluded. Paths that do not
    exist are yielded too, so the caller reports them. Each path once.
    """
    seen: set[str] = set()

    def emit(p: str, explicit: bool) -> Iterator[tuple[str, bool]]:
        key = os.path.normcase(os.path.abspath(p))
        if key not in seen:
            seen.add(key)
            yield p, explicit

    for arg in paths:
        if os.path.isdir(arg) and not os.path.islink(arg):
            if path_filter.excluded(arg, is_dir=True):
                continue
            yield from (item for p in _walk(arg, path_filter) for item in emit(p, False))
        elif not path_filter.excluded(arg):
            yield from emit(arg, True)


def _walk(directory: str, path_filter: PathFilter) -> Iterator[str]:
    try:
        with os.scandir(directory) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError:
        yield directory  # reported by the caller as unreadable
        return
    for entry in entries:
        path = entry.path
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            if not path_filter.excluded(path, is_dir=True):
                yield from _walk(path, path_filter)
        elif path_filter.included(path) and not path_filter.excluded(path):
            yield path


def display(path: str | os.PathLike[str]) -> str:
    """A path as shown in messages (as given, without a leading ``./``).

    >>> display("./docs/a.md")
    'docs/a.md'
    """
    s = os.fspath(path)
    return s[2:] if s.startswith("./") and len(s) > 2 else s
