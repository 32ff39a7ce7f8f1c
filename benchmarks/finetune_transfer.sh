#!/bin/sh
# transformer-finetune on full GoEmotions-28, its ensemble with tfidf-logreg, and the GoEmotions -> CARER
# transfer protocol (CPU, packaged MiniLM). Results are in docs/benchmarks.md ("Models and transfer (issue 5)").
# The fine-tune parameters are those of `--preset minilm-cpu`, spelled out so that step 3 reuses step 1's run
# as its source (a run's identity is the parameters it was given).
set -e
export TOKENIZERS_PARALLELISM=false HF_HUB_OFFLINE=1
: "${EMOBENCH_HOME:=/tmp/ft-full}"
export EMOBENCH_HOME
FT="--model-param epochs=3 --model-param freeze_embeddings=true --model-param pooling=mean \
    --model-param lr=1e-4 --model-param head_lr=3e-3 --model-param pos_weight=balanced"

# 1. three epochs on the full GoEmotions train split (43,410 rows)
/usr/bin/time -f "wall %e s" bench run -d goemotions -m transformer-finetune $FT -q

# 1b. a second seed, and minority EDA (rare labels raised to ~1,000 train rows) compared with step 1
bench run -d goemotions -m transformer-finetune --seed 1 $FT -q
bench run -d goemotions -a eda --aug-scope minority --aug-target 1000 -m transformer-finetune $FT -q

# 2. class-balanced tfidf-logreg, then the ensemble of both (equal weights, thresholds re-tuned on dev)
bench run -d goemotions -m tfidf-logreg --model-param class_weight=balanced -q
FTRUN=$(bench leaderboard -d goemotions --per-seed --format json | python3 -c \
    "import json,sys; print(next(r['run_id'] for r in json.load(sys.stdin) if r['model']=='transformer-finetune' and r['augmenter']=='none' and r['seed']==0))")
TFRUN=$(bench leaderboard -d goemotions --format json | python3 -c \
    "import json,sys; print(next(r['run_id'] for r in json.load(sys.stdin) if r['model']=='tfidf-logreg'))")
bench run -d goemotions -m ensemble --model-param members=$FTRUN,$TFRUN -q

# 3. transfer, reusing run 1 as the source; full CARER (16k train rows at max), 2 target epochs,
#    at least 2,000 rows per target epoch so that sizes 100 and 500 get enough steps
/usr/bin/time -f "wall %e s" bench transfer --source goemotions --target carer \
    --strategies baseline,freeze,nofreeze --sizes 100,500,max --seeds 2 $FT \
    --target-param epochs=2 --target-param min_epoch_size=2000 --figure docs/figures -q
