#!/usr/bin/env bash
# Full GoEmotions-28 runs for issue 5 (frozen encoder, zero-shot, ensembles), as in docs/benchmarks.md.
# Usage: EMOBENCH_HOME=/tmp/enc-home bash benchmarks/models_encoders.sh   (about an hour on 2 busy CPU cores)
set -euo pipefail
export HF_HUB_OFFLINE=1 OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
run() {  # prints the summary and the wall time; remembers the run id in $ID
  local out; out=$( { /usr/bin/time -f "wall %e s" nice -n 5 .venv/bin/bench run -d goemotions -q "$@"; } 2>&1 )
  echo "$out"; ID=$(echo "$out" | grep -o 'run [0-9a-f]\{16\}' | head -1 | cut -c5-)
}
run -m tfidf-logreg;                                   TFIDF=$ID
run -m sentence-encoder;                               SE=$ID    # encodes the 54k texts once
run -m sentence-encoder --model-param head=mlp;        MLP=$ID   # embedding cache: encodes nothing
run -m zero-shot                                                 # embedding cache for the texts too
run -m ensemble --model-param members=$TFIDF,$SE
run -m ensemble --model-param members=$TFIDF,$MLP
run -m ensemble --model-param members=$TFIDF,$MLP --model-param weights=4,1
run -m ensemble --model-param members=$TFIDF,$SE,$MLP
run -m tfidf-logreg --model-param class_weight=balanced;   TFB=$ID
run -m ensemble --model-param members=$TFB,$MLP            # best on dev
