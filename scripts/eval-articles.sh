#!/usr/bin/env bash
# Article-level ranking from passages (MaxP and friends) against indexing whole articles, on
# two collections judged per article: Cranfield and the Reuters-21578 topic collection.
#
#   scripts/eval-articles.sh [OUT_DIR]        (default: target/eval-articles)
#
# For each collection:
#   passages   talash-index cuts each article into passages (the default, <= 120 words) and
#              `talash batch --docid article --aggregate A` scores each article from its
#              passages, for A in max, sum and maxplus:W (several weights W);
#   whole      each article is one passage (--jsonl-passages article, the default for JSONL
#              collections); `--docid article` then ranks the articles by their only passage.
# Every run is scored by `talash eval --complete` (trec_eval -c). The table goes to
# OUT_DIR/results.md. TALASH_PROFILE=debug uses debug binaries (same rankings, slower).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SHARED="${TALASH_SHARED:-$ROOT/../shared}"
OUT="${1:-target/eval-articles}"
PROFILE="${TALASH_PROFILE:-release}"
HITS=1000
WEIGHTS="0.05 0.1 0.2 0.3 0.5"

for need in "$SHARED/data/cranfield/cran.all.1400" "$SHARED/data/reuters21578/reut2-000.sgm"; do
    if [ ! -f "$need" ]; then
        echo "eval-articles.sh: $need is missing; set TALASH_SHARED" >&2
        exit 1
    fi
done
if [ "$PROFILE" = release ]; then
    cargo build --release --quiet --bins
else
    cargo build --quiet --bins
fi
BIN="$ROOT/target/$PROFILE"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
RESULTS="$OUT/results.md"
METRICS=map,ndcg_cut_10,P_10,recall_100,recip_rank
{
    echo "| collection | run | passages | MAP | nDCG@10 | P@10 | Recall@100 | MRR |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
} > "$RESULTS"

# score COLLECTION NAME INDEX RUN: one table row.
score() {
    local coll=$1 name=$2 index=$3 run=$4
    "$BIN/talash" eval "$OUT/$coll/qrels.txt" "$run" --metrics "$METRICS" --complete |
        awk -v c="$coll" -v name="$name" -v p="$(cat "$index.passages")" -F'\t' \
            '$2 == "all" && $1 !~ /^num_q/ { v[++n] = $3 }
            END { printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", c, name, p, v[1], v[2], v[3], v[4], v[5] }' |
        tee -a "$RESULTS"
}

# index DOCS INDEX [options]: builds an index and records its passage count beside it.
index() {
    local docs=$1 index=$2
    shift 2
    "$BIN/talash-index" "$docs" --index "$index" --full "$@" 2>&1 |
        sed -n 's/^Indexed [0-9]* articles, \([0-9]*\) passages.*/\1/p' > "$index.passages"
}

# batch COLLECTION INDEX RUN [options]
batch() {
    local coll=$1 index=$2 run=$3
    shift 3
    "$BIN/talash" --index "$index" batch "$OUT/$coll/queries.tsv" --docid article \
        --hits "$HITS" --output "$run" "$@"
}

evaluate() {
    local coll=$1
    local dir="$OUT/$coll"
    index "$dir/docs.jsonl" "$dir/passages.idx" --jsonl-passages paragraph
    for agg in max sum; do
        batch "$coll" "$dir/passages.idx" "$dir/run-$agg.txt" --aggregate "$agg"
        score "$coll" "passages, $agg" "$dir/passages.idx" "$dir/run-$agg.txt"
    done
    for w in $WEIGHTS; do
        batch "$coll" "$dir/passages.idx" "$dir/run-maxplus-$w.txt" --aggregate "maxplus:$w"
        score "$coll" "passages, maxplus:$w" "$dir/passages.idx" "$dir/run-maxplus-$w.txt"
    done
    index "$dir/docs.jsonl" "$dir/whole.idx" --jsonl-passages article
    batch "$coll" "$dir/whole.idx" "$dir/run-whole.txt"
    score "$coll" "whole articles" "$dir/whole.idx" "$dir/run-whole.txt"
}

# Cranfield: converted by talash-smart (binary relevance, as in docs/RELEVANCE.md).
mkdir -p "$OUT/cranfield"
CRAN="$SHARED/data/cranfield"
"$BIN/talash-smart" --docs "$CRAN/cran.all.1400" --queries "$CRAN/cran.qry" \
    --qrels "$CRAN/cranqrel" --out "$OUT/cranfield" --binary
evaluate cranfield

# Reuters-21578: topic-named queries judged by the editors' TOPICS labels.
mkdir -p "$OUT/reuters"
python3 scripts/reuters-topics.py --data "$SHARED/data/reuters21578" "$OUT/reuters"
mv "$OUT/reuters/collection.jsonl" "$OUT/reuters/docs.jsonl"
evaluate reuters

echo "eval-articles.sh: table in $RESULTS" >&2
