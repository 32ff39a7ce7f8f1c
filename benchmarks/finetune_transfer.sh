#!/bin/sh
# transformer-finetune on full GoEmotions-28 and the GoEmotions -> CARER transfer protocol (CPU, packaged MiniLM).
# Results are recorded in docs/benchmarks.md ("Models and transfer (issue 5)").
# One torch thread per process: on a shared 2-core machine two threads were 5-8x slower per step.
set -e
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false HF_HUB_OFFLINE=1
: "${EMOBENCH_HOME:=/tmp/ft-accept}"
export EMOBENCH_HOME

# 1. one epoch on the full GoEmotions train split (43,410 rows), word embeddings frozen to save CPU
nice -n 5 bench run -d goemotions -m transformer-finetune \
    --model-param epochs=1 --model-param freeze_embeddings=true -q

# 2. transfer, reusing run 1 as the source (same options = same run id), reduced to fit the CPU budget:
#    CARER cut to 1,000 rows per split (so max = 1,000 train rows), at least 500 rows per epoch, target lr 2e-4
nice -n 5 bench transfer --source goemotions --target carer --strategies baseline,freeze,nofreeze \
    --sizes 100,500,max --seeds 2 --limit-target 1000 \
    --model-param epochs=1 --model-param freeze_embeddings=true \
    --target-param min_epoch_size=500 --target-param lr=2e-4 --figure docs/figures -q
