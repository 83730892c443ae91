#!/usr/bin/env bash
# The fixed cost of small runs (issue 22): every batch command of the daily run on a day of three
# log lines, each timed as a whole process (JVM start included) with /usr/bin/time, in keyspace
# bench_small of the embedded node; then five aggregates of the day in one warm JVM
# (bench/WarmAggregate.java: what a run costs once the JIT has done its work).
# Usage: bench/small-runs.sh [RUNS]  (default 3)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${1:-3}
T="$ROOT/bin/trailcast"
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
UA='"Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"'
cat > "$DIR/small.log" <<LOG
10.0.0.1 - - [05/Jan/2026:10:00:00 +0000] "GET /music/jazz-review HTTP/1.1" 200 512 "-" $UA
10.0.0.1 - - [05/Jan/2026:10:01:00 +0000] "GET /search?q=jazz HTTP/1.1" 200 512 "-" $UA
10.0.0.2 - - [05/Jan/2026:11:00:00 +0000] "GET /travel/lisbon HTTP/1.1" 200 512 "-" $UA
LOG
K=(--keyspace bench_small)
"$T" schema apply "${K[@]}" >/dev/null
"$T" ingest "${K[@]}" --input "$DIR/small.log" >/dev/null
for cmd in \
    "ingest --input $DIR/small.log" \
    "aggregate --from 2026-01-05" \
    "identities --from 2026-01-05" \
    "segments --date 2026-01-05" \
    "pipeline --date 2026-01-05 --input $DIR/small.log"; do
  echo "== trailcast $cmd"
  for _ in $(seq "$RUNS"); do
    # shellcheck disable=SC2086
    /usr/bin/time -f "%e %U %S" -o "$DIR/time" "$T" $cmd "${K[@]}" >/dev/null 2>&1 || echo "exit $?"
    read -r wall user sys < "$DIR/time"
    echo "$wall $(echo "$user + $sys" | bc)"
  done | sort -n | awk '{w[NR]=$1; c[NR]=$2} END {m=int((NR+1)/2); printf "wall s: median %s (min %s, max %s); cpu s of that run: %s\n", w[m], w[1], w[NR], c[m]}'
done
echo "== five aggregates of the day in one JVM (bench/WarmAggregate.java)"
read -r -a FLAGS < "$ROOT/deploy/target/launcher/jvm.flags"
java "${FLAGS[@]}" -Xmx4g -Dlog4j2.configurationFile="$ROOT/deploy/conf/log4j2-cli.properties" \
  -cp "$(cat "$ROOT/deploy/spark-runtime/target/spark.classpath"):$ROOT/deploy/target/trailcast-jobs.jar" \
  "$ROOT/bench/WarmAggregate.java" bench_small 2026-01-05 5 2>&1 | grep "^aggregate "
