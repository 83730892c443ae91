#!/usr/bin/env bash
# The same log folder ingested and aggregated twice on the same two cores (docs/BENCHMARKS.md, "Cluster"):
#   embedded: bin/trailcast (Spark local[*]) into the embedded node, replication 1;
#   cluster:  spark-submit --master spark://127.0.0.1:7077 (bin/trailcast cluster: 2 workers of one core)
#             into three Cassandra nodes on 127.0.0.1-3, replication 3.
# Then the on-disk size of events_by_user per event after a flush and a major compaction (LZ4), on both.
# Usage: bench/cluster-vs-embedded.sh [LOG_DIR]
#   LOG_DIR defaults to /tmp/bench2m/logs, made by: bin/trailcast simulate --persons 10000 --days 23 --out /tmp/bench2m
# Writes keyspace bench<time> on the embedded node and on the cluster, dropped at the end. Run nothing else meanwhile.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LOGS="${1:-/tmp/bench2m/logs}"
cd "$ROOT"
[ -d "$LOGS" ] || { echo "no log folder $LOGS (see the usage line in $0)" >&2; exit 2; }
DAYS=$(ls "$LOGS" | sed -nE 's/.*([0-9]{4}-[0-9]{2}-[0-9]{2}).*/\1/p' | sort -u)
FROM=$(echo "$DAYS" | head -1)
TO=$(echo "$DAYS" | tail -1)
SALT=$(mktemp); printf 'bench-salt' > "$SALT"
H=127.0.0.1,127.0.0.2,127.0.0.3
NODETOOL=(java -Xmx256m --add-exports java.base/jdk.internal.misc=ALL-UNNAMED --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-exports java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.base/java.io=ALL-UNNAMED
  --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/jdk.internal.ref=ALL-UNNAMED
  -cp "$(cat deploy/cassandra-node/target/cassandra.classpath)" org.apache.cassandra.tools.NodeTool)
submit() {
  java $(cat deploy/target/launcher/jvm.flags) -Xmx4g -Dlog4j2.configurationFile=deploy/conf/log4j2-cli.properties \
    -cp "$(cat deploy/spark-runtime/target/spark.classpath)" org.apache.spark.deploy.SparkSubmit \
    --master spark://127.0.0.1:7077 --executor-memory 1g --conf spark.ui.enabled=false \
    --conf spark.driver.host=127.0.0.1 --class io.trailcast.deploy.Main deploy/target/trailcast-jobs.jar "$@"
}
now() { date +%s.%N; }
# bytes on one node's disk per event, after a flush and a major compaction: events_by_user, then the keyspace
per_row() { # JMX_PORT KEYSPACE EVENTS DATA_DIR
  "${NODETOOL[@]}" -h 127.0.0.1 -p "$1" flush "$2"
  "${NODETOOL[@]}" -h 127.0.0.1 -p "$1" compact "$2"
  "${NODETOOL[@]}" -h 127.0.0.1 -p "$1" tablestats "$2.events_by_user" \
    | awk -v rows="$3" '/Space used \(live\)/ {b=$4} /SSTable Compression Ratio/ {r=$4}
      END {printf "events_by_user on one node: %d bytes live, %.1f bytes per event, compression ratio %s\n", b, b/rows, r}'
  du -sb "$4/$2" | awk -v rows="$3" '{printf "keyspace on one node: %d bytes, %.1f bytes per event\n", $1, $1/rows}'
}

bin/trailcast cluster stop >/dev/null 2>&1 || true
bin/trailcast cassandra start >/dev/null
KS=bench$(date +%s)
bin/trailcast schema apply --keyspace "$KS" >/dev/null
t0=$(now)
bin/trailcast ingest --keyspace "$KS" --input "$LOGS" --salt-file "$SALT" 2>/dev/null | tee /tmp/cluster-vs-embedded.ingest
t1=$(now)
# the events written, from ingest's own line (a count(*) of 2 M rows times out)
EVENTS=$(sed -nE 's/.*lines: ([0-9,]+) written.*/\1/p' /tmp/cluster-vs-embedded.ingest | tr -d ,)
bin/trailcast aggregate --keyspace "$KS" --from "$FROM" --to "$TO" 2>/dev/null
t2=$(now)
per_row 7199 "$KS" "$EVENTS" var/cassandra/data/data
bin/trailcast query --keyspace "$KS" "DROP KEYSPACE $KS" >/dev/null
bin/trailcast cassandra stop >/dev/null

bin/trailcast cluster start >/dev/null
bin/trailcast schema apply --cassandra "$H" --keyspace "$KS" --replication simple:3 >/dev/null
t3=$(now)
submit ingest --cassandra "$H" --keyspace "$KS" --input "$LOGS" --salt-file "$SALT" 2>/dev/null
t4=$(now)
submit aggregate --cassandra "$H" --keyspace "$KS" --from "$FROM" --to "$TO" 2>/dev/null
t5=$(now)
per_row 7201 "$KS" "$EVENTS" var/cluster/cassandra-1/data/data
bin/trailcast query --cassandra "$H" --keyspace "$KS" "DROP KEYSPACE $KS" >/dev/null
bin/trailcast cluster stop >/dev/null
rm -f "$SALT"

awk -v t0="$t0" -v t1="$t1" -v t2="$t2" -v t3="$t3" -v t4="$t4" -v t5="$t5" -v n="$EVENTS" 'BEGIN {
  printf "%s events\n", n
  printf "embedded ingest    %6.1f s  %6.0f events/s\n", t1 - t0, n / (t1 - t0)
  printf "embedded aggregate %6.1f s\n", t2 - t1
  printf "cluster ingest     %6.1f s  %6.0f events/s\n", t4 - t3, n / (t4 - t3)
  printf "cluster aggregate  %6.1f s\n", t5 - t4
}'
