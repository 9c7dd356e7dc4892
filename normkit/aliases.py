"""Alias tables: people's preferred spellings, layered, checked and edited.

An alias table is a TSV file with the header ``canonical variant lang note``
(and an optional fifth column ``flags``): one variant spelling of a person's
name per line, ``#`` comment lines, UTF-8 NFC, sorted by canonical then
variant. ``canonical`` is the spelling normkit writes; ``variant`` is another
spelling of the same person (another romanisation, another script, a known
misspelling).

Tables are loaded in layers: the built-in ``data/aliases/*.tsv`` first, then
the project tables named in ``[tool.normkit] extend-aliases``, then the files
given on the command line (``--aliases FILE``). A row of a later layer that
contradicts an earlier layer (its variant is another person's spelling, or its
canonical is another person's variant) is an error unless the row carries the
flag ``override``; an override moves the spelling to the new canonical, and an
override whose variant is an earlier person's canonical renames that person.

>>> s = load_aliases()
>>> s.lookup("WI SUNG-RAK")
('Wi Sung-lac',)
>>> s.lookup("Sekerinska, Radmila")
('Radmila Šekerinska',)
>>> bool(set(lookup_forms("Šekerinska-Jankovska, RADMILA")) & set(name_forms("Radmila Šekerinska Jankovska")))
True
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from normkit.tables import Problem, Row, Table, TableError, data_path, parse_tsv, read_table

__all__ = [
    "COLUMNS",
    "AliasSet",
    "Entry",
    "Person",
    "add_rows",
    "builtin_tables",
    "check",
    "format_suggestions",
    "format_table",
    "format_text",
    "load_aliases",
    "lookup_forms",
    "name_forms",
    "normalize_name",
    "project_tables",
    "sort_key",
    "suggest",
]

COLUMNS: tuple[str, ...] = ("canonical", "variant", "lang", "note")
FLAGS_COLUMN = "flags"
KNOWN_FLAGS = frozenset({"override"})
HEADER = "canonical\tvariant\tlang\tnote"

_LANG = re.compile(r"^[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-[A-Z]{2})?$")
_APOSTROPHES = str.maketrans("", "", "'’ʼ‘`´")
_SPLIT = re.compile(r"[\s,.;:/()\[\]\"“”„«»]+")
_HYPHENS = re.compile(r"[-‐‑‒–—]+")
_SURNAME_FIRST = ("ko", "zh", "ja", "vi", "hu", "mn")
MIN_SURNAME_LETTERS = 4


# --------------------------------------------------------------------------
# The runtime normaliser


def _strip_marks(s: str) -> str:
    d = unicodedata.normalize("NFD", s)
    if d.isascii():
        return d
    return unicodedata.normalize("NFC", "".join(ch for ch in d if not unicodedata.combining(ch)))


@functools.lru_cache(maxsize=65536)
def _words(name: str) -> tuple[str, ...]:
    s = _strip_marks(unicodedata.normalize("NFKC", name).casefold()).translate(_APOSTROPHES)
    return tuple(w for w in _SPLIT.split(s) if w.strip("-‐‑‒–—"))


def _parts(name: str) -> tuple[list[str], list[str]]:
    words = [_HYPHENS.sub("", w) for w in _words(name)]
    words = [w for w in words if w]
    return words, sorted(words)


@functools.lru_cache(maxsize=65536)
def name_forms(name: str) -> tuple[str, ...]:
    """The normalised forms under which a listed spelling is indexed.

    Case, diacritics, apostrophes and separators are ignored. A spelling is
    indexed by its words in any order (hyphens inside a word dropped:
    "Gyu-baek" is "gyubaek") and by its letters run together with the
    surname moved to either end ("#ahngyubaek", "#gyubaekahn"), so "Gyu Baek
    Ahn" finds "Ahn Gyu-baek" while "Yoon Young-min" stays apart from "Yoon
    Min-young". Text is looked up by :func:`lookup_forms`.

    >>> name_forms("Ahn Gyu-baek")
    ('ahn gyubaek', '#ahngyubaek', '#gyubaekahn')
    >>> name_forms("")
    ()
    """
    words, ordered = _parts(name)
    if not words:
        return ()
    forms = [" ".join(ordered), "#" + "".join(words)]
    if len(words) > 1:
        forms.append("#" + "".join(words[1:] + words[:1]))
        forms.append("#" + "".join(words[-1:] + words[:-1]))
    return tuple(dict.fromkeys(forms))


@functools.lru_cache(maxsize=65536)
def lookup_forms(text: str) -> tuple[str, ...]:
    """The forms a mention in text is looked up under (a subset of its
    :func:`name_forms`): its words in any order, and its letters in order.

    >>> set(lookup_forms("Gyu Baek AHN")) & set(name_forms("Ahn Gyu-baek"))
    {'#gyubaekahn'}
    """
    words, ordered = _parts(text)
    if not words:
        return ()
    return tuple(dict.fromkeys((" ".join(ordered), "#" + "".join(words))))


def normalize_name(name: str) -> str:
    """The runtime normaliser's main form of a spelling ("" if it has no
    letters): its words, casefolded, without diacritics, sorted.

    >>> normalize_name("ŠEKERINSKA, Radmila")
    'radmila sekerinska'
    """
    forms = name_forms(name)
    return forms[0] if forms else ""


def sort_key(canonical: str, variant: str) -> tuple[str, str, str, str]:
    """The order rows are kept in: canonical then variant, case-insensitively.

    >>> sorted([("b", "x"), ("A", "y")], key=lambda r: sort_key(*r))
    [('A', 'y'), ('b', 'x')]
    """
    return (canonical.casefold(), canonical, variant.casefold(), variant)


def script_of(s: str) -> str:
    """The Unicode script of the first letter of ``s`` ("LATIN", "HANGUL", ...; "" if none)."""
    for ch in s:
        if ch.isalpha():
            try:
                return unicodedata.name(ch).split(" ", 1)[0]
            except ValueError:
                return "?"
    return ""


def _letters(s: str) -> int:
    return sum(1 for ch in s if ch.isalpha())


# --------------------------------------------------------------------------
# Entries and persons


@dataclasses.dataclass(frozen=True)
class Entry:
    """One row of an alias table, with where it came from."""

    canonical: str
    variant: str
    lang: str
    note: str
    override: bool
    source: str
    line: int
    layer: int
    col_canonical: int = 1
    col_variant: int = 1

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"

    @property
    def short_where(self) -> str:
        return f"{Path(self.source).name}:{self.line}"


@dataclasses.dataclass
class Person:
    """A canonical spelling with its variants (by variant text)."""

    canonical: str
    variants: dict[str, Entry]
    layer: int

    @property
    def surname_first(self) -> bool:
        """Whether the person's names put the surname first (from the rows' ``lang``)."""
        langs = [e.lang.split("-", 1)[0] for e in self.variants.values() if e.lang]
        return bool(langs) and all(lang in _SURNAME_FIRST for lang in langs)


def _surname(name: str, surname_first: bool) -> str:
    """The surname token of a spelling ("" when it cannot be told)."""
    if "," in name:
        head = name.split(",", 1)[0].strip()
        return head if " " not in head else ""
    parts = name.split()
    if len(parts) < 2:
        return ""
    return parts[0] if surname_first else parts[-1]


# --------------------------------------------------------------------------
# Reading tables


def builtin_tables() -> tuple[Path, ...]:
    """The built-in alias tables, ``data/aliases/*.tsv``, in name order."""
    try:
        folder = data_path("aliases")
    except FileNotFoundError:
        return ()
    return tuple(sorted(folder.glob("*.tsv")))


def project_tables(start: str | Path | None = None) -> tuple[Path, ...]:
    """The tables named in ``[tool.normkit] extend-aliases`` of the project
    configuration found from ``start`` (default: the working directory), as
    absolute paths. ``()`` when there is no configuration.

    >>> isinstance(project_tables(), tuple)
    True
    """
    from normkit.config import discover

    return tuple(discover(start).extend_aliases)


def _read(path: str | Path) -> Table:
    p = Path(path)
    try:
        return read_table(p, columns=COLUMNS, required=("canonical", "variant"))
    except OSError as e:
        return Table(
            str(path), COLUMNS, (), [Problem(str(path), 1, 1, "error", f"cannot read: {e.strerror}")]
        )


def _entry(row: Row, source: str, layer: int, problems: list[Problem]) -> Entry | None:
    canonical, variant = row["canonical"].strip(), row["variant"].strip()
    if len(row.fields) < 2:
        problems.append(
            Problem(source, row.line, 1, "error", "malformed row: expected canonical<TAB>variant")
        )
        return None
    if not canonical or not variant:
        return None  # parse_tsv reported the empty field
    bad = False
    for column, value in (("canonical", canonical), ("variant", variant)):
        if not name_forms(value):
            problems.append(Problem(source, row.line, row.col(column), "error", f"{column} has no letters"))
            bad = True
    lang = row.get("lang").strip()
    if lang and not _LANG.match(lang):
        problems.append(
            Problem(
                source,
                row.line,
                row.col("lang"),
                "warning",
                f"lang {lang!r} is not a tag like 'ko' or 'mk-Latn'",
            )
        )
    flags: set[str] = set()
    if FLAGS_COLUMN in row.columns:
        flags = {f for f in re.split(r"[\s,]+", row.get(FLAGS_COLUMN)) if f}
        unknown = flags - KNOWN_FLAGS
        if unknown:
            problems.append(
                Problem(
                    source,
                    row.line,
                    row.col(FLAGS_COLUMN),
                    "error",
                    f"unknown flag(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(KNOWN_FLAGS))}",
                )
            )
    if bad:
        return None
    return Entry(
        canonical,
        variant,
        lang,
        row.get("note"),
        "override" in flags,
        source,
        row.line,
        layer,
        row.col("canonical"),
        row.col("variant"),
    )


# --------------------------------------------------------------------------
# Checking and merging


def _check_layer(entries: list[Entry], problems: list[Problem]) -> list[Entry]:
    """Problems among the rows of one layer; returns the rows that may be merged."""
    good: list[Entry] = []
    pairs: dict[tuple[str, str], Entry] = {}
    by_form: dict[str, Entry] = {}
    canon_forms: dict[str, Entry] = {}
    for e in entries:
        for f in name_forms(e.canonical):
            canon_forms.setdefault(f, e)

    def err(e: Entry, col: int, msg: str, severity: str = "error") -> None:
        problems.append(Problem(e.source, e.line, col, severity, msg))

    # variant -> canonical edges on main forms, for chain/cycle detection
    edges: dict[str, set[str]] = {}
    for e in entries:
        edges.setdefault(normalize_name(e.variant), set()).add(normalize_name(e.canonical))

    def in_cycle(start: str) -> bool:
        seen: set[str] = set()
        stack = list(edges.get(start, ()))
        while stack:
            n = stack.pop()
            if n == start:
                return True
            if n in seen:
                continue
            seen.add(n)
            stack.extend(edges.get(n, ()))
        return False

    for e in entries:
        if e.canonical == e.variant:
            err(e, e.col_variant, f"self-map: variant {e.variant!r} is its own canonical")
            continue
        vforms, cforms = name_forms(e.variant), name_forms(e.canonical)
        if set(vforms) & set(cforms):
            err(
                e,
                e.col_variant,
                f"self-map: {e.variant!r} normalises to its canonical {e.canonical!r} (redundant)",
                "warning",
            )
            continue
        first = pairs.get((e.canonical, e.variant))
        if first is not None:
            err(e, 1, f"duplicate of {first.short_where}")
            continue
        vmain = normalize_name(e.variant)
        if in_cycle(vmain):
            err(e, e.col_variant, f"cycle: {e.variant!r} -> {e.canonical!r} leads back to {e.variant!r}")
            continue
        chain = next((canon_forms[f] for f in vforms if f in canon_forms), None)
        if chain is not None:
            err(
                e,
                e.col_variant,
                f"chain: variant {e.variant!r} is the canonical of {chain.short_where}; "
                f"map its variants to {e.canonical!r} directly",
            )
            continue
        clash = next((by_form[f] for f in vforms if f in by_form), None)
        if clash is not None:
            if clash.variant == e.variant:
                err(
                    e,
                    e.col_variant,
                    f"conflict: variant {e.variant!r} is claimed by {clash.canonical!r} "
                    f"({clash.short_where}) and {e.canonical!r}",
                )
            elif clash.canonical == e.canonical:
                err(
                    e,
                    e.col_variant,
                    f"collision: {e.variant!r} and {clash.variant!r} ({clash.short_where}) are one spelling "
                    f"after normalisation",
                )
            else:
                err(
                    e,
                    e.col_variant,
                    f"collision: {e.variant!r} ({e.canonical!r}) and {clash.variant!r} ({clash.canonical!r}, "
                    f"{clash.short_where}) are one spelling after normalisation",
                )
            continue
        pairs[(e.canonical, e.variant)] = e
        for f in vforms:
            by_form[f] = e
        good.append(e)
    # two canonicals that are one spelling after normalisation
    first_canonical: dict[str, Entry] = {}
    for e in entries:
        for f in name_forms(e.canonical):
            seen_first = first_canonical.setdefault(f, e)
            if seen_first.canonical != e.canonical:
                err(
                    e,
                    e.col_canonical,
                    f"collision: canonicals {e.canonical!r} and {seen_first.canonical!r} "
                    f"({seen_first.short_where}) are one spelling after normalisation",
                )
                break
    # a canonical that is someone else's variant in the same layer (only where not already a cycle)
    for e in good:
        for f in name_forms(e.canonical):
            other = by_form.get(f)
            if (
                other is not None
                and other.canonical != e.canonical
                and not in_cycle(normalize_name(e.variant))
            ):
                err(
                    e,
                    e.col_canonical,
                    f"chain: canonical {e.canonical!r} is a variant of {other.canonical!r} "
                    f"({other.short_where})",
                )
                break
    return good


def _check_sorted(table: Table, problems: list[Problem]) -> None:
    prev: Row | None = None
    for row in table.rows:
        if prev is not None and sort_key(row["canonical"], row["variant"]) < sort_key(
            prev["canonical"], prev["variant"]
        ):
            problems.append(
                Problem(
                    table.source,
                    row.line,
                    1,
                    "error",
                    f"not sorted: this row belongs before line {prev.line} (run `normkit aliases fmt`)",
                )
            )
            return
        prev = row


class _Merger:
    """Merges layers into persons, applying overrides."""

    def __init__(self) -> None:
        self.persons: dict[str, Person] = {}
        self.owner: dict[str, str] = {}  # form -> canonical (of variants and canonicals)
        self.layer_of: dict[str, int] = {}  # form -> layer of the row that claimed it
        self.layer = 0

    def _index(self, canonical: str, spelling: str) -> None:
        for f in name_forms(spelling):
            self.owner[f] = canonical
            self.layer_of[f] = self.layer

    def _person(self, canonical: str, layer: int) -> Person:
        p = self.persons.get(canonical)
        if p is None:
            p = Person(canonical, {}, layer)
            self.persons[canonical] = p
            self._index(canonical, canonical)
        return p

    def _remove_variant(self, canonical: str, spelling_forms: set[str]) -> None:
        p = self.persons.get(canonical)
        if p is None:
            return
        for v in [v for v in p.variants if set(name_forms(v)) & spelling_forms]:
            del p.variants[v]
            for f in name_forms(v):
                if self.owner.get(f) == canonical:
                    del self.owner[f]

    def _rename(self, old: str, new: str, e: Entry) -> None:
        p = self.persons.pop(old)
        target = self._person(new, e.layer)
        for f in name_forms(old):
            self.owner[f] = new
        for v, ve in p.variants.items():
            target.variants.setdefault(v, ve)
            self._index(new, v)
        new_forms = set(name_forms(new))
        for v in [v for v in target.variants if set(name_forms(v)) & new_forms]:
            del target.variants[v]
        self._index(new, new)

    def add(self, e: Entry, problems: list[Problem]) -> None:
        self.layer = e.layer
        vforms, cforms = set(name_forms(e.variant)), set(name_forms(e.canonical))
        # the canonical is another person's variant (or canonical under another spelling)
        for f in cforms:
            other = self.owner.get(f)
            if other is None or other == e.canonical or self.layer_of.get(f, -1) >= e.layer:
                continue  # same-layer problems were reported by the layer check
            if other in self.persons and f in set(name_forms(other)):
                # an earlier person's canonical written differently
                if e.override:
                    self._rename(other, e.canonical, e)
                    break
                problems.append(
                    Problem(
                        e.source,
                        e.line,
                        e.col_canonical,
                        "warning",
                        f"canonical {e.canonical!r} is {other!r} of an earlier table; the row is added to "
                        f"{other!r} (mark it 'override' to respell the canonical)",
                    )
                )
                self.add(dataclasses.replace(e, canonical=other), problems)
                return
            if e.override:
                self._remove_variant(other, cforms)
            else:
                problems.append(
                    Problem(
                        e.source,
                        e.line,
                        e.col_canonical,
                        "error",
                        f"conflict: canonical {e.canonical!r} is a variant of {other!r} in an earlier table; "
                        f"mark the row 'override' to make it a canonical",
                    )
                )
                return
        for f in vforms:
            other = self.owner.get(f)
            if other is None or other == e.canonical or self.layer_of.get(f, -1) >= e.layer:
                continue
            if not e.override:
                what = "canonical" if f in set(name_forms(other)) else "a variant"
                problems.append(
                    Problem(
                        e.source,
                        e.line,
                        e.col_variant,
                        "error",
                        f"conflict: {e.variant!r} is {what} of {other!r} in an earlier table; "
                        f"mark the row 'override' to change it",
                    )
                )
                return
            if f in set(name_forms(other)):
                self._rename(other, e.canonical, e)
            else:
                self._remove_variant(other, vforms)
        p = self._person(e.canonical, e.layer)
        if vforms & set(name_forms(p.canonical)):
            return  # renamed onto itself
        p.variants.setdefault(e.variant, e)
        self._index(e.canonical, e.variant)


def _collect(
    paths_by_layer: Sequence[Sequence[str | Path]],
) -> tuple[list[Table], list[list[Entry]], list[Problem]]:
    tables: list[Table] = []
    layers: list[list[Entry]] = []
    problems: list[Problem] = []
    for layer, paths in enumerate(paths_by_layer):
        entries: list[Entry] = []
        for path in paths:
            table = _read(path)
            tables.append(table)
            problems.extend(table.problems)
            for row in table.rows:
                e = _entry(row, table.source, layer, problems)
                if e is not None:
                    entries.append(e)
        layers.append(entries)
    return tables, layers, problems


def _merge(layers: list[list[Entry]], problems: list[Problem]) -> dict[str, Person]:
    merger = _Merger()
    for entries in layers:
        overridden: list[Entry] = []
        for e in _check_layer(entries, problems):
            before = dict(merger.owner) if e.override else {}
            merger.add(e, problems)
            if e.override and e.layer > 0:
                touched = any(before.get(f) not in (None, e.canonical) for f in name_forms(e.variant)) or any(
                    before.get(f) not in (None, e.canonical) for f in name_forms(e.canonical)
                )
                if not touched:
                    overridden.append(e)
        for e in overridden:
            problems.append(
                Problem(e.source, e.line, e.col_variant, "warning", "marked 'override' but overrides nothing")
            )
    return merger.persons


def _key_warnings(persons: dict[str, Person], problems: list[Problem]) -> None:
    from normkit.names import name_key

    by_key: dict[str, list[str]] = {}
    for canonical in persons:
        k = _safe_key(name_key, canonical)
        if k:
            by_key.setdefault(k, []).append(canonical)
    for names in by_key.values():
        if len(names) < 2:
            continue
        for canonical in names[1:]:
            e = next(iter(persons[canonical].variants.values()), None)
            if e is None:
                continue
            problems.append(
                Problem(
                    e.source,
                    e.line,
                    e.col_canonical,
                    "warning",
                    f"ambiguous: canonicals {names[0]!r} and {canonical!r} share one name_key; "
                    f"mentions spelled by key alone will be left alone",
                )
            )


def _safe_key(func: object, name: str) -> str:
    try:
        k = func(name)  # type: ignore[operator]
    except Exception:  # an engine bug must not break the loader
        return ""
    return k if isinstance(k, str) else ""


def check(
    files: Sequence[str | Path] = (),
    *,
    base: Sequence[str | Path] | None = None,
    keys: bool = True,
) -> list[Problem]:
    """Every problem of the given alias tables, checked on top of ``base``
    (default: the built-in tables; a file that is itself in ``base`` is
    checked as part of it). Problems are sorted by file, line and column.

    >>> check([data_path("aliases", "people.tsv")])
    []
    """
    base_paths = [Path(p) for p in (builtin_tables() if base is None else base)]
    resolved = {p.resolve() for p in base_paths}
    extra = [Path(f) for f in files if Path(f).resolve() not in resolved]
    layers: list[Sequence[str | Path]] = [base_paths, *[[f] for f in extra]]
    tables, entries, problems = _collect(layers)
    for table in tables:
        if not any(
            p.message.startswith(("header", "no header", "cannot read", "invalid UTF-8"))
            for p in table.errors
        ):
            _check_sorted(table, problems)
    persons = _merge(entries, problems)
    if keys:
        _key_warnings(persons, problems)
    wanted = {str(Path(f)) for f in files} | {str(Path(f).resolve()) for f in files}
    if files:
        problems = [p for p in problems if p.file in wanted or str(Path(p.file).resolve()) in wanted]
    return sorted(set(problems))


# --------------------------------------------------------------------------
# The loaded set used at run time


class AliasSet:
    """Every person of the loaded layers, indexed for lookup.

    Build one with :func:`load_aliases` (cached); the indexes used by the
    ``names`` step (name keys, surnames, the token scanner) are built on first
    use.
    """

    def __init__(self, persons: dict[str, Person], sources: tuple[str, ...] = ()) -> None:
        self.persons = persons
        self.sources = sources
        self.forms: dict[str, dict[str, Entry | None]] = {}
        for c, p in persons.items():
            for f in name_forms(c):
                self.forms.setdefault(f, {})[c] = None
            for v, e in p.variants.items():
                for f in name_forms(v):
                    self.forms.setdefault(f, {}).setdefault(c, e)

    def __len__(self) -> int:
        return len(self.persons)

    def lookup(self, spelling: str) -> tuple[str, ...]:
        """The canonicals whose listed spellings normalise like ``spelling``."""
        found: dict[str, None] = {}
        for f in lookup_forms(spelling):
            for c in self.forms.get(f, {}):
                found[c] = None
        return tuple(found)

    def lookup_entries(self, spelling: str) -> dict[str, Entry | None]:
        """Canonical -> the row that lists the spelling (None: it is the canonical)."""
        found: dict[str, Entry | None] = {}
        for f in lookup_forms(spelling):
            for c, e in self.forms.get(f, {}).items():
                if c not in found or found[c] is None:
                    found[c] = e
        return found

    @functools.cached_property
    def keys(self) -> dict[str, frozenset[str]]:
        """name_key -> canonicals, over every listed spelling."""
        from normkit.names import name_key

        out: dict[str, set[str]] = {}
        for c, p in self.persons.items():
            for spelling in (c, *p.variants):
                k = _safe_key(name_key, spelling)
                if k:
                    out.setdefault(k, set()).add(c)
        return {k: frozenset(v) for k, v in out.items()}

    @functools.cached_property
    def surnames(self) -> dict[str, frozenset[str]]:
        """Normalised surname -> canonicals, from spellings in the canonical's
        script with the canonical's number of words and a surname of at least
        four letters."""
        out: dict[str, set[str]] = {}
        for c, p in self.persons.items():
            first = p.surname_first
            cs = _surname(c, first)
            if not cs:
                continue
            n = len(c.replace(",", " ").split())
            script = script_of(cs)
            for spelling in (c, *p.variants):
                if spelling != c and len(spelling.replace(",", " ").split()) != n:
                    continue
                s = _surname(spelling, first)
                if s and script_of(s) == script and _letters(s) >= MIN_SURNAME_LETTERS:
                    for f in name_forms(s):
                        out.setdefault(f, set()).add(c)
        return {k: frozenset(v) for k, v in out.items()}

    @functools.cached_property
    def max_words(self) -> int:
        """The most words (hyphen parts counted) in any listed spelling."""
        return max(
            (len(_TOKEN.findall(s)) for c, p in self.persons.items() for s in (c, *p.variants)),
            default=1,
        )

    @functools.cached_property
    def canonical_surname(self) -> dict[str, str]:
        """Canonical -> its surname as written in the canonical."""
        return {c: s for c, p in self.persons.items() if (s := _surname(c, p.surname_first))}

    @functools.cached_property
    def tokens(self) -> frozenset[str]:
        """Every word of every listed spelling as it may appear in text
        (as written, without diacritics, lower, upper and title case)."""
        out: set[str] = set()
        for c, p in self.persons.items():
            for spelling in (c, *p.variants):
                for w in _TOKEN.findall(unicodedata.normalize("NFC", spelling)):
                    for form in {w, _strip_marks(w)}:
                        out.update((form, form.lower(), form.upper(), form[:1].upper() + form[1:].lower()))
        return frozenset(t for t in out if t)


_TOKEN = re.compile(r"[^\W\d_]+")


_CACHE: dict[tuple[tuple[str, int, int], ...], AliasSet] = {}


def _stamp(paths: Iterable[Path]) -> tuple[tuple[str, int, int], ...]:
    out = []
    for p in paths:
        try:
            st = p.stat()
            out.append((str(p), st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((str(p), -1, -1))
    return tuple(out)


def load_aliases(paths: Sequence[str | Path] = (), *, builtin: bool = True) -> AliasSet:
    """The built-in tables (unless ``builtin=False``) with ``paths`` layered
    on top, in order. Cached by the paths and their modification times.

    Raises :class:`~normkit.tables.TableError` listing every error when a
    table is invalid (a missing file is an error too).

    >>> len(load_aliases()) >= 6
    True
    """
    base = builtin_tables() if builtin else ()
    user = tuple(Path(p) for p in paths)
    stamp = (("builtin", int(builtin), len(base)), *_stamp(base), *_stamp(user))
    cached = _CACHE.get(stamp)
    if cached is not None:
        return cached
    _tables, entries, problems = _collect([base, *[[p] for p in user]])
    persons = _merge(entries, problems)
    errors = sorted({p for p in problems if p.severity == "error"})
    if errors:
        raise TableError(errors)
    result = AliasSet(persons, tuple(str(p) for p in (*base, *user)))
    if len(_CACHE) > 32:
        _CACHE.clear()
    _CACHE[stamp] = result
    return result


# --------------------------------------------------------------------------
# Formatting and editing


def format_text(text: str, source: str = "<table>") -> str:
    """Sort rows and drop exact duplicates, keeping comments with the row they
    precede and the comment block before the header at the top. Idempotent.

    >>> table = "canonical\\tvariant\\tlang\\tnote\\nB\\tb2\\t\\t\\nA\\ta1\\t\\t\\nB\\tb2\\t\\t\\n"
    >>> print(format_text(table), end="")
    canonical	variant	lang	note
    A	a1
    B	b2
    """
    lines = text.splitlines()
    head: list[str] = []
    i = 0
    while i < len(lines) and (not lines[i].strip() or lines[i].lstrip().startswith("#")):
        head.append(lines[i])
        i += 1
    if i == len(lines):
        return "\n".join(head) + ("\n" if head else "")
    header = lines[i].rstrip()
    ncols = len(header.split("\t"))
    blocks: list[tuple[tuple[str, str, str, str], list[str], list[str]]] = []
    pending: list[str] = []
    trailing: list[str] = []
    for line in lines[i + 1 :]:
        if not line.strip():
            continue
        if line.lstrip().startswith("#"):
            pending.append(line)
            continue
        fields = [unicodedata.normalize("NFC", f.strip()) for f in line.split("\t")]
        while len(fields) > 2 and not fields[-1]:
            fields.pop()
        fields = fields[: max(ncols, 2)] if len(fields) <= ncols else fields
        canonical = fields[0] if fields else ""
        variant = fields[1] if len(fields) > 1 else ""
        blocks.append((sort_key(canonical, variant), pending, fields))
        pending = []
    trailing = pending
    blocks.sort(key=lambda b: b[0])
    out = [*head, header]
    seen: dict[tuple[str, str], int] = {}
    for _key, comments, fields in blocks:
        pair = (fields[0] if fields else "", fields[1] if len(fields) > 1 else "")
        if pair in seen and pair[0] and pair[1]:
            kept = seen[pair]
            old = out[kept].split("\t")
            # keep the first row; take fields it lacks from the duplicate
            for k, f in enumerate(fields):
                if k >= len(old):
                    old.append(f)
                elif not old[k] and f:
                    old[k] = f
            out[kept] = "\t".join(old)
            out.extend(comments)
            continue
        out.extend(comments)
        seen[pair] = len(out)
        out.append("\t".join(fields))
    out.extend(trailing)
    return "\n".join(out) + "\n"


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _check_text(text: str, path: Path) -> list[Problem]:
    """The problems of ``text`` as the new content of the table ``path``,
    checked on top of the built-in tables (or as one of them)."""
    parsed = parse_tsv(text, str(path), columns=COLUMNS, required=("canonical", "variant"))
    problems = list(parsed.problems)
    builtin = [b for b in builtin_tables() if b.resolve() != path.resolve()]
    is_builtin = len(builtin) != len(builtin_tables())
    _tables, layers, _base_problems = _collect([builtin])
    own: list[Entry] = []
    for row in parsed.rows:
        e = _entry(row, str(path), 0 if is_builtin else 1, problems)
        if e is not None:
            own.append(e)
    _merge([layers[0] + own] if is_builtin else [layers[0], own], problems)
    return sorted({q for q in problems if q.file == str(path)})


def format_table(path: str | Path) -> bool:
    """Sort and de-duplicate a table file in place (atomically). Returns
    whether the file changed."""
    p = Path(path)
    text = p.read_text(encoding="utf-8-sig")
    new = format_text(text, str(p))
    if new == text:
        return False
    _atomic_write(p, new)
    return True


def _clean_field(value: str) -> str:
    return unicodedata.normalize("NFC", " ".join(value.replace("\t", " ").split()))


def add_rows(
    path: str | Path,
    canonical: str,
    variants: Sequence[str],
    *,
    lang: str = "",
    note: str = "",
    override: bool = False,
) -> list[Problem]:
    """Add ``canonical -> variant`` rows to the table at ``path`` (created
    with a header when missing), keep it sorted, and return the problems the
    checker finds in the result (the file is written only when it has no
    errors)."""
    p = Path(path)
    canonical = _clean_field(canonical)
    text = p.read_text(encoding="utf-8-sig") if p.exists() else ""
    if not text.strip():
        text = HEADER + ("\tflags" if override else "") + "\n"
    header = next((ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")), HEADER)
    has_flags = FLAGS_COLUMN in header.split("\t")
    if override and not has_flags:
        return [Problem(str(p), 1, 1, "error", "the table has no 'flags' column for an override row")]
    rows = []
    for v in variants:
        fields = [canonical, _clean_field(v), _clean_field(lang), _clean_field(note)]
        if has_flags:
            fields.append("override" if override else "")
        while len(fields) > 2 and not fields[-1]:
            fields.pop()
        rows.append("\t".join(fields))
    new = format_text(text.rstrip("\n") + "\n" + "\n".join(rows) + "\n", str(p))
    problems = _check_text(new, p)
    if not any(q.severity == "error" for q in problems):
        p.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(p, new)
    return problems


__all__ += ["TableError"]


# --------------------------------------------------------------------------
# Mining new aliases from a corpus

_CORPUS_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\"“”«»(\[]\s*|\s[-–—]\s)$")
_POSSESSIVE_END = re.compile(r"['’]s$")
_VOWELS = frozenset("aeiouy")
_TEXT_SUFFIXES = frozenset(
    {".txt", ".md", ".markdown", ".rst", ".html", ".htm", ".xml", ".json", ".jsonl", ".tsv", ".csv"}
)


@dataclasses.dataclass
class _Seen:
    count: int = 0
    context: set[str] = dataclasses.field(default_factory=set)
    examples: list[tuple[str, int, str]] = dataclasses.field(default_factory=list)
    full: dict[str, int] = dataclasses.field(default_factory=dict)  # "Given Surname" spellings


@dataclasses.dataclass(frozen=True)
class Suggestion:
    """A candidate alias row mined by :func:`suggest`."""

    canonical: str
    variant: str
    reason: str
    score: float
    counts: tuple[int, int]
    examples: tuple[tuple[str, int, str], ...]
    known: str = ""
    labels: tuple[str, str] = ("", "")

    def row(self) -> str:
        return f"{self.canonical}\t{self.variant}\t\tsuggested: {self.reason}"


def _corpus_files(paths: Sequence[str | Path]) -> Iterable[Path]:
    for path in paths:
        p = Path(path)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                hidden = any(part.startswith(".") for part in f.relative_to(p).parts)
                if f.is_file() and not hidden and (f.suffix.lower() in _TEXT_SUFFIXES or not f.suffix):
                    yield f
        elif p.is_file():
            yield p


def _fold(word: str) -> str:
    return _strip_marks(word).casefold()


def _nonascii(word: str) -> int:
    return sum(1 for ch in word if not ch.isascii())


def _listed_where(aset: AliasSet, found: set[str], canonical: str, variant: str) -> str:
    """Where a suggested pair is already listed (``file:line``), or ""."""
    if not found:
        return ""
    c = sorted(found)[0]
    e = aset.lookup_entries(variant).get(c) or aset.lookup_entries(canonical).get(c)
    return e.short_where if e is not None else c


def suggest(
    paths: Sequence[str | Path],
    *,
    aliases: Sequence[str | Path] = (),
    limit: int = 50,
    new_only: bool = False,
    examples: int = 2,
) -> list[Suggestion]:
    """Mine a corpus for names whose spellings nearly collide: the same letters
    but for diacritics, one letter substituted ("Šekerinska"/"Sekirinska"),
    or the same ``name_key`` in different spellings or scripts. Returns the
    candidates best first; rows the loaded tables already have are marked
    ``known`` (or dropped with ``new_only``).

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.txt").write_text("Minister Ivana Petrovska spoke. Later Petrovska left.\\n")
    >>> _ = (d / "b.txt").write_text("Minister Ivana Petrofska arrived. Petrofska smiled.\\n")
    >>> [(s.canonical, s.variant) for s in suggest([d])]
    [('Ivana Petrovska', 'Ivana Petrofska')]
    """
    from normkit.names import name_key

    seen: dict[str, _Seen] = {}
    fulls: dict[str, _Seen] = {}
    lower: set[str] = set()
    for f in _corpus_files(paths):
        try:
            text = f.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for lineno, line in enumerate(text.splitlines(), start=1):
            run: list[tuple[str, bool]] = []
            prev_end = -1

            def flush(run: list[tuple[str, bool]], where: tuple[str, int, str]) -> None:
                names = [w for w, _ in run]
                for size in (2, 3):
                    if len(names) >= size:
                        full = " ".join(names[-size:])
                        fs = fulls.setdefault(full, _Seen())
                        fs.count += 1
                        if len(fs.examples) < examples:
                            fs.examples.append(where)

            for m in _CORPUS_WORD.finditer(line):
                word = _POSSESSIVE_END.sub("", m.group())
                ch = word[0]
                if ch.islower():
                    lower.add(_fold(word))
                    flush(run, (str(f), lineno, line.strip()))
                    run = []
                    continue
                initial = bool(_SENTENCE_END.search(line[: m.start()])) and not (
                    run and prev_end == m.start() - 1
                )
                if not (run and prev_end == m.start() - 1 and line[prev_end] == " "):
                    flush(run, (str(f), lineno, line.strip()))
                    run = []
                prev = run[-1][0] if run else ""
                run.append((word, initial))
                prev_end = m.end()
                if _letters(word) < MIN_SURNAME_LETTERS or "-" in word:
                    continue
                s = seen.setdefault(word, _Seen())
                s.count += 1
                if prev:
                    s.context.add(_fold(prev))
                    full = f"{prev} {word}"
                    s.full[full] = s.full.get(full, 0) + 1
                if len(s.examples) < examples:
                    s.examples.append((str(f), lineno, line.strip()))
            flush(run, (str(f), lineno, line.strip()))
    words = [w for w in seen if _fold(w) not in lower and not w.isupper()]
    pairs: dict[tuple[str, str], str] = {}
    by_fold: dict[str, list[str]] = {}
    for w in words:
        by_fold.setdefault(_fold(w), []).append(w)
    for group in by_fold.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                pairs[tuple(sorted((a, b)))] = "the same letters but for diacritics"  # type: ignore[index]
    folds = sorted(by_fold)
    buckets: dict[str, list[str]] = {}
    for fw in folds:
        for i in range(len(fw)):
            buckets.setdefault(fw[:i] + "\0" + fw[i + 1 :], []).append(fw)
    for key, group in buckets.items():
        if len(group) < 2:
            continue
        i = key.index("\0")
        for x, fa in enumerate(group):
            for fb in group[x + 1 :]:
                kind = "one vowel apart" if fa[i] in _VOWELS and fb[i] in _VOWELS else "one letter apart"
                for a in by_fold[fa]:
                    for b in by_fold[fb]:
                        pairs.setdefault(
                            tuple(sorted((a, b))),  # type: ignore[arg-type]
                            f"{kind} ({fa[i]}/{fb[i]})",
                        )
    by_key: dict[str, list[str]] = {}
    for w in words:
        k = _safe_key(name_key, w)
        if k:
            by_key.setdefault(k, []).append(w)
    for group in by_key.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if _fold(a) == _fold(b):
                    continue
                if script_of(a) != script_of(b):
                    pairs.setdefault(tuple(sorted((a, b))), "one name_key across scripts")  # type: ignore[arg-type]
                elif seen[a].context & seen[b].context:
                    pairs.setdefault(tuple(sorted((a, b))), "one name_key")  # type: ignore[arg-type]
    # full names (two or three capitalised words) that share a name_key
    full_keys: dict[str, list[str]] = {}
    for full in fulls:
        if any(_fold(w) in lower for w in full.split()):
            continue
        k = _safe_key(name_key, full)
        if k:
            full_keys.setdefault(k, []).append(full)
    full_pairs: list[tuple[str, str, str]] = []
    for group in full_keys.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                wa, wb = a.split(), b.split()
                if len(wa) == len(wb) == 3 and _fold(wa[0]) == _fold(wb[0]):
                    continue  # the two-word pair without the shared first word says it
                if normalize_name(a) != normalize_name(b) and not set(name_forms(a)) & set(name_forms(b)):
                    full_pairs.append(
                        (
                            a,
                            b,
                            "one name_key" if script_of(a) == script_of(b) else "one name_key across scripts",
                        )
                    )
    aset = load_aliases(aliases)
    out: list[Suggestion] = []
    for a, b, reason in full_pairs:
        ra = (int(bool(aset.lookup(a)) and a in aset.persons), _nonascii(a), fulls[a].count, a)
        rb = (int(bool(aset.lookup(b)) and b in aset.persons), _nonascii(b), fulls[b].count, b)
        canonical, variant = (a, b) if ra >= rb else (b, a)
        known = _listed_where(
            aset, set(aset.lookup(canonical)) & set(aset.lookup(variant)), canonical, variant
        )
        if new_only and known:
            continue
        sa, sb = fulls[canonical], fulls[variant]
        out.append(
            Suggestion(
                canonical,
                variant,
                reason,
                1.5 + min(sa.count, sb.count) + 0.1 * (sa.count + sb.count),
                (sa.count, sb.count),
                tuple(sa.examples + sb.examples),
                known,
                (canonical, variant),
            )
        )
    for (a, b), reason in pairs.items():
        sa, sb = seen[a], seen[b]
        shared = sa.context & sb.context

        # canonical: a loaded canonical, else the spelling with more information
        def rank(w: str) -> tuple[int, int, int, str]:
            listed = any(w == c or w in c.split() for c in aset.persons)
            return (int(listed), _nonascii(w), seen[w].count, w)

        canonical, variant = (a, b) if rank(a) >= rank(b) else (b, a)
        cfull, vfull = canonical, variant
        if shared:
            given = max(
                shared,
                key=lambda g: (
                    sum(n for k, n in seen[canonical].full.items() if _fold(k.split()[0]) == g),
                    g,
                ),
            )
            cfull = max(
                (k for k in seen[canonical].full if _fold(k.split()[0]) == given),
                key=lambda k: seen[canonical].full[k],
            )
            vfull = max(
                (k for k in seen[variant].full if _fold(k.split()[0]) == given),
                key=lambda k: seen[variant].full[k],
            )
        score = 2.0 * len(shared) + min(sa.count, sb.count) + 0.1 * (sa.count + sb.count)
        if "diacritics" in reason or "name_key" in reason:
            score += 1.0
        found = set(aset.lookup(cfull)) & set(aset.lookup(vfull))
        if not found:
            found = {c for c in aset.surnames.get(normalize_name(canonical), frozenset())} & {
                c for c in aset.surnames.get(normalize_name(variant), frozenset())
            }
        known = _listed_where(aset, found, cfull, vfull)
        if new_only and known:
            continue
        fc, fv = _fold(canonical), _fold(variant)
        if reason.startswith("one ") and "apart" in reason and len(fc) == len(fv):
            at = next(i for i in range(len(fc)) if fc[i] != fv[i])
            reason = reason.split(" (")[0] + f" ({fc[at]}/{fv[at]})"
        context = sorted(
            {w for k in (*seen[canonical].full, *seen[variant].full) if _fold(w := k.split()[0]) in shared}
        )
        detail = reason + (f"; shared context: {', '.join(context)}" if shared else "")
        out.append(
            Suggestion(
                cfull,
                vfull,
                detail,
                score,
                (seen[canonical].count, seen[variant].count),
                tuple(seen[canonical].examples + seen[variant].examples),
                known,
                (canonical, variant),
            )
        )
    out.sort(key=lambda s: (-s.score, s.canonical, s.variant))
    best: dict[tuple[str, str], Suggestion] = {}
    for sug in out:
        pair = (sug.canonical, sug.variant)
        if pair in best:
            kept = best[pair]
            if sug.reason not in kept.reason:
                best[pair] = dataclasses.replace(kept, reason=f"{kept.reason}; {sug.reason}")
        elif (sug.variant, sug.canonical) not in best:
            best[pair] = sug
    return list(best.values())[:limit]


def format_suggestions(suggestions: Sequence[Suggestion], files: int = 0) -> str:
    """Suggestions as a table ready for review: a header, then for each
    candidate its counts and example lines as comments and the row."""
    lines = [
        f"# normkit aliases suggest: {len(suggestions)} candidate(s)"
        + (f" from {files} file(s)" if files else "")
        + "; review every row before adding it to a table",
        HEADER,
    ]
    for s in suggestions:
        a, b = s.labels if s.labels[0] else (s.canonical, s.variant)
        lines.append(f"# {a} x{s.counts[0]} / {b} x{s.counts[1]}: {s.reason}")
        if s.known:
            lines.append(f"# already listed: {s.known}")
        for path, lineno, line in s.examples:
            snippet = line if len(line) <= 100 else line[:97] + "..."
            lines.append(f"#   {path}:{lineno}: {snippet}")
        lines.append(s.row())
    return "\n".join(lines) + "\n"
