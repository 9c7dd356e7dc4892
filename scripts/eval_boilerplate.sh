#!/usr/bin/env sh
# Score the boilerplate stripper on the development set, both views:
#   fulltext  (whole-page text)       with profile fullpage
#   lighttext (extractor output)      with profile residual
# Needs the shared evaluation folder next to the repository (../shared); skips otherwise.
# Extra arguments go to the scorer (e.g. --limit 50, --json out.json, --repeat 3).
set -eu
cd "$(dirname "$0")/.."
DATA=../shared/eval/boilerplate
if [ ! -f "$DATA/score.py" ]; then
    echo "eval_boilerplate: $DATA not found; nothing to score" >&2
    exit 0
fi
PY=${PYTHON:-python}
echo "== fulltext, profile fullpage"
"$PY" "$DATA/score.py" --data "$DATA" --view fulltext --python normkit.boilerplate:fullpage "$@"
echo "== lighttext, profile residual"
"$PY" "$DATA/score.py" --data "$DATA" --view lighttext --python normkit.boilerplate:residual "$@"
