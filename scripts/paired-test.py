#!/usr/bin/env python3
"""Paired two-sided randomization test between two runs on one metric.

Usage: paired-test.py TALASH_BIN QRELS RUN_A RUN_B [METRIC] [--trials N]

Per-query values come from `talash eval --per-query --complete`; the test flips the sign of
each query's difference at random (seeded, so the p-value is reproducible) and reports how
often the mean difference is at least as large as the observed one.
"""

import argparse
import random
import subprocess


def per_query(talash, qrels, run, metric):
    out = subprocess.run(
        [talash, "eval", qrels, run, "--metrics", metric, "--per-query", "--complete"],
        check=True, capture_output=True, text=True,
    ).stdout
    values = {}
    for line in out.splitlines():
        m, qid, v = line.split("\t")
        if m.strip() == metric and qid != "all":
            values[qid] = float(v)
    return values


def main():
    p = argparse.ArgumentParser()
    p.add_argument("talash")
    p.add_argument("qrels")
    p.add_argument("run_a")
    p.add_argument("run_b")
    p.add_argument("metric", nargs="?", default="map")
    p.add_argument("--trials", type=int, default=100000)
    a = p.parse_args()
    x = per_query(a.talash, a.qrels, a.run_a, a.metric)
    y = per_query(a.talash, a.qrels, a.run_b, a.metric)
    diffs = [x[q] - y[q] for q in sorted(x)]
    n = len(diffs)
    observed = abs(sum(diffs)) / n
    rng = random.Random(42)
    hits = 0
    for _ in range(a.trials):
        s = sum(d if rng.random() < 0.5 else -d for d in diffs)
        if abs(s) / n >= observed - 1e-12:
            hits += 1
    wins = sum(d > 0 for d in diffs)
    losses = sum(d < 0 for d in diffs)
    print(
        f"{a.metric}: mean A {sum(x.values()) / n:.4f}, mean B {sum(y.values()) / n:.4f}, "
        f"diff {sum(diffs) / n:+.4f}; A better on {wins}, worse on {losses} of {n} queries; "
        f"p = {(hits + 1) / (a.trials + 1):.3f} ({a.trials} trials)"
    )


if __name__ == "__main__":
    main()
