"""Every example in the README and in docs/*.md runs.

The blocks of a page run in order, in one temporary directory holding a copy
of ``seeds/``, as a reader would run them:

- ```python / ```pycon blocks with ``>>>`` prompts run as doctests sharing
  one namespace;
- ```console blocks run each ``$ command`` in a shell; the lines after the
  command are its expected output (``...`` matches anything, as in doctest).
"""

from __future__ import annotations

import doctest
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"^```(python|pycon|console)\n(.*?)^```", re.S | re.M)
FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _commands(block: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            out.append((line[2:], ""))
        elif out:
            cmd, expected = out[-1]
            out[-1] = (cmd, expected + line + "\n")
    return out


def _runnable(path: Path) -> bool:
    return any(">>>" in b or k == "console" for k, b in BLOCK.findall(path.read_text("utf-8")))


RUNNABLE = [p for p in FILES if _runnable(p)]


@pytest.mark.parametrize("path", RUNNABLE, ids=lambda p: str(p.relative_to(ROOT)))
def test_examples(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    checker = doctest.OutputChecker()
    globs: dict[str, object] = {}
    failures: list[str] = []
    for n, (kind, block) in enumerate(BLOCK.findall(path.read_text(encoding="utf-8"))):
        if kind == "console":
            for cmd, expected in _commands(block):
                proc = subprocess.run(
                    cmd, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
                )
                got = proc.stdout + proc.stderr
                if not checker.check_output(expected, got, FLAGS):
                    status = f"exit {proc.returncode}"
                    failures.append(f"$ {cmd}\n--- expected\n{expected}--- got ({status})\n{got}")
        elif ">>>" in block:
            test = parser.get_doctest(block, globs, f"{path.name}[{n}]", str(path), 0)
            result = runner.run(test, clear_globs=False)
            globs.update(test.globs)  # DocTest works on a copy
            if result.failed:
                failures.append(f"{result.failed} doctest example(s) failed in block {n} (see output above)")
    assert not failures, f"{path.name}:\n" + "\n".join(failures)
