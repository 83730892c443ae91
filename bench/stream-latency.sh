#!/usr/bin/env bash
# The streaming job's latency and sustained rate on this machine (docs/BENCHMARKS.md, "Streaming"):
# replays simulated combined log lines, with their own event times, into the embedded Kafka at RATE
# lines/s for SECONDS while `bin/trailcast stream` runs; then the latency of every score
# (writetime in Cassandra - the time its event was sent), and the job's micro-batch breakdown.
# Usage: bench/stream-latency.sh setup          # once: the model's keyspace and the replayed traffic
#        [WARMUP=30] bench/stream-latency.sh RATE [SECONDS] [STREAM OPTION...]
# Scores of events sent in the first WARMUP seconds (the job's JVM warming up) are not counted.
# setup simulates 2,000 persons over 7 days into keyspace `streammodel` (ingest, aggregate, model
# train) and 15,000 persons over 23 days (~3.3 M lines) into /tmp/streambench-traffic.
# A run drops and recreates keyspace `streambench` and copies the model into it. Run nothing else meanwhile.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
TRAFFIC=/tmp/streambench-traffic
if [ "${1:-}" = setup ]; then
  bin/trailcast simulate --persons 2000 --days 7 --seed 7 --out /tmp/streambench-train
  bin/trailcast query --keyspace system "DROP KEYSPACE IF EXISTS streammodel" >/dev/null
  bin/trailcast schema apply --keyspace streammodel
  bin/trailcast ingest --keyspace streammodel --input /tmp/streambench-train/logs
  bin/trailcast aggregate --keyspace streammodel --from 2026-01-05 --to 2026-01-11
  bin/trailcast model train --keyspace streammodel --from 2026-01-05 --to 2026-01-11
  bin/trailcast simulate --persons 15000 --days 23 --seed 8 --out "$TRAFFIC"
  exit 0
fi
RATE="${1:?usage: $0 setup | RATE [SECONDS] [STREAM OPTION...]}"
SECONDS_="${2:-60}"
shift $(( $# >= 2 ? 2 : 1 ))
# The job jar (Kafka client, Cassandra driver) and Spark's jars (slf4j and its binding).
JAR="deploy/target/trailcast-jobs.jar:$(cat deploy/spark-runtime/target/spark.classpath)"
bin/trailcast cassandra start >/dev/null
bin/trailcast kafka start >/dev/null
bin/trailcast query --keyspace system "DROP KEYSPACE IF EXISTS streambench" >/dev/null
bin/trailcast schema apply --keyspace streambench >/dev/null
java -cp "$JAR" -Dlog4j2.level=warn bench/StreamLatency.java copy-models streammodel streambench
TOPIC="bench-$RATE-$(date +%s)"
java -cp "$JAR" bench/StreamLatency.java create-topic 127.0.0.1:9092 "$TOPIC" 2
LOG=/tmp/stream-bench-$RATE.log
SENT=/tmp/stream-bench-$RATE.sent.csv
bin/trailcast stream --keyspace streambench --source "kafka:127.0.0.1:9092/$TOPIC" --starting-offsets earliest \
  --checkpoint "/tmp/stream-bench-checkpoint-$TOPIC" --for "$((SECONDS_ + 60))s" "$@" >"$LOG" 2>&1 &
JOB=$!
# Produce once the job reads: its query started and past its first (empty) micro-batches.
until grep -q 'stream run .* started' "$LOG" 2>/dev/null; do sleep 1; kill -0 $JOB; done
sleep 20
java -cp "$JAR" bench/StreamLatency.java produce 127.0.0.1:9092 "$TOPIC" "$RATE" "$SECONDS_" "$SENT" \
  $(ls "$TRAFFIC"/logs/*.log | sort)
wait $JOB
java -cp "$JAR" -Dlog4j2.level=warn bench/StreamLatency.java measure streambench "$SENT" "${WARMUP:-30}"
# The job's line per micro-batch with data: "live batch 12: 5000 rows in 850 ms, ...; latestOffset ... | task ms: ...".
grep -E ' live batch [0-9]+: ' "$LOG" | sed -E 's/.* live batch [0-9]+: ([0-9]+) rows in ([0-9]+) ms.*/\1 \2/' \
  | awk '{n++; rows+=$1; ms+=$2; if ($2>max) max=$2} END {if (n) printf "%d batches with data, %.0f rows and %.0f ms per batch on average, slowest %d ms\n", n, rows/n, ms/n, max}'
grep -E ' live batch [0-9]+: ' "$LOG" | tail -3 | sed -E 's/.*INFO +//'
grep '\[stream\]' "$LOG" | tail -1
