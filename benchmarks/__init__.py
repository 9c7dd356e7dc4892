"""Benchmarks: normkit side by side with its peers, on the same inputs, in one run.

Run ``python -m benchmarks`` (``--quick`` for a short run, ``--only CASE`` for
one case, ``--write-docs`` to regenerate ``docs/performance.md``). Peers are the
``bench`` extra (``pip install -e '.[bench]'``); a case whose normkit side or
peer is missing is skipped with the reason printed.
"""

from __future__ import annotations

__all__ = ["CASES"]

# case name -> "module:function" (imported on demand so that a broken module
# only skips its own cases)
CASES: dict[str, str] = {
    "text": "benchmarks.text:bench_text",
    "names-step": "benchmarks.text:bench_names_step",
    "name_key": "benchmarks.names:bench_name_key",
    "same_name": "benchmarks.names:bench_same_name",
    "boilerplate-fullpage": "benchmarks.boilerplate:bench_fullpage",
    "boilerplate-residual": "benchmarks.boilerplate:bench_residual",
    "cli": "benchmarks.cli:bench_cli",
    "stream": "benchmarks.cli:bench_stream",
    "corpus": "benchmarks.scale:bench_corpus",
}
