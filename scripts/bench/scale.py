#!/usr/bin/env python3
"""How far one machine goes: 100k, 1M and 10M passages measured in one run (issue 23, item 1).

    python3 scripts/bench/scale.py --bin target/release --sizes 100k,1m,10m
    python3 scripts/bench/scale.py --report        # reprint the tables and redraw the plot

The corpus is JSON-lines collections (corpus/README.md) built from the real news in
$TALASH_SHARED/data with make_corpus.py's readers: first every real article (Reuters-21578,
BBC News, 20 Newsgroups, in make_corpus.py's fixed shuffle, real ids and dates), then new
articles recombined from real sentences of one source (make_corpus.py's `recombined`), each
with its own id (`mix-SOURCE-K`) and, when its template is dated, the template's real month
and day moved to the year 1987 + K mod 30 (1987-2016), so that dates spread over 30 years.
It is written once, in parts of about 100k passages (`part-NNNNN.jsonl`, cut into passages
by `--jsonl-passages paragraph` like Markdown articles); the sizes are nested: SIZE/ holds
hard links to the first parts (100k: 1 part, 1m: 10, 10m: 100).

For each size: a full build under /usr/bin/time -v (wall time, peak RSS), index bytes per
passage; then per query (the first --queries of $BENCH_DIR/queries.tsv, from make_corpus.py)
six commands as whole `talash` processes, median of --rounds, the sizes and commands
interleaved within each round so load bursts hit them alike; p50/p99 across the queries;
then a one-article update (a file with one article added, changed, removed) and a cold start
(the index's pages evicted with posix_fadvise(DONTNEED), since drop_caches needs root).
Everything lands in OUT/results.json; --report prints Markdown and writes the SVG plot.
"""
import argparse
import importlib.util
import json
import os
import random
import re
import statistics as st
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PART = 100_000
SIZES = {"100k": 1, "1m": 10, "10m": 100}  # parts of ~100k passages
OPS = {
    "top 10": ["search", "{q}", "--limit", "10"],
    "--group ISIS": ["search", "{q}", "--group", "ISIS"],
    "--since 2000": ["search", "{q}", "--since", "2000"],
    "--facets": ["search", "{q}", "--facets"],
    "--by-article": ["search", "{q}", "--by-article"],
    "timeline": ["timeline", "{q}"],
}


def make_corpus_module():
    spec = importlib.util.spec_from_file_location("make_corpus", HERE / "make_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def articles(mc, seed):
    """Real articles, then recombined ones with years varied (see the module doc)."""
    data = mc.shared_data()
    if not (data / "reuters21578").is_dir():
        sys.exit(f"no shared data at {data}; set TALASH_SHARED")
    real = list(mc.reuters(data)) + list(mc.bbc(data)) + list(mc.newsgroups(data))
    random.Random(seed).shuffle(real)
    yield from real
    for k, a in enumerate(mc.recombined(real, 10**9, random.Random(seed + 2))):
        if a["date"]:
            a = dict(a, date=f"{1987 + k % 30}{a['date'][4:]}")
        yield a


def jsonl(a):
    rec = {"id": a["id"], "title": a["title"], "text": "\n\n".join(a["paras"]),
           "outlet": a["outlet"], "kind": a["kind"]}
    if a["date"]:
        rec["date"] = a["date"]
    return json.dumps(rec, ensure_ascii=False) + "\n"


def write_parts(mc, out, parts, seed):
    """Parts 0..parts-1 of ~PART passages each; existing complete parts are kept."""
    pdir = out / "parts"
    pdir.mkdir(parents=True, exist_ok=True)
    done = pdir / "done.json"
    if done.exists() and json.loads(done.read_text())["parts"] >= parts:
        return
    gen = articles(mc, seed)
    for i in range(parts):
        tmp = pdir / f"part-{i:05d}.tmp"
        total = 0
        with open(tmp, "w", encoding="utf-8") as f:
            while total < PART:
                a = next(gen)
                f.write(jsonl(a))
                total += mc.passages_of(a["paras"])
        tmp.rename(pdir / f"part-{i:05d}.jsonl")
        print(f"part {i}: {total} passages", file=sys.stderr)
    done.write_text(json.dumps({"parts": parts, "seed": seed}))


def link_size(out, size):
    d = out / size
    d.mkdir(exist_ok=True)
    for i in range(SIZES[size]):
        name = f"part-{i:05d}.jsonl"
        if not (d / name).exists():
            os.link(out / "parts" / name, d / name)
    return d


def timed_v(cmd):
    """Wall seconds and peak RSS (MB) of a command, from /usr/bin/time -v."""
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stderr[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", r.stderr)
    h, m, s = wall.groups()
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1))
    return int(h or 0) * 3600 + int(m) * 60 + float(s), rss / 1024


def index_cmd(bin_dir, corpus, idx, *extra):
    return [str(bin_dir / "talash-index"), str(corpus), "--index", str(idx), "-q", "--memory", "256",
            "--threads", "2", "--jsonl-passages", "paragraph", *extra]


def talash(bin_dir, idx, *args, nothing_ok=False):
    """A talash command's stdout; exit 1 ("nothing matches") is accepted when nothing_ok."""
    r = subprocess.run([str(bin_dir / "talash"), "--index", str(idx), *args],
                       capture_output=True, text=True)
    if r.returncode != 0 and not (nothing_ok and r.returncode == 1):
        sys.exit(f"failed ({r.returncode}): talash {' '.join(args)}\n{r.stderr[-2000:]}")
    return r.stdout


def dir_bytes(d):
    return sum(f.stat().st_size for f in Path(d).iterdir() if f.is_file())


def build(bin_dir, out, size):
    corpus = link_size(out, size)
    idx = out / f"index-{size}"
    wall, rss = timed_v(index_cmd(bin_dir, corpus, idx, "--full"))
    counts = json.loads(talash(bin_dir, idx, "facets", "--field", "group", "--json").splitlines()[0])
    return {"build_s": wall, "build_rss_mb": rss, "passages": counts["passages"],
            "articles": counts["articles"], "index_bytes": dir_bytes(idx),
            "corpus_bytes": sum(f.stat().st_size for f in corpus.iterdir())}


def matching(bin_dir, idx, q):
    """Passages matching q in their own text (the --facets count); 0 when nothing matches."""
    out = talash(bin_dir, idx, "search", q, "--facets", "--json", "--limit", "1", nothing_ok=True)
    lines = out.strip().splitlines()
    return json.loads(lines[-1])["facets"]["matching_passages"] if lines else 0


def queries(bin_dir, out, smallest, n):
    """"said", "market", then the first queries of queries.tsv that match at the smallest size.

    queries.tsv is drawn from the Markdown benchmark corpus (make_corpus.py), whose passages
    are not those of this one, so a phrase of it can match nothing here; the corpora are
    nested, so a query that matches at the smallest size matches at every size."""
    bench = Path(os.environ.get("BENCH_DIR", "/work/benchdata"))
    rows = [line.split("\t")[0] for line in open(bench / "queries.tsv", encoding="utf-8")]
    qs, skipped = ["said", "market"], []
    for q in rows:
        if len(qs) >= n:
            break
        (qs if matching(bin_dir, out / f"index-{smallest}", q) > 0 else skipped).append(q)
    if skipped:
        print(f"skipped (no match at {smallest}): {skipped}", file=sys.stderr)
    return qs


def latencies(bin_dir, out, sizes, qs, rounds):
    times, matches = {}, {}
    for size in sizes:
        idx = out / f"index-{size}"
        for q in qs:
            matches[f"{size}|{q}"] = matching(bin_dir, idx, q)
    for r in range(rounds):
        for q in qs:
            for size in sizes:
                for op, args in OPS.items():
                    cmd = [str(bin_dir / "talash"), "--index", str(out / f"index-{size}")]
                    cmd += [a.format(q=q) for a in args]
                    t = time.perf_counter()
                    # Exit 1 is "nothing matches" (a filter can leave no hits); 2 and up fail.
                    rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
                    times.setdefault(f"{size}|{op}|{q}", []).append(time.perf_counter() - t)
                    if rc not in (0, 1):
                        sys.exit(f"failed ({rc}): {' '.join(cmd)}")
        print(f"round {r + 1}/{rounds} done", file=sys.stderr)
    return {k: st.median(v) for k, v in times.items()}, matches


def one_article_update(bin_dir, out, size):
    corpus, idx = out / size, out / f"index-{size}"
    extra = corpus / "zz-update.jsonl"
    rec = {"id": "scale-update-1", "title": "Harbour reopened", "date": "2016-05-02",
           "text": "The harbour reopened after the storm.\n\nShips waited in the bay for days."}
    res = {}
    for step in ("add", "change", "remove"):
        if step == "remove":
            extra.unlink()
        else:
            if step == "change":
                rec["text"] += "\n\nThe port authority said trade would resume."
            extra.write_text(json.dumps(rec) + "\n", encoding="utf-8")
        res[step] = timed_v(index_cmd(bin_dir, corpus, idx))
    return {k: {"s": v[0], "rss_mb": v[1]} for k, v in res.items()}


def evict(d):
    for f in Path(d).iterdir():
        if f.is_file():
            fd = os.open(f, os.O_RDONLY)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            os.close(fd)


def resident(d):
    r = subprocess.run(["fincore", "-b", "-n", "-o", "RES"] + [str(f) for f in Path(d).iterdir() if f.is_file()],
                       capture_output=True, text=True)
    return sum(int(x) for x in r.stdout.split() if x.isdigit())


def cold_start(bin_dir, out, size, q):
    idx = out / f"index-{size}"
    res = {}
    for op in ("top 10", "--facets"):
        args = [a.format(q=q) for a in OPS[op]]
        evict(idx)
        before = resident(idx)
        t = time.perf_counter()
        talash(bin_dir, idx, *args)
        cold = time.perf_counter() - t
        after = resident(idx)
        t = time.perf_counter()
        talash(bin_dir, idx, *args)
        res[op] = {"cold_s": cold, "warm_s": time.perf_counter() - t,
                   "resident_before_bytes": before, "read_bytes": after - before}
    return res


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


def fit(points):
    """Least squares time = a + b * matches, and the matches where it reaches 100 ms."""
    n = len(points)
    mx = sum(m for m, _ in points) / n
    my = sum(t for _, t in points) / n
    var = sum((m - mx) ** 2 for m, _ in points)
    b = sum((m - mx) * (t - my) for m, t in points) / var if var else 0.0
    a = my - b * mx
    cov = sum((m - mx) * (t - my) for m, t in points)
    vt = sum((t - my) ** 2 for _, t in points)
    r = cov / (var * vt) ** 0.5 if var and vt else 0.0
    cross = (0.1 - a) / b if b > 0 else None
    return a, b, r, cross


def report(res, svg_path):
    sizes = [s for s in SIZES if s in res["sizes"]]
    R = res["sizes"]
    print(f"run {res['started']}, commit {res['commit']}, {len(res['queries'])} queries, median of "
          f"{res['rounds']} per query\n")
    print("| | " + " | ".join(sizes) + " |\n| --- |" + " ---: |" * len(sizes))
    row = lambda name, f: print(f"| {name} | " + " | ".join(f(R[s]) for s in sizes) + " |")
    row("passages (articles)", lambda r: f"{r['passages']:,} ({r['articles']:,})")
    row("JSONL corpus", lambda r: f"{r['corpus_bytes'] / 1e6:,.0f} MB")
    row("full build", lambda r: f"{r['build_s']:,.1f} s")
    row("passages/s", lambda r: f"{r['passages'] / r['build_s']:,.0f}")
    row("peak RSS of the build", lambda r: f"{r['build_rss_mb']:,.0f} MB")
    row("index size", lambda r: f"{r['index_bytes'] / 1e6:,.0f} MB")
    row("index bytes per passage", lambda r: f"{r['index_bytes'] / r['passages']:,.0f}")
    for op in OPS:
        row(f"`{op}` p50 / p99", lambda r, op=op: f"{r['p50'][op] * 1e3:,.1f} / {r['p99'][op] * 1e3:,.1f} ms")
    for step in ("add", "change", "remove"):
        row(f"update: {step} one article", lambda r, s=step: f"{r['update'][s]['s']:.2f} s, {r['update'][s]['rss_mb']:.0f} MB")
    for op in ("top 10", "--facets"):
        row(f"cold `{op}` (warm)", lambda r, op=op: f"{r['cold'][op]['cold_s'] * 1e3:,.0f} ms ({r['cold'][op]['warm_s'] * 1e3:,.0f} ms), "
            f"{r['cold'][op]['read_bytes'] / 1e6:,.0f} MB read")
    big = sizes[-1]
    print(f"\nTime against matching passages at {big}, over the queries (least squares):\n")
    print("| command | ms at 0 matches | ms per 100k matches | r | matches where it reaches 100 ms |\n"
          "| --- | ---: | ---: | ---: | ---: |")
    for op in OPS:
        pts = [(res["matches"][f"{big}|{q}"], res["times"][f"{big}|{op}|{q}"]) for q in res["queries"]]
        a, b, r, cross = fit(pts)
        # A fixed cost (the intercept) already above 100 ms: over it at any number of matches.
        c = "0 (fixed cost over 100 ms)" if a >= 0.1 else f"{cross:,.0f}" if cross else "—"
        print(f"| `{op}` | {a * 1e3:,.1f} | {b * 1e5 * 1e3:.2f} | {r:.2f} | {c} |")
    if svg_path:
        Path(svg_path).write_text(svg(res, sizes), encoding="utf-8")
        print(f"\nplot: {svg_path}", file=sys.stderr)


def svg(res, sizes):
    """Log-log p50 (solid) and p99 (dashed) latency against passages, one line per command."""
    import math
    W, H, L, B, T, Rm = 720, 440, 70, 50, 30, 170
    xs = [res["sizes"][s]["passages"] for s in sizes]
    ys = [res["sizes"][s][p][op] * 1e3 for s in sizes for p in ("p50", "p99") for op in OPS]
    x0, x1 = math.log10(min(xs)) - 0.1, math.log10(max(xs)) + 0.1
    y0, y1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
    px = lambda x: L + (math.log10(x) - x0) / (x1 - x0) * (W - L - Rm)
    py = lambda y: H - B - (math.log10(y) - y0) / (y1 - y0) * (H - B - T)
    colours = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#a6761d"]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{L}" y="18" font-size="14">talash latency (whole process) against index size: p50 solid, p99 dashed</text>']
    for e in range(y0, y1 + 1):
        y = py(10 ** e)
        out.append(f'<line x1="{L}" y1="{y:.1f}" x2="{W - Rm}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{L - 6}" y="{y + 4:.1f}" text-anchor="end">{10 ** e:g} ms</text>')
    y100 = py(100)
    out.append(f'<line x1="{L}" y1="{y100:.1f}" x2="{W - Rm}" y2="{y100:.1f}" stroke="#c00" stroke-dasharray="2,3"/>')
    for s, x in zip(sizes, xs):
        out.append(f'<line x1="{px(x):.1f}" y1="{T}" x2="{px(x):.1f}" y2="{H - B}" stroke="#eee"/>')
        out.append(f'<text x="{px(x):.1f}" y="{H - B + 18}" text-anchor="middle">{x:,} passages</text>')
    for i, op in enumerate(OPS):
        c = colours[i % len(colours)]
        for p, dash in (("p50", ""), ("p99", ' stroke-dasharray="6,4"')):
            pts = " ".join(f"{px(x):.1f},{py(res['sizes'][s][p][op] * 1e3):.1f}" for s, x in zip(sizes, xs))
            out.append(f'<polyline points="{pts}" fill="none" stroke="{c}" stroke-width="2"{dash}/>')
        out.append(f'<rect x="{W - Rm + 12}" y="{T + 20 * i}" width="14" height="4" fill="{c}"/>')
        out.append(f'<text x="{W - Rm + 32}" y="{T + 20 * i + 6}">{op}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    bench = Path(os.environ.get("BENCH_DIR", "/work/benchdata"))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", type=Path, default=Path("target/release"))
    ap.add_argument("--out", type=Path, default=bench / "scale")
    ap.add_argument("--sizes", default="100k,1m,10m")
    ap.add_argument("--queries", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--report", action="store_true")
    ap.add_argument("--svg", default=str(HERE.parent.parent / "docs" / "scale.svg"))
    args = ap.parse_args()
    results = args.out / "results.json"
    if args.report:
        report(json.loads(results.read_text()), args.svg)
        return
    sizes = args.sizes.split(",")
    bad = [s for s in sizes if s not in SIZES]
    if bad:
        sys.exit(f"unknown size {bad[0]}; valid: {', '.join(SIZES)}")
    bin_dir = args.bin.resolve()
    commit = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    res = {"started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "commit": commit,
           "rounds": args.rounds, "sizes": {}}
    write_parts(make_corpus_module(), args.out, max(SIZES[s] for s in sizes), args.seed)
    for size in sizes:
        res["sizes"][size] = build(bin_dir, args.out, size)
        print(f"{size}: built {res['sizes'][size]}", file=sys.stderr)
        results.write_text(json.dumps(res, indent=1))
    qs = queries(bin_dir, args.out, sizes[0], args.queries)
    res["queries"] = qs
    times, matches = latencies(bin_dir, args.out, sizes, qs, args.rounds)
    res["times"], res["matches"] = times, matches
    for size in sizes:
        r = res["sizes"][size]
        r["p50"] = {op: pct([times[f"{size}|{op}|{q}"] for q in qs], 50) for op in OPS}
        r["p99"] = {op: pct([times[f"{size}|{op}|{q}"] for q in qs], 99) for op in OPS}
        r["update"] = one_article_update(bin_dir, args.out, size)
        r["cold"] = cold_start(bin_dir, args.out, size, qs[0])
        results.write_text(json.dumps(res, indent=1))
    results.write_text(json.dumps(res, indent=1))
    report(res, args.svg)


if __name__ == "__main__":
    main()
