#!/usr/bin/env bash
# The landing-page bandit in its closed loop (issue 21, docs/experiments.md): `experiments simulate` with each
# policy on the same variants and visitors, through serve and the stream, in keyspace bench_experiments of the
# embedded node; prints per policy the best variant's share of the second half, the regret and the uniform
# split's expected regret, the found rates, and serve's assignment latency.
# Usage: bench/experiments-policies.sh [VISITORS] [BOUNCES]  (default 20000 0.55,0.45,0.40)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VISITORS=${1:-20000}
BOUNCES=${2:-0.55,0.45,0.40}
T="$ROOT/bin/trailcast"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
"$T" schema apply --keyspace bench_experiments >/dev/null
for policy in thompson epsilon-greedy uniform; do
  /usr/bin/time -f "%e s wall" "$T" experiments simulate --keyspace bench_experiments --variants "$BOUNCES" \
    --visitors "$VISITORS" --policy "$policy" --format json > "$OUT/$policy.json" 2> "$OUT/$policy.err" || {
      tail -20 "$OUT/$policy.err"; exit 1; }
  echo "== $policy ($(tail -1 "$OUT/$policy.err"))"
  python3 - "$OUT/$policy.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
best = max(r["variants"], key=lambda v: v["true_rate"])
print(f'regret {r["regret"]:.1f} (uniform split expected {r["uniform_regret"]:.1f}); best variant {best["variant"]} '
      f'second-half share {best["second_half_share"]:.3f}; batch rerun equals stream: {r["batch_equals_stream"]}; '
      f'assignment p50 {r["assign_p50_ms"]:.1f} ms, p99 {r["assign_p99_ms"]:.1f} ms; {r["seconds"]:.0f} s')
for v in r["variants"]:
    print(f'  {v["variant"]}: true {v["true_rate"]:.3f} found {v["found_rate"]:.3f} [{v["low"]:.3f}, {v["high"]:.3f}]'
          f' share {v["share"]:.3f} second half {v["second_half_share"]:.3f} p_best {v["p_best"]:.3f}'
          f' weight {v["weight"]:.3f}')
PY
done
