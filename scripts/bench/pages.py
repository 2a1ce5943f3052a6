#!/usr/bin/env python3
"""Reading saved web pages against Markdown, in one run (issue 22; docs/BENCHMARKS.md).

Builds two corpora of the same articles from Mozilla's Readability test pages
(../shared/data/readability-test-pages): `html/` holds each page's `source.html` as saved, and
`md/` the text of its `expected.html` (what the reader view extracts) as Markdown with front
matter (title from `expected-metadata.json`). Then times `talash-index --full` on each, the two
alternating, and prints the median wall time, pages/s and MB/s of input for each.

    python3 scripts/bench/pages.py [--runs 5] [--bin target/release/talash-index]
"""

import argparse
import html
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "readability-test-pages"
if not DATA.is_dir():
    DATA = Path("/work/shared/data/readability-test-pages")


def text_of(fragment: str) -> str:
    """The paragraphs of an HTML fragment, separated by blank lines (crudely)."""
    s = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", fragment)
    s = re.sub(r"(?i)</?(p|div|h[1-6]|li|blockquote|pre|tr|br|section|article)\b[^>]*>", "\n\n", s)
    s = re.sub(r"<[^>]+>", " ", s)
    s = html.unescape(s)
    paras = [" ".join(p.split()) for p in s.split("\n\n")]
    return "\n\n".join(p for p in paras if p) + "\n"


def toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def build(out: Path) -> dict:
    pages = sorted(d for d in DATA.iterdir() if (d / "source.html").is_file())
    (out / "html").mkdir(parents=True)
    (out / "md").mkdir(parents=True)
    for d in pages:
        shutil.copyfile(d / "source.html", out / "html" / f"{d.name}.html")
        meta = {}
        if (d / "expected-metadata.json").is_file():
            meta = json.loads((d / "expected-metadata.json").read_text(encoding="utf-8"))
        title = (meta.get("title") or d.name).strip() or d.name
        body = text_of((d / "expected.html").read_text(encoding="utf-8", errors="replace"))
        (out / "md" / f"{d.name}.md").write_text(
            f"+++\ntitle = {toml_str(title)}\n+++\n\n{body}", encoding="utf-8"
        )
    size = lambda k: sum(p.stat().st_size for p in (out / k).iterdir())
    return {"files": len(pages), "html": size("html"), "md": size("md")}


def run(binary: str, corpus: Path, index: Path) -> tuple[float, str]:
    shutil.rmtree(index, ignore_errors=True)
    t = time.perf_counter()
    p = subprocess.run(
        [binary, str(corpus), "--index", str(index), "--full", "--keep-going"],
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - t
    if p.returncode not in (0, 1):
        sys.exit(f"{binary} failed on {corpus}: {p.stderr[-2000:]}")
    return wall, p.stdout + p.stderr


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "talash-index"))
    ap.add_argument("--work", default=str(ROOT / "target" / "bench-pages"))
    args = ap.parse_args()
    if not DATA.is_dir():
        sys.exit(f"no test pages at {DATA}")
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    sizes = build(work)
    walls = {"html": [], "md": []}
    logs = {}
    for r in range(args.runs):
        for kind in (("html", "md") if r % 2 == 0 else ("md", "html")):
            wall, log = run(args.bin, work / kind, work / f"index-{kind}")
            walls[kind].append(wall)
            logs[kind] = log
    print(f"{sizes['files']} pages; html {sizes['html'] / 1e6:.1f} MB, md {sizes['md'] / 1e6:.1f} MB")
    print("| input | files | MB | median wall s (min-max) | pages/s | MB/s |")
    print("| --- | --- | --- | --- | --- | --- |")
    for kind in ("html", "md"):
        med = statistics.median(walls[kind])
        mb = sizes[kind] / 1e6
        print(
            f"| {kind} | {sizes['files']} | {mb:.1f} | {med:.2f} ({min(walls[kind]):.2f}-{max(walls[kind]):.2f}) "
            f"| {sizes['files'] / med:.0f} | {mb / med:.1f} |"
        )
    ratio = statistics.median(walls["html"]) / statistics.median(walls["md"])
    print(f"html/md wall ratio: {ratio:.2f}")
    skipped = [l for l in logs["html"].splitlines() if "skipped" in l]
    print(f"html pages skipped as not articles: {len(skipped)}")
    for l in skipped:
        print("  " + l)


if __name__ == "__main__":
    main()
