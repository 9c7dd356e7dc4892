"""Benchmark inputs: news text, names, name pairs, web pages, files.

Real text comes from ``seeds/`` and, when the development data is present
next to the repository (``../shared/eval/``), from its boilerplate pages and
name lists. Without it, a generated corpus of the same shape is used (built
from the seeds' vocabulary with the usual artefacts of extracted web text).
Everything is deterministic for one seed.
"""

from __future__ import annotations

import contextlib
import csv
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

from benchmarks.common import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
EVAL = ROOT.parent / "shared" / "eval"


def eval_dir(*parts: str) -> Path | None:
    """``../shared/eval/<parts>`` if it exists, else None."""
    p = EVAL.joinpath(*parts)
    return p if p.exists() else None


def seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def _fill(docs: list[str], target_bytes: int, seed: int) -> list[str]:
    """The first documents of ``docs`` up to ``target_bytes`` of UTF-8, topped
    up with generated documents (never repeated ones) when ``docs`` run out."""
    out: list[str] = []
    size = 0
    for d in docs:
        if size >= target_bytes:
            return out
        out.append(d)
        size += len(d.encode("utf-8"))
    gen = TextGenerator(seed)
    while size < target_bytes:
        d = gen.document()
        out.append(d)
        size += len(d.encode("utf-8"))
    return out


# --------------------------------------------------------------------------
# generated text

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

_ARTEFACTS: tuple[tuple[str, str], ...] = (
    (" ", "\u00a0"),  # no-break space from HTML &nbsp;
    (" ", "  "),  # doubled space
    ("'", "\u2019"),  # curly apostrophe
    ("\u2019", "â€™"),  # mojibake (UTF-8 read as cp1252)
    ("e", "e\u0301"),  # decomposed accent
    (" ", " \u200b"),  # zero-width space
    ("-", "\u2013"),  # en dash
)


class TextGenerator:
    """News-like paragraphs from the seeds' vocabulary, with extraction artefacts."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)
        words: list[str] = []
        sentences: list[str] = []
        for t in seed_texts():
            words.extend(_WORD.findall(t))
            for para in t.split("\n"):
                sentences.extend(s.strip() for s in re.split(r"(?<=[.!?])\s+", para) if len(s.split()) > 4)
        self.words = words or ["news", "report", "minister", "said", "the", "of", "and", "cooperation"]
        self.sentences = sentences or ["The minister said the talks went well."]

    def sentence(self) -> str:
        rng = self.rng
        if rng.random() < 0.5:
            s = rng.choice(self.sentences)
        else:
            n = rng.randint(6, 24)
            s = " ".join(rng.choice(self.words) for _ in range(n))
            s = s[:1].upper() + s[1:] + rng.choice([".", ".", ".", "?", "!"])
        if rng.random() < 0.15:
            src, dst = rng.choice(_ARTEFACTS)
            s = s.replace(src, dst, 1)
        return s

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 6)))

    def document(self) -> str:
        paras = [self.paragraph() for _ in range(self.rng.randint(4, 12))]
        return "\n\n".join(paras) + "\n"

    def page(self) -> str:
        """A full web page as text: menus, the article, teasers and a footer."""
        rng = self.rng
        nav = ["Home", "World", "Politics", "Business", "Sports", "Opinion", "Subscribe", "Log in"]
        head = [f"* {x}" for x in rng.sample(nav, 5)]
        body = [self.paragraph() for _ in range(rng.randint(3, 10))]
        teasers = [self.sentence()[:60] for _ in range(rng.randint(2, 6))]
        foot = [
            "Share this article",
            f"Visited {rng.randint(1, 999)} times, 1 visit(s) today",
            "© 2025 The Daily Example. All rights reserved.",
            "Privacy Policy | Terms of Use",
        ]
        return "\n".join([*head, *body, "WEEKLY HOT", *teasers, *foot]) + "\n"


# --------------------------------------------------------------------------
# news text


def news_docs(settings: Settings) -> tuple[list[str], str]:
    """News documents and a description of where they came from."""
    target = int((1_000_000 if settings.quick else 2_500_000) * settings.scale)
    docs = seed_texts()
    source = f"{len(docs)} seed articles"
    light = eval_dir("boilerplate", "lighttext")
    gold = eval_dir("boilerplate", "gold")
    if light is not None and gold is not None:
        n = 0
        for p in sorted(light.glob("*.txt")):
            g = gold / (p.stem + ".json")
            try:
                kind = json.loads(g.read_text(encoding="utf-8")).get("page_type")
            except (OSError, ValueError):
                kind = None
            text = p.read_text(encoding="utf-8")
            if kind == "article" and text.strip():
                docs.append(text)
                n += 1
        source += f" + {n} article pages (../shared/eval/boilerplate/lighttext)"
    out = _fill(docs, target, settings.seed)
    generated = len(out) - len(docs)
    if generated > 0:
        source += f" + {generated} generated articles"
    return out, source


def generated_docs(settings: Settings, n: int) -> list[str]:
    gen = TextGenerator(settings.seed)
    return [gen.document() for _ in range(n)]


def write_big_file(path: Path, megabytes: int, seed: int = 0) -> int:
    """Write about ``megabytes`` MB of generated news text; return the byte count."""
    gen = TextGenerator(seed)
    block_docs = [gen.document() for _ in range(400)]
    block = "\n".join(block_docs).encode("utf-8")
    target = megabytes * 1_000_000
    written = 0
    with path.open("wb") as f:
        while written < target:
            chunk = block[: target - written]
            # keep UTF-8 valid at a cut
            chunk = chunk.decode("utf-8", errors="ignore").encode("utf-8")
            f.write(chunk)
            written += len(chunk)
            if not chunk:
                break
    return written


# --------------------------------------------------------------------------
# names


def _read_tsv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)


_KO_SURNAMES = ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Ahn", "Wi", "Ko"]
_KO_SYL = ["sung", "lac", "gyu", "baek", "hyun", "jong", "geon", "yong", "chul", "min", "ji", "seo", "hee"]
_SL_GIVEN = [
    "Volodymyr",
    "Oleksandr",
    "Serhiy",
    "Dmitry",
    "Yuriy",
    "Olena",
    "Tatiana",
    "Mykola",
    "Andrei",
    "Ivan",
]
_SL_SUR = [
    "Zelensky",
    "Lukashenko",
    "Shevchenko",
    "Petrov",
    "Kovalenko",
    "Ivanova",
    "Sekerinska",
    "Bondarenko",
]
_OTHER = ["Ana María López", "Gabriel García Márquez", "John Smith", "Marie Curie", "Jean-Luc Picard"]


def _hangul(rng: random.Random, n: int) -> str:
    return "".join(chr(0xAC00 + rng.randrange(11172)) for _ in range(n))


def _cyrillic(rng: random.Random, n: int) -> str:
    letters = "абвгдеёжзийклмнопрстуфхцчшщыэюяіїєґ"
    w = "".join(rng.choice(letters) for _ in range(n))
    return w[:1].upper() + w[1:]


def generated_names(n: int, seed: int = 0) -> list[str]:
    """Distinct person names in Hangul, Latin (Korean, Slavic, other) and Cyrillic."""
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[str] = []
    makers = [
        lambda: _hangul(rng, rng.choice([2, 3, 3, 4])),
        lambda: f"{rng.choice(_KO_SURNAMES)} {rng.choice(_KO_SYL).title()}-{rng.choice(_KO_SYL)}",
        lambda: f"{rng.choice(_SL_GIVEN)} {rng.choice(_SL_SUR)}{rng.choice(['', 'a', 'ov', 'enko'])}",
        lambda: f"{_cyrillic(rng, rng.randint(4, 9))} {_cyrillic(rng, rng.randint(4, 8))}",
        lambda: f"{rng.choice(_OTHER)} {rng.choice('ABCDEFGHJKLMNPRSTVW')}.",
    ]
    tries = 0
    while len(out) < n and tries < n * 50:
        tries += 1
        name = rng.choice(makers)()
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def names(settings: Settings) -> tuple[list[str], str]:
    """Distinct person names (shuffled) and where they came from."""
    n = max(50, int((5_000 if settings.quick else 40_000) * settings.scale))
    d = eval_dir("names")
    found: dict[str, None] = {}
    if d is not None:
        specs = [
            ("wd_korean_persons.tsv", ("english", "hangul")),
            ("ep_russia_persons.tsv", ("name",)),
            ("ofac2025_persons.tsv", ("alias",)),
            ("dev_pairs_korean.tsv", ("a", "b")),
            ("dev_pairs_slavic.tsv", ("a", "b")),
        ]
        for fname, cols in specs:
            p = d / fname
            if p.exists():
                for row in _read_tsv(p):
                    for c in cols:
                        v = (row.get(c) or "").strip()
                        if v:
                            found[v] = None
    out = list(found)
    source = f"{len(out)} distinct names from ../shared/eval/names" if out else ""
    if len(out) < n:
        extra = [x for x in generated_names(n, settings.seed) if x not in found]
        out.extend(extra[: n - len(out)])
        source = (source + " + " if source else "") + f"{len(extra[: n - len(found)])} generated"
    rng = random.Random(settings.seed)
    rng.shuffle(out)
    return out[:n], source


def pairs(settings: Settings) -> tuple[list[tuple[str, str]], str]:
    """Name pairs (half matching, half not, when taken from the dev sets)."""
    n = max(50, int((5_000 if settings.quick else 20_000) * settings.scale))
    d = eval_dir("names")
    out: list[tuple[str, str]] = []
    if d is not None:
        for fname in ("dev_pairs_korean.tsv", "dev_pairs_slavic.tsv"):
            p = d / fname
            if p.exists():
                out.extend((r["a"], r["b"]) for r in _read_tsv(p))
    source = f"{len(out)} dev pairs (../shared/eval/names)" if out else ""
    if not out:
        rng = random.Random(settings.seed)
        base = generated_names(n, settings.seed)
        for i, a in enumerate(base):
            if i % 2:
                b = a.upper() if rng.random() < 0.5 else " ".join(reversed(a.split()))
            else:
                b = rng.choice(base)
            out.append((a, b))
        source = f"{len(out)} generated pairs"
    rng = random.Random(settings.seed)
    rng.shuffle(out)
    return out[:n], source


def _letters(name: str) -> str:
    """The name's letters, case-folded and sorted: equal for two names that
    differ only in token order, separators or where the tokens are cut."""
    return "".join(sorted(c for c in name.casefold() if c.isalpha()))


def persons_table(path: Path, n: int, seed: int = 0) -> list[str]:
    """Write an alias table of ``n`` generated persons; return the canonical names.

    Each person gets one variant: a misspelt surname (one vowel changed). No
    two rows share their letters (so no normalisation of order, case or
    separators can make two rows collide), and, when normkit's ``name_key``
    is available, no two persons share a key.
    """
    try:
        from normkit import name_key as key_of
    except Exception:  # the harness also runs before the name engines exist

        def key_of(name: str) -> str:
            return _letters(name)

    rng = random.Random(seed)
    syl = ["ka", "ri", "mo", "te", "su", "na", "lo", "vi", "de", "zan", "bor", "mil", "ko", "ra", "len"]
    swap = {"a": "e", "e": "i", "i": "o", "o": "u", "u": "a"}
    rows: list[tuple[str, str]] = []
    taken: set[str] = set()
    while len(rows) < n:
        given = "".join(rng.choice(syl) for _ in range(rng.randint(2, 3))).title()
        sur = "".join(rng.choice(syl) for _ in range(rng.randint(2, 4))).title()
        vowels = [i for i, c in enumerate(sur) if c in swap]
        i = vowels[-1]
        bad = sur[:i] + swap[sur[i]] + sur[i + 1 :]
        name, variant = f"{given} {sur}", f"{given} {bad}"
        forms = {_letters(name), _letters(variant), "s:" + sur.lower(), "s:" + bad.lower()}
        with contextlib.suppress(Exception):
            forms |= {"k:" + key_of(name), "k:" + key_of(variant)}
        if forms & taken:
            continue
        taken |= forms
        rows.append((name, variant))
    rows.sort()
    with path.open("w", encoding="utf-8") as f:
        f.write("canonical\tvariant\tlang\tnote\n")
        for c, v in rows:
            f.write(f"{c}\t{v}\tund\tgenerated benchmark entry\n")
    return [c for c, _ in rows]


# --------------------------------------------------------------------------
# web pages (boilerplate)


def pages(view: str, settings: Settings) -> tuple[list[str], str]:
    """Pages of one view (``fulltext`` or ``lighttext``) and where they came from."""
    d = eval_dir("boilerplate", view)
    n = max(10, int((150 if settings.quick else 400) * settings.scale))
    if d is not None:
        files = sorted(d.glob("*.txt"))[:n]
        return [p.read_text(encoding="utf-8") for p in files], f"{len(files)} pages of ../shared/eval {view}"
    gen = TextGenerator(settings.seed)
    if view == "fulltext":
        return [gen.page() for _ in range(n)], f"{n} generated pages"
    return [gen.document() for _ in range(n)], f"{n} generated articles"


def one_page(path: Path) -> Path:
    """Write a one-page news article (the first seed) to ``path``."""
    texts = seed_texts()
    text = texts[0] if texts else TextGenerator(0).document()
    path.write_text(text, encoding="utf-8")
    return path
