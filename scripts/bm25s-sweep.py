#!/usr/bin/env python3
"""bm25s over a grid of BM25 constants on the collections relevance.py converted.

Usage: target/peers-venv/bin/python scripts/bm25s-sweep.py [--dir target/relevance]
           [--k1 0.9,1.2,1.5,2.0] [--b 0.3,0.5,0.75,0.9] [--trials 10000]

Reads DIR/<collection>/{docs.jsonl,queries.tsv,qrels.txt} as scripts/relevance.py writes them
(run it first), indexes title + text with bm25s (method lucene, English stop words, PyStemmer:
the bm25s peer of relevance.py) for every k1 x b, scores each run with `talash eval --complete`
and prints MAP per collection, the means of MAP and nDCG@10, and the collections on which a
setting differs from k1 1.2, b 0.75 (tantivy's fixed constants) at p < 0.05 (paired
randomization test, seed 42). This is the cheap test of issue 19 item 4: whether other
constants would lift a one-field BM25 on these collections at all.
"""

import argparse
import itertools
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import relevance as R  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--dir", default=os.path.join(R.ROOT, "target", "relevance"))
    p.add_argument("--k1", default="0.9,1.2,1.5,2.0")
    p.add_argument("--b", default="0.3,0.5,0.75,0.9")
    p.add_argument("--trials", type=int, default=10000)
    a = p.parse_args()
    import bm25s
    import Stemmer

    k1s = [float(x) for x in a.k1.split(",")]
    bs = [float(x) for x in a.b.split(",")]
    grid = list(itertools.product(k1s, bs))
    base = (1.2, 0.75)
    if base not in grid:
        grid.append(base)
    talash = os.path.join(R.ROOT, "target", "release", "talash")
    colls = [c for c in R.COLLECTIONS if os.path.isdir(os.path.join(a.dir, c))]
    stemmer = Stemmer.Stemmer("english")
    res = {}
    for coll in colls:
        d = os.path.join(a.dir, coll)
        ids, corpus = [], []
        with open(os.path.join(d, "docs.jsonl"), encoding="utf-8") as f:
            for line in f:
                doc = json.loads(line)
                ids.append(str(doc["id"]))
                corpus.append(f"{doc['title']}\n{doc['text']}")
        ctok = bm25s.tokenize(corpus, stopwords="en", stemmer=stemmer, show_progress=False)
        with open(os.path.join(d, "queries.tsv"), encoding="utf-8") as f:
            qs = [line.rstrip("\n").split("\t", 1) for line in f if line.strip()]
        qtok = [bm25s.tokenize([t], stopwords="en", stemmer=stemmer, show_progress=False)
                for _, t in qs]
        out = os.path.join(d, "bm25s-sweep")
        os.makedirs(out, exist_ok=True)
        for k1, b in grid:
            model = bm25s.BM25(method="lucene", k1=k1, b=b)
            model.index(ctok, show_progress=False)
            run = os.path.join(out, f"run-{k1}-{b}.txt")
            with open(run, "w") as f:
                for (qid, _), tok in zip(qs, qtok):
                    docs, scores = model.retrieve(tok, k=min(1000, len(ids)), show_progress=False)
                    for rank, (doc, s) in enumerate(zip(docs[0], scores[0]), 1):
                        if s > 0:  # all-miss queries come back padded with zeros
                            f.write(f"{qid} Q0 {ids[doc]} {rank} {s:.6f} bm25s\n")
            res[(coll, k1, b)] = R.evaluate(talash, os.path.join(d, "qrels.txt"), run)
    n = len(colls)
    print("| k1 | b | " + " | ".join(colls) + " | mean MAP | mean nDCG@10 | p < 0.05 against 1.2/0.75 (MAP) |")
    print("| ---: | ---: | " + " | ".join("---:" for _ in colls) + " | ---: | ---: | --- |")
    for k1, b in grid:
        maps = [res[(c, k1, b)]["map"]["all"] for c in colls]
        nds = [res[(c, k1, b)]["ndcg_cut_10"]["all"] for c in colls]
        sig = []
        if (k1, b) != base:
            for c in colls:
                diff, pv, _, _ = R.randomization(res[(c, k1, b)]["map"], res[(c,) + base]["map"],
                                                 a.trials)
                if pv < 0.05:
                    sig.append(f"{c} {diff:+.4f}")
        print(f"| {k1} | {b} | " + " | ".join(f"{m:.4f}" for m in maps)
              + f" | {sum(maps) / n:.4f} | {sum(nds) / n:.4f} | {', '.join(sig) or '-'} |")


if __name__ == "__main__":
    main()
