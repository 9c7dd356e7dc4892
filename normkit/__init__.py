"""normkit: make messy real-world text comparable.

Composable, pure ``str -> str`` steps (Unicode, invisibles, typography,
whitespace, ASCII folding, boilerplate, person names), name keys and matching
for Korean, Slavic and other names, and a CLI and pre-commit hooks.

Importing normkit is cheap: modules and tables load on first use.

>>> import normkit
>>> normkit.clean("Hello\\u00a0world  ")
'Hello world'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, overload

__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from normkit.boilerplate import strip_boilerplate as strip_boilerplate
    from normkit.boilerplate import strip_boilerplate_many as strip_boilerplate_many
    from normkit.corpus import clean_many as clean_many
    from normkit.names import explain_match as explain_match
    from normkit.names import name_key as name_key
    from normkit.names import same_name as same_name
    from normkit.names.base import NameMatch as NameMatch
    from normkit.names.korean import hangul_candidates as hangul_candidates
    from normkit.names.korean import romanize as romanize
    from normkit.names.slavic import transliterate as transliterate
    from normkit.pipeline import PRESETS as PRESETS
    from normkit.pipeline import Change as Change
    from normkit.pipeline import Explanation as Explanation
    from normkit.pipeline import Note as Note
    from normkit.pipeline import Pipeline as Pipeline
    from normkit.pipeline import Step as Step
    from normkit.pipeline import Trace as Trace
    from normkit.pipeline import available_steps as available_steps
    from normkit.pipeline import clean as clean
    from normkit.pipeline import get_step as get_step
    from normkit.pipeline import register_step as register_step
    from normkit.text import fold_overrides as fold_overrides
    from normkit.text import register_fold as register_fold

# public name -> module that defines it (imported on first attribute access)
_EXPORTS: dict[str, str] = {
    "PRESETS": "normkit.pipeline",
    "Change": "normkit.pipeline",
    "Explanation": "normkit.pipeline",
    "Note": "normkit.pipeline",
    "Pipeline": "normkit.pipeline",
    "Step": "normkit.pipeline",
    "Trace": "normkit.pipeline",
    "available_steps": "normkit.pipeline",
    "clean": "normkit.pipeline",
    "get_step": "normkit.pipeline",
    "register_step": "normkit.pipeline",
    "NameMatch": "normkit.names.base",
    "explain_match": "normkit.names",
    "name_key": "normkit.names",
    "same_name": "normkit.names",
    "romanize": "normkit.names.korean",
    "hangul_candidates": "normkit.names.korean",
    "transliterate": "normkit.names.slavic",
    "strip_boilerplate": "normkit.boilerplate",
    "strip_boilerplate_many": "normkit.boilerplate",
    "clean_many": "normkit.corpus",
    "register_fold": "normkit.text",
    "fold_overrides": "normkit.text",
}

__all__ = sorted([*_EXPORTS, "__version__", "explain"])


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'normkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


@overload
def explain(text: str, /, *, preset: str = ..., **options: object) -> Explanation: ...
@overload
def explain(text: str, other: str, /) -> NameMatch: ...
def explain(text: str, other: str | None = None, /, **options: Any) -> Explanation | NameMatch:
    """Explain a cleaning (one text) or a name match (two names).

    ``explain(text, preset=..., **options)`` returns every change
    :func:`clean` would make, with its step and rule; ``explain(a, b)``
    returns why :func:`same_name` judges two names as it does.

    >>> print(explain("a\\u00a0b"))
    typography: ...
    """
    if other is not None:
        from normkit.names import explain_match

        return explain_match(text, other)
    from normkit.pipeline import explain as _explain

    return _explain(text, **options)
