"""The ``normkit corpus IN OUT`` command: clean a corpus on every core, resumably.

``normkit.cli`` imports this module only when the ``corpus`` command runs;
it calls :func:`configure` to add the arguments and :func:`run` to run it.
The progress bar uses tqdm (the ``corpus`` extra) when it is installed and
standard error is a terminal, and is imported only here.

>>> import argparse
>>> parser = argparse.ArgumentParser(prog="normkit corpus")
>>> configure(parser)
>>> args = parser.parse_args(["in/", "out/", "--jobs", "2"])
>>> args.jobs, args.preset, args.field
(2, 'default', 'text')
"""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["configure", "main", "run"]


def _option(text: str) -> tuple[str, object]:
    """``key=value`` -> (key, value); the value is read as JSON if it parses
    (``true``, ``3``, ``"x"``), else kept as a string."""
    import json

    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    try:
        parsed: object = json.loads(value)
    except ValueError:
        parsed = value
    return key.strip().replace("-", "_"), parsed


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``corpus`` command's arguments to ``parser``."""
    parser.description = (
        "Clean a corpus: IN is a directory of UTF-8 text files (one document each), a JSONL file or "
        "directory (the text in --field), or Parquet (needs normkit[parquet]); OUT mirrors it. "
        "Work is done in shards; rerunning an interrupted command resumes it without redoing "
        "finished shards, and the output does not depend on --jobs. Documents that cannot be "
        "cleaned are skipped and logged with their id and reason; the exit status is 1 if any were."
    )
    parser.add_argument("input", metavar="IN", help="corpus to read")
    parser.add_argument("output", metavar="OUT", help="where to write the cleaned corpus")
    parser.add_argument("--preset", default="default", help="preset to apply (default: %(default)s)")
    parser.add_argument(
        "--option",
        "-o",
        dest="options",
        action="append",
        type=_option,
        default=[],
        metavar="KEY=VALUE",
        help="a step option (repeatable), e.g. -o form=NFKC",
    )
    parser.add_argument(
        "--format", dest="fmt", choices=("text", "jsonl", "parquet"), help="input format (default: guessed)"
    )
    parser.add_argument(
        "--field", default="text", help="JSON field or Parquet column with the text (default: text)"
    )
    parser.add_argument("--id-field", help="JSON field or column naming documents in the failure log")
    parser.add_argument(
        "--jobs", "-j", type=int, default=0, metavar="N", help="worker processes (default: all cores)"
    )
    parser.add_argument(
        "--shard-size",
        type=int,
        default=1000,
        metavar="DOCS",
        help="documents per shard, the unit of resumption (default: %(default)s)",
    )
    parser.add_argument("--state", metavar="DIR", help="state directory (default: OUT.normkit-state)")
    parser.add_argument(
        "--restart", action="store_true", help="discard an earlier run's state and start over"
    )
    parser.add_argument(
        "--explain-sample",
        type=int,
        default=0,
        metavar="N",
        help="write what changed in N randomly chosen documents to STATE/explain.jsonl",
    )
    parser.add_argument(
        "--boilerplate-corpus",
        action="store_true",
        help="first strip boilerplate in corpus mode: lines that recur across the whole corpus "
        "(site menus, footers) are learnt in a first pass, then removed with the other boilerplate",
    )
    parser.add_argument(
        "--boilerplate-profile",
        choices=("residual", "fullpage"),
        default="residual",
        help="with --boilerplate-corpus: residual (extracted articles; default) or fullpage (whole pages)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


class _Progress:
    """A tqdm bar (documents, docs/s, ETA) on a terminal; else silent."""

    def __init__(self, enabled: bool) -> None:
        self._bar: Any = None
        self._tqdm: Callable[..., Any] | None = None
        if enabled and sys.stderr.isatty():
            try:
                self._tqdm = importlib.import_module("tqdm").tqdm
            except ImportError:
                print("normkit corpus: install normkit[corpus] for a progress bar", file=sys.stderr)

    def __call__(self, done: int, total: int) -> None:
        if self._tqdm is None:
            return
        if self._bar is None:
            self._bar = self._tqdm(
                total=total, initial=done, unit="doc", unit_scale=True, dynamic_ncols=True, smoothing=0.1
            )
        else:
            self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


class _Terminated(Exception):
    """SIGTERM arrived."""


def _terminate(signum: int, frame: object) -> None:
    raise _Terminated


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def run(args: argparse.Namespace) -> int:
    """Run the ``corpus`` command; returns the exit status (0 ok, 1 some
    documents failed, 2 the run could not start, 130 interrupted, 143
    terminated)."""
    from normkit.corpus import CorpusBoilerplate, CorpusError, run_corpus

    progress = _Progress(not args.no_progress)
    # A job scheduler's SIGTERM stops the run in order, like Ctrl-C (the state stays resumable).
    try:
        previous: Any = signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # not the main thread: leave signals alone
        previous = None
    boilerplate = CorpusBoilerplate(profile=args.boilerplate_profile) if args.boilerplate_corpus else None
    try:
        report = run_corpus(
            args.input,
            args.output,
            preset=args.preset,
            fmt=args.fmt,
            field=args.field,
            id_field=args.id_field,
            jobs=args.jobs,
            shard_size=args.shard_size,
            state_dir=args.state,
            restart=args.restart,
            explain_sample=args.explain_sample,
            progress=progress,
            boilerplate=boilerplate,
            **dict(args.options),
        )
    except (CorpusError, ValueError, TypeError, OSError) as exc:
        progress.close()
        print(f"normkit corpus: error: {exc}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, _Terminated) as exc:
        progress.close()
        print("normkit corpus: interrupted; run the same command again to resume", file=sys.stderr)
        return 143 if isinstance(exc, _Terminated) else 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    progress.close()
    rate = report.processed / report.seconds if report.seconds > 0 else 0.0
    resumed = f", {report.resumed_shards} resumed" if report.resumed_shards else ""
    print(
        f"normkit corpus: {_count(report.documents, 'document')} in {_count(report.shards, 'shard')}"
        f"{resumed}, {report.seconds:.1f} s ({rate:,.{0 if rate >= 10 else 1}f} docs/s) -> {report.output}",
        file=sys.stderr,
    )
    if report.explanations is not None:
        print(f"normkit corpus: explanations in {report.explanations}", file=sys.stderr)
    if report.failed:
        print(
            f"normkit corpus: {report.failed} document(s) failed and were skipped; see {report.failures}",
            file=sys.stderr,
        )
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``normkit corpus`` as a program (``python -m normkit.corpus_cli``)."""
    parser = argparse.ArgumentParser(prog="normkit corpus")
    configure(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
