"""Derive the Korean frequency tables in data/korean/derived/ from Wikidata labels.

Source: ../shared/eval/names/wd_korean_persons.tsv (English and Korean labels of
Korean persons on Wikidata, via steveash/NETransliteration-COLING2018, CC0 1.0).
Writes:

- derived/surname_counts.tsv: Hangul surname, number of persons;
- derived/given_syllables.tsv: Hangul syllable, number of occurrences in given names (all,
  as the first syllable, as a later syllable);
- derived/surname_spellings.tsv: Hangul surname, Latin spelling (lower case), count,
  for spellings used at least twice; the surname word of an English label is the one
  the Korean engine reads as the Hangul surname.

Only frequencies are kept (no name is copied). Without the source file the script
says so and exits 0.

    python scripts/derive_korean_priors.py
"""

from __future__ import annotations

import collections
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "eval" / "names" / "wd_korean_persons.tsv"
OUT = ROOT / "data" / "korean" / "derived"

HEADER = (
    "# Derived by scripts/derive_korean_priors.py from Wikidata English/Korean labels of Korean persons\n"
    "# (steveash/NETransliteration-COLING2018 data/wd_korean, CC0 1.0). Frequencies only.\n"
)


def _write(name: str, columns: str, rows: list[tuple[str, ...]]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    text = HEADER + columns + "\n" + "".join("\t".join(r) + "\n" for r in rows)
    (OUT / name).write_text(text, encoding="utf-8")
    print(f"wrote {OUT / name} ({len(rows)} rows)")


def main() -> int:
    if not SOURCE.is_file():
        print(f"{SOURCE} not found; nothing derived (the shipped tables stay as they are)")
        return 0
    sys.path.insert(0, str(ROOT))
    import unicodedata

    from normkit.tables import read_table

    table = read_table(SOURCE)
    compound = {"남궁", "선우", "제갈", "황보", "독고", "사공", "서문", "동방"}
    surnames: collections.Counter[str] = collections.Counter()
    given: collections.Counter[str] = collections.Counter()
    first: collections.Counter[str] = collections.Counter()
    pairs: list[tuple[str, str]] = []
    for row in table:
        h = unicodedata.normalize("NFC", row["hangul"]).strip()
        if not (2 <= len(h) <= 5) or not all(0xAC00 <= ord(c) <= 0xD7A3 for c in h):
            continue
        n = 2 if len(h) >= 3 and h[:2] in compound else 1
        surnames[h[:n]] += 1
        for k, c in enumerate(h[n:]):
            given[c] += 1
            if k == 0:
                first[c] += 1
        pairs.append((h[:n], row["english"]))
    _write("surname_counts.tsv", "hangul\tcount", sorted((h, str(c)) for h, c in surnames.items()))
    _write(
        "given_syllables.tsv",
        "syllable\tcount\tfirst\tlater",
        sorted((s, str(c), str(first[s]), str(c - first[s])) for s, c in given.items()),
    )

    # Surname spellings: needs the engine (which reads the two tables just written).
    spell_path = OUT / "surname_spellings.tsv"
    if not spell_path.exists():
        _write("surname_spellings.tsv", "hangul\tlatin\tcount", [])
    from normkit.names import korean

    spellings: collections.Counter[tuple[str, str]] = collections.Counter()
    for sur, english in pairs:
        words = [w for w in english.replace(",", " ").split() if w]
        if len(words) < 2:
            continue
        best: tuple[float, str] | None = None
        for w in (words[0], words[-1]):
            if "-" in w:
                continue
            m = korean.match(w, sur)
            if m.same and (best is None or m.score > best[0]):
                best = (m.score, w)
        if best is not None:
            latin = "".join(c for c in best[1].casefold() if c.isalpha() and c.isascii())
            if latin:
                spellings[(sur, latin)] += 1
    _write(
        "surname_spellings.tsv",
        "hangul\tlatin\tcount",
        sorted((h, sp, str(c)) for (h, sp), c in spellings.items() if c >= 2),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
