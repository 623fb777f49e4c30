#!/usr/bin/env bash
# Peak resident memory of `newslens analyze` over N articles, to check the
# bar (<= 1 GB) and that memory is flat (does not grow with input size).
# Builds a JSON Lines corpus from the real PTC and PolNeAR texts in
# ../shared (re-sampled), never committed, then runs analyze at three sizes.
#   usage: scripts/memtest.sh [SIZES...]   (default: 1000 5000 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then sizes=("$@"); else sizes=(1000 5000 10000); fi
work=$(mktemp -d /tmp/newslens-mem.XXXXXX)
trap 'rm -rf "$work"' EXIT
go build -o "$work/newslens" ./cmd/newslens
max=${sizes[-1]}
python3 - "$max" "$work/corpus.jsonl" <<'PY'
import json, glob, sys, random
n, out = int(sys.argv[1]), sys.argv[2]
files = sorted(glob.glob('../shared/data/propaganda/ptc/train-articles/*.txt')) + \
        sorted(glob.glob('../shared/data/quotes/polnear/*/text/*'))
texts = [open(f, encoding='utf-8', errors='replace').read() for f in files]
random.seed(7)
with open(out, 'w') as w:
    for i in range(n):
        t = random.choice(texts)
        # vary each copy so ids differ, as distinct articles would
        w.write(json.dumps({"url": f"https://corpus.test/{i}", "text": t + f"\n\nArticle {i}."}) + "\n")
PY
echo "size,seconds,peak_rss_mib"
for n in "${sizes[@]}"; do
  head -n "$n" "$work/corpus.jsonl" > "$work/in.jsonl"
  /usr/bin/time -f "%e %M" -o "$work/time" "$work/newslens" analyze --format jsonl "$work/in.jsonl" > /dev/null 2> "$work/err" || { tail -3 "$work/err"; }
  read -r secs kib < "$work/time"
  echo "$n,$secs,$((kib / 1024))"
done
