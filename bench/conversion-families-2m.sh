#!/usr/bin/env bash
# The conversion model's families on the 2 M-line simulated traffic (issue 24): each family's
# held-out ROC AUC against the simulator's Bayes AUC on the same sessions, and the chosen model's
# AUC after k actions. The chain of docs/BENCHMARKS.md ("Conversion model"), timed step by step,
# in keyspace conv of the embedded node. Takes 25-40 minutes of the machine.
# Usage: bench/conversion-families-2m.sh [OUT_DIR]   (default /tmp/bench2m; the traffic is reused if there)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
T="$ROOT/bin/trailcast"
OUT=${1:-/tmp/bench2m}
K=(--keyspace conv)
W=(--from 2026-01-05 --to 2026-01-27)
step() { echo "== $*"; local start; start=$(date +%s); "$@"; echo "-- $(( $(date +%s) - start )) s wall"; }
[ -d "$OUT/logs" ] || step "$T" simulate --persons 10000 --days 23 --out "$OUT"
step "$T" schema apply "${K[@]}"
step "$T" ingest "${K[@]}" --input "$OUT/logs"
step "$T" aggregate "${K[@]}" "${W[@]}"
step "$T" themes train "${K[@]}" "${W[@]}"
step "$T" themes assign "${K[@]}" "${W[@]}"
step "$T" aggregate "${K[@]}" "${W[@]}"   # again: the themes into user_daily
# The three families searched and compared in one run (train prints each one's cross-validated and
# held-out figures, as model show does); the kept one is evaluated against the truth, with its
# AUC after k actions.
step "$T" model train "${K[@]}" "${W[@]}"
step "$T" model evaluate "${K[@]}" --truth "$OUT"
