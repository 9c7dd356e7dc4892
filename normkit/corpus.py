"""Batch cleaning and resumable corpus runs on one machine.

:func:`clean_many` cleans an iterable of texts with a preset, in order, on
one or more processes. :func:`run_corpus` (what ``normkit corpus IN OUT``
runs) cleans a whole corpus on disk: a directory of text files, a JSONL file
or a directory of them, or Parquet (with the ``parquet`` extra), in shards,
so that an interrupted run resumes without redoing finished shards.

How a run stays correct:

- The corpus is cut into shards by a plan that depends only on the input and
  ``shard_size`` (never on ``jobs``), and every shard's output is assembled in
  input order, so the output is byte-identical whatever ``jobs`` is.
- A shard's output, failures and explanations are written to temporary files
  and renamed into place (a JSONL output is appended to a hidden partial file
  and the manifest records its length); only then is the shard added to the
  *manifest* (``manifest.json`` in the state directory, itself replaced
  atomically). A killed run leaves at most unfinished temporaries or bytes
  past the recorded length, which a resumed run discards, so the output of a
  resumed run equals an uninterrupted one.
- A document that cannot be cleaned (not UTF-8, not JSON, no such field, an
  exception in a step) is skipped and logged with its id and reason in
  ``failures.jsonl``; the run goes on.

>>> list(clean_many(["a\\u00a0b", "two  spaces"]))
['a b', 'two spaces']
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import importlib
import itertools
import json
import math
import multiprocessing
import os
import random
import shutil
import signal
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TypeVar

from normkit.pipeline import Explanation, Pipeline, StepLike, Trace

__all__ = [
    "CorpusBoilerplate",
    "CorpusError",
    "CorpusReport",
    "clean_many",
    "default_jobs",
    "detect_format",
    "line_fingerprints",
    "recurring_lines",
    "run_corpus",
    "strip_recurring",
]

T = TypeVar("T")
R = TypeVar("R")

MANIFEST_VERSION = 1
DEFAULT_SHARD_SIZE = 1000
_TMP_MARK = ".normkit-tmp"


def default_jobs() -> int:
    """The number of CPU cores this process may use (at least 1).

    >>> default_jobs() >= 1
    True
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


# --------------------------------------------------------------------------
# Worker processes

_WORKER_STATE: dict[str, Any] = {}


def _init_worker(key: str, value: object) -> None:
    # Ctrl-C is the parent's to handle: it stops the pool in order.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_STATE[key] = value
    # A worker whose parent was killed outright would wait for work forever.
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _clean_chunk(chunk: list[str]) -> list[str]:
    pipeline: Pipeline = _WORKER_STATE["pipeline"]
    return [pipeline(text) for text in chunk]


def _ordered_map(
    func: Callable[[T], R],
    items: Iterable[T],
    *,
    jobs: int,
    init_key: str,
    init_value: object,
    mp_context: str | None = None,
    on_broken: Callable[[T], R] | None = None,
) -> Iterator[R]:
    """``map(func, items)`` on ``jobs`` processes, in order, with a bounded
    number of items in flight (so a long input is never read ahead).

    If a worker process dies (killed for memory, a crash in native code),
    the item it was working on is given to ``on_broken`` (which must not use
    the pool) and the pool is restarted for the others; without
    ``on_broken`` the :class:`BrokenProcessPool` error is raised.
    """
    ctx = multiprocessing.get_context(mp_context)
    window = 4 * jobs

    def start() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            jobs, mp_context=ctx, initializer=_init_worker, initargs=(init_key, init_value)
        )

    executor = start()
    pending: deque[tuple[T, Future[R]]] = deque()

    def resolve() -> R:
        nonlocal executor
        item, future = pending.popleft()
        try:
            return future.result()
        except BrokenProcessPool:
            if on_broken is None:
                raise
        executor.shutdown(wait=True, cancel_futures=True)
        result = on_broken(item)
        executor = start()
        for k, (other, _) in enumerate(pending):
            pending[k] = (other, executor.submit(func, other))
        return result

    try:
        for item in items:
            pending.append((item, executor.submit(func, item)))
            if len(pending) >= window:
                yield resolve()
        while pending:
            yield resolve()
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


# --------------------------------------------------------------------------
# clean_many


def clean_many(
    texts: Iterable[str],
    *,
    preset: str = "default",
    jobs: int = 1,
    chunksize: int = 64,
    steps: Sequence[StepLike] | None = None,
    mp_context: str | None = None,
    **options: object,
) -> Iterator[str]:
    """Clean many texts with a preset, keeping their order.

    Args:
        texts: any iterable of strings; it is consumed lazily, a bounded
            number of chunks ahead of the results.
        preset: a preset name, as for :func:`normkit.clean`.
        jobs: worker processes; 1 (the default) cleans in this process, 0
            or a negative number means one per available core.
        chunksize: texts sent to a worker at a time.
        steps: a different step list, as for :func:`normkit.clean`.
        mp_context: a :mod:`multiprocessing` start method (default: the
            platform's). Steps registered at run time reach the workers only
            with ``"fork"``.
        **options: step options, as for :func:`normkit.clean`.

    Returns:
        An iterator over the cleaned texts, in input order; the results
        equal ``[clean(t, preset=preset, **options) for t in texts]``
        whatever ``jobs`` is. Unknown presets and options fail at once.

    >>> list(clean_many(["x\\u200by  ", "Ünïcode"], preset="ascii", jobs=2))
    ['xy', 'Unicode']
    """
    pipeline = Pipeline.from_preset(preset, steps=steps, **options)
    if jobs <= 0:
        jobs = default_jobs()
    if chunksize < 1:
        raise ValueError("chunksize must be at least 1")
    if jobs == 1:
        return map(pipeline, texts)
    results = _ordered_map(
        _clean_chunk,
        _chunks(texts, chunksize),
        jobs=jobs,
        init_key="pipeline",
        init_value=pipeline,
        mp_context=mp_context,
    )
    return itertools.chain.from_iterable(results)


# --------------------------------------------------------------------------
# Corpus runs: formats and plans


class CorpusError(Exception):
    """A corpus run cannot start or continue (bad input, foreign state)."""


FORMATS = ("text", "jsonl", "parquet")
_JSONL_SUFFIXES = (".jsonl", ".ndjson")
_PARQUET_SUFFIXES = (".parquet", ".pq")


def _visible_files(root: Path) -> list[str]:
    """Relative POSIX paths of the regular files under ``root``, sorted,
    skipping hidden files and folders (names starting with a dot)."""
    out: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):  # symlinked folders are not followed (no cycles)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.startswith("."):
                continue
            path = Path(dirpath, name)
            if path.is_file():
                out.append(path.relative_to(root).as_posix())
    return sorted(out)


def detect_format(src: str | os.PathLike[str]) -> str:
    """Guess the corpus format of ``src``: ``text``, ``jsonl`` or ``parquet``.

    A file is JSONL if it ends in ``.jsonl``/``.ndjson`` and Parquet if it
    ends in ``.parquet``/``.pq``; a directory whose visible files all are
    JSONL (or all Parquet) is that, a directory with none of them is a
    directory of text files (one document per file), and a mix is an error.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.jsonl").write_text("{}")
    >>> detect_format(d), detect_format(d / "a.jsonl")
    ('jsonl', 'jsonl')
    """
    path = Path(src)
    if path.is_dir():
        files = _visible_files(path)
        jsonl = sum(f.endswith(_JSONL_SUFFIXES) for f in files)
        parquet = sum(f.endswith(_PARQUET_SUFFIXES) for f in files)
        if files and jsonl == len(files):
            return "jsonl"
        if files and parquet == len(files):
            return "parquet"
        if jsonl or parquet:
            raise CorpusError(
                f"{src} mixes JSONL or Parquet files with other files; give --format "
                "(text cleans every file as text; jsonl and parquet read only files of that kind)"
            )
        return "text"
    if not path.exists():
        raise CorpusError(f"{src}: no such file or directory")
    if path.name.endswith(_JSONL_SUFFIXES):
        return "jsonl"
    if path.name.endswith(_PARQUET_SUFFIXES):
        return "parquet"
    raise CorpusError(f"{src}: cannot tell the format of this file; give --format jsonl or parquet")


@dataclasses.dataclass(frozen=True, slots=True)
class _Shard:
    """One unit of resumable work: documents ``first .. first+count-1`` (in
    corpus order) read from ``source`` (a relative path, "" for a single
    file). ``a`` and ``b`` locate them in the source: file indexes for text
    corpora, byte offsets for JSONL, (row group, row offset) for Parquet."""

    index: int
    source: str
    first: int
    count: int
    a: int
    b: int
    line: int = 0  # JSONL: line number of the first line (1-based)


def _input_files(src: Path, fmt: str) -> list[str]:
    """Relative paths of the input files ("" when ``src`` is itself a file)."""
    if not src.is_dir():
        return [""]
    files = _visible_files(src)
    if fmt == "jsonl":
        return [f for f in files if f.endswith(_JSONL_SUFFIXES)]
    if fmt == "parquet":
        return [f for f in files if f.endswith(_PARQUET_SUFFIXES)]
    return files


def _join(root: Path, rel: str) -> Path:
    return root / rel if rel else root


def _plan_text(files: list[str], shard_size: int) -> list[_Shard]:
    shards: list[_Shard] = []
    for start in range(0, len(files), shard_size):
        count = min(shard_size, len(files) - start)
        shards.append(_Shard(len(shards), "", start, count, start, start + count))
    return shards


def _plan_jsonl(src: Path, files: list[str], shard_size: int) -> list[_Shard]:
    shards: list[_Shard] = []
    first = 0
    for rel in files:
        offsets = [0]  # byte offset of every line start, sampled every shard_size lines
        n_lines = 0
        pos = 0
        with open(_join(src, rel), "rb") as f:
            for line in f:
                n_lines += 1
                pos += len(line)
                if n_lines % shard_size == 0:
                    offsets.append(pos)
        if offsets[-1] != pos or n_lines == 0:
            offsets.append(pos)
        for k in range(len(offsets) - 1):
            count = min(shard_size, n_lines - k * shard_size)
            shards.append(
                _Shard(len(shards), rel, first, count, offsets[k], offsets[k + 1], k * shard_size + 1)
            )
            first += count
    return shards


def _pyarrow() -> tuple[Any, Any]:
    try:
        pa = importlib.import_module("pyarrow")
        pq = importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise CorpusError("Parquet needs pyarrow: pip install 'normkit[parquet]'") from None
    return pa, pq


def _plan_parquet(src: Path, files: list[str], shard_size: int) -> list[_Shard]:
    _, pq = _pyarrow()
    shards: list[_Shard] = []
    first = 0
    for rel in files:
        meta = pq.ParquetFile(_join(src, rel)).metadata
        for rg in range(meta.num_row_groups):
            rows = meta.row_group(rg).num_rows
            for offset in range(0, max(rows, 1), shard_size):
                count = min(shard_size, rows - offset)
                shards.append(_Shard(len(shards), rel, first, count, rg, offset))
                first += count
        if meta.num_row_groups == 0:
            shards.append(_Shard(len(shards), rel, first, 0, -1, 0))
    return shards


# --------------------------------------------------------------------------
# Per-document work (runs in worker processes)


# --------------------------------------------------------------------------
# Corpus-mode boilerplate, learnt from the whole corpus
#
# A line's fingerprint and the threshold follow
# normkit.boilerplate.strip_boilerplate_many: the fingerprint is the line
# without surrounding whitespace (blank lines have none), a document counts
# each fingerprint once, and a fingerprint recurs when it is in at least
# max(min_docs, ceil(min_share * documents)) documents. When
# normkit.boilerplate offers public hooks for these (line_fingerprints,
# recurring_lines, strip_recurring), they are used instead.


@dataclasses.dataclass(frozen=True, slots=True)
class CorpusBoilerplate:
    """Options of corpus-mode boilerplate stripping (see
    :func:`normkit.strip_boilerplate_many`)."""

    profile: str = "residual"
    boilerplate_rules: tuple[str, ...] = ()
    min_docs: int = 3
    min_share: float = 0.2


def _boilerplate_module() -> Any:
    return importlib.import_module("normkit.boilerplate")


def line_fingerprints(text: str) -> set[str]:
    """The line fingerprints of a document that corpus-mode boilerplate counts.

    >>> sorted(line_fingerprints("  Home \\n\\nStory\\nHome\\n"))
    ['Home', 'Story']
    """
    hook = getattr(_boilerplate_module(), "line_fingerprints", None)
    if hook is not None:
        return set(hook(text))
    return {s for s in (line.strip() for line in text.split("\n")) if s}


def recurring_lines(
    documents: int, counts: Mapping[str, int], *, min_docs: int = 3, min_share: float = 0.2
) -> frozenset[str]:
    """The fingerprints that recur in a corpus of ``documents`` documents,
    given how many documents each fingerprint is in.

    >>> sorted(recurring_lines(4, {"Home": 4, "Story": 1}))
    ['Home']
    """
    hook = getattr(_boilerplate_module(), "recurring_lines", None)
    if hook is not None:
        return frozenset(hook(documents, counts, min_docs=min_docs, min_share=min_share))
    need = max(min_docs, math.ceil(min_share * documents))
    return frozenset(s for s, c in counts.items() if c >= need)


def strip_recurring(
    text: str, recurring: frozenset[str], options: CorpusBoilerplate, trace: Trace | None = None
) -> str:
    """Strip one document's boilerplate, including the lines of ``recurring``
    (the corpus's recurring fingerprints); as ``strip_boilerplate_many`` does
    for a document of its batch.

    >>> strip_recurring("", frozenset(), CorpusBoilerplate())
    ''
    """
    if not text:
        return text
    bp = _boilerplate_module()
    mine = recurring & line_fingerprints(text)
    hook = getattr(bp, "strip_recurring", None)
    if hook is not None:
        out: str = hook(
            text, mine, profile=options.profile, boilerplate_rules=options.boilerplate_rules, trace=trace
        )
        return out
    # Until normkit.boilerplate has a public hook (see above).
    rules = bp._rules_for(options.boilerplate_rules, None)
    out = bp._strip(text, options.profile, rules, mine, trace)
    return out


@dataclasses.dataclass(frozen=True, slots=True)
class _Job:
    """What a worker needs to clean documents of one corpus run."""

    pipeline: Pipeline
    fmt: str
    src: str
    dst: str
    field: str
    boilerplate: CorpusBoilerplate | None = None
    recurring: frozenset[str] = frozenset()


# A document task: (doc id, payload, explain?). A result: (output, failure
# reason or None, explanation record or None).
_Doc = tuple[str, Any, bool]
_Result = tuple[Any, str | None, dict[str, Any] | None]


def _explanation_record(doc_id: str, exp: Explanation, output: str) -> dict[str, Any]:
    return {
        "id": doc_id,
        "changes": [
            {
                "step": c.step,
                "rule": c.rule,
                "pass": c.pass_no,
                "start": c.start,
                "end": c.end,
                "before": c.before,
                "after": c.after,
            }
            for c in exp.changes
        ],
        "notes": [
            {
                "step": n.step,
                "rule": n.rule,
                "start": n.start,
                "end": n.end,
                "text": n.text,
                "message": n.message,
            }
            for n in exp.notes
        ],
        "replays": exp.result == output and exp.replay() == output,
    }


def _clean_text(job: _Job, doc_id: str, text: str, want_explain: bool) -> tuple[str, dict[str, Any] | None]:
    stripped = text if job.boilerplate is None else strip_recurring(text, job.recurring, job.boilerplate)
    out = job.pipeline(stripped)
    record = None
    if want_explain:
        exp = job.pipeline.explain(stripped)
        if job.boilerplate is not None:
            # The corpus-mode stripping comes first: its changes, then the
            # pipeline's with their passes numbered after it.
            trace = Trace()
            trace.step = "boilerplate-corpus"
            strip_recurring(text, job.recurring, job.boilerplate, trace)
            offset = 1 + max((c.pass_no for c in trace.changes), default=-1)
            changes = (
                *trace.changes,
                *(dataclasses.replace(c, pass_no=c.pass_no + offset) for c in exp.changes),
            )
            exp = Explanation(text, exp.result, changes, (*trace.notes, *exp.notes))
        record = _explanation_record(doc_id, exp, out)
    return out, record


@functools.cache
def _file_mode() -> int:
    """The mode of a new file under this process's umask (mkstemp uses 0600)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o644


def _mkstemp(path: Path) -> tuple[int, str]:
    """A temporary file beside ``path`` with the permissions of a new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=_TMP_MARK, dir=path.parent)
    os.fchmod(fd, _file_mode())
    return fd, tmp


def _atomic_write_bytes(path: Path, data: bytes, *, fsync: bool = False) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder."""
    fd, tmp = _mkstemp(path)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if fsync:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _describe(exc: BaseException) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"not valid UTF-8 at byte {exc.start}"
    if isinstance(exc, UnicodeEncodeError):
        return f"cannot be written as UTF-8: {exc.object[exc.start : exc.end]!r} at {exc.start}"
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON: {exc.msg} at column {exc.colno}"
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def _work_one(job: _Job, doc: _Doc) -> _Result:
    doc_id, payload, want_explain = doc
    try:
        if job.fmt == "text":
            data = Path(job.src, payload).read_bytes() if payload else Path(job.src).read_bytes()
            out, record = _clean_text(job, doc_id, data.decode("utf-8"), want_explain)
            encoded = out.encode("utf-8")
            _atomic_write_bytes(_join(Path(job.dst), payload), encoded)
            return None, None, record
        if job.fmt == "jsonl":
            line = payload.decode("utf-8")
            if not line.strip():
                return b"", None, None
            obj = json.loads(line)
            if not isinstance(obj, dict):
                return None, f"not a JSON object but {type(obj).__name__}", None
            if job.field not in obj:
                return None, f"no field {job.field!r}", None
            value = obj[job.field]
            record = None
            if value is not None:
                if not isinstance(value, str):
                    return None, f"field {job.field!r} is {type(value).__name__}, not a string", None
                obj[job.field], record = _clean_text(job, doc_id, value, want_explain)
            try:
                encoded = json.dumps(obj, ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate (from a \ud800 escape) stays an escape
                encoded = json.dumps(obj).encode("ascii")
            return encoded + b"\n", None, record
        # parquet: the payload is the text itself (or None for a null)
        if payload is None:
            return None, None, None
        out, record = _clean_text(job, doc_id, payload, want_explain)
        out.encode("utf-8")  # Parquet strings are UTF-8: fail here, not in the writer
        return out, None, record
    except Exception as exc:  # a failing document is logged and skipped
        return None, _describe(exc), None


def _text_of(job: _Job, payload: Any) -> str | None:
    """A document's text as the cleaning pass reads it, or None if it has
    none (it fails or is passed through there)."""
    try:
        if job.fmt == "text":
            data = Path(job.src, payload).read_bytes() if payload else Path(job.src).read_bytes()
            return data.decode("utf-8")
        if job.fmt == "jsonl":
            obj = json.loads(payload.decode("utf-8")) if payload.strip() else None
            value = obj.get(job.field) if isinstance(obj, dict) else None
            return value if isinstance(value, str) else None
        return payload if isinstance(payload, str) else None
    except Exception:  # such a document fails in the cleaning pass
        return None


def _count_chunk(chunk: list[_Doc]) -> tuple[int, Counter[str]]:
    """Pass one of corpus-mode boilerplate over a chunk: documents and the
    number of documents each line fingerprint is in."""
    job: _Job = _WORKER_STATE["job"]
    n = 0
    counts: Counter[str] = Counter()
    for _, payload, _ in chunk:
        text = _text_of(job, payload)
        if text is not None:
            n += 1
            counts.update(line_fingerprints(text))
    return n, counts


def _work_chunk(chunk: list[_Doc]) -> list[_Result]:
    job: _Job = _WORKER_STATE["job"]
    return [_work_one(job, doc) for doc in chunk]


# --------------------------------------------------------------------------
# State: the manifest of finished shards


def _atomic_write_json(path: Path, obj: object) -> None:
    _atomic_write_bytes(path, (json.dumps(obj, indent=1, sort_keys=True) + "\n").encode(), fsync=True)


def _ranges(indexes: Iterable[int]) -> list[list[int]]:
    """``[1, 2, 3, 7]`` -> ``[[1, 4], [7, 8]]`` (half-open ranges)."""
    out: list[list[int]] = []
    for i in sorted(indexes):
        if out and out[-1][1] == i:
            out[-1][1] = i + 1
        else:
            out.append([i, i + 1])
    return out


def _unranges(ranges: Iterable[Sequence[int]]) -> set[int]:
    return {i for a, b in ranges for i in range(a, b)}


@dataclasses.dataclass
class _State:
    root: Path
    fingerprint: str
    config: dict[str, Any]
    finished: set[int]
    failed: int = 0
    docs: int = 0
    complete: bool = False
    # JSONL: bytes of each output file's partial file that finished shards wrote
    sizes: dict[str, int] = dataclasses.field(default_factory=dict)

    @property
    def manifest(self) -> Path:
        return self.root / "manifest.json"

    @property
    def parts(self) -> Path:
        return self.root / "parts"

    def save(self) -> None:
        _atomic_write_json(
            self.manifest,
            {
                "version": MANIFEST_VERSION,
                "fingerprint": self.fingerprint,
                "config": self.config,
                "finished_shards": _ranges(self.finished),
                "documents_done": self.docs,
                "documents_failed": self.failed,
                "complete": self.complete,
                "output_bytes": self.sizes,
            },
        )


def _load_state(root: Path, fingerprint: str, config: dict[str, Any], restart: bool) -> tuple[_State, bool]:
    """The run's state; the flag says whether an earlier run is resumed."""
    if restart and root.exists():
        shutil.rmtree(root)
    manifest = root / "manifest.json"
    if manifest.exists():
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CorpusError(f"{manifest}: unreadable ({exc}); rerun with --restart") from None
        if data.get("version") != MANIFEST_VERSION or data.get("fingerprint") != fingerprint:
            raise CorpusError(
                f"{root} holds the state of a different run (the input, the preset or an option "
                "changed); rerun with --restart to start over, or give another --state"
            )
        state = _State(
            root,
            fingerprint,
            config,
            _unranges(data["finished_shards"]),
            int(data["documents_failed"]),
            int(data["documents_done"]),
            bool(data["complete"]),
            {str(k): int(v) for k, v in data.get("output_bytes", {}).items()},
        )
        return state, True
    root.mkdir(parents=True, exist_ok=True)
    state = _State(root, fingerprint, config, set())
    state.save()
    return state, False


def _remove_temporaries(root: Path) -> None:
    if not root.is_dir():
        if root.name.endswith(_TMP_MARK):
            root.unlink()
        return
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            if name.endswith(_TMP_MARK):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(dirpath, name))


# --------------------------------------------------------------------------
# The run


@dataclasses.dataclass(frozen=True)
class CorpusReport:
    """What :func:`run_corpus` did: ``documents`` in the corpus, ``failed``
    among them, ``processed`` by this call (the rest were done by the run it
    resumed), and where the output, state, failure log and explanations are."""

    format: str
    documents: int
    failed: int
    shards: int
    resumed_shards: int
    processed: int
    output: Path
    state: Path
    failures: Path
    explanations: Path | None
    seconds: float

    @property
    def ok(self) -> bool:
        """True if no document failed."""
        return self.failed == 0


def _fingerprint(config: dict[str, Any], src: Path, files: list[str]) -> str:
    h = hashlib.sha256(json.dumps(config, sort_keys=True, default=repr).encode())
    for rel in files:
        st = _join(src, rel).stat()
        h.update(f"\0{rel}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    return h.hexdigest()


def _check_paths(src: Path, dst: Path) -> None:
    if not src.exists():
        raise CorpusError(f"{src}: no such file or directory")
    s, d = src.resolve(), dst.resolve()
    if s == d or (src.is_dir() and d.is_relative_to(s)) or s.is_relative_to(d):
        raise CorpusError(f"the output {dst} must not be, contain or lie inside the input {src}")


class _Reader:
    """Reads a shard's documents in the main process (format-specific)."""

    def __init__(
        self, fmt: str, src: Path, files: list[str], shards: list[_Shard], field: str, id_field: str | None
    ) -> None:
        self.fmt, self.src, self.files, self.field, self.id_field = fmt, src, files, field, id_field
        self._firsts: dict[str, int] = {}  # the first document of each source file
        for s in shards:
            self._firsts.setdefault(s.source, s.first)
        self._parquet_cache: tuple[tuple[str, int], Any] | None = None

    def read(self, shard: _Shard) -> tuple[list[tuple[str, Any]], Any]:
        """Documents as (id, payload) pairs, and a context for the writer."""
        if self.fmt == "text":
            return [(self.files[i] or self.src.name, self.files[i]) for i in range(shard.a, shard.b)], None
        if self.fmt == "jsonl":
            with open(_join(self.src, shard.source), "rb") as f:
                f.seek(shard.a)
                data = f.read(shard.b - shard.a)
            name = shard.source or self.src.name
            lines = data.split(b"\n")
            if lines[-1] == b"":  # the end of the last line (or an empty shard)
                lines.pop()
            return [(f"{name}:{shard.line + k}", line) for k, line in enumerate(lines)], None
        _, pq = _pyarrow()
        if shard.count == 0:
            table = pq.ParquetFile(_join(self.src, shard.source)).schema_arrow.empty_table()
        else:
            key = (shard.source, shard.a)
            if self._parquet_cache is None or self._parquet_cache[0] != key:
                self._parquet_cache = (
                    key,
                    pq.ParquetFile(_join(self.src, shard.source)).read_row_group(shard.a),
                )
            table = self._parquet_cache[1].slice(shard.b, shard.count)
        if self.field not in table.column_names:
            raise CorpusError(f"{_join(self.src, shard.source)}: no column {self.field!r}")
        texts = table.column(self.field).to_pylist()
        ids: list[Any]
        if self.id_field and self.id_field in table.column_names:
            ids = [str(v) for v in table.column(self.id_field).to_pylist()]
        else:
            name = shard.source or self.src.name
            start = shard.first - self._firsts[shard.source]
            ids = [f"{name}:{start + k}" for k in range(len(texts))]
        return list(zip(ids, texts, strict=True)), table


def run_corpus(
    src: str | os.PathLike[str],
    dst: str | os.PathLike[str],
    *,
    preset: str = "default",
    steps: Sequence[StepLike] | None = None,
    fmt: str | None = None,
    field: str = "text",
    id_field: str | None = None,
    jobs: int = 0,
    shard_size: int = DEFAULT_SHARD_SIZE,
    state_dir: str | os.PathLike[str] | None = None,
    restart: bool = False,
    explain_sample: int = 0,
    progress: Callable[[int, int], None] | None = None,
    on_shard: Callable[[int], None] | None = None,
    mp_context: str | None = None,
    boilerplate: CorpusBoilerplate | None = None,
    **options: object,
) -> CorpusReport:
    """Clean the corpus ``src`` into ``dst`` (same layout), resumably.

    Args:
        src: a directory of UTF-8 text files (one document each), a JSONL
            file or a directory of them, or a Parquet file or directory.
        dst: where the output goes: a directory mirroring ``src`` or a file
            of the same format.
        preset: the preset to apply (options as for :func:`normkit.clean`).
        steps: a different step list, as for :func:`normkit.clean`.
        fmt: ``text``, ``jsonl`` or ``parquet``; guessed when None.
        field: the JSON field or Parquet column holding the text.
        id_field: a JSON field or column naming documents in the failure log
            (default: ``file:line`` for JSONL, ``file:row`` for Parquet).
        jobs: worker processes (0: one per core; 1: in this process).
        shard_size: documents per shard (the unit of resumption).
        state_dir: where the manifest, failures and parts live (default
            ``<dst>.normkit-state``).
        restart: forget the state of an earlier run and start over.
        explain_sample: explain what changed in this many documents, chosen
            at random with a fixed seed, into ``explain.jsonl``.
        progress: called as ``progress(done, total)`` with document counts.
        on_shard: called with a shard's index after it is committed.
        mp_context: a :mod:`multiprocessing` start method.
        boilerplate: strip boilerplate in corpus mode first, with recurring
            lines learnt from the whole corpus (a first pass counts them; the
            result equals ``strip_boilerplate_many`` with the corpus as one
            batch, then the preset).

    Returns:
        A :class:`CorpusReport`; ``report.failed`` counts skipped documents.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "in.jsonl").write_text('{"id": 1, "text": "a\\\\u00a0b  "}\\n')
    >>> run_corpus(d / "in.jsonl", d / "out.jsonl", jobs=1).documents
    1
    >>> (d / "out.jsonl").read_text()
    '{"id": 1, "text": "a b"}\\n'
    """
    started = time.monotonic()
    src_path, dst_path = Path(src), Path(dst)
    _check_paths(src_path, dst_path)
    pipeline = Pipeline.from_preset(preset, steps=steps, **options)
    fmt = fmt or detect_format(src_path)
    if fmt not in FORMATS:
        raise CorpusError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    if shard_size < 1:
        raise CorpusError("shard_size must be at least 1")
    if jobs <= 0:
        jobs = default_jobs()
    files = _input_files(src_path, fmt)
    if fmt == "text" and not src_path.is_dir():
        files = [""]
    if fmt == "text":
        shards = _plan_text(files, shard_size)
    elif fmt == "jsonl":
        shards = _plan_jsonl(src_path, files, shard_size)
    else:
        shards = _plan_parquet(src_path, files, shard_size)
    total = sum(s.count for s in shards)

    config = {
        "format": fmt,
        "preset": preset,
        "pipeline": repr(pipeline),
        "field": field,
        "id_field": id_field,
        "shard_size": shard_size,
        "explain_sample": explain_sample,
        "boilerplate": None if boilerplate is None else dataclasses.asdict(boilerplate),
        "input": str(src_path.resolve()),
        "output": str(dst_path.resolve()),
    }
    state_root = (
        Path(state_dir) if state_dir is not None else Path(str(dst_path).rstrip("/\\") + ".normkit-state")
    )
    state, resumed = _load_state(state_root, _fingerprint(config, src_path, files), config, restart)
    failures_path = state_root / "failures.jsonl"
    explain_path = state_root / "explain.jsonl" if explain_sample > 0 else None
    resumed_shards = len(state.finished)
    resumed_docs = state.docs

    def report() -> CorpusReport:
        return CorpusReport(
            fmt,
            total,
            state.failed,
            len(shards),
            resumed_shards,
            state.docs - resumed_docs,
            dst_path,
            state_root,
            failures_path,
            explain_path,
            time.monotonic() - started,
        )

    if state.complete:
        if progress is not None:
            progress(total, total)
        return report()

    if resumed:  # drop what a killed run was writing when it stopped
        _remove_temporaries(state_root)
        if dst_path.is_dir():
            _remove_temporaries(dst_path)
        else:
            for tmp in dst_path.parent.glob(f".{dst_path.name}.*{_TMP_MARK}"):
                tmp.unlink()
    state.parts.mkdir(parents=True, exist_ok=True)
    if fmt == "text" and src_path.is_dir():
        dst_path.mkdir(parents=True, exist_ok=True)

    sample = (
        set(random.Random(0).sample(range(total), min(explain_sample, total))) if explain_sample else set()
    )
    reader = _Reader(fmt, src_path, files, shards, field, id_field)
    job = _Job(pipeline, fmt, str(src_path), str(dst_path), field, boilerplate)
    if boilerplate is not None:
        recurring = _learn_recurring(state_root, shards, reader, job, jobs, mp_context)
        job = dataclasses.replace(job, recurring=recurring)

    todo = [s for s in shards if s.index not in state.finished]
    contexts: dict[int, tuple[_Shard, list[tuple[str, Any]], Any]] = {}

    def tasks() -> Iterator[tuple[int, bool, list[_Doc]]]:
        for shard in todo:
            docs, ctx = reader.read(shard)
            contexts[shard.index] = (shard, docs, ctx)
            items: list[_Doc] = [(d, p, shard.first + k in sample) for k, (d, p) in enumerate(docs)]
            size = 64 if fmt == "text" else 256
            pieces = list(_chunks(items, size)) or [[]]
            for k, piece in enumerate(pieces):
                yield shard.index, k == len(pieces) - 1, piece

    results: Iterator[tuple[int, bool, list[_Result]]]
    if jobs == 1:
        _WORKER_STATE["job"] = job
        results = map(_work_task, tasks())
    else:
        results = _ordered_map(
            _work_task,
            tasks(),
            jobs=jobs,
            init_key="job",
            init_value=job,
            mp_context=mp_context,
            on_broken=functools.partial(_isolate, job=job, mp_context=mp_context),
        )

    done = state.docs
    if progress is not None:
        progress(done, total)
    collected: list[_Result] = []
    try:
        for index, last, chunk_results in results:
            collected.extend(chunk_results)
            done += len(chunk_results)
            if progress is not None and chunk_results:
                progress(done, total)
            if not last:
                continue
            shard, docs, ctx = contexts.pop(index)
            target = _join(dst_path, shard.source) if src_path.is_dir() else dst_path
            _commit(state, fmt, shard, docs, ctx, collected, field, target)
            collected = []
            if on_shard is not None:
                on_shard(shard.index)
    finally:
        if jobs == 1:
            _WORKER_STATE.pop("job", None)
        close = getattr(results, "close", None)
        if close is not None:
            close()

    _finish(state, fmt, shards, src_path, dst_path, files, failures_path, explain_path)
    return report()


def _learn_recurring(
    state_root: Path, shards: list[_Shard], reader: _Reader, job: _Job, jobs: int, mp_context: str | None
) -> frozenset[str]:
    """Pass one of corpus-mode boilerplate: the corpus's recurring line
    fingerprints, counted over every document (kept in the state directory,
    so a resumed run does not count again)."""
    assert job.boilerplate is not None
    path = state_root / "recurring.json"
    if path.exists():
        return frozenset(json.loads(path.read_text(encoding="utf-8")))

    def chunks() -> Iterator[list[_Doc]]:
        for shard in shards:
            docs, _ = reader.read(shard)
            yield from _chunks([(d, p, False) for d, p in docs], 256)

    results: Iterator[tuple[int, Counter[str]]]
    if jobs == 1:
        _WORKER_STATE["job"] = job
        results = map(_count_chunk, chunks())
    else:
        results = _ordered_map(
            _count_chunk, chunks(), jobs=jobs, init_key="job", init_value=job, mp_context=mp_context
        )
    documents = 0
    counts: Counter[str] = Counter()
    try:
        for n, part in results:
            documents += n
            counts.update(part)
    finally:
        _WORKER_STATE.pop("job", None)
    options = job.boilerplate
    recurring = recurring_lines(documents, counts, min_docs=options.min_docs, min_share=options.min_share)
    _atomic_write_bytes(path, json.dumps(sorted(recurring)).encode(), fsync=True)
    return recurring


def _work_task(task: tuple[int, bool, list[_Doc]]) -> tuple[int, bool, list[_Result]]:
    index, last, chunk = task
    return index, last, _work_chunk(chunk)


WORKER_DIED = "the worker process died while cleaning it (out of memory, or a crash in native code)"


def _isolate(
    task: tuple[int, bool, list[_Doc]], *, job: _Job, mp_context: str | None
) -> tuple[int, bool, list[_Result]]:
    """Redo a task whose worker died, one document per fresh process, so the
    document that kills its worker is found, logged and skipped."""
    index, last, chunk = task
    results: list[_Result] = []
    ctx = multiprocessing.get_context(mp_context)
    for doc in chunk:
        with ProcessPoolExecutor(1, mp_context=ctx, initializer=_init_worker, initargs=("job", job)) as ex:
            try:
                results.extend(ex.submit(_work_chunk, [doc]).result())
            except BrokenProcessPool:
                results.append((None, WORKER_DIED, None))
    return index, last, results


def _part(state: _State, index: int, kind: str) -> Path:
    return state.parts / f"{index:07d}.{kind}"


def _write_part(path: Path, data: bytes) -> None:
    """Write a part file; an empty part is no file (a missing part reads as empty)."""
    if data:
        _atomic_write_bytes(path, data, fsync=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _partial(target: Path) -> Path:
    """Where a JSONL output grows until the run is complete."""
    return target.with_name(f".{target.name}.normkit-partial")


def _append_at(path: Path, offset: int, data: bytes) -> int:
    """Write ``data`` at ``offset`` of ``path``, cutting what was after it
    (left by a run killed before it recorded its shard); the new size."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, _file_mode())
    with os.fdopen(fd, "r+b") as f:
        if os.fstat(f.fileno()).st_size < offset:
            raise CorpusError(f"{path} is shorter than the finished shards wrote; rerun with --restart")
        f.seek(offset)
        f.write(data)
        f.truncate()
        f.flush()
        os.fsync(f.fileno())
    return offset + len(data)


def _commit(
    state: _State,
    fmt: str,
    shard: _Shard,
    docs: list[tuple[str, Any]],
    ctx: Any,
    results: list[_Result],
    field: str,
    target: Path,
) -> None:
    """Write a finished shard's output and parts, then record it in the manifest."""
    failures = b"".join(
        json.dumps({"id": doc_id, "reason": reason}, ensure_ascii=False).encode("utf-8", "backslashreplace")
        + b"\n"
        for (doc_id, _), (_, reason, _) in zip(docs, results, strict=True)
        if reason is not None
    )
    explanations = b"".join(
        json.dumps(rec, ensure_ascii=False).encode("utf-8", "backslashreplace") + b"\n"
        for _, _, rec in results
        if rec is not None
    )
    n_failed = sum(1 for _, reason, _ in results if reason is not None)
    _write_part(_part(state, shard.index, "failures.jsonl"), failures)
    _write_part(_part(state, shard.index, "explain.jsonl"), explanations)
    if fmt == "jsonl":
        data = b"".join(out for out, reason, _ in results if reason is None)
        offset = state.sizes.get(shard.source, 0)
        state.sizes[shard.source] = _append_at(_partial(target), offset, data)
    elif fmt == "parquet":
        pa, pq = _pyarrow()
        keep = [reason is None for _, reason, _ in results]
        column = ctx.schema.get_field_index(field)
        values = pa.array([out for out, reason, _ in results], type=ctx.schema.field(column).type)
        table = ctx.set_column(column, ctx.schema.field(column), values).filter(
            pa.array(keep, type=pa.bool_())
        )
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink)
        _atomic_write_bytes(_part(state, shard.index, "parquet"), sink.getvalue().to_pybytes(), fsync=True)
    state.finished.add(shard.index)
    state.failed += n_failed
    state.docs += len(results)
    state.save()


def _concat(parts: Iterable[Path], dest: Path) -> None:
    fd, tmp = _mkstemp(dest)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                try:
                    f = open(part, "rb")  # noqa: SIM115
                except FileNotFoundError:  # an empty part
                    continue
                with f:
                    shutil.copyfileobj(f, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _finish(
    state: _State,
    fmt: str,
    shards: list[_Shard],
    src: Path,
    dst: Path,
    files: list[str],
    failures_path: Path,
    explain_path: Path | None,
) -> None:
    """Assemble the outputs from the parts, then mark the run complete."""
    if fmt in ("jsonl", "parquet"):
        by_source: dict[str, list[_Shard]] = {rel: [] for rel in files}
        for s in shards:
            by_source[s.source].append(s)
        for rel, group in by_source.items():
            target = _join(dst, rel) if src.is_dir() else dst
            if fmt == "jsonl":
                partial = _partial(target)
                if not partial.exists():  # an empty input file
                    _append_at(partial, 0, b"")
                os.replace(partial, target)
            else:
                _assemble_parquet([_part(state, s.index, fmt) for s in group], target, _join(src, rel))
    _concat((_part(state, s.index, "failures.jsonl") for s in shards), failures_path)
    if explain_path is not None:
        _concat((_part(state, s.index, "explain.jsonl") for s in shards), explain_path)
    if fmt == "text" and dst.is_dir():
        _remove_temporaries(dst)  # left by a worker that died while writing
    state.complete = True
    state.save()
    shutil.rmtree(state.parts, ignore_errors=True)


def _assemble_parquet(parts: list[Path], target: Path, source: Path) -> None:
    pa, pq = _pyarrow()
    schema = pq.ParquetFile(source).schema_arrow
    fd, tmp = _mkstemp(target)
    os.close(fd)
    try:
        with pq.ParquetWriter(tmp, schema) as writer:
            for part in parts:
                table = pq.read_table(pa.BufferReader(part.read_bytes()))
                if table.num_rows:
                    writer.write_table(table.cast(schema))
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
