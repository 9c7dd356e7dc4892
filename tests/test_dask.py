"""normkit.dask on a real distributed.LocalCluster (2 worker processes on
127.0.0.1): results equal the serial ones exactly."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from normkit.corpus import clean_many

pytest.importorskip("dask.bag")
pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import dask.bag as db  # noqa: E402
import dask.dataframe as dd  # noqa: E402
import pandas as pd  # noqa: E402

from normkit.dask import (  # noqa: E402
    clean_bag,
    clean_column,
    line_document_counts,
    recurring_lines,
    strip_boilerplate_bag,
    strip_boilerplate_column,
)

ROOT = Path(__file__).resolve().parent.parent

TEXTS = [
    f"{i}: {t}"
    for i, t in enumerate(
        [
            "",
            "plain",
            "a\u00a0b  \n\n\n\nc\u200b",
            "tab\tand  spaces   \n",
            "astral 𝔘𝔫𝔦 😀\u00a0",
            "ﬁve ﬁgures",
            "x" * 300 + "  \n\n\n",
        ]
        * 40
    )
]


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    # Worker processes are spawned: make sure they can import this checkout.
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), old) if p)
    try:
        with (
            distributed.LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            ) as cluster,
            distributed.Client(cluster) as c,
        ):
            yield c
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old


def test_cluster_has_two_worker_processes(client: Any) -> None:
    workers = client.scheduler_info()["workers"]
    assert len(workers) == 2
    pids = client.run(os.getpid)
    assert len(set(pids.values())) == 2
    assert os.getpid() not in pids.values()


@pytest.mark.parametrize("options", [{}, {"form": "NFKC"}])
def test_bag_equals_serial_clean_many(client: Any, options: dict[str, object]) -> None:
    bag = db.from_sequence(TEXTS, npartitions=7)
    out = client.compute(clean_bag(bag, **options)).result()
    assert out == list(clean_many(TEXTS, **options))


def test_column_equals_serial_clean_many(client: Any) -> None:
    texts: list[str | None] = [t if i % 9 else None for i, t in enumerate(TEXTS)]
    frame = pd.DataFrame({"id": range(len(texts)), "text": texts})
    df = dd.from_pandas(frame, npartitions=5)
    out = client.compute(clean_column(df, "text", output="clean")).result()
    assert out["id"].tolist() == list(range(len(texts)))
    assert out["text"].isna().tolist() == [t is None for t in texts]
    expected = clean_many(t for t in texts if t is not None)
    assert out["clean"].dropna().tolist() == list(expected)
    assert out["clean"].isna().tolist() == [t is None for t in texts]


def test_unknown_preset_fails_before_running() -> None:
    with pytest.raises(ValueError, match="unknown preset"):
        clean_bag(db.from_sequence(["x"]), preset="nope")


def pages() -> list[str]:
    """Pages whose furniture recurs across partitions, never within one."""
    out = []
    for i in range(12):
        body = (
            f"Report {i}: the harbour board met on day {i} and approved {i + 3} new moorings for the boats.\n"
        )
        furniture = "Subscribe to our weekly newsletter\n" if i % 3 == 0 else ""
        out.append(f"* Home\n* About us\n{body}{furniture}Copyright Harbour News\n")
    return out


def test_boilerplate_counts_span_all_partitions(client: Any) -> None:
    docs = pages()
    bag = db.from_sequence(docs, npartitions=4)  # three pages a partition, one with the newsletter line
    counts = client.compute(line_document_counts(bag)).result()
    assert counts[0] == len(docs)
    assert counts[1]["Subscribe to our weekly newsletter"] == 4
    assert "Subscribe to our weekly newsletter" in recurring_lines(counts, min_docs=3, min_share=0.2)
    assert not any(line.startswith("Report") for line in recurring_lines(counts))


def test_boilerplate_bag_equals_serial_corpus_mode(client: Any) -> None:
    boilerplate = pytest.importorskip("normkit.boilerplate")
    docs = pages()
    out = client.compute(strip_boilerplate_bag(db.from_sequence(docs, npartitions=4))).result()
    assert out == list(boilerplate.strip_boilerplate_many(docs, batch_size=len(docs)))


def test_boilerplate_column_equals_serial_corpus_mode(client: Any) -> None:
    boilerplate = pytest.importorskip("normkit.boilerplate")
    docs = pages()
    df = dd.from_pandas(pd.DataFrame({"text": docs}), npartitions=3)
    out = client.compute(strip_boilerplate_column(df, "text", profile="fullpage")).result()
    expected = boilerplate.strip_boilerplate_many(docs, batch_size=len(docs), profile="fullpage")
    assert out["text"].tolist() == list(expected)
