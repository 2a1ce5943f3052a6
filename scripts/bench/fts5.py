#!/usr/bin/env python3
"""SQLite FTS5 peer for the benchmark (see ../shared/PEERS.md and docs/BENCHMARKS.md).

  fts5.py index DB PASSAGES.jsonl      prints {"seconds": ...}
  fts5.py query DB QUERIES.tsv REPEAT  prints latency percentiles (ms) as JSON

Schema: fts5(id UNINDEXED, title, text, tokenize='porter unicode61'). A query's words are
each quoted (so punctuation and AND/OR/NOT in user text are not syntax) and ORed, phrases stay
phrases, ranked by bm25() (negative: ascending), top 10.
"""

import json
import os
import re
import sqlite3
import sys
import time


def index(db, passages):
    if os.path.exists(db):
        os.remove(db)
    t = time.perf_counter()
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute(
        "CREATE VIRTUAL TABLE t USING fts5(id UNINDEXED, title, text, tokenize='porter unicode61')"
    )
    with open(passages, encoding="utf-8") as f:
        rows = ((d["id"], d["title"], d["text"]) for d in map(json.loads, f))
        con.executemany("INSERT INTO t VALUES (?, ?, ?)", rows)
    con.commit()
    con.close()
    print(json.dumps({"seconds": time.perf_counter() - t}))


def fts_query(text):
    parts = []
    for phrase, word in re.findall(r'"([^"]*)"|(\S+)', text):
        if phrase:
            words = re.findall(r"\w+", phrase)
            if words:
                parts.append('"' + " ".join(words) + '"')
        else:
            parts += ['"' + w + '"' for w in re.findall(r"\w+", word)]
    return " OR ".join(parts)


def percentile(sorted_values, p):
    i = round(p / 100 * (len(sorted_values) - 1))
    return sorted_values[min(i, len(sorted_values) - 1)]


def query(db, queries, repeat):
    con = sqlite3.connect(db)
    sql = "SELECT id FROM t WHERE t MATCH ? ORDER BY bm25(t) LIMIT 10"
    qs = []
    with open(queries, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                qs.append(fts_query(line.split("\t")[0]))
    for q in qs:  # warm the page cache
        con.execute(sql, (q,)).fetchall()
    per_query = []
    for q in qs:
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            con.execute(sql, (q,)).fetchall()
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        per_query.append(times[len(times) // 2])
    per_query.sort()
    t = time.perf_counter()
    for q in qs:
        con.execute(sql, (q,)).fetchall()
    qps = len(qs) / (time.perf_counter() - t)
    print(json.dumps({
        "p50_ms": percentile(per_query, 50),
        "p95_ms": percentile(per_query, 95),
        "p99_ms": percentile(per_query, 99),
        "mean_ms": sum(per_query) / len(per_query),
        "qps_1_thread": qps,
    }))


if __name__ == "__main__":
    if sys.argv[1:2] == ["index"]:
        index(sys.argv[2], sys.argv[3])
    elif sys.argv[1:2] == ["query"]:
        query(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(__doc__)
