"""The pre-commit hooks of this repository, run by the real pre-commit.

`pre-commit try-repo` installs this checkout (its HEAD plus uncommitted
changes to tracked files) into a fresh environment, which needs the package
index for the build backend and the runtime dependencies.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / ".pre-commit-hooks.yaml"


def _pre_commit() -> list[str]:
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        pytest.skip("pre-commit is not installed (it is in the 'test' extra)")
    return [sys.executable, "-m", "pre_commit"]


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_validate_manifest() -> None:
    r = subprocess.run(
        [*_pre_commit(), "validate-manifest", str(MANIFEST)], capture_output=True, text=True, check=False
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_manifest_declares_the_clean_hook() -> None:
    text = MANIFEST.read_text(encoding="utf-8")
    assert "- id: normkit-clean" in text
    assert "entry: normkit clean" in text


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the module, so a hook environment built for
    this checkout's commit is reused by the next test."""
    return tmp_path_factory.mktemp("pre-commit-home")


def _new_repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    repo = tmp_path / "repo"
    repo.mkdir()
    _git("init", "-q", cwd=repo)
    _git("config", "user.email", "test@example.com", cwd=repo)
    _git("config", "user.name", "normkit tests", cwd=repo)
    _git("config", "commit.gpgsign", "false", cwd=repo)
    return repo


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ, PRE_COMMIT_HOME=str(home))
    env.pop("PYTHONPATH", None)
    return env


@pytest.mark.slow
def test_try_repo_fixes_then_passes(tmp_path: Path, pre_commit_home: Path) -> None:
    pre_commit = _pre_commit()
    repo = _new_repo(tmp_path)
    doc = repo / "notes.md"
    doc.write_bytes("Hello\u00a0world  \nsecond line\n".encode())
    untouched = repo / "script.py"  # not a text document: the hook's types skip it
    untouched.write_bytes("s = 'a\u00a0b'  \n".encode())
    _git("add", ".", cwd=repo)
    env = _env(pre_commit_home)
    cmd = [*pre_commit, "try-repo", str(ROOT), "normkit-clean", "--files", "notes.md", "script.py"]

    first = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, timeout=900, check=False)
    log = first.stdout + first.stderr
    assert first.returncode == 1, log
    assert "files were modified by this hook" in log, log
    assert "Fixing notes.md" in log, log
    assert doc.read_bytes() == b"Hello world\nsecond line\n"
    assert untouched.read_bytes() == "s = 'a\u00a0b'  \n".encode()

    _git("add", "notes.md", cwd=repo)
    second = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, timeout=900, check=False)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Passed" in second.stdout


@pytest.mark.slow
def test_try_repo_aliases_hook_reports_then_passes(tmp_path: Path, pre_commit_home: Path) -> None:
    pre_commit = _pre_commit()
    repo = _new_repo(tmp_path)
    (repo / "pyproject.toml").write_text('[tool.normkit]\nextend-aliases = ["names/people.tsv"]\n')
    table = repo / "names" / "people.tsv"
    table.parent.mkdir()
    header = "canonical\tvariant\tlang\tnote\n"
    table.write_text(header + "Jane Public\tJane Public\ten\ta self-map is an error\n", encoding="utf-8")
    _git("add", ".", cwd=repo)
    env = _env(pre_commit_home)
    cmd = [*pre_commit, "try-repo", str(ROOT), "normkit-aliases", "--files", "names/people.tsv"]

    first = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, timeout=900, check=False)
    log = first.stdout + first.stderr
    assert first.returncode == 1, log
    assert "names/people.tsv:2:" in log, log
    assert "error" in log, log

    table.write_text(header + "Jane Public\tJane Pubic\ten\ta typo seen in print\n", encoding="utf-8")
    _git("add", ".", cwd=repo)
    second = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, timeout=900, check=False)
    assert second.returncode == 0, second.stdout + second.stderr
