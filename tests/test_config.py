"""Configuration discovery and parsing ([tool.normkit] / normkit.toml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from normkit.config import Config, ConfigError, discover, find_config, load_config


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_walks_up_to_the_nearest_pyproject_with_a_normkit_table(tmp_path: Path) -> None:
    top = _write(tmp_path / "pyproject.toml", '[tool.normkit]\npreset = "ascii"\n')
    # A pyproject.toml without [tool.normkit] in between does not stop the search.
    _write(tmp_path / "a" / "pyproject.toml", '[project]\nname = "normkit-user"\n')
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    assert find_config(deep) == top
    cfg = discover(deep)
    assert cfg.path == top
    assert cfg.root == tmp_path
    assert cfg.preset == "ascii"


def test_normkit_toml_wins_over_pyproject_in_the_same_directory(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", '[tool.normkit]\npreset = "ascii"\n')
    nk = _write(tmp_path / "normkit.toml", 'preset = "key"\n')
    cfg = discover(tmp_path)
    assert cfg.path == nk
    assert cfg.preset == "key"


def test_the_nearest_file_wins_without_merging(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", '[tool.normkit]\npreset = "ascii"\nextend-exclude = ["x/"]\n')
    inner = _write(tmp_path / "sub" / "normkit.toml", 'steps = ["whitespace"]\n')
    cfg = discover(tmp_path / "sub")
    assert cfg.path == inner
    assert (cfg.preset, cfg.steps, cfg.extend_exclude) == (None, ("whitespace",), ())


def test_normkit_toml_may_use_a_tool_table(tmp_path: Path) -> None:
    _write(tmp_path / "normkit.toml", '[tool.normkit]\npreset = "ascii"\n')
    assert discover(tmp_path).preset == "ascii"


def test_no_config_gives_defaults_rooted_at_start(tmp_path: Path) -> None:
    cfg = discover(tmp_path)
    if cfg.path is not None:  # pragma: no cover - a stray file above the temp dir
        pytest.skip(f"a configuration file above the temporary directory: {cfg.path}")
    assert cfg == Config(root=tmp_path)


def test_all_keys_and_relative_paths(tmp_path: Path) -> None:
    p = _write(
        tmp_path / "pyproject.toml",
        "[tool.normkit]\n"
        'preset = "news"\n'
        'steps = ["unicode", "whitespace"]\n'
        'exclude = ["a/"]\n'
        'extend-exclude = ["b/"]\n'
        'include = ["*.md"]\n'
        'extend_include = ["*.txt"]\n'  # snake_case accepted
        'extend-aliases = ["tables/people.tsv"]\n'
        'extend-boilerplate = ["rules.tsv"]\n'
        "[tool.normkit.options]\n"
        'form = "NFKC"\n'
        "max-len = 3\n"
        'pairs = ["x", "y"]\n',
    )
    cfg = load_config(p)
    assert cfg.preset == "news"
    assert cfg.steps == ("unicode", "whitespace")
    assert (cfg.exclude, cfg.extend_exclude) == (("a/",), ("b/",))
    assert (cfg.include, cfg.extend_include) == (("*.md",), ("*.txt",))
    assert cfg.extend_aliases == (tmp_path / "tables" / "people.tsv",)
    assert cfg.extend_boilerplate == (tmp_path / "rules.tsv",)
    assert cfg.options == {"form": "NFKC", "max_len": 3, "pairs": ("x", "y")}
    assert cfg.warnings == ()


def test_unknown_keys_are_warnings(tmp_path: Path) -> None:
    p = _write(tmp_path / "normkit.toml", 'presett = "ascii"\n')
    cfg = load_config(p)
    assert len(cfg.warnings) == 1
    assert "presett" in cfg.warnings[0]
    assert str(p) in cfg.warnings[0]


@pytest.mark.parametrize(
    "body",
    [
        "preset = 3\n",
        'steps = "unicode"\n',
        "exclude = [1]\n",
        'options = "x"\n',
        "preset = \n",  # invalid TOML
    ],
)
def test_malformed_configuration_is_one_line_error_naming_the_file(tmp_path: Path, body: str) -> None:
    p = _write(tmp_path / "normkit.toml", body)
    with pytest.raises(ConfigError) as info:
        discover(tmp_path)
    message = str(info.value)
    assert str(p) in message
    assert "\n" not in message


def test_invalid_toml_in_pyproject_is_reported(tmp_path: Path) -> None:
    p = _write(tmp_path / "pyproject.toml", "[tool.normkit\npreset = 'x'\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        discover(tmp_path)
    assert find_config(tmp_path) == p


def test_load_config_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")
