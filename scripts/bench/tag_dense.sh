#!/usr/bin/env bash
# Indexing time where tagging is heavy: articles that name a group in every sentence.
#
#   scripts/bench/tag_dense.sh BEFORE_DIR AFTER_DIR [ROUNDS] [CORPUS_100K]
#
# BEFORE_DIR and AFTER_DIR hold a release `talash-index` each. Writes to a temp folder:
# - dense70: the corpus of tests/index_small.rs `every_thread_count_indexes_the_same_corpus_alike`
#   (70 files; 4 of them 312 KB of "The envoy met the TTP negotiators near the border.");
# - dense1: one such 312 KB article.
# Then runs ROUNDS (default 5) alternating rounds of both binaries on each corpus (one thread),
# and on CORPUS_100K if given (`--memory 256 --threads 2`), with tantivy-cli on the same
# passages as the peer when `tantivy` is on PATH and TANTIVY_DOCS / TANTIVY_META name its input
# (the passages as JSONL and a meta.json with the schema of ../shared/PEERS.md).
# Prints one line per build: "before|after|tantivy CORPUS SECONDS".
set -euo pipefail
before=$1 after=$2 rounds=${3:-5} big=${4:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$work" <<'EOF'
import os, sys
w = sys.argv[1]
dense = "The envoy met the TTP negotiators near the border. " * 6000
for n in range(70):
    body = dense if n % 23 == 0 else f"Report {n} on the ceasefire talks.\n\nThe BLA denied attack {n}.\n"
    d = f"{w}/dense70/d{n % 4}"
    os.makedirs(d, exist_ok=True)
    with open(f"{d}/{n:03}.md", "w") as f:
        f.write(f'+++\nid = "a{n}"\ntitle = "Talks {n}"\noutlet = "Outlet {n % 3}"\n+++\n{body}')
os.makedirs(f"{w}/dense1", exist_ok=True)
with open(f"{w}/dense1/a.md", "w") as f:
    f.write(f'+++\nid = "a"\ntitle = "T"\n+++\n{dense}')
EOF

# The time goes to a file, so that a build's own errors reach stderr and stop the script.
build() { # NAME BIN CORPUS LABEL ARGS...
    local name=$1 bin=$2 corpus=$3 label=$4
    shift 4
    rm -rf "$work/idx"
    /usr/bin/time -o "$work/time" -f "$name $label %e" "$bin/talash-index" "$corpus" \
        --index "$work/idx" -q "$@"
    cat "$work/time"
}

for _ in $(seq "$rounds"); do
    for side in before after; do
        bin=$before
        [ "$side" = after ] && bin=$after
        build "$side" "$bin" "$work/dense70" dense70 --threads 1
        build "$side" "$bin" "$work/dense1" dense1 --threads 1
        [ -n "$big" ] && build "$side" "$bin" "$big" 100k --memory 256 --threads 2
    done
    if [ -n "$big" ] && command -v tantivy >/dev/null && [ -n "${TANTIVY_DOCS:-}" ]; then
        rm -rf "$work/tx" && mkdir "$work/tx" && cp "$TANTIVY_META" "$work/tx/meta.json"
        /usr/bin/time -o "$work/time" -f "tantivy 100k %e" \
            tantivy index -i "$work/tx" -t 2 -m 268435456 <"$TANTIVY_DOCS" >/dev/null 2>"$work/tantivy.err" ||
            { cat "$work/tantivy.err" >&2; exit 1; }
        cat "$work/time"
    fi
done
