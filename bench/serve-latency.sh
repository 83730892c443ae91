#!/usr/bin/env bash
# serve's latency at RATE requests/s (docs/BENCHMARKS.md, "Serving"), over what a streaming
# benchmark left in keyspace `streambench` (bench/stream-latency.sh): stored scores of users who have
# one, then fresh scores of the same users. Server, client and Cassandra share the machine.
# Usage: bench/serve-latency.sh [RATE] [SECONDS]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
RATE="${1:-1000}"
SECONDS_="${2:-30}"
JAR="deploy/target/trailcast-jobs.jar:$(cat deploy/spark-runtime/target/spark.classpath)"
PORT=18787
bin/trailcast query --keyspace streambench --format csv \
  "SELECT DISTINCT user_id, month FROM conversion_scores LIMIT 2000" | tail -n +2 | cut -d, -f1 >/tmp/serve-users.txt
sed 's#^#/v1/users/#; s#$#/score#' /tmp/serve-users.txt >/tmp/serve-stored.txt
sed 's#^#/v1/users/#; s#$#/score?fresh=true#' /tmp/serve-users.txt >/tmp/serve-fresh.txt
bin/trailcast serve --keyspace streambench --port $PORT --for "$((SECONDS_ * 2 + 60))s" >/tmp/serve-bench.log 2>&1 &
SERVER=$!
until curl -sf "http://127.0.0.1:$PORT/health" >/dev/null; do sleep 1; kill -0 $SERVER; done
echo "stored scores of $(wc -l </tmp/serve-users.txt) users:"
java -cp "$JAR" bench/ServeLatency.java "http://127.0.0.1:$PORT" "$RATE" "$SECONDS_" /tmp/serve-stored.txt
echo "fresh scores of the same users:"
java -cp "$JAR" bench/ServeLatency.java "http://127.0.0.1:$PORT" "$RATE" "$SECONDS_" /tmp/serve-fresh.txt
kill $SERVER 2>/dev/null || true
wait $SERVER 2>/dev/null || true
