#!/usr/bin/env bash
# Crash test for the corpus (issue 8): kill -9 an ingest of 10,000 documents
# at random points, five times. After each kill the store must open cleanly
# and every document the run reported as ingested (printed only once its
# batch is durable) must be present and intact. A final run must finish with
# exactly 10,000 documents and no duplicates.
#
# Usage: scripts/crashtest.sh [--db postgres://...]   (default: a fresh SQLite file)
# Env: CRASH_DOCS (10000), CRASH_KILLS (5), CRASH_ONLY (analyzers to run,
# default "figures" to keep the run short; "" runs all).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
docs=${CRASH_DOCS:-10000}
kills=${CRASH_KILLS:-5}
only=${CRASH_ONLY-figures}
work=$(mktemp -d /tmp/newslens-crash.XXXXXX)
db="$work/corpus.db"
if [ "${1:-}" = "--db" ]; then db="$2"; fi
echo "crashtest: working in $work, store $db"

go build -o "$work/newslens" ./cmd/newslens
go build -o "$work/crashcheck" ./internal/cmd/crashcheck

# 10,000 distinct articles from Reuters-21578 (headline, then paragraphs;
# stories separated by blank lines), each under its own URL.
zcat ../shared/data/ner/unlabelled/reuters21578.txt.gz | awk -v max="$docs" '
  function flush() {
    if (n >= 2 && count < max) {
      count++
      gsub(/\\/, "\\\\", body); gsub(/"/, "\\\"", body); gsub(/\t/, " ", body); gsub(/\r/, "", body)
      printf "{\"url\":\"https://crash.example/story/%d\",\"published\":\"1987-03-%02d\",\"text\":\"%s\"}\n", count, (count % 28) + 1, body
    }
    n = 0; body = ""
  }
  /^[[:space:]]*$/ { flush(); next }
  { body = (n == 0 ? $0 : body "\\n\\n" $0); n++ }
  END { flush() }' > "$work/input.jsonl"
lines=$(wc -l < "$work/input.jsonl")
if [ "$lines" -ne "$docs" ]; then echo "crashtest: built $lines inputs, want $docs" >&2; exit 1; fi

# exec, so that $! below is the ingest process itself and kill -9 hits it.
ingest() { exec "$work/newslens" ingest --db "$db" --only "$only" --batch 50 --print "$work/input.jsonl"; }

for i in $(seq 1 "$kills"); do
  ingest > "$work/reported.$i" 2> "$work/log.$i" &
  pid=$!
  # a random point while documents are being written: wait for the first
  # durable batch (analyzers load first), then 0.1 to 2.9 s more (with the
  # default figures-only pipeline the whole ingest takes ~20 s, so a longer
  # wait let the first two kills finish it). Kill 1 strikes at a random
  # moment of start-up instead.
  if [ "$i" -gt 1 ]; then
    for _ in $(seq 1 600); do
      [ -s "$work/reported.$i" ] && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
  fi
  sleep "$(( RANDOM % 3 )).$(( RANDOM % 10 + 1 ))"
  if kill -9 "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null || true
    echo "crashtest: kill $i: killed ingest after $(wc -l < "$work/reported.$i") reported documents"
  else
    if ! wait "$pid"; then
      echo "crashtest: ingest failed before the kill:" >&2; tail -3 "$work/log.$i" >&2; exit 1
    fi
    echo "crashtest: kill $i: ingest had already finished"
  fi
  "$work/crashcheck" --db "$db" --input "$work/input.jsonl" "$work"/reported.*
done

(ingest) > "$work/reported.final" 2> "$work/log.final"
tail -1 "$work/log.final"
"$work/crashcheck" --db "$db" --input "$work/input.jsonl" --want "$docs" "$work"/reported.*
echo "crashtest: PASS"
rm -rf "$work"
