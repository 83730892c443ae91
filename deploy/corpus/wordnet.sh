#!/usr/bin/env bash
# A real English text corpus for `bin/trailcast themes train --corpus`: WordNet 3.0's synsets
# (their words and glosses, one synset per line), from Debian's `wordnet-base` package.
# Usage: deploy/corpus/wordnet.sh [OUT]   (default OUT: var/corpus/wordnet.txt)
# Installs wordnet-base with apt-get when it is missing (root, or sudo without a password).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="${1:-$ROOT/var/corpus/wordnet.txt}"
DATA=/usr/share/wordnet
if [ ! -f "$DATA/data.noun" ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
  $SUDO apt-get install -y -q wordnet-base >/dev/null || {
    echo "cannot install wordnet-base (apt-get install wordnet-base as root, then rerun)" >&2; exit 2; }
fi
mkdir -p "$(dirname "$OUT")"
# data.* lines: "offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] p_cnt ... | gloss".
# Keep the synset's words (underscores as spaces) and its gloss; skip the license header (lines
# starting with two spaces).
for part in noun verb adj adv; do
  awk 'function hex(s,   i, v) { v = 0; s = tolower(s)
      for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
      return v }
  !/^  / {
    n = hex($4); words = "";
    for (i = 0; i < n; i++) { w = $(5 + 2 * i); gsub(/_/, " ", w); sub(/\([a-z]+\)$/, "", w); words = words w ". " }
    gloss = $0; sub(/^[^|]*\| */, "", gloss);
    print words gloss
  }' "$DATA/data.$part"
done > "$OUT"
echo "$(wc -l < "$OUT") lines, $(wc -w < "$OUT") words in $OUT"
