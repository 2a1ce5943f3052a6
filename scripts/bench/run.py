#!/usr/bin/env python3
"""Runs the Talash benchmark with its peers in the same run (see docs/BENCHMARKS.md).

    python3 scripts/bench/make_corpus.py            # once: corpora + queries in $BENCH_DIR
    python3 scripts/bench/run.py --sizes 10k,100k   # measure; results-<size>.json + tables

Needs release builds: `cargo build --release --bins --examples` (talash, talash-index, the
`bench` example) and tantivy-cli (`cargo install tantivy-cli`, path via --tantivy).
Every figure is a median of --runs runs (indexing) or of --repeat runs per query.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def timed(cmd, **kw):
    """Runs cmd under /usr/bin/time -v: (wall seconds, peak RSS MB, stdout)."""
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v"] + [str(c) for c in cmd],
                       capture_output=True, text=True, **kw)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(map(str, cmd))}\n{p.stderr[-3000:]}")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    return wall, int(rss.group(1)) / 1024 if rss else float("nan"), p.stdout


def warm(path):
    """Reads every file under `path` (or the file itself) once, untimed, so that the engine
    timed next finds its input in the page cache. This machine drops file pages left unread
    for a few seconds (docs/BENCHMARKS.md, "The machine"): without this, Talash's thousands
    of corpus files, last read a run earlier, came partly from disk, while each peer read a
    JSON-lines file the engine before it had just read."""
    path = Path(path)
    files = [path] if path.is_file() else (Path(r) / f for r, _, fs in os.walk(path) for f in fs)
    for f in files:
        with open(f, "rb") as fh:
            while fh.read(1 << 20):
                pass


def du(path):
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def median(xs):
    return statistics.median(xs)


def percentiles(values):
    v = sorted(values)
    pick = lambda p: v[min(round(p / 100 * (len(v) - 1)), len(v) - 1)]
    return {"p50_ms": pick(50), "p95_ms": pick(95), "p99_ms": pick(99),
            "mean_ms": sum(v) / len(v)}


# The FTS5 peer: its script needs only the standard library, so Python starts without `site`
# (-S). `site` runs every `.pth` file of site-packages at each start; on the benchmark machine
# one of them, written by the sandbox, imports `certifi`: ~19-28 ms of every run (a build of
# one passage took 58 ms against 30 ms with -S, 15 alternating runs; of one article, 12
# passages, 40 against 21 ms, 21 runs), a cost that is the machine's, not SQLite's, and a
# sixth of FTS5's time at 10k.
FTS5 = [sys.executable, "-S", HERE / "fts5.py"]

TANTIVY_META = {"segments": [], "opstamp": 0, "schema": [
    {"name": "id", "type": "text", "options": {"stored": True}},
    {"name": "title", "type": "text", "options": {
        "indexing": {"record": "position", "fieldnorms": True, "tokenizer": "en_stem"}, "stored": True}},
    {"name": "text", "type": "text", "options": {
        "indexing": {"record": "position", "fieldnorms": True, "tokenizer": "en_stem"}, "stored": True}},
]}


def tantivy_bench(tantivy, idx, queries_txt, repeat):
    out = subprocess.run([tantivy, "bench", "-i", idx, "-q", queries_txt, "-n", str(repeat)],
                         capture_output=True, text=True, check=True).stdout
    section = out.split("SEARCH", 1)[1].split("FETCH STORE", 1)[0]
    per = {}
    for line in section.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[2].isdigit():
            per.setdefault(parts[0], []).append(int(parts[2]) / 1000)
    return percentiles([median(v) for v in per.values()])


def cold_search(talash, idx, queries, runs):
    times = []
    for q in queries:
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run([talash, "--index", idx, "search", q, "-n", "10", "--color", "never"],
                           stdout=subprocess.DEVNULL, check=True)
            times.append((time.perf_counter() - t) * 1000)
    return {"median_ms": median(times), "p90_ms": sorted(times)[int(0.9 * (len(times) - 1))]}


def incremental(talash_index, corpus, idx, runs, memory):
    """Unchanged re-run, then adding and removing one (real-text) article, medians."""
    unchanged, add, remove = [], [], []
    donor = next(corpus.rglob("*.md"))
    text = donor.read_text(encoding="utf-8")
    extra = corpus / "zz-bench-extra"
    for r in range(runs):
        unchanged.append(timed([talash_index, corpus, "--index", idx, "-q", "--memory", memory])[0])
        extra.mkdir(exist_ok=True)
        new = re.sub(r'^id = ".*"$', f'id = "bench-added-{r}"', text, count=1, flags=re.M)
        (extra / f"bench-added-{r}.md").write_text(new, encoding="utf-8")
        add.append(timed([talash_index, corpus, "--index", idx, "-q", "--memory", memory])[0])
        shutil.rmtree(extra)
        remove.append(timed([talash_index, corpus, "--index", idx, "-q", "--memory", memory])[0])
    return {"unchanged_s": median(unchanged), "add_one_s": median(add),
            "remove_one_s": median(remove), "runs": runs}


def run_size(args, size):
    bench = Path(args.bench_dir)
    corpus = bench / size
    rel = REPO / "target" / "release"
    talash, talash_index, ex = rel / "talash", rel / "talash-index", rel / "examples" / "bench"
    work = bench / "work" / size
    work.mkdir(parents=True, exist_ok=True)
    passages = bench / f"{size}.passages.jsonl"
    if not passages.exists():
        with open(passages, "w") as f:
            subprocess.run([ex, "passages", corpus], stdout=f, check=True)
    n_passages = 0
    text_bytes = 0
    with open(passages, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            n_passages += 1
            text_bytes += len(d["title"].encode()) + len(d["text"].encode())
    input_bytes = du(corpus)
    res = {"size": size, "passages": n_passages, "text_mb": text_bytes / 1e6,
           "input_mb": input_bytes / 1e6, "runs": args.runs, "memory_mb": args.memory,
           "threads": args.threads}
    print(f"[{size}] {n_passages} passages, {text_bytes/1e6:.1f} MB text", file=sys.stderr)

    engines = {}
    # Indexing: the three engines alternate within each run so machine load hits all alike.
    tidx, db, idx = work / "tantivy", work / "fts5.db", work / "talash"
    walls = {"talash": [], "tantivy": [], "fts5": []}
    inner = []  # FTS5's own time, inside Python, without the interpreter's start and exit
    rss = {"talash": [], "tantivy": [], "fts5": []}
    for r in range(args.runs):
        shutil.rmtree(idx, ignore_errors=True)
        warm(corpus)
        w, m, _ = timed([talash_index, corpus, "--index", idx, "-q", "--memory", args.memory,
                         "--threads", args.threads])
        walls["talash"].append(w), rss["talash"].append(m)
        shutil.rmtree(tidx, ignore_errors=True)
        tidx.mkdir(parents=True)
        (tidx / "meta.json").write_text(json.dumps(TANTIVY_META))
        warm(passages)
        w, m, _ = timed([args.tantivy, "index", "-i", tidx, "-f", passages, "-t", args.threads,
                         "-m", int(args.memory) << 20])
        walls["tantivy"].append(w), rss["tantivy"].append(m)
        warm(passages)
        w, m, out = timed(FTS5 + ["index", db, passages])
        walls["fts5"].append(w), rss["fts5"].append(m)
        inner.append(json.loads(out)["seconds"])
        print(f"[{size}] run {r + 1}: " + ", ".join(f"{k} {v[-1]:.2f}s" for k, v in walls.items()),
              file=sys.stderr)
    for name, path in (("talash", idx), ("tantivy", tidx), ("fts5", db)):
        wall = median(walls[name])
        engines[name] = {"index_s": wall, "index_runs_s": walls[name],
                         "passages_per_s": n_passages / wall, "text_mb_per_s": text_bytes / 1e6 / wall,
                         "peak_rss_mb": median(rss[name]), "index_bytes": du(path),
                         "bytes_per_passage": du(path) / n_passages}
    engines["fts5"]["index_inside_python_s"] = median(inner)
    engines["talash"]["input_mb_per_s"] = input_bytes / 1e6 / engines["talash"]["index_s"]

    # Queries.
    queries = bench / "queries.tsv"
    plain = work / "queries.txt"
    texts = [l.split("\t")[0] for l in queries.read_text(encoding="utf-8").splitlines() if l.strip()]
    plain.write_text("\n".join(texts) + "\n", encoding="utf-8")
    out = subprocess.run([ex, "queries", idx, queries, "--repeat", str(args.repeat), "--no-filters"],
                         capture_output=True, text=True, check=True).stdout
    engines["talash"]["queries"] = json.loads(out)
    out = subprocess.run([ex, "queries", idx, queries, "--repeat", str(args.repeat)],
                         capture_output=True, text=True, check=True).stdout
    engines["talash"]["queries_with_filters"] = json.loads(out)
    engines["tantivy"]["queries_top10_and_count"] = tantivy_bench(args.tantivy, tidx, plain, args.repeat)
    out = subprocess.run(FTS5 + ["query", db, queries, str(args.repeat)],
                         capture_output=True, text=True, check=True).stdout
    engines["fts5"]["queries"] = json.loads(out)
    engines["talash"]["cold_search"] = cold_search(talash, idx, texts[100:105], args.cold_runs)
    engines["talash"]["incremental"] = incremental(talash_index, corpus, idx, args.runs, args.memory)
    res["engines"] = engines
    (bench / f"results-{size}.json").write_text(json.dumps(res, indent=1))
    return res


def table(res):
    t, p, f = (res["engines"][k] for k in ("talash", "tantivy", "fts5"))
    rows = []
    def row(name, a, b, c, fmt="{:.2f}", higher_better=True):
        ratio = lambda x, y: "" if (x is None or y in (None, 0)) else f"{(x / y if higher_better else y / x):.2f}×"
        cell = lambda v: "–" if v is None else fmt.format(v)
        rows.append(f"| {name} | {cell(a)} | {cell(b)} | {cell(c)} | {ratio(a, b)} | {ratio(a, c)} |")
    row("index wall time (s)", t["index_s"], p["index_s"], f["index_s"], higher_better=False)
    # The engines index one after another in each run, so a load burst or a slow spell of
    # the machine hits the three of a run alike: the median of each run's own ratio is
    # steadier than the ratio of the medians above.
    paired = lambda peer: median(b / a for a, b in zip(t["index_runs_s"], peer["index_runs_s"]))
    rows.append(f"| index wall time, median of each run's ratio | | | | "
                f"{paired(p):.2f}× | {paired(f):.2f}× |")
    inside = f.get("index_inside_python_s")
    if inside is not None:
        rows.append(f"| FTS5's index time inside Python, median (s) | | | {inside:.2f} | | |")
    row("passages/s", t["passages_per_s"], p["passages_per_s"], f["passages_per_s"], "{:,.0f}")
    row("MB of passage text/s", t["text_mb_per_s"], p["text_mb_per_s"], f["text_mb_per_s"], "{:.1f}")
    row("peak RSS (MB)", t["peak_rss_mb"], p["peak_rss_mb"], f["peak_rss_mb"], "{:.0f}", higher_better=False)
    row("index bytes/passage", t["bytes_per_passage"], p["bytes_per_passage"], f["bytes_per_passage"], "{:.0f}", higher_better=False)
    q, qc, tq, fq = t["queries"]["rank_top10"], t["queries"]["rank_top10_and_count"], p["queries_top10_and_count"], f["queries"]
    for k in ("p50_ms", "p95_ms", "p99_ms"):
        row(f"top 10, pruned: {k[:3]} (ms)", q[k], None, fq[k], "{:.3f}", higher_better=False)
    for k in ("p50_ms", "p95_ms", "p99_ms"):
        row(f"top 10 + count all: {k[:3]} (ms)", qc[k], tq[k], None, "{:.3f}", higher_better=False)
    s = t["queries"]["search_top10"]
    row("`Engine::search` (hits, snippets) p50 / p99 (ms)", s["p50_ms"], None, None, "{:.3f}")
    rows[-1] = rows[-1].replace(f"| {s['p50_ms']:.3f} |", f"| {s['p50_ms']:.3f} / {s['p99_ms']:.3f} |")
    row("queries/s, 1 thread", t["queries"]["qps_1_thread"], None, fq["qps_1_thread"], "{:,.0f}")
    row("queries/s, 2 threads", t["queries"]["qps_2_threads"], None, None, "{:,.0f}")
    qf = t["queries_with_filters"]
    row("with filters: pruned p50 / p99 (ms)", qf["rank_top10"]["p50_ms"], None, None, "{:.3f}")
    rows[-1] = rows[-1].replace(f"| {qf['rank_top10']['p50_ms']:.3f} |", f"| {qf['rank_top10']['p50_ms']:.3f} / {qf['rank_top10']['p99_ms']:.3f} |")
    row("cold `talash search` (ms, median)", t["cold_search"]["median_ms"], None, None, "{:.1f}")
    inc = t["incremental"]
    row("re-run, unchanged corpus (s)", inc["unchanged_s"], None, None, "{:.2f}")
    row("add one article (s)", inc["add_one_s"], None, None, "{:.2f}")
    row("remove one article (s)", inc["remove_one_s"], None, None, "{:.2f}")
    head = (f"### {res['size']}: {res['passages']:,} passages, {res['text_mb']:.1f} MB of passage text "
            f"({res['input_mb']:.1f} MB of Markdown)\n\n"
            "| measure | Talash | tantivy-cli | SQLite FTS5 | Talash/tantivy | Talash/FTS5 |\n"
            "| --- | ---: | ---: | ---: | ---: | ---: |")
    return head + "\n" + "\n".join(rows) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench-dir", default=os.environ.get("BENCH_DIR", "/work/benchdata"))
    ap.add_argument("--sizes", default="10k,100k")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--cold-runs", type=int, default=5)
    ap.add_argument("--memory", default="256", help="writer heap, MB (both tantivy engines)")
    ap.add_argument("--threads", default=str(os.cpu_count()))
    ap.add_argument("--tantivy", default=shutil.which("tantivy") or "/work/venvs/tantivy-cli/bin/tantivy")
    ap.add_argument("--report", action="store_true", help="only print tables of saved results")
    args = ap.parse_args()
    for size in args.sizes.split(","):
        path = Path(args.bench_dir) / f"results-{size}.json"
        res = json.loads(path.read_text()) if args.report else run_size(args, size)
        print(table(res))


if __name__ == "__main__":
    main()
