#!/usr/bin/env python3
"""A small BM25F model against the two-field sum Talash scores, on relevance.py's collections.

Usage: target/peers-venv/bin/python scripts/bm25f-model.py [--dir target/relevance]
           [--weights 2,3,4,5] [--trials 10000]

Not an engine: a measurement for docs/RELEVANCE.md ("What would close CACM"). It reads
DIR/<collection>/{docs.jsonl,queries.tsv,qrels.txt} as scripts/relevance.py writes them,
tokenizes title and text with bm25s's tokenizer (English stop words, PyStemmer), weights query
terms 1 + ln(count) as Talash does, and ranks every record three ways with k1 1.2, b 0.75:
  sum   BM25 of the title plus BM25 of the text, each with its own idf and length (Talash);
  one   one BM25 over title + text (the peers);
  fW    BM25F: W x the title's length-normalized tf plus the text's, saturated once, with the
        idf of the term in either field.
It prints MAP per collection, the means, and paired tests of each model against `sum`.
"""

import argparse
import collections
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import relevance as R  # noqa: E402

K1, B = 1.2, 0.75


def load(d, tokenize):
    ids, titles, texts = [], [], []
    with open(os.path.join(d, "docs.jsonl"), encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            if doc["title"].strip() or doc["text"].strip():
                ids.append(str(doc["id"]))
                titles.append(doc["title"])
                texts.append(doc["text"])
    return ids, [collections.Counter(t) for t in tokenize(titles)], [
        collections.Counter(t) for t in tokenize(texts)]


def rank(model, w, ids, tf_t, tf_x, queries, tokenize, out):
    n = len(ids)
    len_t = [sum(c.values()) for c in tf_t]
    len_x = [sum(c.values()) for c in tf_x]
    avg_t, avg_x = (sum(len_t) / n) or 1, (sum(len_x) / n) or 1
    avg_a = (sum(len_t) + sum(len_x)) / n
    post = collections.defaultdict(set)
    df_t, df_x = collections.Counter(), collections.Counter()
    for i in range(n):
        for term in tf_t[i]:
            post[term].add(i)
            df_t[term] += 1
        for term in tf_x[i]:
            post[term].add(i)
            df_x[term] += 1

    def idf(df):
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def bm25(tf, length, avg):
        return tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / avg))

    with open(out, "w") as f:
        for qid, text in queries:
            scores = collections.defaultdict(float)
            for term, count in collections.Counter(tokenize([text])[0]).items():
                qw = 1 + math.log(count)
                for i in post.get(term, ()):
                    a, x = tf_t[i].get(term, 0), tf_x[i].get(term, 0)
                    if model == "sum":
                        s = (idf(df_t[term]) * bm25(a, len_t[i], avg_t) if a else 0.0) + (
                            idf(df_x[term]) * bm25(x, len_x[i], avg_x) if x else 0.0)
                    elif model == "one":
                        s = idf(len(post[term])) * bm25(a + x, len_t[i] + len_x[i], avg_a)
                    else:
                        t = w * a / (1 - B + B * len_t[i] / avg_t) + x / (1 - B + B * len_x[i] / avg_x)
                        s = idf(len(post[term])) * t * (K1 + 1) / (t + K1)
                    scores[i] += qw * s
            top = sorted(scores.items(), key=lambda p: (-p[1], ids[p[0]]))[:1000]
            for r, (i, s) in enumerate(top, 1):
                f.write(f"{qid} Q0 {ids[i]} {r} {s:.6f} {model}\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--dir", default=os.path.join(R.ROOT, "target", "relevance"))
    p.add_argument("--weights", default="2,3,4,5")
    p.add_argument("--trials", type=int, default=10000)
    a = p.parse_args()
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")

    def tokenize(texts):
        return bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False,
                              return_ids=False)

    talash = os.path.join(R.ROOT, "target", "release", "talash")
    models = [("sum", 1.0), ("one", 1.0)] + [("f", float(w)) for w in a.weights.split(",")]
    colls = [c for c in R.COLLECTIONS if os.path.isdir(os.path.join(a.dir, c))]
    res = {}
    for coll in colls:
        d = os.path.join(a.dir, coll)
        ids, tf_t, tf_x = load(d, tokenize)
        with open(os.path.join(d, "queries.tsv"), encoding="utf-8") as f:
            queries = [line.rstrip("\n").split("\t", 1) for line in f if line.strip()]
        os.makedirs(os.path.join(d, "bm25f-model"), exist_ok=True)
        for model, w in models:
            run = os.path.join(d, "bm25f-model", f"run-{model}-{w}.txt")
            rank(model, w, ids, tf_t, tf_x, queries, tokenize, run)
            res[(coll, model, w)] = R.evaluate(talash, os.path.join(d, "qrels.txt"), run)
    print("| model | " + " | ".join(colls) + " | mean MAP | mean nDCG@10 | MAP against sum (p) |")
    print("| --- | " + " | ".join("---:" for _ in colls) + " | ---: | ---: | --- |")
    for model, w in models:
        maps = [res[(c, model, w)]["map"]["all"] for c in colls]
        nds = [res[(c, model, w)]["ndcg_cut_10"]["all"] for c in colls]
        tests = []
        if model != "sum":
            for c in colls:
                diff, pv, _, _ = R.randomization(res[(c, model, w)]["map"],
                                                 res[(c, "sum", 1.0)]["map"], a.trials)
                tests.append(f"{c} {diff:+.4f} ({pv:.3f})")
        name = model if model != "f" else f"BM25F title x{w:g}"
        print(f"| {name} | " + " | ".join(f"{m:.4f}" for m in maps)
              + f" | {sum(maps) / len(colls):.4f} | {sum(nds) / len(colls):.4f} | "
              + ("; ".join(tests) or "-") + " |")


if __name__ == "__main__":
    main()
