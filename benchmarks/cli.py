"""CLI cases, as whole processes: wall time and peak memory (median of fresh runs).

Each run is a fresh process started through GNU time (or a minimal launcher),
never forked from the harness itself: a child forked from a large process
inherits its memory high-water mark. Peak resident memory is the kernel's
``ru_maxrss`` of that process; wall time is the harness's clock around start
and exit (including GNU time's own start, about a millisecond).
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks import corpora
from benchmarks.common import CaseResult, Row, Settings, Skip, log, ratio

ROOT = corpora.ROOT


@dataclasses.dataclass(frozen=True)
class Proc:
    wall_ms: float
    rss_mib: float
    returncode: int
    timed_out: bool
    stderr: str
    capped: bool = False


TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None

# Without GNU time, a minimal launcher (no site, nothing imported) spawns the
# command and reports the kernel's peak RSS of that child alone. The
# harness's own process is large, and a child forked from it would inherit its
# high-water mark, so the command is never started from here directly.
_LAUNCHER = (
    "import os,sys\n"
    "pid=os.posix_spawnp(sys.argv[2],sys.argv[2:],os.environ)\n"
    "_,st,ru=os.wait4(pid,0)\n"
    "open(sys.argv[1],'w').write(str(ru.ru_maxrss))\n"
    "sys.exit(os.waitstatus_to_exitcode(st)&255)\n"
)


def _descendants(pid: int) -> list[int]:
    out: list[int] = []
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            kids = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        for k in kids:
            out.append(int(k))
            todo.append(int(k))
    return out


def _hwm_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def run_once(
    cmd: Sequence[str],
    *,
    timeout: float = 120.0,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    rss_cap_mib: float = 4096.0,
) -> Proc:
    """Run ``cmd`` once (stdin and stdout to /dev/null): wall time and peak RSS.

    The peak RSS comes from GNU time's ``%M`` (the child's ``ru_maxrss``).
    A watchdog kills the process group after ``timeout`` seconds or when the
    command's resident memory passes ``rss_cap_mib`` (so a run that reads a
    huge file whole cannot take the machine down); the peak then is the
    watchdog's last reading.
    """
    with tempfile.TemporaryDirectory() as tmp:
        rss_file = Path(tmp) / "rss"
        if TIME is not None:
            full = [TIME, "-f", "%M", "-o", str(rss_file), *cmd]
        else:
            full = [sys.executable, "-S", "-c", _LAUNCHER, str(rss_file), *cmd]
        with (Path(tmp) / "err").open("w+b") as err:
            start = time.perf_counter()
            p = subprocess.Popen(
                full,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                env=env,
                cwd=cwd,
                start_new_session=True,
            )
            state = {"timed_out": False, "capped": False, "hwm": 0}
            done = threading.Event()

            def watch() -> None:
                deadline = start + timeout
                while not done.wait(0.1):
                    hwm = max((_hwm_kib(k) for k in _descendants(p.pid)), default=0)
                    state["hwm"] = max(state["hwm"], hwm)
                    over = hwm / 1024 > rss_cap_mib
                    if over or time.perf_counter() > deadline:
                        state["capped" if over else "timed_out"] = True
                        with contextlib.suppress(OSError):
                            os.killpg(p.pid, 9)
                        return

            watcher = threading.Thread(target=watch, daemon=True)
            watcher.start()
            p.wait()
            wall = time.perf_counter() - start
            done.set()
            watcher.join()
            err.seek(0)
            tail = err.read()[-2000:].decode("utf-8", "replace")
        try:
            last = [ln for ln in rss_file.read_text().splitlines() if ln.strip()][-1]
            rss_kib = int(last.split()[-1])
        except (OSError, ValueError, IndexError):
            rss_kib = int(state["hwm"])
    return Proc(
        wall * 1000, rss_kib / 1024, p.returncode, bool(state["timed_out"]), tail, bool(state["capped"])
    )


def run_many(
    cmd: Sequence[str],
    runs: int,
    *,
    prepare: Callable[[], None] | None = None,
    env: dict[str, str] | None = None,
) -> tuple[float, float, Proc]:
    """Median wall (ms) and median peak RSS (MiB) of ``runs`` fresh processes (after one warm-up run)."""
    procs: list[Proc] = []
    for i in range(runs + 1):
        if prepare is not None:
            prepare()
        p = run_once(cmd, env=env)
        if i:  # the first run warms the OS file cache and .pyc files
            procs.append(p)
    return (
        statistics.median(p.wall_ms for p in procs),
        statistics.median(p.rss_mib for p in procs),
        procs[-1],
    )


def normkit_command() -> tuple[list[str], dict[str, str], str]:
    """The command that runs this checkout's CLI, its environment and a description."""
    spec = importlib.util.find_spec("normkit.cli")
    if spec is None or spec.origin is None:
        raise Skip("normkit.cli does not exist yet")
    env = dict(os.environ)
    script = shutil.which("normkit")
    if script and Path(spec.origin).resolve().is_relative_to(ROOT):
        return [script], env, "the installed `normkit` script"
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    cmd = [sys.executable, "-c", "import sys; from normkit.cli import main; sys.exit(main())"]
    return cmd, env, "`python -c 'from normkit.cli import main; main()'` (what the `normkit` script runs)"


_IMPORTS = (
    "import sys, io, contextlib\n"
    "before = set(sys.modules)\n"
    "from normkit.cli import main\n"
    "with contextlib.redirect_stdout(io.StringIO()):\n"
    "    try:\n"
    "        main(['--version'])\n"
    "    except SystemExit:\n"
    "        pass\n"
    "print(' '.join(sorted(m for m in set(sys.modules) - before if not m.startswith('_'))))\n"
)


def _imports(env: dict[str, str]) -> str:
    """The modules ``normkit --version`` imports (beyond what the interpreter already had)."""
    proc = subprocess.run(
        [sys.executable, "-c", _IMPORTS], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    mods = proc.stdout.split()
    return f"{len(mods)}: {', '.join(mods)}" if proc.returncode == 0 else f"(failed: {proc.stderr[-200:]})"


def codespell_command() -> list[str]:
    script = shutil.which("codespell")
    if script:
        return [script]
    if importlib.util.find_spec("codespell_lib") is not None:
        return [sys.executable, "-m", "codespell_lib"]
    raise Skip("codespell not installed")


def bench_cli(settings: Settings) -> CaseResult:
    res = CaseResult(
        "cli",
        "Whole processes on a one-page news file (median of fresh runs)",
        "ms",
        lower_is_better=True,
        columns=("peak RSS MiB",),
    )
    runs = settings.cli_runs
    with tempfile.TemporaryDirectory() as tmp:
        original = corpora.one_page(Path(tmp) / "original.txt")
        page = Path(tmp) / "page.txt"

        def fresh_copy() -> None:  # `clean FILE` may rewrite the file in place
            shutil.copyfile(original, page)

        try:
            cmd, env, how = normkit_command()
        except Skip as exc:
            res.skipped.append(f"normkit: {exc}")
            cmd, env, how = [], {}, ""
        if cmd:
            res.notes.append(f"normkit run as {how}; file of {original.stat().st_size:,} bytes")
            log("  normkit clean FILE")
            wall, rss, last = run_many([*cmd, "clean", str(page)], runs, prepare=fresh_copy, env=env)
            if last.returncode not in (0, 1):
                res.notes.append(
                    f"`normkit clean FILE` exited {last.returncode}: {last.stderr.strip()[-300:]}"
                )
            res.rows.append(Row("normkit clean FILE", wall, "ms", "ref", extra={"peak RSS MiB": rss}))
            log("  normkit --version")
            wall, rss, last = run_many([*cmd, "--version"], runs, env=env)
            if last.returncode != 0:
                res.notes.append(
                    f"`normkit --version` exited {last.returncode}: {last.stderr.strip()[-300:]}"
                )
            res.rows.append(Row("normkit --version", wall, "ms", "normkit", extra={"peak RSS MiB": rss}))
            res.notes.append(
                "modules `normkit --version` imports beyond a bare interpreter: " + _imports(env)
            )
        try:
            cs = codespell_command()
            log("  codespell FILE")
            wall, rss, _ = run_many([*cs, str(page)], runs, prepare=fresh_copy)
            res.rows.append(Row("codespell FILE", wall, "ms", extra={"peak RSS MiB": rss}))
        except Skip as exc:
            res.skipped.append(f"codespell: {exc}")
        log("  python -c pass")
        wall, rss, _ = run_many([sys.executable, "-c", "pass"], runs)
        res.rows.append(Row("python -c pass (interpreter floor)", wall, "ms", extra={"peak RSS MiB": rss}))
        wall, rss, _ = run_many([sys.executable, "-S", "-c", "pass"], runs)
        res.rows.append(Row("python -S -c pass (no site)", wall, "ms", extra={"peak RSS MiB": rss}))

    clean = res.row("normkit clean FILE")
    version = res.row("normkit --version")
    res.add_target(
        "clean FILE wall <= codespell FILE (ratio <= 1)",
        ratio(clean.value if clean else None, res.value("codespell FILE")),
        lambda r: r <= 1,
        "{:.2f}x",
    )
    res.add_target(
        "clean FILE peak RSS <= 40 MiB",
        clean.extra["peak RSS MiB"] if clean else None,
        lambda v: v <= 40,
        "{:.1f} MiB",
    )
    res.add_target("--version <= 60 ms", version.value if version else None, lambda v: v <= 60, "{:.1f} ms")
    return res


def bench_stream(settings: Settings) -> CaseResult:
    cmd, env, how = normkit_command()
    mb = max(1, int(settings.stream_mb * min(1.0, settings.scale)))
    res = CaseResult(
        "stream",
        f"`normkit clean` on a {mb:,} MB generated file (one run)",
        "MiB",
        lower_is_better=True,
        columns=("wall s", "MB/s"),
    )
    timeout = 300.0 if settings.quick else 900.0
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.txt"
        free = shutil.disk_usage(tmp).free
        if free < 2.2 * mb * 1_000_000:
            raise Skip(f"not enough free space in {tmp} for {mb} MB (and its output)")
        log(f"  writing {mb} MB")
        size = corpora.write_big_file(big, mb, settings.seed)
        log("  normkit clean BIG")
        p = run_once([*cmd, "clean", str(big)], timeout=timeout, env=env, rss_cap_mib=1024)
    wall_s = p.wall_ms / 1000
    if p.capped:
        note = (
            f"killed after {wall_s:.1f} s when its resident memory passed the 1 GiB safety cap (lower bound)"
        )
    elif p.timed_out:
        note = f"timed out after {timeout:.0f} s (RSS is the peak until then)"
    elif p.returncode not in (0, 1):
        note = f"exited {p.returncode}: {p.stderr.strip()[-300:]}"
    else:
        note = ""
    res.rows.append(
        Row(
            "normkit clean BIG (peak RSS)",
            p.rss_mib,
            "MiB",
            "normkit",
            note=note,
            extra={"wall s": wall_s} if note else {"wall s": wall_s, "MB/s": size / 1e6 / wall_s},
        )
    )
    res.notes.append(f"normkit run as {how}")
    if note:
        res.notes.append(note)
    res.add_target("peak RSS < 200 MiB while streaming", p.rss_mib, lambda v: v < 200, "{:.1f} MiB")
    return res
