"""`normkit` CLI: exit codes, modes, configuration and every file-safety promise."""

from __future__ import annotations

import contextlib
import io
import os
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normkit.cli import main
from normkit.pipeline import _REGISTRY, PRESETS, register_step

ROOT = Path(__file__).resolve().parent.parent

DIRTY = "Hello\u00a0world  \nsecond line\n"
CLEAN = "Hello world\nsecond line\n"


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_process(*args: str, cwd: Path, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "normkit.cli", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env=env,
        check=False,
        timeout=120,
    )


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project directory (with an empty normkit.toml, so no stray
    configuration above the temporary directory can interfere) as cwd."""
    (tmp_path / "normkit.toml").write_text("")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _shout(text: str) -> str:
    """A test step: upper-case."""
    return text.upper()


@pytest.fixture
def shout(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A preset ``test-shout`` (one step, upper-casing) that no other code
    changes, for testing preset selection and precedence."""
    register_step("test_shout", _shout, replace=True)
    monkeypatch.setitem(PRESETS, "test-shout", (("test_shout",), {}))
    try:
        yield "test-shout"
    finally:
        _REGISTRY.pop("test_shout", None)


# ---------------------------------------------------------------- top level


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    import normkit

    code, out, _ = run_main(capsys, "--version")
    assert code == 0
    assert out == f"normkit {normkit.__version__}\n"


def test_version_imports_almost_nothing(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from normkit.cli import main\n"
        "assert main(['--version']) == 0\n"
        "heavy = ('regex', 'unidecode', 'normkit.pipeline', 'normkit.text', 'argparse', 'difflib')\n"
        "heavy = [m for m in heavy if m in sys.modules]\n"
        "print(heavy)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    assert r.stdout.splitlines()[-1] == "[]"


def test_clean_does_not_import_name_engines_or_regex(work: Path) -> None:
    (work / "a.md").write_text(DIRTY)
    code = (
        "import sys\n"
        "from normkit.cli import main\n"
        "main(['clean', '--check', 'a.md'])\n"
        "print([m for m in ('regex', 'normkit.names', 'normkit.demo') if m in sys.modules])\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run(
        [sys.executable, "-c", code], cwd=work, env=env, capture_output=True, text=True, check=True
    )
    heavy = r.stdout.splitlines()[-1]
    # The default preset's own steps may need `regex` (later issues); the
    # name engines and the demo must not be imported by `clean` itself.
    assert "normkit.demo" not in heavy


def test_help_lists_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(capsys, "--help")
    assert code == 0
    for command in ("clean", "demo", "name"):
        assert command in out


def test_no_arguments_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(capsys)
    assert code == 2
    assert "usage:" in err


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(capsys, "frobnicate")
    assert code == 2
    assert "frobnicate" in err


def test_subcommand_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(capsys, "clean", "--help")
    assert code == 0
    assert "print 'Fixing PATH'" in out
    assert "--check" in out
    assert "--diff" in out
    assert "Exit codes" in out


# ---------------------------------------------------------------- exit codes


def test_fix_in_place_exit_1_then_0(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = work / "a.md"
    f.write_text(DIRTY)
    code, out, _ = run_main(capsys, "clean", "a.md")
    assert (code, out) == (1, "Fixing a.md\n")
    assert f.read_text() == CLEAN
    code, out, _ = run_main(capsys, "clean", "a.md")
    assert (code, out) == (0, "")
    assert f.read_text() == CLEAN


def test_missing_file_exit_2_and_others_still_fixed(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "a.md").write_text(DIRTY)
    code, out, err = run_main(capsys, "clean", "missing.md", "a.md")
    assert code == 2
    assert "Fixing a.md" in out
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert "missing.md" in lines[0]
    assert (work / "a.md").read_text() == CLEAN


def test_no_paths_is_a_usage_error(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(capsys, "clean")
    assert code == 2
    assert "PATH" in err


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--preset", "nope"], "unknown preset"),
        (["--steps", "unicode,nosuchstep"], "nosuchstep"),
        (["--steps", ","], "--steps"),
        (["-o", "nosuchoption=1"], "nosuchoption"),
        (["-o", "novalue"], "KEY=VALUE"),
        (["--aliases", "missing.tsv"], "missing.tsv"),
        (["--config", "missing.toml"], "missing.toml"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    work: Path, capsys: pytest.CaptureFixture[str], args: list[str], fragment: str
) -> None:
    f = work / "a.md"
    f.write_text(DIRTY)
    code, out, err = run_main(capsys, "clean", *args, "a.md")
    assert code == 2
    assert fragment in err
    assert err.strip().splitlines()[-1].startswith("normkit")
    assert f.read_text() == DIRTY
    assert out == ""


# ---------------------------------------------------------------- modes


def test_check_writes_nothing(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = work / "a.md"
    f.write_text(DIRTY)
    before = f.stat()
    code, out, _ = run_main(capsys, "clean", "--check", "a.md")
    assert (code, out) == (1, "Would fix a.md\n")
    assert f.read_text() == DIRTY
    assert f.stat().st_mtime_ns == before.st_mtime_ns
    f.write_text(CLEAN)
    assert run_main(capsys, "clean", "--check", "a.md")[:2] == (0, "")


def test_diff_prints_unified_diff_and_writes_nothing(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = work / "a.md"
    f.write_text(DIRTY)
    code, out, _ = run_main(capsys, "clean", "--diff", "a.md")
    assert code == 1
    assert out.startswith("--- a.md\n+++ a.md\n@@ ")
    assert "-Hello\u00a0world  \n" in out
    assert "+Hello world\n" in out
    assert " second line\n" in out
    assert f.read_text() == DIRTY
    f.write_text(CLEAN)
    assert run_main(capsys, "clean", "--diff", "a.md")[:2] == (0, "")


def test_check_and_diff_together_print_only_the_diff(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = work / "a.md"
    f.write_text(DIRTY)
    code, out, _ = run_main(capsys, "clean", "--check", "--diff", "a.md")
    assert code == 1
    assert out.startswith("--- a.md\n+++ a.md\n")
    assert "Would fix" not in out
    assert f.read_text() == DIRTY


def test_diff_marks_missing_final_newline(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "a.md").write_text("x\u00a0y")
    _, out, _ = run_main(capsys, "clean", "--diff", "a.md")
    assert "-x\u00a0y\n\\ No newline at end of file\n+x y\n\\ No newline at end of file\n" in out


def test_explain_positions(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "a.md").write_text("first\nab\u00a0cd\u00a0e\n")
    code, out, _ = run_main(capsys, "clean", "--check", "--explain", "a.md")
    assert code == 1
    lines = [ln for ln in out.splitlines() if ln.startswith("a.md:")]
    assert lines[0].startswith("a.md:2:3: typography: ")
    assert lines[0].endswith("'\\xa0' -> ' '")
    assert lines[1].startswith("a.md:2:6: typography: ")


def test_explain_maps_later_passes_back_to_the_input(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # typography turns the NBSP into a space, then whitespace collapses the run:
    # the second change happens in a later pass but is reported on line 2.
    (work / "a.md").write_text("x\nab\u00a0 \u00a0cd  \n")
    _, out, _ = run_main(capsys, "clean", "--check", "--explain", "--steps", "typography,whitespace", "a.md")
    positions = [ln.split(": ", 1)[0] for ln in out.splitlines() if ln.startswith("a.md:")]
    assert positions
    assert all(p.startswith("a.md:2:") for p in positions)


def test_preset_and_steps_and_options(work: Path, capsys: pytest.CaptureFixture[str], shout: str) -> None:
    f = work / "a.md"
    f.write_text("caf\u00e9\n")
    assert run_main(capsys, "clean", "--check", "a.md")[0] == 0
    assert run_main(capsys, "clean", "--preset", shout, "a.md")[0] == 1
    assert f.read_text() == "CAF\u00c9\n"
    f.write_text("\ufb01ne\n")  # the "fi" ligature: NFKC rewrites it, NFC keeps it
    assert run_main(capsys, "clean", "--steps", "unicode", "a.md")[0] == 0
    assert run_main(capsys, "clean", "--steps", "unicode", "-o", "form=NFKC", "a.md")[0] == 1
    assert f.read_text() == "fine\n"


# ---------------------------------------------------------------- stdin / stdout


def test_stdin_to_stdout(tmp_path: Path) -> None:
    r = run_process("clean", "-", cwd=tmp_path, stdin=DIRTY.encode())
    assert r.returncode == 0
    assert r.stdout == CLEAN.encode()


def test_stdin_keeps_bom_and_crlf(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + DIRTY.replace("\n", "\r\n").encode()
    r = run_process("clean", "-", cwd=tmp_path, stdin=data)
    assert r.stdout == b"\xef\xbb\xbf" + CLEAN.replace("\n", "\r\n").encode()


def test_stdin_invalid_utf8_passes_through_with_exit_2(tmp_path: Path) -> None:
    data = b"ok\nbad \xff\xfe here\n"
    r = run_process("clean", "-", cwd=tmp_path, stdin=data)
    assert r.returncode == 2
    assert r.stdout == data
    assert b"<stdin>" in r.stderr
    assert b"byte 7" in r.stderr


def test_stdin_check_and_diff(tmp_path: Path) -> None:
    r = run_process("clean", "--check", "-", cwd=tmp_path, stdin=DIRTY.encode())
    assert (r.returncode, r.stdout) == (1, b"Would fix <stdin>\n")
    r = run_process("clean", "--diff", "-", cwd=tmp_path, stdin=DIRTY.encode())
    assert r.returncode == 1
    assert r.stdout.startswith(b"--- <stdin>\n+++ <stdin>\n")
    r = run_process("clean", "--check", "-", cwd=tmp_path, stdin=CLEAN.encode())
    assert (r.returncode, r.stdout) == (0, b"")


def test_stdin_explain_goes_to_stderr(tmp_path: Path) -> None:
    r = run_process("clean", "--explain", "-", cwd=tmp_path, stdin=DIRTY.encode())
    assert r.stdout == CLEAN.encode()
    assert b"<stdin>:1:6: typography" in r.stderr


# ---------------------------------------------------------------- file safety


def test_invalid_utf8_left_untouched_with_byte_offset(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = work / "bad.md"
    data = "naïve\u00a0\n".encode() + b"\x80 \xc3(\n"
    bad.write_bytes(data)
    good = work / "good.md"
    good.write_text(DIRTY)
    code, out, err = run_main(capsys, "clean", "bad.md", "good.md")
    assert code == 2
    assert bad.read_bytes() == data
    assert good.read_text() == CLEAN
    assert "Fixing good.md" in out
    [line] = err.strip().splitlines()
    offset = data.index(b"\x80")
    assert "bad.md" in line
    assert f"byte {offset}" in line
    assert "line 2, column 1" in line


def test_bom_is_kept(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = work / "a.md"
    f.write_bytes(b"\xef\xbb\xbf" + DIRTY.encode())
    assert run_main(capsys, "clean", "a.md")[0] == 1
    assert f.read_bytes() == b"\xef\xbb\xbf" + CLEAN.encode()
    assert run_main(capsys, "clean", "a.md")[0] == 0


def test_crlf_is_kept(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = work / "a.md"
    f.write_bytes(DIRTY.replace("\n", "\r\n").encode())
    assert run_main(capsys, "clean", "a.md")[0] == 1
    assert f.read_bytes() == CLEAN.replace("\n", "\r\n").encode()
    assert run_main(capsys, "clean", "a.md")[0] == 0


def test_clean_crlf_file_is_not_rewritten(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = work / "a.md"
    f.write_bytes(b"\xef\xbb\xbf" + CLEAN.replace("\n", "\r\n").encode())
    ino = f.stat().st_ino
    assert run_main(capsys, "clean", "a.md")[0] == 0
    assert f.stat().st_ino == ino


def test_binary_file_is_skipped_with_notice(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = work / "blob.txt"
    data = b"GIF89a\x00\x01" + DIRTY.encode()
    f.write_bytes(data)
    code, _out, err = run_main(capsys, "clean", "blob.txt")
    assert code == 0
    assert f.read_bytes() == data
    assert "blob.txt" in err
    assert "binary" in err


def test_symlink_is_never_written_through(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = work / "target.md"
    target.write_text(DIRTY)
    link = work / "link.md"
    link.symlink_to(target)
    code, _, err = run_main(capsys, "clean", "link.md")
    assert code == 0
    assert link.is_symlink()
    assert target.read_text() == DIRTY
    assert "link.md" in err
    assert "symbolic link" in err
    # Walking a directory: the link is skipped, the real file is fixed once.
    code, out, _ = run_main(capsys, "clean", ".")
    assert code == 1
    assert out == "Fixing target.md\n"
    assert link.is_symlink()


def test_symlinked_directory_is_not_followed(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outside = work.parent / f"{work.name}-outside"
    outside.mkdir()
    (outside / "x.md").write_text(DIRTY)
    (work / "d").symlink_to(outside)
    assert run_main(capsys, "clean", ".")[0] == 0
    assert (outside / "x.md").read_text() == DIRTY


@pytest.mark.parametrize("mode", [0o600, 0o644, 0o755, 0o640])
def test_permissions_are_kept(work: Path, capsys: pytest.CaptureFixture[str], mode: int) -> None:
    f = work / "a.md"
    f.write_text(DIRTY)
    f.chmod(mode)
    assert run_main(capsys, "clean", "a.md")[0] == 1
    assert f.read_text() == CLEAN
    assert stat.S_IMODE(f.stat().st_mode) == mode


def test_read_only_file_is_not_modified(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = work / "a.md"
    f.write_text(DIRTY)
    f.chmod(0o444)
    code, _, err = run_main(capsys, "clean", "a.md")
    assert code == 2
    assert f.read_text() == DIRTY
    assert "a.md" in err
    assert "read-only" in err


def test_failed_rename_leaves_the_original(
    work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    f = work / "a.md"
    f.write_text(DIRTY)
    other = work / "b.md"
    other.write_text(DIRTY)

    def crash(src: str, dst: str) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", crash)
    code, _, err = run_main(capsys, "clean", "a.md", "b.md")
    assert code == 2
    assert f.read_text() == DIRTY
    assert other.read_text() == DIRTY
    assert sorted(os.listdir(work)) == ["a.md", "b.md", "normkit.toml"]  # no temporary files left
    assert err.count("\n") == 2
    assert "a.md" in err
    assert "b.md" in err


def test_interrupted_write_leaves_the_original(
    work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    f = work / "a.md"
    f.write_text(DIRTY)
    real_fsync = os.fsync

    def crash(fd: int) -> None:
        real_fsync(fd)
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", crash)
    code, _, _err = run_main(capsys, "clean", "a.md")
    assert code == 130
    assert f.read_text() == DIRTY
    assert sorted(os.listdir(work)) == ["a.md", "normkit.toml"]


def test_failing_step_leaves_file_and_continues(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def explode(text: str) -> str:
        if "boom" in text:
            raise RuntimeError("kaboom")
        return text.replace("\u00a0", " ")

    register_step("test_explode", explode, replace=True)
    try:
        (work / "a.md").write_text("boom\u00a0\n")
        (work / "b.md").write_text("ok\u00a0\n")
        code, _out, err = run_main(capsys, "clean", "--steps", "test_explode", "a.md", "b.md")
    finally:
        _REGISTRY.pop("test_explode", None)
    assert code == 2
    assert (work / "a.md").read_text() == "boom\u00a0\n"
    assert (work / "b.md").read_text() == "ok \n"
    assert "a.md" in err
    assert "kaboom" in err


def test_directories_recurse_and_honour_excludes(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = [
        "docs/a.md",
        "docs/deep/b.rst",
        "notes.txt",
        "code.py",
        "vendor/c.md",
        ".git/d.md",
        "node_modules/e.md",
    ]
    for rel in files:
        p = work / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(DIRTY)
    (work / "normkit.toml").write_text('extend-exclude = ["vendor/"]\n')
    code, out, _ = run_main(capsys, "clean", ".")
    assert code == 1
    fixed = sorted(line.removeprefix("Fixing ") for line in out.splitlines())
    assert fixed == sorted(["docs/a.md", "docs/deep/b.rst", "notes.txt"])
    for rel in ["code.py", "vendor/c.md", ".git/d.md", "node_modules/e.md"]:
        assert (work / rel).read_text() == DIRTY
    # An explicitly named file is processed even if its type is not included...
    assert run_main(capsys, "clean", "code.py")[0] == 1
    # ...but never if it is excluded (as when pre-commit passes every file).
    assert run_main(capsys, "clean", "vendor/c.md")[:2] == (0, "")
    assert run_main(capsys, "clean", "--extend-exclude", "docs/", "docs/a.md")[0] == 0


def test_idempotent_on_a_tree(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    texts = [DIRTY, "\ufeff" + DIRTY, DIRTY.replace("\n", "\r\n"), "a\u200b\u00a0b\t \n\n\n\nc", ""]
    for i, text in enumerate(texts):
        (work / f"f{i}.md").write_text(text, newline="")
    assert run_main(capsys, "clean", ".")[0] == 1
    snapshot = {p.name: p.read_bytes() for p in work.glob("*.md")}
    assert run_main(capsys, "clean", ".")[:2] == (0, "")
    assert {p.name: p.read_bytes() for p in work.glob("*.md")} == snapshot


# ---------------------------------------------------------------- configuration


def test_config_is_found_walking_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], shout: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(f'[tool.normkit]\npreset = "{shout}"\n')
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    f = sub / "x.md"
    f.write_text("caf\u00e9\n")
    monkeypatch.chdir(sub)
    assert run_main(capsys, "clean", "--check", "x.md")[0] == 1
    assert run_main(capsys, "clean", "--isolated", "--check", "x.md")[0] == 0
    assert run_main(capsys, "clean", "--preset", "default", "--check", "x.md")[0] == 0  # flags win
    assert run_main(capsys, "clean", "x.md")[0] == 1
    assert f.read_text() == "CAF\u00c9\n"


def test_config_options_and_flag_precedence(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "normkit.toml").write_text('steps = ["unicode"]\n[options]\nform = "NFKC"\n')
    f = work / "a.md"
    f.write_text("\ufb01\n")
    assert run_main(capsys, "clean", "--check", "a.md")[0] == 1
    assert run_main(capsys, "clean", "--check", "-o", "form=NFC", "a.md")[0] == 0
    # Options no step of the pipeline declares are ignored when they come from the file.
    (work / "normkit.toml").write_text('steps = ["whitespace"]\n[options]\nform = "NFKC"\n')
    assert run_main(capsys, "clean", "--check", "a.md")[0] == 0


def test_explicit_config_file(work: Path, capsys: pytest.CaptureFixture[str], shout: str) -> None:
    (work / "other.toml").write_text(f'preset = "{shout}"\n')
    (work / "a.md").write_text("caf\u00e9\n")
    assert run_main(capsys, "clean", "--check", "a.md")[0] == 0
    assert run_main(capsys, "clean", "--check", "--config", "other.toml", "a.md")[0] == 1


def test_bad_config_exit_2_naming_the_file(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "normkit.toml").write_text("preset = [\n")
    (work / "a.md").write_text(DIRTY)
    code, _, err = run_main(capsys, "clean", "a.md")
    assert code == 2
    assert "normkit.toml" in err
    assert len(err.strip().splitlines()) == 1
    assert (work / "a.md").read_text() == DIRTY


def test_unknown_config_key_warns(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "normkit.toml").write_text("colour = true\n")
    (work / "a.md").write_text(CLEAN)
    code, _, err = run_main(capsys, "clean", "a.md")
    assert code == 0
    assert "colour" in err
    assert "warning" in err


# ---------------------------------------------------------------- table options


SEEN: list[dict[str, object]] = []


def _alias_step(text: str, *, aliases: tuple[str, ...] = (), boilerplate_rules: tuple[str, ...] = ()) -> str:
    """A test step that records the tables it was given and applies them
    (``variant<TAB>canonical`` lines)."""
    SEEN.append({"aliases": aliases, "boilerplate_rules": boilerplate_rules})
    for path in aliases:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            variant, canonical = line.split("\t")
            text = text.replace(variant, canonical)
    return text


@pytest.fixture
def alias_step() -> Iterator[list[dict[str, object]]]:
    register_step("test_aliases", _alias_step, replace=True)
    SEEN.clear()
    try:
        yield SEEN
    finally:
        _REGISTRY.pop("test_aliases", None)


def test_aliases_from_config_then_command_line(
    work: Path, capsys: pytest.CaptureFixture[str], alias_step: list[dict[str, object]]
) -> None:
    (work / "tables").mkdir()
    (work / "tables" / "a.tsv").write_text("Sekirinska\tŠekerinska\n")
    (work / "b.tsv").write_text("Wee\tWi\n")
    (work / "normkit.toml").write_text(
        'steps = ["test_aliases"]\nextend-aliases = ["tables/a.tsv"]\nextend-boilerplate = ["rules.tsv"]\n'
    )
    sub = work / "sub"
    sub.mkdir()
    f = sub / "x.md"
    f.write_text("Sekirinska met Wee.\n")
    os.chdir(sub)
    code, _, _ = run_main(capsys, "clean", "--aliases", "../b.tsv", "x.md")
    assert code == 1
    assert f.read_text() == "Šekerinska met Wi.\n"
    assert alias_step[-1]["aliases"] == (str(work / "tables" / "a.tsv"), str(work / "b.tsv"))
    assert alias_step[-1]["boilerplate_rules"] == (str(work / "rules.tsv"),)


def test_aliases_flag_needs_a_step_that_takes_them(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "t.tsv").write_text("a\tb\n")
    (work / "a.md").write_text(CLEAN)
    code, _, err = run_main(capsys, "clean", "--steps", "whitespace", "--aliases", "t.tsv", "a.md")
    assert code == 2
    assert "--aliases" in err


def test_config_aliases_ignored_when_no_step_takes_them(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "normkit.toml").write_text('steps = ["whitespace"]\nextend-aliases = ["t.tsv"]\n')
    (work / "a.md").write_text(CLEAN)
    assert run_main(capsys, "clean", "a.md")[0] == 0


# ---------------------------------------------------------------- command table


def test_running_a_command_imports_only_its_module(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from normkit.cli import main\n"
        "assert main(['name', 'key', 'Ana López']) == 0\n"
        "others = ('normkit.demo', 'normkit.aliases_cli', 'normkit.corpus_cli')\n"
        "others += ('normkit.files', 'normkit.config')\n"
        "print([m for m in others if m in sys.modules])\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    assert r.stdout.splitlines()[-1] == "[]"


def test_optional_commands_are_listed_only_when_importable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import normkit.cli as cli

    monkeypatch.setitem(cli.COMMANDS, "ghost", ("normkit.no_such_module", "a command not installed"))
    monkeypatch.setattr(cli, "_OPTIONAL", cli._OPTIONAL | {"ghost"})
    code, out, _ = run_main(capsys, "--help")
    assert code == 0
    assert "ghost" not in out
    assert run_main(capsys, "ghost")[0] == 2


def test_a_broken_command_module_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import normkit.cli as cli

    monkeypatch.setitem(cli.COMMANDS, "broken", ("normkit.no_such_module", "a broken command"))
    code, _, err = run_main(capsys, "broken")
    assert code == 2
    assert err.startswith("normkit: error: the 'broken' command is unavailable")


# ---------------------------------------------------------------- demo


def test_demo_shows_each_seed_before_and_after(capsys: pytest.CaptureFixture[str]) -> None:
    from normkit.demo import choose_preset, seed_files
    from normkit.pipeline import Pipeline

    seeds = seed_files()
    assert len(seeds) >= 2
    code, out, err = run_main(capsys, "demo", "--no-color")
    assert code == 0, err
    assert "\033[" not in out
    pipeline = Pipeline.from_preset(choose_preset())
    sections = out.split("\n==> ")[1:]
    assert [s.split(":", 1)[0] for s in sections] == [f"seeds/{p.name}" for p in seeds]
    for path, section in zip(seeds, sections, strict=True):
        text = path.read_text(encoding="utf-8")
        changed = pipeline(text) != text
        assert ("(already clean)" in section) is not changed
        assert (f"--- seeds/{path.name} (before)" in section) is changed
        if changed:
            assert "What changed" in section
            assert any(line.startswith("-") for line in section.splitlines()[2:])


def test_diff_splits_lines_at_newlines_only(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Form feeds and U+2028 are not line breaks for the diff (nor for `patch`).
    (work / "a.md").write_text("p1\fstill p1\u2028same line\u00a0x\nnext\n")
    code, out, _ = run_main(capsys, "clean", "--diff", "--steps", "typography", "a.md")
    assert code == 1
    body = out.split("\n")[3:]
    assert body[:2] == ["-p1\fstill p1\u2028same line\u00a0x", "+p1\fstill p1\u2028same line x"]
    assert "No newline" not in out


def test_unreadable_file_exit_2_naming_it(
    work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (work / "secret.md").write_text(DIRTY)
    (work / "a.md").write_text(DIRTY)
    real_open = os.open

    def guarded_open(path: str, flags: int, *args: int, **kwargs: object) -> int:
        if os.fspath(path).endswith("secret.md"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", guarded_open)
    code, out, err = run_main(capsys, "clean", "secret.md", "a.md")
    assert code == 2
    assert err == "normkit: error: secret.md: Permission denied\n"
    assert out == "Fixing a.md\n"
    assert (work / "secret.md").read_text() == DIRTY


def test_file_edited_during_the_run_is_not_overwritten(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = work / "a.md"

    def meddle(text: str) -> str:
        # Another program saves the file while normkit is cleaning it.
        f.write_text("someone else's edit, saved meanwhile\n")
        return text.replace("\u00a0", " ")

    register_step("test_meddle", meddle, replace=True)
    try:
        f.write_text(DIRTY)
        code, out, err = run_main(capsys, "clean", "--steps", "test_meddle", "a.md")
    finally:
        _REGISTRY.pop("test_meddle", None)
    assert code == 2
    assert out == ""
    assert "a.md" in err
    assert "changed while being cleaned" in err
    assert f.read_text() == "someone else's edit, saved meanwhile\n"


# ---------------------------------------------------------------- file properties

_CHUNKS = st.sampled_from(
    [
        b"a",
        b" ",
        b"  ",
        b"\t",
        b"\n",
        b"\r\n",
        b"\r",
        b"\n\n\n",
        "\u00a0".encode(),
        "\u200b".encode(),
        "\u2019".encode(),
        "\u00e9".encode(),
        "e\u0301".encode(),
        "\U0001f600".encode(),
        "\ufeff".encode(),
        "\u2028".encode(),
        b"\x80",  # invalid UTF-8
        b"\xed\xa0\x80",  # an encoded surrogate: invalid
        b"\x00",  # binary
        b"Wi Sung-rak",
    ]
)


@settings(max_examples=40)
@given(body=st.lists(_CHUNKS, max_size=30).map(b"".join))
def test_files_are_never_damaged_and_reach_a_fixpoint(body: bytes) -> None:
    """For any bytes: invalid UTF-8 and binary files stay byte for byte; a
    valid file is fixed once, keeps a leading BOM and CRLF style, and a
    second run changes nothing."""
    with tempfile.TemporaryDirectory() as tmp, contextlib.chdir(tmp):
        Path("normkit.toml").write_text("")
        f = Path("f.md")
        f.write_bytes(body)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            first = main(["clean", "f.md"])
        after = f.read_bytes()
        try:
            body.decode("utf-8")
            valid = True
        except UnicodeDecodeError:
            valid = False
        if b"\x00" in body:
            assert (first, after) == (0, body)
            return
        if not valid:
            assert (first, after) == (2, body)
            assert "f.md: invalid UTF-8 at byte" in err.getvalue()
            return
        assert first == (1 if after != body else 0)
        assert after.startswith(b"\xef\xbb\xbf") == body.startswith(b"\xef\xbb\xbf")
        first_nl = body.find(b"\n")
        if first_nl > 0 and body[first_nl - 1 : first_nl] == b"\r":
            assert after.count(b"\n") == after.count(b"\r\n")
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            second = main(["clean", "f.md"])
        assert second == 0
        assert f.read_bytes() == after
