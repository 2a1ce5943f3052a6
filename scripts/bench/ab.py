#!/usr/bin/env python3
"""Before/after: two Talash builds measured in one run, in alternating order (see docs/BENCHMARKS.md).

    python3 scripts/bench/ab.py OLD_RELEASE_DIR NEW_RELEASE_DIR [--corpus DIR] [--queries FILE]

Each release dir holds talash-index and examples/bench (`cargo build --release --bins --examples`
in a worktree of each commit). Times full builds (--full, 8 rounds each), unchanged re-runs (16
rounds each), and `bench queries` (3 rounds each) of both builds on the SAME index, built by the
old one: an index's segment layout varies from build to build and moves tail latencies more than
code does (docs/BENCHMARKS.md), so comparing searches on two different indexes measures the
indexes. When the two builds' index formats differ, the new build cannot read the old one's
index: `--own-index` then searches each build's own last full build, and prints both indexes'
segment sizes so that a layout difference can be seen beside the figures it moves. Prints
medians and new/old ratios; writes everything to OUT/ab.json.
"""
import argparse
import json
import os
import statistics as st
import subprocess
import tempfile
import time


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def segment_sizes(index):
    """MB of each segment of an index (its files grouped by the segment id before the dot)."""
    sizes = {}
    for root, _, files in os.walk(index):
        for f in files:
            seg, dot, _ = f.partition(".")
            if dot and len(seg) == 32:
                sizes[seg] = sizes.get(seg, 0) + os.path.getsize(os.path.join(root, f))
    return sorted(round(v / 1e6, 1) for v in sizes.values())


def alternating(rounds):
    for r in range(rounds):
        yield from (("old", "new") if r % 2 == 0 else ("new", "old"))


def main():
    bench_dir = os.environ.get("BENCH_DIR", "/work/benchdata")
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--corpus", default=os.path.join(bench_dir, "100k"))
    p.add_argument("--queries", default=os.path.join(bench_dir, "queries.tsv"))
    p.add_argument("--out", default=tempfile.mkdtemp(prefix="talash-ab-"))
    p.add_argument("--no-search", action="store_true", help="builds only (a release dir without examples/bench)")
    p.add_argument("--own-index", action="store_true",
                   help="search each build's own index (index formats differ) instead of the old build's")
    a = p.parse_args()
    bins = {"old": a.old, "new": a.new}
    idx = {k: os.path.join(a.out, k) for k in bins}
    res = {"full": {"old": [], "new": []}, "rerun": {"old": [], "new": []}, "search": {"old": [], "new": []}}
    for k in alternating(8):
        cmd = [os.path.join(bins[k], "talash-index"), a.corpus, "--index", idx[k], "--full", "--quiet", "--threads", "2"]
        res["full"][k].append(timed(cmd))
    for k in alternating(16):
        cmd = [os.path.join(bins[k], "talash-index"), a.corpus, "--index", idx[k], "--quiet", "--threads", "2"]
        res["rerun"][k].append(timed(cmd))
    for k in alternating(0 if a.no_search else 3):
        searched = idx[k] if a.own_index else idx["old"]
        cmd = [os.path.join(bins[k], "examples", "bench"), "queries", searched, a.queries, "--repeat", "5"]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        res["search"][k].append(json.loads(out))
    res["segments"] = {k: segment_sizes(idx[k]) for k in bins}
    with open(os.path.join(a.out, "ab.json"), "w") as f:
        json.dump(res, f, indent=1)
    for m in ("full", "rerun"):
        o, n = st.median(res[m]["old"]), st.median(res[m]["new"])
        print(f"{m:7} old {o * 1000:8.1f} ms  new {n * 1000:8.1f} ms  new/old {n / o:.3f}")
    for k in bins:
        print(f"{k} index: {len(res['segments'][k])} segments, MB {res['segments'][k]}")
    if a.no_search:
        print(f"results in {a.out}/ab.json")
        return
    for key, q in (("search_top10", "p50_ms"), ("search_top10", "p95_ms"), ("search_top10", "p99_ms")):
        o, n = (st.median(x[key][q] for x in res["search"][k]) for k in ("old", "new"))
        print(f"{key} {q}: old {o:.4f}  new {n:.4f}  new/old {n / o:.3f}")
    o, n = (st.median(x["qps_1_thread"] for x in res["search"][k]) for k in ("old", "new"))
    print(f"queries/s, 1 thread: old {o:.0f}  new {n:.0f}  new/old {n / o:.3f}")
    print(f"results in {a.out}/ab.json")


if __name__ == "__main__":
    main()
