"""Every example in the README and in docs/*.md runs.

- ```python / ```pycon blocks with ``>>>`` prompts run as doctests; the blocks
  of one page share one namespace, as a reader would run them in order.
- ```console blocks run each ``$ command`` in a shell, in a temporary directory
  holding a copy of ``seeds/``, one directory per page; the lines after the
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
PYTHON_BLOCK = re.compile(r"^```(?:python|pycon)\n(.*?)^```", re.S | re.M)
CONSOLE_BLOCK = re.compile(r"^```console\n(.*?)^```", re.S | re.M)
FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]


def _ids(p: Path) -> str:
    return str(p.relative_to(ROOT))


@pytest.mark.parametrize("path", FILES, ids=_ids)
def test_python_examples(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    globs: dict[str, object] = {}  # shared by the blocks of one page, as a reader runs them
    cwd = os.getcwd()
    try:
        for n, block in enumerate(PYTHON_BLOCK.findall(text)):
            if ">>>" not in block:
                continue
            test = parser.get_doctest(block, globs, f"{path.name}[{n}]", str(path), 0)
            runner.run(test, clear_globs=False)
            globs.update(test.globs)  # DocTest works on a copy
    finally:
        os.chdir(cwd)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} example(s) failed in {path.name}"


def _commands(block: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            out.append((line[2:], ""))
        elif out:
            cmd, expected = out[-1]
            out[-1] = (cmd, expected + line + "\n")
    return out


CONSOLE_PAGES = [p for p in FILES if CONSOLE_BLOCK.search(p.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("path", CONSOLE_PAGES, ids=_ids)
def test_console_examples(path: Path, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    checker = doctest.OutputChecker()
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    for block in CONSOLE_BLOCK.findall(path.read_text(encoding="utf-8")):
        for cmd, expected in _commands(block):
            proc = subprocess.run(
                cmd, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
            )
            got = proc.stdout + proc.stderr
            assert checker.check_output(expected, got, flags), (
                f"{path.name}: $ {cmd}\n--- expected\n{expected}--- got (exit {proc.returncode})\n{got}"
            )
