#!/usr/bin/env bash
# `model train --features` on a real public table: Fair's extramarital affairs survey (Fair 1978,
# Journal of Political Economy; 6,366 women, 8 columns, `affairs` > 0 for 32 %), as Debian's
# python3-statsmodels package ships it. Only the package file is downloaded (apt-get download, no
# install) and the CSV extracted to var/datasets/fair.csv. The label is `affairs` (time spent,
# above 0 = yes); occupation and the husband's are codes 1..6, so categorical.
# Usage: bench/feature-table-fair.sh [extra model train options, e.g. --algorithm auto]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DATA="$ROOT/var/datasets"
CSV="$DATA/fair.csv"
if [ ! -f "$CSV" ]; then
  mkdir -p "$DATA/deb"
  (cd "$DATA/deb" && apt-get download -q python3-statsmodels 2>/dev/null) || {
    echo "cannot download python3-statsmodels with apt-get (Debian's package index needed)" >&2; exit 2; }
  dpkg-deb -x "$DATA"/deb/python3-statsmodels_*.deb "$DATA/deb/x"
  cp "$(find "$DATA/deb/x" -path '*statsmodels/datasets/fair/fair.csv')" "$CSV"
  rm -rf "$DATA/deb"
fi
echo "$(($(wc -l < "$CSV") - 1)) rows in $CSV"
time "$ROOT/bin/trailcast" model train --features "$CSV" --label affairs \
  --categorical occupation,occupation_husb "$@"
