"""Run normkit on Dask: bags of texts and columns of Dask dataframes.

Install with ``pip install 'normkit[dask]'``. Everything here is lazy: the
functions build Dask graphs and return Dask collections; nothing runs until
``.compute()`` (or ``.persist()``, ``.to_parquet(...)``) on whatever
scheduler is active, a ``distributed`` cluster included. Pipelines are
shipped to the workers pickled (steps by name), so the results equal
:func:`normkit.clean_many` on the same texts, in the same order.

Corpus-mode boilerplate is a two-pass job: the first pass counts, for every
line, the number of documents it occurs in across *all* partitions; the
second strips each document, also removing lines that recur in enough of
the corpus (site furniture). The result equals
``strip_boilerplate_many(texts, batch_size=len(texts))``, i.e. corpus mode
with the whole corpus as one batch.

>>> import dask.bag as db
>>> bag = db.from_sequence(["a\\u00a0b  ", "x\\u200by"], npartitions=2)
>>> clean_bag(bag).compute(scheduler="sync")
['a b', 'xy']
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from normkit import corpus as _corpus
from normkit.corpus import CorpusBoilerplate, line_fingerprints, strip_recurring
from normkit.pipeline import Pipeline, StepLike

__all__ = [
    "clean_bag",
    "clean_column",
    "clean_series",
    "line_document_counts",
    "recurring_lines",
    "strip_boilerplate_bag",
    "strip_boilerplate_column",
]


def _require(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(f"normkit.dask needs {module}: pip install 'normkit[dask]'") from None


# --------------------------------------------------------------------------
# Presets


def _clean_list(texts: Iterable[str], pipeline: Pipeline) -> list[str]:
    return [pipeline(t) for t in texts]


def _clean_pandas(series: Any, pipeline: Pipeline) -> Any:
    pd = importlib.import_module("pandas")
    values = [pipeline(v) if isinstance(v, str) else v for v in series.tolist()]
    return pd.Series(values, index=series.index, name=series.name, dtype=series.dtype)


def clean_bag(
    bag: Any, *, preset: str = "default", steps: Sequence[StepLike] | None = None, **options: object
) -> Any:
    """Apply a preset to every text of a Dask bag (lazily; order kept).

    Unknown presets and options fail here, not on the workers.

    >>> import dask.bag as db
    >>> clean_bag(db.from_sequence(["ﬁne  "]), form="NFKC").compute(scheduler="sync")
    ['fine']
    """
    pipeline = Pipeline.from_preset(preset, steps=steps, **options)
    return bag.map_partitions(_clean_list, pipeline)


def clean_series(
    series: Any, *, preset: str = "default", steps: Sequence[StepLike] | None = None, **options: object
) -> Any:
    """Apply a preset to a Dask series of texts; missing values stay missing
    and the dtype is kept.

    >>> import pandas as pd, dask.dataframe as dd
    >>> s = dd.from_pandas(pd.Series(["a\\u00a0b", None], dtype=object), npartitions=1)
    >>> out = clean_series(s).compute(scheduler="sync")
    >>> out.iloc[0], bool(out.isna().iloc[1])
    ('a b', True)
    """
    pipeline = Pipeline.from_preset(preset, steps=steps, **options)
    return series.map_partitions(_clean_pandas, pipeline, meta=series._meta)


def clean_column(
    df: Any,
    column: str,
    *,
    preset: str = "default",
    output: str | None = None,
    steps: Sequence[StepLike] | None = None,
    **options: object,
) -> Any:
    """A Dask dataframe with ``column`` cleaned (into ``output`` if given,
    else in place); other columns are untouched.

    >>> import pandas as pd, dask.dataframe as dd
    >>> df = dd.from_pandas(pd.DataFrame({"id": [1, 2], "text": ["a  b ", "c\\u200b"]}), npartitions=2)
    >>> clean_column(df, "text", output="clean").compute(scheduler="sync")["clean"].tolist()
    ['a b', 'c']
    """
    cleaned = clean_series(df[column], preset=preset, steps=steps, **options)
    return df.assign(**{output or column: cleaned})


# --------------------------------------------------------------------------
# Corpus-mode boilerplate: count, then strip (the fingerprints, threshold and
# stripping are normkit.corpus's, shared with ``normkit corpus``)


def _count_texts(texts: Iterable[Any]) -> tuple[int, Counter[str]]:
    n = 0
    counts: Counter[str] = Counter()
    for text in texts:
        if isinstance(text, str):
            n += 1
            counts.update(line_fingerprints(text))
    return n, counts


def _merge_counts(parts: Iterable[tuple[int, Counter[str]]]) -> tuple[int, Counter[str]]:
    n = 0
    total: Counter[str] = Counter()
    for k, counts in parts:
        n += k
        total.update(counts)
    return n, total


def recurring_lines(
    counts: tuple[int, Mapping[str, int]], *, min_docs: int = 3, min_share: float = 0.2
) -> frozenset[str]:
    """The line fingerprints that count as recurring in a corpus, from
    ``(documents, {fingerprint: documents containing it})`` as
    :func:`line_document_counts` computes it.

    >>> sorted(recurring_lines((4, {"Home": 4, "Story": 1})))
    ['Home']
    """
    return _corpus.recurring_lines(counts[0], counts[1], min_docs=min_docs, min_share=min_share)


def _strip_list(texts: Iterable[Any], recurring: frozenset[str], options: CorpusBoilerplate) -> list[Any]:
    return [strip_recurring(t, recurring, options) if isinstance(t, str) else t for t in texts]


def _strip_pandas(series: Any, recurring: frozenset[str], options: CorpusBoilerplate) -> Any:
    pd = importlib.import_module("pandas")
    values = _strip_list(series.tolist(), recurring, options)
    return pd.Series(values, index=series.index, name=series.name, dtype=series.dtype)


def line_document_counts(bag: Any, *, split_every: int | None = 8) -> Any:
    """Pass one: a Dask item ``(documents, Counter{line fingerprint: documents
    containing it})`` over every partition of a bag of texts.

    >>> import dask.bag as db
    >>> bag = db.from_sequence(["a\\nb", "a\\na"], npartitions=2)
    >>> n, counts = line_document_counts(bag).compute(scheduler="sync")
    >>> n, counts["a"], counts["b"]
    (2, 2, 1)
    """
    return bag.reduction(_count_texts, _merge_counts, split_every=split_every)


def strip_boilerplate_bag(
    bag: Any,
    *,
    profile: str = "residual",
    boilerplate_rules: tuple[str, ...] = (),
    min_docs: int = 3,
    min_share: float = 0.2,
    split_every: int | None = 8,
) -> Any:
    """Corpus-mode boilerplate over a whole Dask bag of texts (two passes:
    count line fingerprints across all partitions, then strip).

    The result equals ``strip_boilerplate_many(texts, batch_size=len(texts))``
    with the same options. The count of pass one is held by one task: its
    size grows with the number of distinct lines in the corpus.

    >>> import dask.bag as db
    >>> from normkit.boilerplate import strip_boilerplate_many
    >>> pages = [f"* Home\\n* About us\\nStory {i} is about the harbour.\\n" for i in range(4)]
    >>> out = strip_boilerplate_bag(db.from_sequence(pages, npartitions=2)).compute(scheduler="sync")
    >>> out == list(strip_boilerplate_many(pages, batch_size=len(pages)))
    True
    """
    delayed = _require("dask").delayed
    counts = line_document_counts(bag, split_every=split_every)
    recurring = delayed(recurring_lines, pure=True)(counts, min_docs=min_docs, min_share=min_share)
    options = CorpusBoilerplate(profile, tuple(boilerplate_rules), min_docs, min_share)
    return bag.map_partitions(_strip_list, recurring, options)


def strip_boilerplate_column(
    df: Any,
    column: str,
    *,
    output: str | None = None,
    profile: str = "residual",
    boilerplate_rules: tuple[str, ...] = (),
    min_docs: int = 3,
    min_share: float = 0.2,
    split_every: int | None = 8,
) -> Any:
    """Corpus-mode boilerplate over a text column of a Dask dataframe (two
    passes, as :func:`strip_boilerplate_bag`); missing values stay missing.

    >>> import pandas as pd, dask.dataframe as dd
    >>> from normkit.boilerplate import strip_boilerplate_many
    >>> pages = [f"* Home\\n* About us\\nStory {i} is about the harbour.\\n" for i in range(4)]
    >>> df = dd.from_pandas(pd.DataFrame({"text": pages}), npartitions=2)
    >>> out = strip_boilerplate_column(df, "text").compute(scheduler="sync")["text"].tolist()
    >>> out == list(strip_boilerplate_many(pages, batch_size=len(pages)))
    True
    """
    delayed = _require("dask").delayed
    series = df[column]
    counts = series.to_bag().reduction(_count_texts, _merge_counts, split_every=split_every)
    recurring = delayed(recurring_lines, pure=True)(counts, min_docs=min_docs, min_share=min_share)
    options = CorpusBoilerplate(profile, tuple(boilerplate_rules), min_docs, min_share)
    stripped = series.map_partitions(_strip_pandas, recurring, options, meta=series._meta)
    return df.assign(**{output or column: stripped})
