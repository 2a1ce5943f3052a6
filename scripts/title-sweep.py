#!/usr/bin/env python3
"""Sweeps `passages.title_in_text` (index-schema/schema.toml) on every dev collection and on
Reuters-21578, with paired tests against 0 (no title copies), so that the setting is chosen on
all of them together and not tuned on one (docs/RELEVANCE.md, issue 19).

Usage: scripts/title-sweep.py [--out DIR] [--copies 0,1,2,3,4] [--collections a,b]
                              [--no-reuters] [--bin DIR] [--trials N] [--flags NAME=ARGS]...

Each collection is converted as scripts/relevance.py converts it (kept in OUT between runs),
indexed once per setting with a copy of the shipped schema that sets it (`talash-index
--schema`), and run as relevance.py runs the default (`talash batch --docid article --hits
1000`). Reuters-21578 (scripts/reuters-topics.py) is run twice: as whole articles (the JSONL
default, every article one passage) and cut into paragraphs (`--jsonl-passages paragraph`,
ranked by their best passage), where only the articles of one paragraph get the copies: the
setting's effect on a collection of news passages, Talash's own unit.

`--flags NAME=ARGS` (repeatable) adds a row: the batch run with more options on the setting-0
indexes, such as `--copies 0 --flags proximity=--proximity` (docs/RELEVANCE.md, "Proximity").

Prints one Markdown table (MAP and nDCG@10 per setting, paired tests against 0) and writes it
to OUT/title-sweep.md. Needs the release binaries (cargo build --release --bins) unless --bin.
"""

import argparse
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import relevance  # noqa: E402  (the conversions, the scoring and the paired test)

ROOT = relevance.ROOT
SETTING = re.compile(r"^title_in_text\s*=.*$", re.M)


def schema_with(copies, out):
    """A copy of the shipped schema with `passages.title_in_text = copies`."""
    text = open(os.path.join(ROOT, "index-schema", "schema.toml"), encoding="utf-8").read()
    line = f"title_in_text = {copies}"
    if SETTING.search(text):
        text = SETTING.sub(line, text, count=1)
    else:
        text = text.replace("[passages]\n", f"[passages]\n{line}\n", 1)
    path = os.path.join(out, f"schema-{copies}.toml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def run_setting(bin_dir, d, docs, copies, schema, index_args):
    index = os.path.join(d, f"index-{copies}")
    relevance.sh([os.path.join(bin_dir, "talash-index"), docs, "--index", index, "--full",
                  "--schema", schema, "--quiet", *index_args], stderr=subprocess.DEVNULL)
    return run_batch(bin_dir, d, index, f"title-{copies}", [])


def run_batch(bin_dir, d, index, tag, extra):
    """`talash batch` of the collection's queries on `index` (with `extra` options), scored."""
    run = os.path.join(d, f"run-{tag}.txt")
    relevance.sh([os.path.join(bin_dir, "talash"), "--index", index, "batch",
                  os.path.join(d, "queries.tsv"), "--docid", "article", "--hits", "1000",
                  "--run-tag", tag, "--output", run, *extra])
    return relevance.evaluate(os.path.join(bin_dir, "talash"), os.path.join(d, "qrels.txt"), run)


def collections(a, shared, bin_dir):
    """(name, dir, docs file, extra talash-index arguments) of every collection swept."""
    out = []
    for name in a.collections.split(","):
        d = os.path.join(a.out, name)
        if not os.path.exists(os.path.join(d, "qrels.txt")):
            relevance.convert(name, shared, bin_dir, d)
        out.append((name, d, os.path.join(d, "docs.jsonl"), []))
    if not a.no_reuters:
        src = os.path.join(a.out, "reuters-src")
        if not os.path.exists(os.path.join(src, "qrels.txt")):
            relevance.sh([sys.executable, os.path.join(ROOT, "scripts", "reuters-topics.py"),
                          "--data", os.path.join(shared, "data", "reuters21578"), src])
        for unit, args in (("articles", []), ("paragraphs", ["--jsonl-passages", "paragraph"])):
            d = os.path.join(a.out, f"reuters-{unit}")
            os.makedirs(d, exist_ok=True)
            for f in ("queries.tsv", "qrels.txt"):
                with open(os.path.join(src, f)) as i, open(os.path.join(d, f), "w") as o:
                    o.write(i.read())
            out.append((f"reuters {unit}", d, os.path.join(src, "collection.jsonl"), args))
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", default=os.path.join(ROOT, "target", "title-sweep"))
    p.add_argument("--copies", default="0,1,2,3,4")
    p.add_argument("--collections", default=",".join(relevance.COLLECTIONS))
    p.add_argument("--no-reuters", action="store_true")
    p.add_argument("--bin", default=os.path.join(ROOT, "target", "release"))
    p.add_argument("--trials", type=int, default=10000)
    p.add_argument("--flags", action="append", default=[], metavar="NAME=ARGS")
    a = p.parse_args()
    flags = []
    for f in a.flags:
        name, sep, args = f.partition("=")
        if not sep or not name:
            p.error(f"--flags {f!r}: give NAME=ARGS")
        flags.append((name, args.split()))
    shared = os.environ.get("TALASH_SHARED") or os.path.join(ROOT, "..", "shared")
    if not os.path.isdir(os.path.join(shared, "data", "cranfield")):
        raise SystemExit(f"title-sweep.py: no collections under {shared}/data; set TALASH_SHARED")
    os.makedirs(a.out, exist_ok=True)
    copies = [int(c) for c in a.copies.split(",")]
    if copies[0] != 0:
        copies.insert(0, 0)
    schemas = {c: schema_with(c, a.out) for c in copies}
    results = {}
    for name, d, docs, args in collections(a, shared, a.bin):
        results[name] = {c: run_setting(a.bin, d, docs, c, schemas[c], args) for c in copies}
        for label, extra in flags:
            index = os.path.join(d, "index-0")
            tag = "flags-" + re.sub(r"\W+", "-", label).strip("-")
            results[name][label] = run_batch(a.bin, d, index, tag, extra)
        relevance.progress(name, results[name])
    table = render(results, copies + [label for label, _ in flags], a.trials)
    relevance.write_table(table, os.path.join(a.out, "title-sweep.md"))


def render(results, copies, trials):
    names = list(results)
    head = "| title_in_text | " + " | ".join(names) + " | mean MAP (dev) | mean nDCG@10 (dev) |"
    out = [head, "| ---: |" + " ---: |" * (len(names) + 2)]
    dev = [n for n in names if not n.startswith("reuters")]
    for c in copies:
        cells = []
        for n in names:
            v = results[n][c]
            cell = f"{v['map']['all']:.4f} / {v['ndcg_cut_10']['all']:.4f}"
            if c != 0:
                marks = []
                for m in ("map", "ndcg_cut_10"):
                    diff, pv, _, _ = relevance.randomization(v[m], results[n][0][m], trials)
                    marks.append(f"{diff:+.4f}{'*' if pv < 0.05 else ''} (p {pv:.3f})")
                cell += "<br>" + ", ".join(marks)
            cells.append(cell)
        means = [sum(results[n][c][m]["all"] for n in dev) / max(len(dev), 1)
                 for m in ("map", "ndcg_cut_10")]
        out.append(f"| {c} | " + " | ".join(cells) + f" | {means[0]:.4f} | {means[1]:.4f} |")
    out.append("")
    out.append(f"Cells: MAP / nDCG@10; under them the difference from 0 (MAP, nDCG@10) with the "
               f"p of a paired two-sided randomization test ({trials} trials, seed 42); "
               "* marks p < 0.05. The mean is over the dev collections (not Reuters).")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
