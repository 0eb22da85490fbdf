#!/usr/bin/env bash
# Installs the Debian packages the tests run for real (idempotent; seconds when present):
# python3-torch, numpy and Pillow (PyTorch for /usr/bin/python3: checks exported networks, runs
# examples/train_measure.py) and slurm-wlm + munge
# (a one-node Slurm started by the cluster tests). Recipe: docs/e2e.md, docs/search.md.
set -euo pipefail
PKGS=(python3-torch python3-numpy python3-pil slurm-wlm munge)
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && { echo "setup:system: ${PKGS[*]} present"; exit 0; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
  echo "setup:system: need root (or sudo) to run: $*" >&2; return 1; fi; }
echo "setup:system: installing Debian packages: ${missing[*]}"
as_root apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
