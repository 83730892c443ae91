#!/usr/bin/env bash
# Side by side on the same log folder and the same two cores (docs/BENCHMARKS.md, "Aggregate"):
#   trailcast: log -> Cassandra (ingest), then Cassandra -> sessions and every metric (aggregate);
#   DuckDB:    log -> sessions and bounce per landing page in SQL (bench/duckdb/DuckDbSessions.java).
# Usage: bench/aggregate-vs-duckdb.sh [LOG_DIR]
#   LOG_DIR defaults to /tmp/bench2m/logs, made by: bin/trailcast simulate --persons 10000 --days 23 --out /tmp/bench2m
# Writes keyspace bench<time> on the embedded node, dropped at the end. Run nothing else meanwhile.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LOGS="${1:-/tmp/bench2m/logs}"
cd "$ROOT"
[ -d "$LOGS" ] || { echo "no log folder $LOGS (see the usage line in $0)" >&2; exit 2; }
mvn -B -q -f bench/duckdb/pom.xml package
DAYS=$(ls "$LOGS" | sed -nE 's/.*([0-9]{4}-[0-9]{2}-[0-9]{2}).*/\1/p' | sort -u)
FROM=$(echo "$DAYS" | head -1)
TO=$(echo "$DAYS" | tail -1)

bin/trailcast cassandra start >/dev/null
# A keyspace of its own per run: `query` only opens keyspaces with trailcast's schema, so a stale one cannot be
# dropped through another keyspace.
KS=bench$(date +%s)
bin/trailcast schema apply --keyspace "$KS" >/dev/null

now() { date +%s.%N; }
t0=$(now)
bin/trailcast ingest --keyspace "$KS" --input "$LOGS" 2>/dev/null
t1=$(now)
bin/trailcast aggregate --keyspace "$KS" --from "$FROM" --to "$TO" 2>/dev/null
t2=$(now)
java -cp "$(cat bench/duckdb/target/duckdb.classpath)" bench/duckdb/DuckDbSessions.java "$LOGS" | tee /tmp/duckdb.out
t3=$(now)
bin/trailcast query --keyspace "$KS" "DROP KEYSPACE $KS" >/dev/null

awk -v t0="$t0" -v t1="$t1" -v t2="$t2" -v t3="$t3" 'BEGIN {
  i = t1 - t0; a = t2 - t1; d = t3 - t2
  printf "trailcast ingest (log -> Cassandra)        %6.1f s\n", i
  printf "trailcast aggregate (Cassandra -> metrics) %6.1f s\n", a
  printf "DuckDB (log -> metrics, JVM start to exit) %6.1f s\n", d
  printf "ratio aggregate / DuckDB          %5.1fx  (target <= 1.5x)\n", a / d
  printf "ratio ingest+aggregate / DuckDB   %5.1fx  (target <= 3x)\n", (i + a) / d
}'
