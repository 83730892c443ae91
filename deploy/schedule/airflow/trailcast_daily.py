"""The daily trailcast run as an Apache Airflow DAG (deploy/schedule/README.md).

One task runs `pipeline` for the DAG run's day ({{ ds }}: the day that ended before the run) with
spark-submit. catchup runs every day missed since start_date, oldest first and one at a time
(max_active_runs, depends_on_past: user aggregates build on the days before); a failed day is retried
twice and blocks the days after it until it passes; the SLA flags a day not done within two hours.
Set the Airflow Variables trailcast_jar, spark_master, trailcast_cassandra, trailcast_logs and
trailcast_keyspace, and put the salt file at /etc/trailcast/salt on the workers.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator

with DAG(
    dag_id="trailcast_daily",
    description="trailcast: the daily pipeline (ingest, themes, sessions and metrics, identities, segments, scores)",
    schedule="30 2 * * *",
    start_date=datetime(2026, 1, 1),
    catchup=True,
    max_active_runs=1,
    default_args={
        "owner": "data-engineering",
        "depends_on_past": True,
        "retries": 2,
        "retry_delay": timedelta(minutes=10),
        "retry_exponential_backoff": True,
        "sla": timedelta(hours=2),
        "execution_timeout": timedelta(hours=4),
    },
    tags=["trailcast"],
) as dag:
    BashOperator(
        task_id="pipeline",
        env={
            "TRAILCAST_JAR": "{{ var.value.trailcast_jar }}",
            "SPARK_MASTER": "{{ var.value.spark_master }}",
            "TRAILCAST_CASSANDRA": "{{ var.value.trailcast_cassandra }}",
            "TRAILCAST_LOGS": "{{ var.value.trailcast_logs }}",
            "TRAILCAST_KEYSPACE": "{{ var.value.get('trailcast_keyspace', 'trailcast') }}",
        },
        append_env=True,
        bash_command="""
spark-submit --master "$SPARK_MASTER" --deploy-mode client --class io.trailcast.deploy.Main "$TRAILCAST_JAR" pipeline --date {{ ds }} --input "$TRAILCAST_LOGS/{{ ds }}" --cassandra "$TRAILCAST_CASSANDRA" --keyspace "$TRAILCAST_KEYSPACE" --salt-file /etc/trailcast/salt
""",
    )
