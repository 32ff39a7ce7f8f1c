#!/bin/sh
# Is EDA's gain on GoEmotions significant? 3 seeds of none and eda (tfidf-logreg, 5000 rows per split),
# then leaderboard with bootstrap CIs, compare with p-value, figures and the HTML report.
# Usage: EMOBENCH_HOME=/tmp/reports-bench sh benchmarks/reports_significance.sh
set -e
for seed in 0 1 2; do
  bench run -d goemotions --limit 5000 --seed $seed -q
  bench run -d goemotions --limit 5000 --seed $seed --augmenter eda --aug-copies 2 -q
done
bench leaderboard --ci
bench leaderboard --ci --per-seed
A=$(bench leaderboard --per-seed --format json -a eda | python -c "import json,sys; print([r['run_id'] for r in json.load(sys.stdin) if r['seed']==0][0])")
B=$(bench leaderboard --per-seed --format json -a none | python -c "import json,sys; print([r['run_id'] for r in json.load(sys.stdin) if r['seed']==0][0])")
bench compare "$A" "$B"
time bench figures --out "$EMOBENCH_HOME/figures"
time bench report --out "$EMOBENCH_HOME/site"
