"""Project configuration: ``[tool.normkit]`` in ``pyproject.toml`` or a
``normkit.toml``, found by walking up from the working directory.

In each directory from the start upwards, a ``normkit.toml`` wins over a
``pyproject.toml``; a ``pyproject.toml`` counts only if it has a
``[tool.normkit]`` table. The first file found is the configuration (there is
no merging across directories). ``normkit.toml`` holds the same keys at its
top level (a ``[tool.normkit]`` table in it is accepted too).

Keys (``snake_case`` spellings are accepted as well):

- ``preset`` (str), ``steps`` (list of step names);
- ``exclude`` / ``extend-exclude``: gitignore-style patterns, relative to the
  configuration file's directory, for files and directories to leave alone;
- ``include`` / ``extend-include``: which files a directory walk picks up;
- ``extend-aliases``: alias tables (paths relative to the configuration file);
- ``extend-boilerplate``: boilerplate rule tables (same);
- ``[tool.normkit.options]``: step options, e.g. ``form = "NFKC"``.

Command-line flags win over the file.

>>> cfg = parse_config({"tool": {"normkit": {"preset": "ascii", "extend-exclude": ["vendor/"]}}},
...                    Path("/p/pyproject.toml"))
>>> cfg.preset, cfg.extend_exclude, cfg.root
('ascii', ('vendor/',), PosixPath('/p'))
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["CONFIG_FILES", "Config", "ConfigError", "discover", "find_config", "load_config", "parse_config"]

#: File names looked for in each directory, in order of preference.
CONFIG_FILES: tuple[str, ...] = ("normkit.toml", "pyproject.toml")

_LIST_KEYS = (
    "steps",
    "exclude",
    "extend-exclude",
    "include",
    "extend-include",
    "extend-aliases",
    "extend-boilerplate",
)
_KNOWN = {"preset", "options", *_LIST_KEYS}


class ConfigError(ValueError):
    """An unreadable or malformed configuration file (one-line message that
    names the file)."""


@dataclasses.dataclass(frozen=True)
class Config:
    """The project configuration (empty defaults when there is no file).

    ``root`` is the directory patterns are relative to: the configuration
    file's directory, or the start directory when there is no file.
    ``extend_aliases`` and ``extend_boilerplate`` are absolute paths.
    ``warnings`` lists unknown keys (reported, not fatal).
    """

    path: Path | None = None
    root: Path = dataclasses.field(default_factory=Path.cwd)
    preset: str | None = None
    steps: tuple[str, ...] | None = None
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    include: tuple[str, ...] | None = None
    extend_include: tuple[str, ...] = ()
    extend_aliases: tuple[Path, ...] = ()
    extend_boilerplate: tuple[Path, ...] = ()
    options: Mapping[str, object] = dataclasses.field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def _has_normkit_table(path: Path) -> bool:
    # A cheap textual check first, so unrelated pyproject.toml files are not parsed.
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "normkit" in text


def find_config(start: str | os.PathLike[str] | None = None) -> Path | None:
    """The configuration file for ``start`` (default: the working directory).

    >>> find_config("/") is None or find_config("/").name in CONFIG_FILES
    True
    """
    here = Path(start if start is not None else Path.cwd()).absolute()
    for directory in (here, *here.parents):
        candidate = directory / "normkit.toml"
        if candidate.is_file():
            return candidate
        candidate = directory / "pyproject.toml"
        if candidate.is_file() and _has_normkit_table(candidate):
            try:
                table = _table(_read_toml(candidate), candidate)
            except ConfigError:
                return candidate  # let load_config report it
            if table is not None:
                return candidate
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except OSError as e:
        raise ConfigError(f"{path}: cannot read configuration: {e.strerror or e}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: invalid TOML: {e}") from None
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: invalid UTF-8 at byte {e.start}") from None


def _table(data: Mapping[str, Any], path: Path) -> Mapping[str, Any] | None:
    tool = data.get("tool")
    section = tool.get("normkit") if isinstance(tool, Mapping) else None
    if section is None:
        if path.name == "pyproject.toml":
            return None
        section = {k: v for k, v in data.items() if k != "tool"}
    if not isinstance(section, Mapping):
        raise ConfigError(f"{path}: [tool.normkit] must be a table")
    return section


def _hashable(value: object) -> object:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return value


def parse_config(data: Mapping[str, Any], path: Path) -> Config:
    """Build a :class:`Config` from parsed TOML ``data`` read from ``path``."""
    section = _table(data, path)
    root = path.parent.absolute()
    if section is None:
        return Config(path=None, root=root)
    values: dict[str, Any] = {}
    warnings: list[str] = []
    for raw_key, value in section.items():
        key = raw_key.replace("_", "-")
        if key not in _KNOWN:
            warnings.append(f"{path}: unknown key {raw_key!r} in [tool.normkit] (ignored)")
            continue
        if key in _LIST_KEYS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{path}: {raw_key!r} must be a list of strings")
            values[key] = tuple(value)
        elif key == "preset":
            if not isinstance(value, str):
                raise ConfigError(f"{path}: 'preset' must be a string")
            values[key] = value
        elif key == "options":
            if not isinstance(value, Mapping):
                raise ConfigError(f"{path}: 'options' must be a table")
            values[key] = {str(k).replace("-", "_"): _hashable(v) for k, v in value.items()}
    return Config(
        path=path,
        root=root,
        preset=values.get("preset"),
        steps=values.get("steps"),
        exclude=values.get("exclude"),
        extend_exclude=values.get("extend-exclude", ()),
        include=values.get("include"),
        extend_include=values.get("extend-include", ()),
        extend_aliases=tuple(root / p for p in values.get("extend-aliases", ())),
        extend_boilerplate=tuple(root / p for p in values.get("extend-boilerplate", ())),
        options=values.get("options", {}),
        warnings=tuple(warnings),
    )


def load_config(path: str | os.PathLike[str]) -> Config:
    """Read one configuration file (raises :class:`ConfigError`)."""
    p = Path(path).absolute()
    if not p.is_file():
        raise ConfigError(f"{p}: configuration file not found")
    return parse_config(_read_toml(p), p)


def discover(start: str | os.PathLike[str] | None = None) -> Config:
    """The configuration for ``start`` (default: the working directory), or
    an empty :class:`Config` rooted at ``start`` when no file is found."""
    path = find_config(start)
    if path is None:
        return Config(root=Path(start if start is not None else Path.cwd()).absolute())
    return load_config(path)
