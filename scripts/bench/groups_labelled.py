#!/usr/bin/env python3
"""The group tagger of any Talash build on the labelled set, through the binaries (docs/GROUPS.md).

    python3 scripts/bench/groups_labelled.py RELEASE_DIR [--groups FILE]

Writes each item of tests/data/groups-labelled.tsv as an article (its passages as paragraphs,
titled "Item N"), indexes them with RELEASE_DIR/talash-index (and `--groups FILE`, to measure a changed
gazetteer: a rule removed, a word list cut), reads the groups of each first passage back with
`talash show --json`, and prints precision and recall per group. Builds that predate evidence
(main before issue 20) are measured the same way, so the two can be compared on one set.
"""
import argparse
import json
import os
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
LABELLED = os.path.join(HERE, "..", "..", "tests", "data", "groups-labelled.tsv")


def items():
    with open(LABELLED, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            groups, kind, text = line.split("\t")
            want = set() if groups == "-" else {g.strip() for g in groups.split(",")}
            yield n, want, kind, text.split(" ¶ ")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("release")
    p.add_argument("--groups")
    a = p.parse_args()
    out = tempfile.mkdtemp(prefix="talash-labelled-")
    corpus, idx = os.path.join(out, "corpus"), os.path.join(out, "idx")
    os.makedirs(corpus)
    all_items = list(items())
    for n, _, _, passages in all_items:
        body = "\n\n".join(passages)
        with open(os.path.join(corpus, f"l{n:04}.md"), "w", encoding="utf-8") as f:
            f.write(f'+++\nid = "l{n:04}"\ntitle = "Item {n}"\n+++\n\n{body}\n')
    cmd = [os.path.join(a.release, "talash-index"), corpus, "--index", idx, "--quiet"]
    if a.groups:
        cmd += ["--groups", a.groups]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    counts = {}
    wrong = []
    for n, want, kind, passages in all_items:
        shown = subprocess.run(
            [os.path.join(a.release, "talash"), "--index", idx, "show", f"l{n:04}#1", "--json", "--context", "0"],
            check=True, capture_output=True, text=True).stdout
        got = set(json.loads(shown)["passages"][0]["groups"])
        for g in want | got:
            c = counts.setdefault(g, [0, 0, 0])
            c[0 if (g in want and g in got) else 1 if g in got else 2] += 1
        if got != want:
            wrong.append(f"line {n} ({kind}): want {sorted(want)}, got {sorted(got)}: {passages[0]}")
    print(f"{'group':<22} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>9} {'recall':>6}")
    for g in sorted(counts):
        tp, fp, fn = counts[g]
        prec = tp / (tp + fp) if tp + fp else 1.0
        rec = tp / (tp + fn) if tp + fn else 1.0
        print(f"{g:<22} {tp:>4} {fp:>4} {fn:>4} {prec:>9.3f} {rec:>6.3f}")
    print(f"{len(wrong)} of {len(all_items)} items wrong")
    for w in wrong:
        print(w)


if __name__ == "__main__":
    main()
