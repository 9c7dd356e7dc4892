"""Kill a real ``normkit corpus`` process after its first shard, resume it,
and compare the result with an uninterrupted run byte for byte."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def command(src: Path, dst: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "normkit.corpus_cli", str(src), str(dst), "--no-progress", *extra]


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def tree_bytes(path: Path) -> dict[str, bytes]:
    if path.is_file():
        return {"": path.read_bytes()}
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def make_corpus(tmp: Path, fmt: str) -> Path:
    texts = [
        f"Document {i}\u00a0with  spaces\u200b and\n\n\n\nparagraphs {'é' * (i % 7)}  \n" for i in range(600)
    ]
    if fmt == "jsonl":
        src = tmp / "in.jsonl"
        src.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts)))
        return src
    src = tmp / "in"
    for i, t in enumerate(texts):
        folder = src / f"{i // 100:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{i:04d}.txt").write_text(t, encoding="utf-8")
    return src


def kill_after_first_shard(cmd: list[str], state: Path) -> dict[str, object]:
    """Start ``cmd``, SIGKILL its whole process group once the manifest
    records a finished shard, and return that manifest."""
    manifest = state / "manifest.json"
    proc = subprocess.Popen(cmd, env=environment(), start_new_session=True, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            if manifest.exists():
                try:
                    data = json.loads(manifest.read_text())
                except ValueError:  # pragma: no cover - the manifest is replaced atomically
                    pytest.fail("manifest.json was read half-written")
                if data["finished_shards"]:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
                    assert isinstance(data, dict)
                    return data
            if proc.poll() is not None:
                pytest.fail(f"the run ended before it could be killed: {proc.stderr.read()!r}")  # type: ignore[union-attr]
            time.sleep(0.002)
        pytest.fail("no shard finished in time")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()


@pytest.mark.slow
@pytest.mark.parametrize(("fmt", "jobs"), [("jsonl", "2"), ("text", "1")])
def test_killed_run_resumes_byte_identical(tmp_path: Path, fmt: str, jobs: str) -> None:
    src = make_corpus(tmp_path, fmt)
    suffix = ".jsonl" if fmt == "jsonl" else ""
    whole, out = tmp_path / f"whole{suffix}", tmp_path / f"out{suffix}"
    state = Path(str(out) + ".normkit-state")
    options = ("--shard-size", "2", "--jobs", jobs, "--explain-sample", "4")

    done = subprocess.run(command(src, whole, *options), env=environment(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr

    manifest = kill_after_first_shard(command(src, out, *options), state)
    assert manifest["complete"] is False
    after_kill = json.loads((state / "manifest.json").read_text())
    assert after_kill["complete"] is False
    if fmt == "jsonl":
        assert not out.exists()  # the output appears only when complete

    resumed = subprocess.run(command(src, out, *options), env=environment(), capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed" in resumed.stderr
    assert tree_bytes(out) == tree_bytes(whole)
    assert (state / "explain.jsonl").read_bytes() == (
        Path(str(whole) + ".normkit-state") / "explain.jsonl"
    ).read_bytes()
    assert not list(tmp_path.rglob("*.normkit-tmp"))
    assert not list(tmp_path.rglob("*.normkit-partial"))


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_signalled_main_process_leaves_no_workers_and_resumes(tmp_path: Path, sig: signal.Signals) -> None:
    psutil = pytest.importorskip("psutil")
    src = make_corpus(tmp_path, "jsonl")
    out, whole = tmp_path / "out.jsonl", tmp_path / "whole.jsonl"
    state = Path(str(out) + ".normkit-state")
    options = ("--shard-size", "2", "--jobs", "2")
    proc = subprocess.Popen(command(src, out, *options), env=environment(), stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while (
            not (state / "manifest.json").exists()
            or not json.loads((state / "manifest.json").read_text())["finished_shards"]
        ):
            assert proc.poll() is None, "the run ended before it could be signalled"
            assert time.monotonic() < deadline, "no shard finished in time"
            time.sleep(0.002)
        workers = psutil.Process(proc.pid).children(recursive=True)
        assert workers
        os.kill(proc.pid, sig)  # the main process only, as a job scheduler or the OOM killer would
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if sig == signal.SIGTERM:
        assert proc.returncode == 143, err
        assert "run the same command again to resume" in err
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, "worker processes outlived the main process"
    resumed = subprocess.run(command(src, out, *options), env=environment(), capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    done = subprocess.run(command(src, whole, *options), env=environment(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == whole.read_bytes()
