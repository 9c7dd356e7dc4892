"""Tests for normkit.boilerplate: seeds, golden cases, rules, properties."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st

from normkit import boilerplate as bp
from normkit.pipeline import Pipeline, Trace, explain, replay
from normkit.tables import data_path

SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
GOLDEN = ROOT / "tests" / "golden" / "boilerplate"

# The boilerplate lines the issue names for the two seed articles.
SEED_BOILERPLATE = (
    "WEEKLY HOT",
    "Written by 11:19 AM Politics",
    "WEEKLY HOTWritten by 11:19 AM Politics",
    "KO YONG-CHUL Reporter",
    "korocamia@naver.com | 2025-10-20 17:15:20",
    "Visited 1 times, 1 visit(s) today",
    "Close Search Window",
    "Close",
)
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’)]*$")


def _lines(text: str) -> list[str]:
    return [s.strip() for s in text.split("\n") if s.strip()]


def _is_subsequence(small: list[str], big: list[str]) -> bool:
    it = iter(big)
    return all(any(x == y for y in it) for x in small)


# ---------------------------------------------------------------------------
# Seeds


@pytest.mark.parametrize("profile", bp.PROFILES)
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_seed_boilerplate_removed_and_sentences_kept(seed: Path, profile: str) -> None:
    text = seed.read_text(encoding="utf-8")
    out = bp.strip_boilerplate(text, profile=profile)
    kept = _lines(out)
    for line in _lines(text):
        if line in SEED_BOILERPLATE:
            assert line not in kept, f"{line!r} survived ({profile})"
        elif _SENTENCE_END.search(line) and len(line.split()) >= 5:
            assert line in kept, f"sentence lost ({profile}): {line[:80]!r}"
    assert _is_subsequence(kept, _lines(text))


@pytest.mark.parametrize("profile", bp.PROFILES)
def test_seeds_concatenated(profile: str) -> None:
    # `cat seeds/*` glues the last line of one seed to the first of the next
    text = "".join(p.read_text(encoding="utf-8") for p in SEEDS)
    assert "WEEKLY HOTWritten by 11:19 AM Politics" in _lines(text)
    kept = _lines(bp.strip_boilerplate(text, profile=profile))
    assert not set(kept) & set(SEED_BOILERPLATE)
    for line in _lines(text):
        if _SENTENCE_END.search(line) and len(line.split()) >= 5:
            assert line in kept, f"sentence lost ({profile}): {line[:80]!r}"


def test_seed_titles_kept_by_residual() -> None:
    for seed in SEEDS:
        text = seed.read_text(encoding="utf-8")
        first = next(line for line in _lines(text) if line not in SEED_BOILERPLATE)
        assert first in _lines(bp.strip_boilerplate(text))


def test_seed_explain_names_rules() -> None:
    text = "".join(p.read_text(encoding="utf-8") for p in SEEDS)
    trace = Trace()
    out = bp.strip_boilerplate(text, trace=trace)
    assert replay(text, trace.changes) == out
    rules = {c.before.strip().split("\n")[0]: c.rule for c in trace.changes}
    assert rules["Close Search Window"].startswith("boilerplate.tsv:")
    assert rules["Visited 1 times, 1 visit(s) today"].endswith(" counter")
    assert rules["KO YONG-CHUL Reporter"].endswith(" byline")


# ---------------------------------------------------------------------------
# Golden cases: tests/golden/boilerplate/<name>.txt with lines marked
# "-" (must go) or "+" (must stay); a header line "# profile: X" picks the profile.


def _golden_cases() -> list[Path]:
    return sorted(GOLDEN.glob("*.txt"))


@pytest.mark.parametrize("case", _golden_cases(), ids=lambda p: p.name)
def test_golden(case: Path) -> None:
    profile = "residual"
    lines: list[tuple[str, str]] = []
    for raw in case.read_text(encoding="utf-8").splitlines():
        if raw.startswith("# profile:"):
            profile = raw.split(":", 1)[1].strip()
        elif raw[:2] in ("- ", "+ "):
            lines.append((raw[0], raw[2:]))
    text = "\n".join(t for _, t in lines) + "\n"
    kept = _lines(bp.strip_boilerplate(text, profile=profile))
    for mark, line in lines:
        if mark == "-":
            assert line.strip() not in kept, f"{case.name}: {line!r} should go"
        else:
            assert line.strip() in kept, f"{case.name}: {line!r} should stay"


# ---------------------------------------------------------------------------
# Behaviour


def test_crlf_preserved() -> None:
    text = "Close\r\nThe committee met on Monday and approved the plan, officials said.\r\nShare\r\n"
    out = bp.strip_boilerplate(text)
    assert out == "The committee met on Monday and approved the plan, officials said.\r\n"


def test_no_final_newline() -> None:
    text = "The committee met on Monday and approved the plan, officials said.\n\nClose"
    assert bp.strip_boilerplate(text) == "The committee met on Monday and approved the plan, officials said."


def test_blank_lines_between_paragraphs() -> None:
    para = "The committee met on Monday and approved the plan after a long debate."
    text = f"{para}\n\nVisited 3 times, 1 visit(s) today\n\n{para}\n"
    assert bp.strip_boilerplate(text) == f"{para}\n\n{para}\n"


def test_unknown_profile_leaves_text() -> None:
    assert bp.strip_boilerplate("Close\n", profile="nope") == "Close\n"


def test_fullpage_removes_menus_keeps_article() -> None:
    menu = ["* Home", "* News", "* Sport", "* Weather", "+ Local", "+ World", "Search", "Login"]
    body = [
        "Flood defences hold as river peaks",
        "The river reached its highest level in twenty years on Sunday, but the new walls held.",
        "Engineers said the barrier, finished last spring, had been designed for exactly this case.",
        "Residents in the lower town were asked to stay alert until the water falls again.",
    ]
    footer = ["* About us", "* Contact", "* Privacy Policy", "© 2025 Example News. All rights reserved."]
    out = _lines(bp.fullpage("\n".join(menu + body + footer) + "\n"))
    for line in body[1:]:
        assert line in out
    assert "* Home" not in out
    assert "© 2025 Example News. All rights reserved." not in out


def test_non_english_prose_kept() -> None:
    docs = [
        "Правительство объявило о новых мерах поддержки, которые вступят в силу в январе.\n"
        "Министр финансов сказал, что на программу выделено больше средств, чем в прошлом году.\n",
        "Die Regierung hat am Montag neue Maßnahmen angekündigt, die im Januar in Kraft treten.\n"
        "Der Finanzminister sagte, dass dafür mehr Geld bereitsteht als im vergangenen Jahr.\n",
        "정부는 월요일 새로운 지원 대책을 발표했으며 이 대책은 내년 1월부터 시행된다.\n"
        "재무부 장관은 이 프로그램에 작년보다 더 많은 예산이 배정되었다고 말했다.\n",
        "政府は月曜日、来年1月から実施される新たな支援策を発表した。\n"
        "財務大臣は、この計画には昨年よりも多くの予算が割り当てられたと述べた。\n",
        "政府周一宣布了将于明年一月实施的新支持措施。\n财政部长说，这个计划的预算比去年更多。\n",
    ]
    for doc in docs:
        for profile in bp.PROFILES:
            assert bp.strip_boilerplate(doc, profile=profile) == doc, (profile, doc)


def test_pipeline_step_and_news_preset() -> None:
    p = Pipeline(["boilerplate"], profile="fullpage")
    assert p("Close\nThe committee approved the plan on Monday, officials said.\n") == (
        "The committee approved the plan on Monday, officials said.\n"
    )
    e = explain("Close Search Window\nThe committee approved the plan on Monday.\n", preset="news")
    assert e.replay() == e.result
    assert any(c.step == "boilerplate" and c.rule.startswith("boilerplate.tsv:") for c in e.changes)


def test_classifier_evidence_in_trace() -> None:
    menu = "\n".join(["* Home", "* News", "* Sport", "* Weather", "+ Local", "+ World"])
    body = "\n".join(
        [
            "The river reached its highest level in twenty years on Sunday, but the new walls held.",
            "Engineers said the barrier, finished last spring, had been designed for exactly this case.",
        ]
    )
    trace = Trace()
    text = menu + "\n" + body + "\n"
    out = bp.strip_boilerplate(text, profile="fullpage", trace=trace)
    assert replay(text, trace.changes) == out
    classifier = [c.rule for c in trace.changes if c.rule.startswith("classifier:")]
    assert classifier
    assert all(re.fullmatch(r"classifier:fullpage score=-?\d+\.\d [\w,-]+", r) for r in classifier)


def test_many_learns_recurring_lines_and_keeps_order() -> None:
    docs = [
        f"Our Network\nStory {i}: the harbour reopened on day {i} after the storm, said the mayor.\n"
        "Partner Sites\n"
        for i in range(6)
    ]
    out = list(bp.strip_boilerplate_many(docs, batch_size=4))
    assert len(out) == 6
    for i, o in enumerate(out):
        assert o == f"Story {i}: the harbour reopened on day {i} after the storm, said the mayor.\n"


def test_many_handles_empty_and_single() -> None:
    assert list(bp.strip_boilerplate_many([])) == []
    one = "The committee approved the plan on Monday, officials said.\n"
    assert list(bp.strip_boilerplate_many(["", one])) == ["", one]


# ---------------------------------------------------------------------------
# Rule tables


def test_builtin_table_is_valid() -> None:
    rules, problems = bp.load_rules(data_path("boilerplate.tsv"))
    assert problems == []
    assert len(rules) >= 20
    assert {r.zone for r in rules} <= set(bp.ZONES)


def test_builtin_table_rows_sorted_within_kind_groups() -> None:
    # rows are grouped by kind (a kind's rows are contiguous)
    rules, _ = bp.load_rules(data_path("boilerplate.tsv"))
    seen: list[str] = []
    for r in rules:
        if not seen or seen[-1] != r.kind:
            assert r.kind not in seen, f"kind {r.kind!r} split in two groups"
            seen.append(r.kind)


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "rules.tsv"
    path.write_text("pattern\tkind\tzone\tnote\n" + body, encoding="utf-8")
    return path


def test_user_rules_layered(tmp_path: Path) -> None:
    path = _write(tmp_path, "^This report was supported by .+\\.$\tsponsor\tanywhere\tour partner line\n")
    para = "The committee approved the plan on Monday after a long debate, officials said."
    sponsor = "This report was supported by a grant from the Acme Foundation for Local News."
    text = f"{para}\n{sponsor}\n{para}\n"
    assert bp.strip_boilerplate(text) == text
    trace = Trace()
    out = bp.strip_boilerplate(text, boilerplate_rules=(str(path),), trace=trace)
    assert out == f"{para}\n{para}\n"
    assert trace.changes[0].rule == "rules.tsv:2 sponsor"


def test_malformed_user_table_reports_positions(tmp_path: Path) -> None:
    path = _write(tmp_path, "^(Share$\tshare\ttail\t\n^Ok$\tui\tsomewhere\t\n^Fine$\tui\ttail\t\n")
    problems = bp.check_rules(path)
    assert [(p.line, p.severity) for p in problems] == [(2, "error"), (3, "error")]
    assert str(problems[0]).startswith(f"{path}:2:")
    assert problems[1].col == len("^Ok$\tui\t") + 1
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        out = bp.strip_boilerplate(
            "Fine\nThe committee approved the plan.\nFine\n", boilerplate_rules=(str(path),)
        )
    assert "The committee approved the plan." in out


def test_missing_user_table_is_not_fatal(tmp_path: Path) -> None:
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        out = bp.strip_boilerplate("Some text here.\n", boilerplate_rules=(str(tmp_path / "none.tsv"),))
    assert out == "Some text here.\n"


def test_catastrophic_user_pattern_is_reported_not_fatal(tmp_path: Path) -> None:
    path = _write(tmp_path, "(a|aa)+$\tevil\tanywhere\tcatastrophic backtracking\n")
    text = "a" * 60 + "b\nThe committee approved the plan on Monday, officials said.\n"
    trace = Trace()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = bp.strip_boilerplate(text, boilerplate_rules=(str(path),), trace=trace)
    assert "The committee approved the plan on Monday, officials said." in out
    assert any("timed out" in str(w.message) for w in caught) or any(
        "timed out" in n.message for n in trace.notes
    )


# ---------------------------------------------------------------------------
# Properties

_line = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "Close",
            "* Home",
            "Share",
            "Visited 2 times, 1 visit(s) today",
            "The committee approved the plan on Monday, officials said.",
            "",
            "\r",
            "© 2024 Example",
            "Menu",
        ]
    ),
)
_docs = st.one_of(st.text(), st.lists(_line, max_size=30).map("\n".join))


@given(_docs, st.sampled_from(bp.PROFILES))
def test_total_idempotent_and_only_removes_lines(text: str, profile: str) -> None:
    out = bp.strip_boilerplate(text, profile=profile)
    assert isinstance(out, str)
    assert bp.strip_boilerplate(out, profile=profile) == out
    assert _is_subsequence(_lines(out), _lines(text))
    trace = Trace()
    assert bp.strip_boilerplate(text, profile=profile, trace=trace) == out
    assert replay(text, trace.changes) == out


@given(st.lists(st.sampled_from(["a b c.", "x", "\u2028", "\ud800", "𝔘𝔫𝔦", "* y", "|"]), max_size=20))
def test_total_on_odd_characters(parts: list[str]) -> None:
    text = "\n".join(parts)
    out = bp.strip_boilerplate(text, profile="fullpage")
    assert bp.strip_boilerplate(out, profile="fullpage") == out


def test_rule_hits_do_not_depend_on_neighbouring_lines() -> None:
    # "\W*" in a share-bar rule can run over a line break; each line is still judged alone
    para = "The committee approved the plan on Monday after a long debate, officials said."
    text = f"{para}\nShare\nFacebook Twitter Pinterest Email WhatsApp\n{para}\n"
    out = bp.strip_boilerplate(text)
    assert out == f"{para}\n{para}\n"
    assert bp.strip_boilerplate(out) == out


def test_user_rule_named_when_builtin_also_matches(tmp_path: Path) -> None:
    path = _write(tmp_path, "^Subscribe to the Daily Ledger\\b.*$\tpromo\tanywhere\tour newsletter box\n")
    text = "The council met on Monday.\nSubscribe to the Daily Ledger for more.\n"
    trace = Trace()
    assert (
        bp.strip_boilerplate(text, boilerplate_rules=(str(path),), trace=trace)
        == "The council met on Monday.\n"
    )
    assert [c.rule for c in trace.changes] == ["rules.tsv:2 promo"]
