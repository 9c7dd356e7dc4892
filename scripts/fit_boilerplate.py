"""Fit the two-stage logistic line model on the dev labels and write normkit/boilerplate_model.py.

Development tool (needs numpy and ../shared/eval/boilerplate beside the repository); the fitted weights are
committed in normkit/boilerplate_model.py, so users never run this. Method: docs/boilerplate.md.
"""

import glob
import json
import os
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from normkit.boilerplate import section_ends
from normkit.boilerplate_features import (
    best_span,
    context_features,
    detect_language,
    line_features,
    span_features,
    word_weight,
)

D = str(Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "boilerplate")
TOK = re.compile(r"\w+")


def load(view):
    lab_dir = "lines" if view == "fulltext" else "lines_lighttext"
    docs = []
    for f in sorted(glob.glob(f"{D}/{view}/*.txt")):
        i = f.split("/")[-1][:-4]
        raw = Path(f).read_text(encoding="utf-8").split("\n")
        labs = {}
        for l in Path(f"{D}/{lab_dir}/{i}.jsonl").read_text(encoding="utf-8").splitlines():
            d = json.loads(l)
            labs[d["line_no"]] = d["label"]
        lines, y, w = [], [], []
        for k, t in enumerate(raw, 1):
            s = t.strip()
            if not s:
                continue
            lines.append(s)
            y.append(labs.get(k, 0))
            w.append(len(TOK.findall(s)))
        if lines:
            lang = detect_language(lines)
            docs.append(
                (
                    i,
                    lines,
                    np.array(y, float),
                    np.array(w, float),
                    np.array(line_features(lines, lang)),
                    [word_weight(s) for s in lines],
                )
            )
    return docs


def fit(X, y, w, l2=1.0, iters=25):
    beta = np.zeros(X.shape[1])
    for _ in range(iters):
        p = 1 / (1 + np.exp(-np.clip(X @ beta, -30, 30)))
        g = X.T @ (w * (p - y)) + l2 * beta
        H = (X.T * (w * p * (1 - p))) @ X + l2 * np.eye(X.shape[1])
        beta -= np.linalg.solve(H, g)
    return beta


def augment(docs, mode):
    out = list(docs)
    if "oracle" in mode:
        for i, lines, y, w, _F, _sw in docs:
            keep = [k for k in range(len(lines)) if y[k] == 1]
            if len(keep) < 2:
                continue
            L = [lines[k] for k in keep]
            lang = detect_language(L)
            out.append(
                (
                    i + "o",
                    L,
                    np.ones(len(L)),
                    w[keep],
                    np.array(line_features(L, lang)),
                    [word_weight(s) for s in L],
                )
            )
    return out


def decide(p, sw, dec):
    th_s, lo, hi, lw, lol = dec
    a, b = best_span(list(p), sw, th_s)
    return [
        ((p[j] >= lo) if a <= j <= b else (p[j] >= hi)) or (sw[j] >= lw and p[j] >= lol)
        for j in range(len(p))
    ]


KEEP_ALL = False

WEIGHTING = os.environ.get("WEIGHTING", "sqrt")

_ends_cache = {}


def ENDS(lines):
    k = tuple(lines)
    if k not in _ends_cache:
        _ends_cache[k] = section_ends(lines)
    return _ends_cache[k]


def selfaug(docs, b1, b2, th1, dec):
    out = []
    for i, lines, y, w, F, sw in docs:
        p = 1 / (1 + np.exp(-(F @ b1)))
        C = np.array(context_features(list(p), lines, list(map(list, F)), ENDS(lines)))
        X = np.hstack([F, C[:, 1:], np.array(span_features(list(p), sw, th1))])
        p2 = 1 / (1 + np.exp(-(X @ b2)))
        keep = [k for k, v in enumerate(decide(p2, sw, dec)) if v]
        if len(keep) < 2 or len(keep) == len(lines):
            continue
        L = [lines[k] for k in keep]
        lang = detect_language(L)
        yy = np.ones(len(keep)) if KEEP_ALL else y[keep]
        out.append((i + "s", L, yy, w[keep], np.array(line_features(L, lang)), [sw[k] for k in keep]))
    return out


def train(view, th1, l2, mode="", dec=None):
    base = load(view)
    global KEEP_ALL
    KEEP_ALL = "keep" in mode
    if "self" in mode:
        b1, b2 = train_docs(base, th1, l2)
        extra = selfaug(base, b1, b2, th1, dec)
        base2 = selfaug(base + extra, *train_docs(base + extra, th1, l2), th1, dec) if "self2" in mode else []
        return train_docs(augment(base, mode) + extra + base2, th1, l2)
    return train_docs(augment(base, mode), th1, l2)


def train_docs(docs, th1, l2):
    Y = np.concatenate([d[2] for d in docs])
    W = np.concatenate([d[3] for d in docs])
    X1 = np.vstack([d[4] for d in docs])
    wt = np.where(W > 0, (W + 1.0 if WEIGHTING == "tokens" else np.sqrt(W) + 1), 0.0)
    b1 = fit(X1, Y, wt, l2)
    X2 = []
    for _i, lines, _y, _w, F, sw in docs:
        p = 1 / (1 + np.exp(-(F @ b1)))
        C = np.array(context_features(list(p), lines, list(map(list, F)), ENDS(lines)))
        X2.append(np.hstack([F, C[:, 1:], np.array(span_features(list(p), sw, th1))]))
    X2 = np.vstack(X2)
    b2 = fit(X2, Y, wt, l2)
    return b1, b2


if __name__ == "__main__":
    cfg = json.loads(sys.argv[1])  # {"fullpage": {"view":..., "th1":..., "decision":[...]}, ...}
    out = [
        '"""Weights of the boilerplate line model (generated; do not edit by hand).',
        "",
        "Two logistic models per profile, fitted on the line labels of the WCXB",
        "development sample (CC-BY-4.0, Foley 2026): ``b1`` over each line's own",
        "features (:data:`normkit.boilerplate_features.FEATURES`), ``b2`` over those",
        "plus context and span features (:data:`STAGE2_FEATURES`). ``th1`` is the",
        "span threshold on first-stage scores; ``decision`` is (span threshold,",
        'keep-inside threshold, keep-outside threshold, words of a "long" line,',
        "keep threshold for long lines) on second-stage scores.",
        "Only weights and thresholds come from the data, no text.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from normkit.boilerplate_features import CONTEXT_FEATURES, FEATURES, SPAN_FEATURES",
        "",
        "STAGE2_FEATURES: tuple[str, ...] = FEATURES + CONTEXT_FEATURES[1:] + SPAN_FEATURES",
        "",
        "MODELS: dict[str, dict[str, tuple[float, ...]]] = {",
    ]
    for prof, c in cfg.items():
        b1, b2 = train(c["view"], c["th1"], c.get("l2", 1.0), c.get("mode", ""), c["decision"])
        out.append(f'    "{prof}": {{')
        out.append(f'        "b1": ({", ".join(f"{v:.4f}" for v in b1)},),')
        out.append(f'        "b2": ({", ".join(f"{v:.4f}" for v in b2)},),')
        out.append(f'        "th1": ({c["th1"]},),')
        out.append(f'        "decision": ({", ".join(str(v) for v in c["decision"])}),')
        out.append("    },")
    out.append("}")
    model = Path(__file__).resolve().parent.parent / "normkit" / "boilerplate_model.py"
    model.write_text("\n".join(out) + "\n", encoding="utf-8")
    print("written")
