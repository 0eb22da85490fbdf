#!/usr/bin/env bash
# Reproduces the shipped predictors in server/src/models (seeded: the same command on the same
# tfjs backend gives the same weights). Needs the benchmark files: NCP_DATA_DIR, or ../shared/data
# beside the checkout. Takes about 20 minutes on two cores (wasm backend): the teacher's Gaussian
# processes (worker threads) about half of it, the ensembles the rest.
#
#   scripts/train-shipped.sh            # all 8 NAS-Bench-MR settings, then nb201
#   NCP_MODELS=/tmp/m scripts/train-shipped.sh   # somewhere else
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data="${NCP_DATA_DIR:-$root/../shared/data}"
out="${NCP_MODELS:-$root/server/src/models}"
version="${NCP_MODELS_VERSION:-1.3.0}"
cd "$root"
[ -f dist/cli.js ] || node scripts/build.mjs --quiet
# The 8 multi-resolution settings on all 2,006 development architectures (our recipe, 5 members).
node bin/ncp.js train --data "$data/nasbench-mr.json" --out "$out" --seed 1 --version "$version" --backend wasm
# NAS-Bench-201 (setting nb201, metric acc) on all 15,625 cells; fewer epochs: 8× more data per epoch.
node bin/ncp.js train --data "$data/nasbench201.json" --out "$out" --seed 1 --epochs 20 --version "$version" --backend wasm --merge
