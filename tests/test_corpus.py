"""clean_many and corpus runs: order, --jobs invariance, failures, formats."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import normkit
from normkit.corpus import (
    WORKER_DIED,
    CorpusBoilerplate,
    CorpusError,
    clean_many,
    detect_format,
    run_corpus,
)
from normkit.corpus_cli import main
from normkit.pipeline import clean

MESSY = [
    "",
    "plain",
    "a\u00a0b  \n\n\n\nc\u200b",
    "tab\tand  spaces   \n",
    "astral 𝔘𝔫𝔦 😀\u00a0",
    "lone \ud800 surrogate",
    "x" * 1500 + "  \n\n\n",
    "Ünïcödé\u0301",
]


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (relative path -> bytes)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------
# clean_many


@given(st.lists(st.text(), max_size=20))
def test_clean_many_serial_equals_clean(texts: list[str]) -> None:
    assert list(clean_many(texts)) == [clean(t) for t in texts]


@pytest.mark.parametrize("preset", ["default", "ascii", "key"])
def test_clean_many_parallel_equals_serial(preset: str) -> None:
    texts = [f"{i}: {t}" for i, t in enumerate(MESSY * 30)]
    serial = [clean(t, preset=preset) for t in texts]
    assert list(clean_many(texts, preset=preset, jobs=2, chunksize=7)) == serial


def test_clean_many_is_lazy_and_ordered() -> None:
    # An endless input: only a bounded window is read ahead of the results.
    endless = (f"doc {i}\u00a0 " for i in itertools.count())
    head = list(itertools.islice(clean_many(endless, jobs=2, chunksize=3), 50))
    assert head == [f"doc {i}" for i in range(50)]


def test_clean_many_passes_options() -> None:
    assert list(clean_many(["ﬁ"], preset="default", form="NFKC")) == ["fi"]


def test_clean_many_rejects_bad_arguments_at_once() -> None:
    with pytest.raises(ValueError, match="unknown preset"):
        clean_many(["x"], preset="no-such-preset")
    with pytest.raises(TypeError, match="unknown option"):
        clean_many(["x"], no_such_option=1)


def test_clean_many_is_exported() -> None:
    assert normkit.clean_many is clean_many


# --------------------------------------------------------------------------
# Corpus fixtures


def make_text_corpus(root: Path, n: int = 40) -> Path:
    src = root / "in"
    for i in range(n):
        sub = src / f"part{i % 3}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"doc{i:03d}.txt").write_text(
            MESSY[i % len(MESSY)].replace("\ud800", "?") + f" {i}\u00a0\n\n\n"
        )
    (src / "broken.txt").write_bytes(b"ok \xff\xfe not utf-8")
    (src / ".hidden").write_text("ignored")
    return src


def make_jsonl(path: Path, n: int = 300) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({"id": f"d{i}", "text": MESSY[i % len(MESSY)] + f" {i}", "n": i}) + "\n")
            if i == 17:
                f.write("{not json\n")
            if i == 42:
                f.write('{"id": "nofield"}\n')
            if i == 99:
                f.write('{"id": "num", "text": 7}\n')
            if i == 150:
                f.write('{"id": "null", "text": null}\n')
    return path


# --------------------------------------------------------------------------
# Formats and --jobs invariance


def test_detect_format(tmp_path: Path) -> None:
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "a.txt").write_text("x")
    (tmp_path / "j").mkdir()
    (tmp_path / "j" / "a.jsonl").write_text("{}")
    (tmp_path / "x.ndjson").write_text("{}")
    assert detect_format(tmp_path / "t") == "text"
    assert detect_format(tmp_path / "j") == "jsonl"
    assert detect_format(tmp_path / "x.ndjson") == "jsonl"
    with pytest.raises(CorpusError):
        detect_format(tmp_path / "t" / "a.txt")
    with pytest.raises(CorpusError):
        detect_format(tmp_path / "missing")
    (tmp_path / "j" / "README.md").write_text("about")
    with pytest.raises(CorpusError, match="--format"):
        detect_format(tmp_path / "j")


def test_text_corpus_jobs_invariant(tmp_path: Path) -> None:
    src = make_text_corpus(tmp_path)
    r1 = run_corpus(src, tmp_path / "o1", jobs=1, shard_size=6)
    r2 = run_corpus(src, tmp_path / "o2", jobs=2, shard_size=6)
    assert tree_bytes(tmp_path / "o1") == tree_bytes(tmp_path / "o2")
    out = tree_bytes(tmp_path / "o1")
    # The mirror holds every good document, cleaned, and nothing else.
    expected = {
        p.relative_to(src).as_posix(): clean(p.read_text(encoding="utf-8")).encode()
        for p in src.rglob("doc*.txt")
    }
    assert out == expected
    assert (r1.documents, r1.failed, r2.failed) == (41, 1, 1)
    umask = os.umask(0o022)
    os.umask(umask)
    modes = {p.stat().st_mode & 0o777 for p in (tmp_path / "o2").rglob("*.txt")}
    assert modes == {0o666 & ~umask}  # not the 0600 of a temporary file
    assert (tmp_path / "o1.normkit-state" / "failures.jsonl").read_bytes() == (
        tmp_path / "o2.normkit-state" / "failures.jsonl"
    ).read_bytes()


def test_jsonl_jobs_invariant_and_failures(tmp_path: Path) -> None:
    src = make_jsonl(tmp_path / "in.jsonl")
    r1 = run_corpus(src, tmp_path / "o1.jsonl", jobs=1, shard_size=32)
    r2 = run_corpus(src, tmp_path / "o2.jsonl", jobs=2, shard_size=32)
    out = (tmp_path / "o1.jsonl").read_bytes()
    assert out == (tmp_path / "o2.jsonl").read_bytes()
    assert r1.failed == r2.failed == 3
    records = [json.loads(line) for line in out.decode().splitlines()]
    good = [json.loads(line) for line in src.read_text().splitlines()[:1]]
    assert records[0] == {**good[0], "text": clean(good[0]["text"])}
    assert [r["id"] for r in records if r["text"] is None] == ["null"]
    assert len(records) == 301  # 300 documents and the null one
    for r in records:
        if r["text"] is not None:
            assert clean(r["text"]) == r["text"]
    failures = [json.loads(line) for line in r1.failures.read_text().splitlines()]
    reasons = {f["id"]: f["reason"] for f in failures}
    assert reasons["in.jsonl:19"].startswith("not valid JSON")
    assert reasons["in.jsonl:45"] == "no field 'text'"
    assert reasons["in.jsonl:103"] == "field 'text' is int, not a string"
    assert len(reasons) == 3
    # A lone surrogate cannot be written as UTF-8: it stays a JSON escape, as in the input.
    lone = [r for r in records if r["text"] is not None and "\ud800" in r["text"]]
    assert lone
    assert all(r["text"] == clean(r["text"]) for r in lone)
    assert b"\\ud800" in out


def test_jsonl_directory_mirrors(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "a").mkdir(parents=True)
    make_jsonl(src / "a" / "x.jsonl", 30)
    make_jsonl(src / "y.jsonl", 5)
    (src / "empty.jsonl").write_text("")
    run_corpus(src, tmp_path / "out", jobs=1, shard_size=8)
    run_corpus(src, tmp_path / "out2", jobs=2, shard_size=8)
    assert sorted(tree_bytes(tmp_path / "out")) == ["a/x.jsonl", "empty.jsonl", "y.jsonl"]
    assert tree_bytes(tmp_path / "out") == tree_bytes(tmp_path / "out2")
    assert (tmp_path / "out" / "empty.jsonl").read_bytes() == b""


@settings(max_examples=15)
@given(st.lists(st.text(), max_size=12), st.integers(1, 5))
def test_jsonl_run_equals_clean_many(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str], shard: int
) -> None:
    tmp = tmp_path_factory.mktemp("prop")
    src = tmp / "in.jsonl"
    src.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    report = run_corpus(src, tmp / "out.jsonl", jobs=1, shard_size=shard)
    expected = list(clean_many(texts))
    lines = (tmp / "out.jsonl").read_text(encoding="utf-8").split("\n")
    assert lines.pop() == ""
    got = [json.loads(line)["text"] for line in lines]
    assert got == expected
    assert report.failed == 0


def test_parquet_round_trip(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    texts = [MESSY[i % len(MESSY)] + f" {i}" if i % 11 else None for i in range(120)]
    texts = [t.replace("\ud800", "?") if t else t for t in texts]
    table = pa.table({"id": list(range(120)), "text": texts})
    pq.write_table(table, tmp_path / "in.parquet", row_group_size=50)
    run_corpus(tmp_path / "in.parquet", tmp_path / "o1.parquet", jobs=1, shard_size=20)
    run_corpus(tmp_path / "in.parquet", tmp_path / "o2.parquet", jobs=2, shard_size=20)
    assert (tmp_path / "o1.parquet").read_bytes() == (tmp_path / "o2.parquet").read_bytes()
    out = pq.read_table(tmp_path / "o1.parquet")
    assert out.schema == table.schema
    assert out.column("id").to_pylist() == list(range(120))
    assert out.column("text").to_pylist() == [None if t is None else clean(t) for t in texts]


def fail_on_marker(text: str) -> str:
    """A step with a bug: it raises on some input."""
    if "BAD" in text:
        raise ValueError("cannot handle BAD")
    return text.strip()


def test_parquet_directory_with_failures(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    src = tmp_path / "in"
    (src / "b").mkdir(parents=True)
    tables = {
        "a.parquet": pa.table({"key": ["a1", "a2", "a3"], "body": [" x ", "BAD one", None]}),
        "b/c.parquet": pa.table({"key": ["c1", "c2"], "body": ["  y", "z  "]}),
    }
    for rel, table in tables.items():
        pq.write_table(table, src / rel)
    steps = [fail_on_marker]
    kwargs = {"field": "body", "id_field": "key", "shard_size": 2, "steps": steps, "mp_context": "fork"}
    r1 = run_corpus(src, tmp_path / "o1", jobs=1, **kwargs)  # type: ignore[arg-type]
    r2 = run_corpus(src, tmp_path / "o2", jobs=2, **kwargs)  # type: ignore[arg-type]
    assert tree_bytes(tmp_path / "o1") == tree_bytes(tmp_path / "o2")
    assert pq.read_table(tmp_path / "o1" / "a.parquet").to_pydict() == {
        "key": ["a1", "a3"],
        "body": ["x", None],
    }
    assert pq.read_table(tmp_path / "o1" / "b" / "c.parquet").to_pydict() == {
        "key": ["c1", "c2"],
        "body": ["y", "z"],
    }
    assert (r1.failed, r2.failed) == (1, 1)
    assert json.loads(r1.failures.read_text()) == {"id": "a2", "reason": "ValueError: cannot handle BAD"}


# --------------------------------------------------------------------------
# Resumption


class Crash(Exception):
    pass


@pytest.mark.parametrize("jobs", [1, 2])
def test_resumed_jsonl_run_is_byte_identical(tmp_path: Path, jobs: int) -> None:
    src = make_jsonl(tmp_path / "in.jsonl", 200)
    whole = run_corpus(src, tmp_path / "whole.jsonl", jobs=1, shard_size=16, explain_sample=5)

    def crash_after_three(index: int) -> None:
        if index == 2:
            raise Crash

    with pytest.raises(Crash):
        run_corpus(
            src,
            tmp_path / "out.jsonl",
            jobs=jobs,
            shard_size=16,
            explain_sample=5,
            on_shard=crash_after_three,
        )
    assert not (tmp_path / "out.jsonl").exists()
    # As if killed after writing a fourth shard's output but before recording it:
    with (tmp_path / ".out.jsonl.normkit-partial").open("ab") as f:
        f.write(b'{"half": "writ')
    seen: list[int] = []
    resumed = run_corpus(
        src, tmp_path / "out.jsonl", jobs=jobs, shard_size=16, explain_sample=5, on_shard=seen.append
    )
    assert resumed.resumed_shards == 3
    assert resumed.processed == whole.documents - 3 * 16
    assert seen == list(range(3, whole.shards))  # finished shards are not redone
    assert (tmp_path / "out.jsonl").read_bytes() == (tmp_path / "whole.jsonl").read_bytes()
    assert resumed.failures.read_bytes() == whole.failures.read_bytes()
    assert resumed.failed == whole.failed
    assert resumed.explanations is not None
    assert whole.explanations is not None
    assert resumed.explanations.read_bytes() == whole.explanations.read_bytes()
    assert not list(tmp_path.glob(".*normkit-partial"))


def test_resumed_text_run_is_byte_identical(tmp_path: Path) -> None:
    src = make_text_corpus(tmp_path)
    run_corpus(src, tmp_path / "whole", jobs=1, shard_size=5)

    def crash(index: int) -> None:
        if index == 1:
            raise Crash

    with pytest.raises(Crash):
        run_corpus(src, tmp_path / "out", jobs=2, shard_size=5, on_shard=crash)
    # A leftover temporary from a killed writer is cleaned up on resume.
    (tmp_path / "out" / ".doc.txt.x.normkit-tmp").write_text("half")
    report = run_corpus(src, tmp_path / "out", jobs=2, shard_size=5)
    assert report.resumed_shards == 2
    assert tree_bytes(tmp_path / "out") == tree_bytes(tmp_path / "whole")


def test_finished_run_is_not_redone(tmp_path: Path) -> None:
    src = make_jsonl(tmp_path / "in.jsonl", 20)
    first = run_corpus(src, tmp_path / "o.jsonl", jobs=1, shard_size=4)
    seen: list[int] = []
    again = run_corpus(src, tmp_path / "o.jsonl", jobs=1, shard_size=4, on_shard=seen.append)
    assert seen == []
    assert again.processed == 0
    assert (again.failed, again.documents) == (first.failed, first.documents)


def test_changed_input_needs_restart(tmp_path: Path) -> None:
    src = make_jsonl(tmp_path / "in.jsonl", 20)
    run_corpus(src, tmp_path / "o.jsonl", jobs=1, shard_size=4)
    with pytest.raises(CorpusError, match="--restart"):
        run_corpus(src, tmp_path / "o.jsonl", jobs=1, shard_size=4, preset="ascii")
    report = run_corpus(src, tmp_path / "o.jsonl", jobs=1, shard_size=4, preset="ascii", restart=True)
    assert report.resumed_shards == 0


def test_output_must_not_overlap_input(tmp_path: Path) -> None:
    src = make_text_corpus(tmp_path)
    with pytest.raises(CorpusError, match="must not"):
        run_corpus(src, src / "out")
    with pytest.raises(CorpusError, match="must not"):
        run_corpus(src, src)


def test_explain_sample(tmp_path: Path) -> None:
    src = make_jsonl(tmp_path / "in.jsonl", 100)
    r1 = run_corpus(src, tmp_path / "a.jsonl", jobs=1, shard_size=9, explain_sample=7)
    r2 = run_corpus(src, tmp_path / "b.jsonl", jobs=2, shard_size=9, explain_sample=7)
    assert r1.explanations is not None
    assert r2.explanations is not None
    assert r1.explanations.read_bytes() == r2.explanations.read_bytes()
    records = [json.loads(line) for line in r1.explanations.read_text().splitlines()]
    assert 1 <= len(records) <= 7  # sampled failures have no explanation
    assert all(r["replays"] for r in records)
    source = {f"in.jsonl:{i}": line for i, line in enumerate(src.read_text().splitlines(), 1)}
    for r in records:
        text = json.loads(source[r["id"]])["text"]
        for change in r["changes"]:
            assert change["before"] != change["after"]
        if clean(text) != text:
            assert r["changes"]


def crash_on_marker(text: str) -> str:
    """A step that kills its process, as an out-of-memory kill would."""
    if "KILL-THE-WORKER" in text:
        os._exit(3)
    return text


def test_a_document_that_kills_its_worker_is_logged_and_skipped(tmp_path: Path) -> None:
    texts = [f"doc {i}\u00a0 " + ("KILL-THE-WORKER" if i == 17 else "") for i in range(60)]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts))
    steps = ["typography", "whitespace", crash_on_marker]
    report = run_corpus(src, tmp_path / "out.jsonl", jobs=2, shard_size=10, steps=steps, mp_context="fork")
    assert report.failed == 1
    failures = [json.loads(line) for line in report.failures.read_text().splitlines()]
    assert failures == [{"id": "in.jsonl:18", "reason": WORKER_DIED}]
    out = [json.loads(line)["text"] for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert out == [clean(t) for i, t in enumerate(texts) if i != 17]


# --------------------------------------------------------------------------
# Corpus-mode boilerplate


def site_pages(n: int = 40) -> list[str]:
    """Pages whose site furniture recurs in every shard, but never reaches
    strip_boilerplate_many's threshold within one shard."""
    pages = []
    for i in range(n):
        body = (
            f"Report {i}: the harbour board met on day {i} and approved {i + 3} new moorings for the boats.\n"
        )
        extra = "Subscribe to the Harbour News weekly letter\n" if i % 4 == 0 else ""
        pages.append(f"Harbour News  \nHome | Boats | Weather\n{body}{extra}Copyright Harbour News 2024\n")
    return pages


@pytest.mark.parametrize("jobs", [1, 2])
def test_corpus_boilerplate_equals_strip_boilerplate_many(tmp_path: Path, jobs: int) -> None:
    boilerplate = pytest.importorskip("normkit.boilerplate")
    pages = site_pages()
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"text": t}) + "\n" for t in pages))
    options = CorpusBoilerplate(profile="fullpage")
    report = run_corpus(src, tmp_path / "out.jsonl", jobs=jobs, shard_size=6, boilerplate=options)
    assert report.failed == 0
    out = [json.loads(line)["text"] for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    stripped = boilerplate.strip_boilerplate_many(pages, profile="fullpage", batch_size=len(pages))
    assert out == [clean(t) for t in stripped]
    learnt = json.loads((report.state / "recurring.json").read_text())
    assert "Subscribe to the Harbour News weekly letter" in learnt  # 10 of 40 pages, at most 2 a shard


def test_corpus_boilerplate_resumes_without_recounting(tmp_path: Path) -> None:
    pages = site_pages()
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"text": t}) + "\n" for t in pages))
    options = CorpusBoilerplate(profile="fullpage")
    whole = run_corpus(
        src, tmp_path / "whole.jsonl", jobs=1, shard_size=6, boilerplate=options, explain_sample=5
    )

    def crash(index: int) -> None:
        if index == 2:
            raise Crash

    with pytest.raises(Crash):
        run_corpus(
            src,
            tmp_path / "out.jsonl",
            jobs=2,
            shard_size=6,
            boilerplate=options,
            explain_sample=5,
            on_shard=crash,
        )
    learnt = Path(str(tmp_path / "out.jsonl") + ".normkit-state") / "recurring.json"
    stamp = learnt.stat().st_mtime_ns
    resumed = run_corpus(
        src, tmp_path / "out.jsonl", jobs=2, shard_size=6, boilerplate=options, explain_sample=5
    )
    assert resumed.resumed_shards == 3
    assert learnt.stat().st_mtime_ns == stamp  # pass one is not redone
    assert (tmp_path / "out.jsonl").read_bytes() == (tmp_path / "whole.jsonl").read_bytes()
    assert resumed.explanations is not None
    assert whole.explanations is not None
    assert resumed.explanations.read_bytes() == whole.explanations.read_bytes()
    records = [json.loads(line) for line in whole.explanations.read_text().splitlines()]
    assert records
    assert all(r["replays"] for r in records)
    assert any(c["step"] == "boilerplate-corpus" for r in records for c in r["changes"])


# --------------------------------------------------------------------------
# The command


def test_cli_exit_status_and_count(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = make_jsonl(tmp_path / "in.jsonl", 50)
    status = main([str(src), str(tmp_path / "o.jsonl"), "--jobs", "2", "--shard-size", "10", "--no-progress"])
    assert status == 1
    err = capsys.readouterr().err
    assert "2 document(s) failed" in err  # bad JSON, no field
    good = tmp_path / "good.jsonl"
    good.write_text('{"text": "a\\u00a0b"}\n')
    assert main([str(good), str(tmp_path / "g.jsonl"), "--no-progress", "-o", "form=NFKC"]) == 0
    assert (tmp_path / "g.jsonl").read_text() == '{"text": "a b"}\n'
    assert main([str(tmp_path / "missing"), str(tmp_path / "x"), "--no-progress"]) == 2
    assert main([str(good), str(tmp_path / "y.jsonl"), "--no-progress", "--preset", "nope"]) == 2
