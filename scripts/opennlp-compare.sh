#!/bin/sh
# opennlp-compare.sh trains Apache OpenNLP's name finder (Debian package
# "opennlp") on CoNLL-2003 train, tags CoNLL-2003 valid with it, and scores
# it and newslens's embedded tagger with the same scorer (newslens eval ner),
# printing F1 and tokens/s for both. Run from the module root:
#
#	apt-get install -y opennlp
#	scripts/opennlp-compare.sh [SHARED_DIR]
#
# Training OpenNLP takes many minutes; set OPENNLP_MODEL=FILE to keep the
# trained model there and reuse it on the next run.
#
# OpenNLP's speed is measured on the tagging run alone (JVM start included,
# model loading included), newslens's inside eval ner (model loaded first).
set -eu
shared=${1:-../shared}
train=$shared/data/ner/conll2003/train.txt
valid=$shared/data/ner/conll2003/valid.txt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v opennlp >/dev/null || { echo "opennlp not installed (apt-get install -y opennlp)" >&2; exit 1; }

go build -o "$work/newslens" ./cmd/newslens

model=${OPENNLP_MODEL:-$work/opennlp-ner.bin}
t0=$(date +%s.%N)
if [ -s "$model" ]; then
	echo "== OpenNLP: reusing $model" >&2
	trained="reused $model"
else
	echo "== OpenNLP $(dpkg-query -W -f '${Version}' opennlp 2>/dev/null || echo '?'): training on $train" >&2
	opennlp TokenNameFinderTrainer.conll03 -lang eng -types per,loc,org,misc \
		-data "$train" -encoding UTF-8 -model "$model" >"$work/train.log" 2>&1 ||
		{ cat "$work/train.log" >&2; exit 1; }
	t1=$(date +%s.%N)
	trained="trained in $(echo "$t1 - $t0" | bc | cut -d. -f1)s"
fi

# valid → one sentence per line; an empty line between documents lets
# OpenNLP clear its adaptive (document) features, as newslens resets per document
awk 'BEGIN{n=0} /^-DOCSTART-/{doc=1; next} NF==0{ if(n>0){print line; n=0; line=""} next }
	{ if(doc && n==0){ print ""; doc=0 } line = (n>0 ? line " " : "") $1; n++ }
	END{ if(n>0) print line }' "$valid" >"$work/valid.tok"
tokens=$(grep -v '^-DOCSTART-' "$valid" | awk 'NF>0' | wc -l)

t2=$(date +%s.%N)
opennlp TokenNameFinder "$model" <"$work/valid.tok" >"$work/valid.out" 2>"$work/tag.log"
t3=$(date +%s.%N)

# OpenNLP's <START:type> w1 w2 <END> → one "token TAG" line per token (IOB2);
# its CoNLL-03 reader names the types person, organization, location, misc
awk 'NF==0{ next }
	{ typ=""; first=0
	  for(i=1;i<=NF;i++){
	    if($i ~ /^<START:/){ typ=toupper(substr($i,8,length($i)-8)); first=1
	      if(typ=="PERSON") typ="PER"; else if(typ=="ORGANIZATION") typ="ORG"; else if(typ=="LOCATION") typ="LOC"
	      continue }
	    if($i=="<END>"){ typ=""; continue }
	    if(typ==""){ print $i " O" } else { print $i " " (first ? "B-" : "I-") typ; first=0 }
	  }
	  print "" }' "$work/valid.out" >"$work/valid.pred"

"$work/newslens" eval ner --data "$valid" --pred "$work/valid.pred" --system "OpenNLP name finder" --json >"$work/opennlp.json"
"$work/newslens" eval ner --data "$valid" --pred "$work/valid.pred" --system "OpenNLP name finder" >&2
"$work/newslens" eval ner --data "$valid" --json >"$work/newslens.json"

f1() { awk -F': ' '/"f1"/{gsub(/,/,"",$2); print $2; exit}' "$1"; }
tps() { awk -F': ' '/"tokens_per_second"/{gsub(/,/,"",$2); printf "%.0f", $2; exit}' "$1"; }
on_secs=$(echo "$t3 - $t2" | bc)
printf '%-28s %8s %14s %s\n' system F1 tokens/s notes
printf '%-28s %8.4f %14.0f %s\n' "OpenNLP name finder" "$(f1 "$work/opennlp.json")" "$(echo "$tokens / $on_secs" | bc -l)" \
	"$trained; speed over the whole tagging run incl. JVM start and model load"
printf '%-28s %8.4f %14s %s\n' "newslens ner" "$(f1 "$work/newslens.json")" "$(tps "$work/newslens.json")" \
	"embedded model; speed over tagging only, wall clock"
echo "tokens: $tokens; OpenNLP's own throughput line: $(grep -i 'average' "$work/tag.log" | tail -1)"
