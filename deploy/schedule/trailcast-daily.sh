#!/usr/bin/env bash
# The daily trailcast run, for cron, a systemd timer or a Kubernetes CronJob (deploy/schedule/README.md).
#
# Runs `pipeline` with spark-submit for every day from the one after the newest aggregated day up to
# yesterday (UTC), oldest first: days missed while the scheduler or the cluster was down are run too, at
# most TRAILCAST_CATCH_UP_DAYS of them. A failed day is retried TRAILCAST_RETRIES times, 5 minutes apart
# and then 10, ...; if it still fails the run exits non-zero and the next run starts again from that day.
# Every day's run is idempotent, so running a day twice writes the same rows.
set -euo pipefail

: "${TRAILCAST_JAR:?set TRAILCAST_JAR to the path of trailcast-jobs.jar}"
: "${SPARK_MASTER:?set SPARK_MASTER, e.g. spark://spark-master:7077}"
: "${TRAILCAST_CASSANDRA:?set TRAILCAST_CASSANDRA to the contact points, e.g. cass1,cass2,cass3}"
: "${TRAILCAST_LOGS:?set TRAILCAST_LOGS to the folder holding one folder of logs per day (yyyy-mm-dd)}"
TRAILCAST_KEYSPACE=${TRAILCAST_KEYSPACE:-trailcast}
TRAILCAST_SALT_FILE=${TRAILCAST_SALT_FILE:-/etc/trailcast/salt}
TRAILCAST_CATCH_UP_DAYS=${TRAILCAST_CATCH_UP_DAYS:-7}
TRAILCAST_RETRIES=${TRAILCAST_RETRIES:-2}
SPARK_SUBMIT=${SPARK_SUBMIT:-spark-submit}

# The job jar's commands as spark-submit runs them; TRAILCAST_SPARK_ARGS adds executor sizes and the like.
trailcast() {
  # shellcheck disable=SC2086
  "$SPARK_SUBMIT" --master "$SPARK_MASTER" --deploy-mode client --class io.trailcast.deploy.Main \
    ${TRAILCAST_SPARK_ARGS:-} "$TRAILCAST_JAR" "$@"
}

yesterday=$(date -u -d yesterday +%F)
newest=$(trailcast query "SELECT max(day) AS day FROM aggregated_days" --cassandra "$TRAILCAST_CASSANDRA" --keyspace "$TRAILCAST_KEYSPACE" --format csv | tail -n 1)
if [[ "$newest" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]]; then
  day=$(date -u -d "$newest + 1 day" +%F)
else
  day=$yesterday
fi
oldest=$(date -u -d "$yesterday - $((TRAILCAST_CATCH_UP_DAYS - 1)) days" +%F)
if [[ "$day" < "$oldest" ]]; then
  echo "trailcast-daily: more than $TRAILCAST_CATCH_UP_DAYS days missed since $newest: running from $oldest;" \
    "run the days before it with this script's pipeline command, one day at a time" >&2
  day=$oldest
fi

while [[ ! "$day" > "$yesterday" ]]; do
  attempt=0
  until trailcast pipeline --date "$day" --input "$TRAILCAST_LOGS/$day" --cassandra "$TRAILCAST_CASSANDRA" --keyspace "$TRAILCAST_KEYSPACE" --salt-file "$TRAILCAST_SALT_FILE"; do
    attempt=$((attempt + 1))
    if (( attempt > TRAILCAST_RETRIES )); then
      echo "trailcast-daily: the pipeline of $day failed $attempt times; the next run starts from it" >&2
      exit 1
    fi
    sleep $((attempt * 300))
  done
  day=$(date -u -d "$day + 1 day" +%F)
done
