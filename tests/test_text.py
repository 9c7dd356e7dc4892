"""The text steps: options, rule names, specific promises, tables and big inputs.

The properties every registered step shares (idempotent, total, replayable,
picklable) live in ``test_steps_properties.py`` and run with default options;
here the same properties run over every option of the text steps, plus the
promises particular to each step.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st
from test_steps_properties import TEXTS

import normkit.text as text_mod
from normkit.pipeline import Trace, clean, explain, replay
from normkit.tables import load
from normkit.text import (
    casefold,
    collapse,
    fix_typography,
    fix_whitespace,
    fold_ascii,
    fold_overrides,
    normalize_unicode,
    register_fold,
    remove_invisibles,
)

OPTIONS: dict[str, tuple[object, dict[str, st.SearchStrategy[object]]]] = {
    "unicode": (normalize_unicode, {"form": st.sampled_from(["NFC", "NFKC", "NFD", "NFKD"])}),
    "invisibles": (
        remove_invisibles,
        {
            "bidi": st.sampled_from(["remove", "marks", "keep"]),
            "controls": st.booleans(),
            "soft_hyphens": st.booleans(),
            "joiners": st.sampled_from(["context", "keep", "remove"]),
        },
    ),
    "typography": (
        fix_typography,
        {
            "quotes": st.sampled_from(["keep", "straight", "curly"]),
            "dashes": st.sampled_from(["keep", "ascii", "smart"]),
            "ellipsis": st.sampled_from(["keep", "ascii", "unicode"]),
            "spaces": st.sampled_from(["space", "nonbreaking", "keep"]),
        },
    ),
    "whitespace": (
        fix_whitespace,
        {
            "blank_lines": st.integers(0, 3),
            "inner_spaces": st.booleans(),
            "final_newline": st.sampled_from(["keep", "ensure", "remove"]),
            "hard_breaks": st.booleans(),
            "markdown": st.booleans(),
        },
    ),
    "ascii": (fold_ascii, {"unknown": st.sampled_from(["", "?"])}),
}

# Texts rich in what typography and whitespace look at.
PROSE = st.text(
    alphabet=st.sampled_from(list("ab5 .-`'\"\u00b4\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00a0\t\n\r~"))
)


# Markdown-like documents: fences, indented code, inline code, blank lines, CRLF.
MARKDOWN = st.lists(
    st.sampled_from(
        [
            "```",
            "```py",
            "~~~",
            "````",
            "    code  x = 1",
            "\tcode  y",
            "`a  b`  and  ``c `d``",
            "",
            " ",
            "  ",
            "text  with  'quotes'...",
            "- item -- x",
            "   ```",
            '"q"  5\'',
            "\u00a0 x  \u2009y",
        ]
    )
).flatmap(lambda lines: st.sampled_from(["\n", "\r\n"]).map(lambda eol: eol.join(lines)))


def _alnum(s: str) -> list[str]:
    return [c for c in s if c.isalnum()]


@pytest.mark.parametrize("name", sorted(OPTIONS))
@given(data=st.data(), text=st.one_of(TEXTS, PROSE, MARKDOWN))
def test_every_option_is_idempotent_and_replayable(name: str, data: st.DataObject, text: str) -> None:
    func, strategies = OPTIONS[name]
    options = data.draw(st.fixed_dictionaries(strategies))
    assert callable(func)
    once = func(text, **options)
    assert isinstance(once, str)
    assert func(once, **options) == once
    trace = Trace()
    assert func(text, trace=trace, **options) == once
    assert replay(text, trace.changes) == once
    if name in {"typography", "whitespace", "invisibles"}:
        assert _alnum(once) == _alnum(text)


# ---------------------------------------------------------------------------
# unicode


def test_unicode_forms() -> None:
    assert normalize_unicode("e\u0301") == "\u00e9"
    assert normalize_unicode("\u00e9", form="NFD") == "e\u0301"
    assert normalize_unicode("\ufb01 \u00b2 \uff21", form="NFKC") == "fi 2 A"
    assert normalize_unicode("\ufb01 \u00b2 \uff21") == "\ufb01 \u00b2 \uff21"
    with pytest.raises(ValueError, match="form"):
        normalize_unicode("x", form="NFX")


def test_unicode_rule_names_the_character() -> None:
    e = explain("Cafe\u0301 \ufb01", steps=["unicode"], form="NFKC")
    rules = [c.rule for c in e.changes]
    assert rules == [
        "unicode:NFKC U+0301 COMBINING ACUTE ACCENT",
        "unicode:NFKC U+FB01 LATIN SMALL LIGATURE FI",
    ]


# ---------------------------------------------------------------------------
# invisibles


def _is_subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(c in it for c in small)


@given(text=TEXTS)
def test_invisibles_only_delete(text: str) -> None:
    assert _is_subsequence(remove_invisibles(text), text)


def test_invisibles_rules_and_notes() -> None:
    trace = Trace()
    out = remove_invisibles("a\u200bb \U0001f469\u200d\U0001f4bb", trace=trace)
    assert out == "ab \U0001f469\u200d\U0001f4bb"
    assert [c.rule for c in trace.changes] == ["invisibles:U+200B ZERO WIDTH SPACE"]
    assert [n.rule for n in trace.notes] == ["invisibles:U+200D ZERO WIDTH JOINER"]


@pytest.mark.parametrize(
    ("kept", "text"),
    [
        (True, "\u0915\u094d\u200d\u0937"),  # Devanagari half form
        (True, "\u0645\u06cc\u200c\u062e"),  # Persian
        (True, "\U0001f468\u200d\U0001f469\u200d\U0001f467"),  # family emoji
        (True, "\u2764\ufe0f\u200d\U0001f525"),  # heart on fire
        (False, "a\u200db"),
        (False, "\u200d\u0915"),
        (False, "\u0915\u200d"),
        (False, "\U0001f600\u200d x"),
        (False, "\u0915\u200d\u200d\u0937"),  # a doubled joiner joins nothing
    ],
)
def test_joiners_kept_only_where_they_join(kept: bool, text: str) -> None:
    out = remove_invisibles(text)
    assert (out == text) is kept
    assert remove_invisibles(text, joiners="keep") == text
    assert "\u200d" not in remove_invisibles(text, joiners="remove")


def test_invisibles_keep_whitespace_controls() -> None:
    assert remove_invisibles("a\tb\nc\rd\fe\x0bf\x00g") == "a\tb\nc\rd\fef g".replace(" ", "")
    assert remove_invisibles("a\x00b", controls=False) == "a\x00b"


# ---------------------------------------------------------------------------
# typography


def test_typography_default_rules() -> None:
    e = explain("a\u00a0b\u2009c don\u00b4t", steps=["typography"])
    assert e.result == "a b c don\u2019t"
    assert [c.rule for c in e.changes] == [
        "typography:nbsp",
        "typography:U+2009 THIN SPACE",
        "typography:acute-as-apostrophe",
    ]


def test_typography_default_leaves_quotes_dashes_and_ellipses() -> None:
    text = "\u201cA\u201d -- 'b' \u2014 \"c\" ... \u2026 \u00abd\u00bb 5\u2032"
    assert fix_typography(text) == text


@given(text=PROSE)
def test_straight_quotes_leave_no_curly_quote(text: str) -> None:
    out = fix_typography(text, quotes="straight")
    assert not set(out) & set("\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f")


@given(text=PROSE)
def test_curly_quotes_leave_straight_ones_only_after_digits_or_alone(text: str) -> None:
    out = fix_typography(text, quotes="curly")
    for m in re.finditer("['\"]", out):
        i = m.start()
        before = out[i - 1] if i else ""
        after = out[i + 1] if i + 1 < len(out) else ""
        in_code = "`" in out or "\t" in out or "\n    " in out or "~~~" in out
        assert in_code or before.isdigit() or after == "" or after.isspace(), (text, out, i)


def test_curly_quotes_protect_markdown_code() -> None:
    text = 'Say "hi":\n\n    print("x")\n\n```py\ns = \'a\'\n```\n\nand `x = "y"`.\n'
    out = fix_typography(text, quotes="curly")
    assert out == text.replace('"hi"', "\u201chi\u201d")


def test_typography_option_errors() -> None:
    for option in ("quotes", "dashes", "ellipsis", "spaces"):
        with pytest.raises(ValueError, match=option):
            fix_typography("x", **{option: "bogus"})


# ---------------------------------------------------------------------------
# whitespace

_EOLS = re.compile(r"\r\n|\r|\n")


@given(text=st.one_of(TEXTS, PROSE, MARKDOWN))
def test_whitespace_keeps_everything_but_spaces_tabs_and_line_breaks(text: str) -> None:
    def visible(s: str) -> list[str]:
        return [c for c in s if c not in " \t\r\n"]

    assert visible(fix_whitespace(text)) == visible(text)


@given(text=st.one_of(TEXTS, PROSE, MARKDOWN), blank_lines=st.integers(0, 3))
def test_whitespace_results(text: str, blank_lines: int) -> None:
    out = fix_whitespace(text, blank_lines=blank_lines, markdown=False)
    if not out:
        assert text.strip(" \t\r\n") == ""
        return
    lines = _EOLS.split(out)
    assert all(line == line.rstrip(" \t") for line in lines)
    run = 0
    for line in lines[:-1] if out.endswith(("\n", "\r")) else lines:
        run = run + 1 if line == "" else 0
        assert run <= blank_lines
    assert lines[0].strip(" \t") != ""  # no leading blank line
    # indentation of every non-blank line is kept
    indents_in = [m.group() for m in re.finditer(r"(?m)^[ \t]*(?=[^ \t\r\n])", text.replace("\r", "\n"))]
    indents_out = [m.group() for m in re.finditer(r"(?m)^[ \t]*(?=[^ \t\r\n])", out.replace("\r", "\n"))]
    assert indents_out == indents_in


@given(text=st.text(alphabet=st.sampled_from(list("ab  \t\r\n"))))
def test_whitespace_keeps_line_ending_styles(text: str) -> None:
    crlf = text.replace("\r\n", "\n").replace("\r", "").replace("\n", "\r\n")
    out = fix_whitespace(crlf)
    assert "\n" not in out.replace("\r\n", "")
    assert "\r" not in out.replace("\r\n", "")
    lone_cr = text.replace("\r", "").replace("\n", "\r")
    assert "\n" not in fix_whitespace(lone_cr)


def test_whitespace_leaves_markdown_code_alone() -> None:
    text = (
        "Text  here\n\n\n\n```py\nx = 1  # c\n\n\n\ndef f():  \n    pass\n```\n\n\n"
        "    code  here\nand `a  b`  c\n"
    )
    assert fix_whitespace(text) == (
        "Text here\n\n```py\nx = 1  # c\n\n\n\ndef f():\n    pass\n```\n\n    code  here\nand `a  b` c\n"
    )
    assert fix_whitespace(text, markdown=False) == (
        "Text here\n\n```py\nx = 1 # c\n\ndef f():\n    pass\n```\n\n    code here\nand `a b` c\n"
    )


def test_whitespace_final_newline() -> None:
    assert fix_whitespace("") == ""
    assert fix_whitespace(" \n\t\r\n") == ""
    assert fix_whitespace("x") == "x"
    assert fix_whitespace("x \n \n") == "x\n"
    assert fix_whitespace("x\r\n\r\n") == "x\r\n"
    assert fix_whitespace("x", final_newline="ensure") == "x\n"
    assert fix_whitespace("a\r\nb", final_newline="ensure") == "a\r\nb\r\n"
    assert fix_whitespace("x\n\n", final_newline="remove") == "x"
    assert fix_whitespace("", final_newline="ensure") == ""
    with pytest.raises(ValueError, match="blank_lines"):
        fix_whitespace("x", blank_lines=-1)


def test_whitespace_rules() -> None:
    e = explain("\n\nx  y  \n\n\n\nz \n\n", steps=["whitespace"])
    assert e.result == "x y\n\nz\n"
    assert [c.rule for c in e.changes] == [
        "whitespace:leading-blank-lines",
        "whitespace:inner",
        "whitespace:trailing",
        "whitespace:blank-lines",
        "whitespace:final-newline",
    ]


# ---------------------------------------------------------------------------
# ascii

HANGUL = st.text(alphabet=st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), min_size=1)


@given(text=TEXTS)
def test_ascii_output_is_ascii(text: str) -> None:
    assert fold_ascii(text).isascii()
    assert fold_ascii(text, unknown="?").isascii()


@given(word=HANGUL)
def test_hangul_never_gets_unidecodes_bare_c(word: str) -> None:
    out = fold_ascii(word)
    assert out.isalpha()
    assert re.search(r"c(?!h)", out) is None  # RR writes ㅊ as ch, Unidecode as c


def test_hangul_known_unidecode_error() -> None:
    assert fold_ascii("\uace0\uc6a9\ucca0") == "goyongcheol"
    assert text_mod._builtin_hangul("\uace0\uc6a9\ucca0 \u314a") == "goyongcheol ch"  # the fallback


def test_ascii_leaves_ascii_alone() -> None:
    text = "Plain ASCII, with `code` and \x00 controls.\n"
    assert fold_ascii(text) is text


def test_ascii_rules_name_the_source() -> None:
    e = explain("\u0111 \u00e9 \uace0", steps=["ascii"])
    rules = [c.rule for c in e.changes]
    assert rules[0].startswith("ascii:fold/chars.tsv:")
    assert rules[0].endswith("U+0111")
    assert rules[1] == "ascii:unidecode U+00E9 LATIN SMALL LETTER E WITH ACUTE"
    assert rules[2].startswith("ascii:Hangul ")


def test_unknown_must_be_ascii() -> None:
    with pytest.raises(ValueError, match="ASCII"):
        fold_ascii("x", unknown="\u00e9")


@pytest.fixture
def fold_registry() -> Iterator[None]:
    saved = dict(text_mod._FOLD_OVERRIDES)
    yield
    text_mod._FOLD_OVERRIDES.clear()
    text_mod._FOLD_OVERRIDES.update(saved)
    text_mod._FOLD_RESOLVED.clear()
    text_mod._FOLD_VERSION[0] += 1
    text_mod._RUN_CACHE.clear()


def _boom(run: str) -> str:
    raise RuntimeError(run)


@pytest.mark.usefixtures("fold_registry")
def test_register_fold() -> None:
    with pytest.raises(ValueError, match="already registered"):
        register_fold("Hangul", _boom)
    with pytest.raises(ValueError, match="unknown Unicode script"):
        register_fold("Klingon", str.upper)
    register_fold("Hiragana", lambda run: "<" + run + ">")  # non-ASCII output is folded further
    assert fold_ascii("x\u3072\u3089y") == "x<hira>y"
    register_fold("Hangul", _boom, replace=True)  # a failing override falls back to the built-in
    assert fold_ascii("\uace0\uc6a9\ucca0") == "goyongcheol"
    register_fold("Hangul", "no.such.module:fold", replace=True)
    assert fold_ascii("\ucca0") == "cheol"
    assert fold_overrides()["Hangul"] == "no.such.module:fold"


def test_fold_table_is_valid_and_useful() -> None:
    from unidecode import unidecode

    table = load(
        "fold", "chars.tsv", columns=("codepoint", "char", "ascii", "note"), required=("char", "note")
    )
    codes = []
    for row in table:
        ch = row["char"]
        assert len(ch) == 1, row.line
        assert row["codepoint"] == f"U+{ord(ch):04X}", row.line
        assert row["ascii"].isascii(), row.line
        assert unicodedata.normalize("NFC", ch) == ch, row.line
        assert row["ascii"] != unidecode(ch), f"line {row.line}: same as Unidecode, not needed"
        codes.append(ord(ch))
    assert codes == sorted(set(codes))


# ---------------------------------------------------------------------------
# key steps


@given(text=TEXTS)
def test_collapse_result(text: str) -> None:
    out = collapse(text)
    assert out == out.strip()
    assert "  " not in out
    assert not any(unicodedata.category(c).startswith("P") for c in out)
    assert all(not c.isspace() or c == " " for c in out)


@given(text=TEXTS)
def test_casefold_traced_equals_untraced(text: str) -> None:
    trace = Trace()
    assert casefold(text, trace=trace) == text.casefold()
    assert replay(text, trace.changes) == text.casefold()


def test_key_preset() -> None:
    assert clean("\uff2b\uff2f\u3000Yong\u2010Chul", preset="key") == "ko yong chul"
    assert clean("  Ko Yong-chul, Reporter ", preset="key") == "ko yong chul reporter"


# ---------------------------------------------------------------------------
# the bundled seeds and big inputs


def _seeds() -> list[str]:
    paths = sorted((ROOT / "seeds").glob("*.txt"))
    if not paths:
        pytest.skip("no bundled seeds")
    return [p.read_text(encoding="utf-8") for p in paths]


def test_default_preset_on_the_seeds_keeps_letters_and_is_stable() -> None:
    for seed in _seeds():
        out = clean(seed, steps=["unicode", "invisibles", "typography", "whitespace"])
        assert _alnum(out) == _alnum(seed)
        assert clean(out, steps=["unicode", "invisibles", "typography", "whitespace"]) == out
        assert fold_ascii(seed).isascii()


BIG = 200_000  # a quadratic scan would take hours at this size; linear ones take well under a second
PATHOLOGICAL = [
    " " * BIG + "x",
    " " * BIG + "\tx",
    "x" + " " * BIG + "\t",
    "\n" * BIG,
    "\r\n \t" * (BIG // 4) + "x",
    "a  " * (BIG // 3),
    "'\"" * (BIG // 2),
    "-" * BIG,
    " - -- " * (BIG // 6),
    "." * BIG,
    "`" * BIG,
    "\u200d" * BIG,
    "\u0915\u200d" * (BIG // 2),
    "\u00b4a" * (BIG // 2),
    "\u0110" * (BIG // 5),
    "\uace0\uc6a9\ucca0 " * (BIG // 4),
    "\ud800" * BIG,
]


@pytest.mark.slow
@pytest.mark.parametrize("text", PATHOLOGICAL, ids=lambda t: repr(t[:6]))
def test_big_pathological_inputs_finish(text: str) -> None:
    """Linear-time scans: a quadratic pattern would not finish here."""
    for func, strategies in OPTIONS.values():
        assert callable(func)
        del strategies
        assert isinstance(func(text), str)
    assert isinstance(fix_typography(text, quotes="curly", dashes="smart", ellipsis="unicode"), str)
    assert isinstance(collapse(text), str)
    assert isinstance(casefold(text), str)


TEXT_PRESETS = {
    "default": ["unicode", "invisibles", "typography", "whitespace"],
    "ascii": ["unicode", "invisibles", "typography", "ascii", "whitespace"],
    "key": ["unicode", "invisibles", "ascii", "casefold", "collapse"],
}


@pytest.mark.slow
@pytest.mark.parametrize("preset", sorted(TEXT_PRESETS))
def test_a_few_megabytes_through_the_text_steps_of_each_preset(preset: str) -> None:
    big = "".join(_seeds()) * 400
    assert len(big) > 2_000_000
    out = clean(big, preset=preset, steps=TEXT_PRESETS[preset])
    assert clean(out, preset=preset, steps=TEXT_PRESETS[preset]) == out
