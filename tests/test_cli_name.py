"""`normkit name key|match|hangul|romanize|translit`."""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable
from typing import Any

import pytest

import normkit
from normkit.cli import main


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _engine_function(module: str, name: str) -> Callable[..., Any]:
    try:
        mod = importlib.import_module(module)
    except ImportError:
        pytest.skip(f"{module} is not available yet")
    func = getattr(mod, name, None)
    if func is None:
        pytest.skip(f"{module}.{name} is not available yet")
    return func  # type: ignore[no-any-return]


def test_key_prints_one_key_per_name(capsys: pytest.CaptureFixture[str]) -> None:
    names = ["López,  Ana-María", "ana maría lopez", "Someone Else"]
    code, out, _ = run_main(capsys, "name", "key", *names)
    assert code == 0
    assert out.splitlines() == [normkit.name_key(n) for n in names]
    keys = out.splitlines()
    assert keys[0] == keys[1] != keys[2]


def test_key_reads_names_from_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Ana López\n\nLÓPEZ, Ana\r\n"))
    code, out, _ = run_main(capsys, "name", "key")
    assert code == 0
    assert out.splitlines() == [normkit.name_key("Ana López"), normkit.name_key("LÓPEZ, Ana")]


def test_match_exit_codes_and_reasons(capsys: pytest.CaptureFixture[str]) -> None:
    a, b = "Ana María López", "LÓPEZ, Ana María"
    assert normkit.same_name(a, b)
    code, out, _ = run_main(capsys, "name", "match", a, b)
    assert code == 0
    assert out.strip() == str(normkit.explain_match(a, b))
    c = "Someone Else"
    assert not normkit.same_name(a, c)
    code, out, _ = run_main(capsys, "name", "match", a, c)
    assert code == 1
    assert "different" in out
    assert run_main(capsys, "name", "match", "-q", a, c)[:2] == (1, "")


def test_match_needs_two_names(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(capsys, "name", "match", "only one")
    assert code == 2
    assert "usage" in err


def test_no_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(capsys, "name")
    assert code == 2
    assert "key" in err


def test_romanize(capsys: pytest.CaptureFixture[str]) -> None:
    romanize = _engine_function("normkit.names.korean", "romanize")
    for system in ("rr", "mr"):
        code, out, _ = run_main(capsys, "name", "romanize", "--system", system, "위성락", "조현")
        assert code == 0
        assert out.splitlines() == [romanize("위성락", system=system), romanize("조현", system=system)]


def test_hangul_candidates(capsys: pytest.CaptureFixture[str]) -> None:
    candidates = _engine_function("normkit.names.korean", "hangul_candidates")
    code, out, _ = run_main(capsys, "name", "hangul", "--limit", "3", "Wi Sung-lac")
    assert code == 0
    assert out.splitlines() == list(candidates("Wi Sung-lac", limit=3))
    assert run_main(capsys, "name", "hangul", "--limit", "0", "x")[0] == 2


def test_translit(capsys: pytest.CaptureFixture[str]) -> None:
    transliterate = _engine_function("normkit.names.slavic", "transliterate")
    code, out, _ = run_main(capsys, "name", "translit", "Зеленський")
    assert code == 0
    assert out.splitlines() == [transliterate("Зеленський", lang=None)]
    code, out, _ = run_main(capsys, "name", "translit", "--lang", "ru", "Хрущёв")
    assert code == 0
    assert out.splitlines() == [transliterate("Хрущёв", lang="ru")]


def test_engine_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    _engine_function("normkit.names.korean", "romanize")
    code, _, err = run_main(capsys, "name", "romanize", "--system", "no-such-system", "위성락")
    if code == 0:
        pytest.skip("the Korean engine accepts unknown systems")
    assert code == 2
    assert err.startswith("normkit name romanize: error:")
