#!/usr/bin/env bash
# Relevance of Talash's settings and of two peers on the Cranfield collection.
#
#   scripts/eval-collection.sh [OUT_DIR]        (default: target/eval-cranfield)
#
# 1. talash-smart converts ../shared/data/cranfield (or $TALASH_SHARED/data/cranfield) to
#    docs.jsonl, queries.tsv and qrels.txt (binary relevance: grade >= 1; see docs/RELEVANCE.md).
# 2. For each setting, talash-index indexes docs.jsonl with a schema variant (--schema) or
#    --max-words, `talash batch --docid article --hits 1000` runs the queries, `talash eval
#    --complete` scores the run (a query that finds nothing counts as 0, as trec_eval -c).
# 3. scripts/peers.py runs Lucene BM25 (Pyserini, k1=1.2 b=0.75) and SQLite FTS5 bm25() on the
#    same documents and queries; `talash eval` scores their runs the same way.
# The table is written to OUT_DIR/results.md. Set TALASH_PROFILE=debug to use debug binaries
# (same results, slower), PEERS_PYTHON to the venv with pyserini (default /work/venvs/peers),
# SKIP_LUCENE=1 to leave Lucene out.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SHARED="${TALASH_SHARED:-$ROOT/../shared}"
CRAN="$SHARED/data/cranfield"
OUT="${1:-target/eval-cranfield}"
PROFILE="${TALASH_PROFILE:-release}"
PEERS_PYTHON="${PEERS_PYTHON:-/work/venvs/peers/bin/python}"
HITS=1000

if [ ! -f "$CRAN/cran.all.1400" ]; then
    echo "eval-collection.sh: no Cranfield collection at $CRAN; set TALASH_SHARED" >&2
    exit 1
fi
if [ "$PROFILE" = release ]; then
    cargo build --release --quiet --bins
else
    cargo build --quiet --bins
fi
BIN="$ROOT/target/$PROFILE"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

"$BIN/talash-smart" --docs "$CRAN/cran.all.1400" --queries "$CRAN/cran.qry" \
    --qrels "$CRAN/cranqrel" --out "$OUT" --binary

METRICS=map,ndcg_cut_10,P_10,recall_100,recip_rank
RESULTS="$OUT/results.md"
{
    echo "| run | MAP | nDCG@10 | P@10 | Recall@100 | MRR |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: |"
} > "$RESULTS"

# Appends one table row from a run file.
score() {
    local name=$1 run=$2
    "$BIN/talash" eval "$OUT/qrels.txt" "$run" --metrics "$METRICS" --complete |
        awk -v name="$name" -F'\t' '$2 == "all" && $1 !~ /^num_q/ { v[++n] = $3 }
            END { printf "| %s | %s | %s | %s | %s | %s |\n", name, v[1], v[2], v[3], v[4], v[5] }' |
        tee -a "$RESULTS"
}

# setting NAME SCHEMA_PERL_EDIT [talash-index options...]: index, run, score one setting.
setting() {
    local name=$1 edit=$2
    shift 2
    local dir="$OUT/talash-$name"
    mkdir -p "$dir"
    perl -0pe "$edit" index-schema/schema.toml > "$dir/schema.toml"
    "$BIN/talash-index" "$OUT/docs.jsonl" --index "$dir/index" --schema "$dir/schema.toml" --quiet "$@"
    "$BIN/talash" --index "$dir/index" batch "$OUT/queries.tsv" --docid article \
        --hits "$HITS" --run-tag "talash-$name" --output "$dir/run.txt"
    score "Talash: $name" "$dir/run.txt"
}

NO_STEM='s/stemmer = "english"/stemmer = "none"/'
NO_STOP='s/stop_words = "english"/stop_words = "none"/'
AND='s/default_operator = "or"/default_operator = "and"/'
# The title field's boost (1.0 by default) and whether bare words search it.
TITLE_2='s/(name = "title"\n(?:.*\n)*?)boost = 1.0/${1}boost = 2.0/'
TITLE_3='s/(name = "title"\n(?:.*\n)*?)boost = 1.0/${1}boost = 3.0/'
TITLE_OFF='s/(name = "title"\n(?:.*\n)*?boost = 1.0\n)search = true/${1}search = false/'

setting default ''
setting no-stemming "$NO_STEM"
setting no-stop-words "$NO_STOP"
setting default-AND "$AND"
setting title-boost-2 "$TITLE_2"
setting title-boost-3 "$TITLE_3"
setting title-not-searched "$TITLE_OFF"
# The default indexes each Cranfield document as one passage (passages.jsonl = "article");
# these cut documents into paragraphs and passages instead, scored per document by MaxP.
setting passages-120-words '' --jsonl-passages paragraph
setting passages-250-words '' --jsonl-passages paragraph --max-words 250

PEER_ARGS=()
if [ "${SKIP_LUCENE:-0}" = 1 ]; then PEER_ARGS+=(--skip-lucene); fi
"$PEERS_PYTHON" scripts/peers.py "$OUT/docs.jsonl" "$OUT/queries.tsv" "$OUT/peers" \
    --hits "$HITS" "${PEER_ARGS[@]}"
if [ "${SKIP_LUCENE:-0}" != 1 ]; then
    score "Lucene BM25 (Pyserini 1.6.0, k1=1.2 b=0.75)" "$OUT/peers/run-lucene.txt"
fi
score "SQLite FTS5 bm25() (porter)" "$OUT/peers/run-fts5.txt"

echo "Table written to $RESULTS"
