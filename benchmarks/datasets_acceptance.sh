#!/usr/bin/env bash
# Issue 3 acceptance runs (numbers in docs/benchmarks.md, "Datasets (issue 3)").
# Usage: EMOBENCH_DATA_DIR=../shared/data EMOBENCH_HOME=/tmp/datasets-home bash benchmarks/datasets_acceptance.sh
set -e
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
for d in carer tweeteval-emotion semeval2018-ec goemotions; do bench run --dataset $d --augmenter none -q; done
bench run --dataset semeval2018-ec --dataset-param neutral=label -q
for d in carer tweeteval-emotion semeval2018-ec; do bench run --dataset $d --label-space ekman -q; done
bench run --dataset goemotions --eval-dataset carer --label-space ekman -q
bench run --dataset tweeteval-emotion --eval-dataset semeval2018-ec --label-space ekman -q
bench matrix
