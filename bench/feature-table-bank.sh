#!/usr/bin/env bash
# `model train --features` on a real public table: UCI Bank Marketing (Moro, Cortez & Rita 2014,
# Decision Support Systems 62; 45,211 phone calls of a Portuguese bank's campaigns, 16 columns, `y`
# = the client subscribed a term deposit, 11.7 %), as Apache Mahout's examples jar on Maven Central
# ships it (bank-full.csv at the jar's root, semicolon-separated). Only that jar is downloaded and
# the CSV extracted to var/datasets/bank-full.csv. Every family is compared unless --family says
# otherwise. `duration` (the call's length) is only known after the call and all but gives the
# answer away, so the honest run leaves it out: pass --ignore duration (docs/BENCHMARKS.md has both).
# Usage: bench/feature-table-bank.sh [extra model train options, e.g. --ignore duration --family gbt]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DATA="$ROOT/var/datasets"
CSV="$DATA/bank-full.csv"
JAR_URL="https://repo1.maven.org/maven2/org/apache/mahout/mahout-examples/0.13.0/mahout-examples-0.13.0.jar"
if [ ! -f "$CSV" ]; then
  mkdir -p "$DATA"
  curl -sfL -o "$DATA/mahout-examples.jar" "$JAR_URL" || {
    echo "cannot download $JAR_URL (Maven Central needed)" >&2; exit 2; }
  unzip -p "$DATA/mahout-examples.jar" bank-full.csv > "$CSV"
  rm -f "$DATA/mahout-examples.jar"
fi
echo "$(($(wc -l < "$CSV") - 1)) rows in $CSV"
time "$ROOT/bin/trailcast" model train --features "$CSV" --label y "$@"
