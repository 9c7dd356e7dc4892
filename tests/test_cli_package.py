"""A wheel built from this checkout, installed into a fresh virtual
environment, works from a directory outside the checkout.

Installing the wheel's dependencies (regex, unidecode) needs the package
index; building uses the local hatchling when it is installed (else pip
fetches it).
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=900)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(bin directory of a fresh venv with the wheel installed, a work dir outside the checkout)."""
    tmp = tmp_path_factory.mktemp("wheel")
    dist = tmp / "dist"
    try:
        import hatchling  # noqa: F401

        isolation = ["--no-build-isolation"]
    except ImportError:
        isolation = []
    r = _run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", *isolation, "-w", str(dist), "-q"],
        cwd=tmp,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    [wheel] = list(dist.glob("normkit-*.whl"))
    env_dir = tmp / "venv"
    venv.create(env_dir, with_pip=True, clear=True)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    r = _run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)], cwd=tmp)
    if r.returncode != 0 and ("Could not find a version" in r.stderr or "NewConnectionError" in r.stderr):
        pytest.skip("the package index is not reachable for the wheel's dependencies")
    assert r.returncode == 0, r.stdout + r.stderr
    work = tmp / "elsewhere"
    work.mkdir()
    return bin_dir, work


@pytest.mark.slow
def test_version_from_outside_the_checkout(installed: tuple[Path, Path]) -> None:
    bin_dir, work = installed
    r = _run([str(bin_dir / "normkit"), "--version"], cwd=work)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("normkit ")
    r = _run([str(bin_dir / "python"), "-c", "import normkit; print(normkit.__file__)"], cwd=work)
    assert str(ROOT) not in r.stdout  # the installed copy, not the checkout
    assert "site-packages" in r.stdout


@pytest.mark.slow
def test_import_is_cheap(installed: tuple[Path, Path]) -> None:
    bin_dir, work = installed
    code = (
        "import sys, normkit\n"
        "heavy = ('regex', 'unidecode', 'normkit.pipeline', 'normkit.text')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    r = _run([str(bin_dir / "python"), "-c", code], cwd=work)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


@pytest.mark.slow
def test_demo_runs_on_the_bundled_seeds(installed: tuple[Path, Path]) -> None:
    bin_dir, work = installed
    r = _run([str(bin_dir / "normkit"), "demo"], cwd=work)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "==> seeds/000_" in r.stdout
    assert "==> seeds/001_" in r.stdout
    assert "site-packages" in r.stdout  # the seeds come from the installed package


@pytest.mark.slow
def test_clean_and_tables_work_when_installed(installed: tuple[Path, Path]) -> None:
    bin_dir, work = installed
    f = work / "doc.md"
    f.write_bytes("Hello\u00a0world  \n".encode())
    r = _run([str(bin_dir / "normkit"), "clean", "doc.md"], cwd=work)
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stdout == "Fixing doc.md\n"
    assert f.read_bytes() == b"Hello world\n"
    r = _run([str(bin_dir / "python"), "-c", "import normkit.tables as t; print(t.data_dir())"], cwd=work)
    assert r.returncode == 0, r.stderr
    assert "site-packages" in r.stdout
