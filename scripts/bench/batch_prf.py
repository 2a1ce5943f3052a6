#!/usr/bin/env python3
"""Batch throughput, plain and with feedback, old and new build in one run (issue 19 item 6).

    python3 scripts/bench/batch_prf.py OLD_TALASH NEW_TALASH INDEX QUERIES.tsv [--rounds N]

Runs `talash batch QUERIES --hits 1000 --docid D` for D in passage, article with: the old build
(its default), the new build's default (lines read as words), the new build with
`--query-syntax talash` (the old reading), and the new build with `--prf rm3`; the runs of a
round go in rotating order, so a busy spell of the shared machine falls on all of them. Whole
processes are timed (start-up and index opening included). Prints the median of each and its
ratio to the old build's median, and to the new plain run for feedback.

`--extra NAME=ARGS` (repeatable) adds a run of the new build with more flags, such as
`--extra 'new --proximity=--proximity'`; its ratio to the new plain run is printed too.
"""
import argparse
import statistics as st
import subprocess
import time


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("index")
    p.add_argument("queries")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--extra", action="append", default=[], metavar="NAME=ARGS")
    a = p.parse_args()
    variants = [
        ("old default", a.old, []),
        ("new default (words)", a.new, []),
        ("new --query-syntax talash", a.new, ["--query-syntax", "talash"]),
        ("new --prf rm3", a.new, ["--prf", "rm3"]),
    ]
    for e in a.extra:
        name, sep, args = e.partition("=")
        if not sep:
            p.error(f"--extra {e!r}: give NAME=ARGS")
        variants.append((name, a.new, args.split()))
    for docid in ("passage", "article"):
        times = {name: [] for name, _, _ in variants}
        for r in range(a.rounds):
            order = variants[r % len(variants):] + variants[:r % len(variants)]
            for name, binary, extra in order:
                cmd = [binary, "--index", a.index, "batch", a.queries, "--hits", "1000",
                       "--docid", docid, "--output", "/dev/null", *extra]
                times[name].append(timed(cmd))
        old = st.median(times["old default"])
        plain = st.median(times["new default (words)"])
        print(f"--docid {docid}, {a.rounds} rounds")
        for name, _, _ in variants:
            m = st.median(times[name])
            extra = f", {m / plain:.2f}x new default" if name.startswith("new --") else ""
            print(f"  {name:28} median {m:.3f} s  ({m / old:.2f}x old){extra}  "
                  f"[{', '.join(f'{t:.2f}' for t in times[name])}]")


if __name__ == "__main__":
    main()
