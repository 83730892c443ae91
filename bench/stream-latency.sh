#!/usr/bin/env bash
# The streaming job's latency and sustained rate on this machine (docs/BENCHMARKS.md, "Streaming"):
# replays simulated log lines into the embedded Kafka at RATE events/s for SECONDS, as JSON events
# stamped with their send time, while `bin/trailcast stream` runs; then the latency of every score
# (writetime in Cassandra - the event's send time) and the job's micro-batches.
# Usage: bench/stream-latency.sh RATE [SECONDS] [LOG...]
#   LOG defaults to /tmp/bench2m/logs/*.log (bin/trailcast simulate --persons 10000 --days 23 --out /tmp/bench2m);
#   the conversion and word2vec models are copied from keyspace `conv` (docs/BENCHMARKS.md, conversion model).
# Uses the embedded node and broker, drops/recreates keyspace `streambench`. Run nothing else meanwhile.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RATE="${1:?usage: $0 RATE [SECONDS] [LOG...]}"
SECONDS_="${2:-60}"
shift $(( $# >= 2 ? 2 : 1 ))
LOGS=("$@")
[ ${#LOGS[@]} -gt 0 ] || LOGS=(/tmp/bench2m/logs/*.log)
cd "$ROOT"
# The job jar (Kafka client, Cassandra driver) and Spark's jars (slf4j and its binding).
JAR="deploy/target/trailcast-jobs.jar:$(cat deploy/spark-runtime/target/spark.classpath)"
bin/trailcast cassandra start >/dev/null
bin/trailcast kafka start >/dev/null
bin/trailcast query --keyspace system "DROP KEYSPACE IF EXISTS streambench" >/dev/null
bin/trailcast schema apply --keyspace streambench >/dev/null
java -cp "$JAR" -Dlog4j2.level=warn bench/StreamLatency.java copy-models conv streambench
TOPIC="bench-$RATE-$(date +%s)"
java -cp "$JAR" bench/StreamLatency.java create-topic 127.0.0.1:9092 "$TOPIC" 2
LOG=/tmp/stream-bench-$RATE.log
bin/trailcast stream --keyspace streambench --source "kafka:127.0.0.1:9092/$TOPIC" --starting-offsets earliest \
  --checkpoint "/tmp/stream-bench-checkpoint-$TOPIC" --for "$((SECONDS_ + 60))s" >"$LOG" 2>&1 &
JOB=$!
# Produce once the job reads: both queries started and past their first (empty) micro-batches.
until grep -q 'stream run .* started' "$LOG" 2>/dev/null; do sleep 1; kill -0 $JOB; done
sleep 25
SINCE=$(date +%s%3N)
java -cp "$JAR" bench/StreamLatency.java produce 127.0.0.1:9092 "$TOPIC" "$RATE" "$SECONDS_" "${LOGS[@]}"
wait $JOB
java -cp "$JAR" bench/StreamLatency.java measure streambench "$SINCE"
# The job's own line per micro-batch with data: "live batch 12: 5000 rows in 850 ms, watermark ...".
grep -E ' (events|live) batch [0-9]+: ' "$LOG" | sed -E 's/.* (events|live) batch [0-9]+: ([0-9]+) rows in ([0-9]+) ms.*/\1 \2 \3/' \
  | awk '{n[$1]++; rows[$1]+=$2; ms[$1]+=$3; if ($3>max[$1]) max[$1]=$3}
    END {for (q in n) printf "%s: %d batches with data, %.0f rows and %.0f ms per batch on average, slowest %d ms\n", q, n[q], rows[q]/n[q], ms[q]/n[q], max[q]}'
grep '\[stream\]' "$LOG" | tail -1
