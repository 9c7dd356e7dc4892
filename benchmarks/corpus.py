"""Corpus scale: ``normkit corpus --jobs 2`` against ``--jobs 1``, a 2-worker
Dask LocalCluster against serial ``clean_many``, and memory per worker as the
corpus grows.

``run(quick)`` returns one dict per measurement (the harness in
``benchmarks/__main__.py`` formats them); ``python -m benchmarks.corpus
[--quick]`` prints them as a table. The corpus is generated (messy web-like
text: no-break spaces, zero-width characters, runs of spaces and blank lines,
curly quotes, several scripts) as JSONL, at least 50 MB for the full run.
Timings include everything a user waits for (start-up, planning, reading,
writing the output); ``docs/s`` is documents over wall-clock seconds, the
best of three runs (one with ``quick``) for the ratios.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

_TEXT = (
    "the of and to in harbour board approved new moorings for boats council budget minister said talks "
    "would resume May Seoul Moscow café naïve résumé Ünïcode 서울 시청 Москва Київ “quoted” ‘single’ — … "
    "2024 №5 e-mail www.example.org price €12.50 ﬁve ﬂoors"
)
_WORDS = _TEXT.split()


def make_corpus(path: Path, megabytes: float, seed: int = 0) -> int:
    """Write a JSONL corpus of about ``megabytes`` MB; return its document count."""
    r = random.Random(seed)
    target = int(megabytes * 1_000_000)
    size = 0
    n = 0
    with path.open("w", encoding="utf-8") as f:
        while size < target:
            paras = []
            for _ in range(r.randint(2, 10)):
                words = [r.choice(_WORDS) for _ in range(r.randint(15, 90))]
                k = r.randrange(len(words))
                words[k] = words[k] + r.choice(["\u00a0", "\u200b", "  ", " \t", "\u00ad"])
                paras.append(" ".join(words) + r.choice(["", "  ", "\u200b"]))
            text = r.choice(["\n\n", "\n\n\n\n", "\r\n\r\n"]).join(paras) + "\n"
            line = json.dumps(
                {"id": f"doc-{n}", "url": f"https://example.org/{n}", "text": text}, ensure_ascii=False
            )
            f.write(line + "\n")
            size += len(line.encode()) + 1
            n += 1
    return n


class _TreeSampler:
    """Samples the RSS of a process and its children every ``interval`` s;
    keeps the peak of the parent and of each child."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        import psutil

        self._root = psutil.Process(pid)
        self._psutil = psutil
        self._interval = interval
        self.parent_peak = 0
        self.child_peaks: dict[int, int] = {}
        self.parent_cpu = 0.0  # user + system seconds, as last seen
        self.child_cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.parent_peak = max(self.parent_peak, self._root.memory_info().rss)
                t = self._root.cpu_times()
                self.parent_cpu = t.user + t.system
                for child in self._root.children(recursive=True):
                    try:
                        rss = child.memory_info().rss
                        ct = child.cpu_times()
                    except self._psutil.Error:
                        continue
                    self.child_peaks[child.pid] = max(self.child_peaks.get(child.pid, 0), rss)
                    self.child_cpu[child.pid] = ct.user + ct.system
            except self._psutil.Error:
                break
            self._stop.wait(self._interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def _run_cli(src: Path, dst: Path, jobs: int) -> dict[str, float]:
    """Run ``normkit corpus`` once; wall seconds and peak RSS (MB)."""
    for p in (dst, Path(str(dst) + ".normkit-state")):
        shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "normkit.corpus_cli",
        str(src),
        str(dst),
        "--jobs",
        str(jobs),
        "--no-progress",
    ]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=_env(), stderr=subprocess.PIPE, text=True)
    sampler = _TreeSampler(proc.pid)
    _, err = proc.communicate()
    seconds = time.perf_counter() - started
    sampler.stop()
    if proc.returncode != 0:
        raise RuntimeError(f"normkit corpus failed ({proc.returncode}): {err[-500:]}")
    workers = sorted(sampler.child_peaks.values(), reverse=True)[:jobs] if jobs > 1 else []
    cpus = sorted(sampler.child_cpu.values(), reverse=True)[:jobs] if jobs > 1 else []
    main_cpu = sampler.parent_cpu
    # On an idle machine with a core per process the run cannot be faster than
    # its busiest process, nor than all its CPU time spread over the cores.
    floor = max([main_cpu, *cpus, (main_cpu + sum(cpus)) / max(1, min(jobs, os.cpu_count() or 1))])
    return {
        "seconds": seconds,
        "main_cpu_s": main_cpu,
        "workers_cpu_s": sum(cpus),
        "idle_floor_s": floor,
        "main_mb": sampler.parent_peak / 1e6,
        "worker_mb": max(workers) / 1e6 if workers else sampler.parent_peak / 1e6,
    }


def _dask_job(src: Path, out: Path, blocksize: str) -> Any:
    import dask.bag as db

    from normkit.dask import clean_bag

    def pluck(line: str) -> str:
        text: str = json.loads(line)["text"]
        return text

    bag = db.read_text(str(src), blocksize=blocksize).map(pluck)
    cleaned = clean_bag(bag).map(lambda t: json.dumps({"text": t}, ensure_ascii=False))
    return cleaned.to_textfiles(str(out / "part-*.jsonl"), compute=False)


def _cluster_run(src: Path, out: Path, workers: int, blocksize: str) -> dict[str, float]:
    """Clean ``src`` on a fresh LocalCluster; wall seconds and the peak RSS
    of its worker processes (MB)."""
    import dask
    import distributed

    shutil.rmtree(out, ignore_errors=True)
    os.environ["PYTHONPATH"] = _env()["PYTHONPATH"]  # spawned workers import this checkout
    with (
        distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.run(_warm_up)  # imports and tables load before timing starts
        before = client.run(_cpu_seconds)
        started = time.perf_counter()
        dask.compute(*_dask_job(src, out, blocksize))
        seconds = time.perf_counter() - started
        after = client.run(_cpu_seconds)
        peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    cpus = [after[w] - before[w] for w in after]
    return {
        "seconds": seconds,
        "worker_mb": max(peaks.values()) / 1e6,
        "busiest_cpu_s": max(cpus),
    }


def _warm_up() -> None:
    from normkit.corpus import clean_many

    list(clean_many(_WORDS))


def _cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _serial_run(src: Path) -> tuple[float, float]:
    """Wall and CPU seconds of serial ``clean_many`` over the texts of ``src``."""
    from normkit.corpus import clean_many

    started, cpu = time.perf_counter(), time.process_time()
    with src.open(encoding="utf-8") as f:
        for _ in clean_many(json.loads(line)["text"] for line in f):
            pass
    return time.perf_counter() - started, time.process_time() - cpu


def _best(measure: Callable[[], dict[str, float]], repeats: int) -> dict[str, float]:
    """The least disturbed of ``repeats`` measurements (the fastest), as the
    other benchmarks report on a shared machine."""
    return min((measure() for _ in range(repeats)), key=lambda m: m["seconds"])


def run(quick: bool) -> list[dict[str, Any]]:
    """Measure; one dict per row (``case``, ``system``, ``docs``, ``mb``,
    ``seconds``, ``docs_per_s``, ``ratio`` where one applies, memory)."""
    sizes = [1.25, 2.5, 5.0] if quick else [12.5, 25.0, 50.0]
    repeats = 1 if quick else 3
    rows: list[dict[str, Any]] = [
        {
            "case": "corpus-machine",
            "system": f"{os.cpu_count()} cores",
            "load_average_1m": round(os.getloadavg()[0], 2),
        }
    ]
    tmp = Path(tempfile.mkdtemp(prefix="normkit-bench-corpus-"))
    try:
        corpora = {}
        for mb in sizes:
            path = tmp / f"corpus-{mb:g}mb.jsonl"
            corpora[mb] = (path, make_corpus(path, mb))
        big_path, big_docs = corpora[sizes[-1]]
        big_mb = big_path.stat().st_size / 1e6

        def row(case: str, system: str, docs: int, mb: float, seconds: float, **extra: Any) -> dict[str, Any]:
            r = {
                "case": case,
                "system": system,
                "docs": docs,
                "mb": round(mb, 1),
                "seconds": round(seconds, 2),
            }
            r["docs_per_s"] = round(docs / seconds, 1)
            r.update(extra)
            rows.append(r)
            return r

        # One machine: normkit corpus --jobs 1 / 2 on the largest corpus.
        one = _best(lambda: _run_cli(big_path, tmp / "out1.jsonl", 1), repeats)
        two = _best(lambda: _run_cli(big_path, tmp / "out2.jsonl", 2), repeats)
        identical = (tmp / "out1.jsonl").read_bytes() == (tmp / "out2.jsonl").read_bytes()
        r1 = row(
            "corpus",
            "normkit corpus --jobs 1",
            big_docs,
            big_mb,
            one["seconds"],
            peak_mb=round(one["main_mb"]),
            cpu_s=round(one["main_cpu_s"], 1),
        )
        row(
            "corpus",
            "normkit corpus --jobs 2",
            big_docs,
            big_mb,
            two["seconds"],
            ratio=round(r1["seconds"] / two["seconds"], 2),
            identical_output=identical,
            main_cpu_s=round(two["main_cpu_s"], 1),
            workers_cpu_s=round(two["workers_cpu_s"], 1),
            idle_ratio_estimate=round(one["main_cpu_s"] / two["idle_floor_s"], 2),
            peak_main_mb=round(two["main_mb"]),
            peak_worker_mb=round(two["worker_mb"]),
        )
        # Memory per worker as the corpus grows (--jobs 2).
        for mb in sizes[:-1]:
            path, docs = corpora[mb]
            m = _run_cli(path, tmp / "outm.jsonl", 2)
            row(
                "corpus-memory",
                "normkit corpus --jobs 2",
                docs,
                path.stat().st_size / 1e6,
                m["seconds"],
                peak_main_mb=round(m["main_mb"]),
                peak_worker_mb=round(m["worker_mb"]),
            )
        rows.append(
            {
                "case": "corpus-memory",
                "system": "normkit corpus --jobs 2",
                "docs": big_docs,
                "mb": round(big_mb, 1),
                "seconds": round(two["seconds"], 2),
                "docs_per_s": round(big_docs / two["seconds"], 1),
                "peak_main_mb": round(two["main_mb"]),
                "peak_worker_mb": round(two["worker_mb"]),
            }
        )

        # More than one machine: a 2-worker LocalCluster against serial clean_many.
        try:
            import dask  # noqa: F401
            import distributed  # noqa: F401
        except ImportError as exc:
            rows.append({"case": "dask", "system": "LocalCluster", "skipped": f"not installed: {exc}"})
            return rows
        blocksize = "512KB" if quick else "2MB"
        serial, serial_cpu = _serial_run(big_path)
        rs = row("dask", "clean_many (serial, no I/O)", big_docs, big_mb, serial, cpu_s=round(serial_cpu, 1))
        c1 = _best(lambda: _cluster_run(big_path, tmp / "dask1", 1, blocksize), repeats)
        rc1 = row(
            "dask",
            "LocalCluster 1 worker",
            big_docs,
            big_mb,
            c1["seconds"],
            busiest_worker_cpu_s=round(c1["busiest_cpu_s"], 1),
            peak_worker_mb=round(c1["worker_mb"]),
        )
        c2 = _best(lambda: _cluster_run(big_path, tmp / "dask2", 2, blocksize), repeats)
        row(
            "dask",
            "LocalCluster 2 workers",
            big_docs,
            big_mb,
            c2["seconds"],
            ratio=round(r1["seconds"] / c2["seconds"], 2),  # against normkit corpus --jobs 1
            ratio_vs_1_worker=round(rc1["seconds"] / c2["seconds"], 2),
            ratio_vs_serial=round(rs["seconds"] / c2["seconds"], 2),
            busiest_worker_cpu_s=round(c2["busiest_cpu_s"], 1),
            idle_ratio_estimate=round(c1["busiest_cpu_s"] / c2["busiest_cpu_s"], 2),
            peak_worker_mb=round(c2["worker_mb"]),
        )
        for mb in sizes[:-1]:
            path, docs = corpora[mb]
            m = _cluster_run(path, tmp / "daskm", 2, blocksize)
            row(
                "dask-memory",
                "LocalCluster 2 workers",
                docs,
                path.stat().st_size / 1e6,
                m["seconds"],
                peak_worker_mb=round(m["worker_mb"]),
            )
        rows.append(
            {
                "case": "dask-memory",
                "system": "LocalCluster 2 workers",
                "docs": big_docs,
                "mb": round(big_mb, 1),
                "seconds": round(c2["seconds"], 2),
                "docs_per_s": round(big_docs / c2["seconds"], 1),
                "peak_worker_mb": round(c2["worker_mb"]),
            }
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return rows


def _print(rows: list[dict[str, Any]]) -> None:
    keys: list[str] = []
    for r in rows:
        keys.extend(k for k in r if k not in keys)
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for r in rows:
        print("| " + " | ".join(str(r.get(k, "")) for k in keys) + " |")


if __name__ == "__main__":
    _print(run("--quick" in sys.argv[1:]))
