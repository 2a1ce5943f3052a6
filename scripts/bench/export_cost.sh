#!/bin/bash
# Cost of `talash export` (issue 23 item 4): wall time, peak RSS (/usr/bin/time -v), output size,
# then the peak heap (RssAnon) against the peak of mapped index pages (RssFile), sampled every 0.1 s.
#
#   scripts/bench/export_cost.sh BIN_DIR OUT_DIR INDEX [INDEX ...]
#
# Each index and target is exported 3 times, alternating; prints one line per run.
set -eu
bin=$1; out=$2; shift 2
mkdir -p "$out"
for r in 1 2 3; do
  for idx in "$@"; do
    for to in opensearch quickwit; do
      d="$out/$(basename "$idx")-$to"; rm -rf "$d"
      /usr/bin/time -v "$bin/talash" --index "$idx" export --to $to "$d" > /dev/null 2> "$out/time.err"
      get() { grep "$1" "$out/time.err" | awk '{print $NF}'; }
      echo "$r $idx $to wall=$(get 'Elapsed (wall') rss_kb=$(get 'Maximum resident') user=$(get 'User time')" \
           "bytes=$(du -sb "$d" | cut -f1) files=$(ls "$d" | wc -l)"
    done
  done
done
for idx in "$@"; do
  for to in opensearch quickwit; do
    d="$out/rss-$to"; rm -rf "$d"
    "$bin/talash" --index "$idx" export --to $to "$d" > /dev/null &
    pid=$!; ma=0; mf=0
    while kill -0 $pid 2>/dev/null; do
      a=$(awk '/RssAnon/{print $2}' /proc/$pid/status 2>/dev/null || true)
      f=$(awk '/RssFile/{print $2}' /proc/$pid/status 2>/dev/null || true)
      if [ -n "$a" ] && [ "$a" -gt "$ma" ]; then ma=$a; fi
      if [ -n "$f" ] && [ "$f" -gt "$mf" ]; then mf=$f; fi
      sleep 0.1
    done
    echo "$idx $to peak RssAnon=${ma} kB peak RssFile=${mf} kB"
  done
done
