#!/usr/bin/env python3
"""Builds the benchmark corpora from the real news text in shared/data (see docs/BENCHMARKS.md).

Writes Markdown articles with TOML front matter (corpus/README.md) into OUT/<size>/ for each
requested size (10k, 100k, 1m passages, approximate), plus OUT/queries.tsv, the fixed query set.

Sources (read each PROVENANCE.md in shared/data):
- Reuters-21578: SGML, read as Latin-1 (reut2-017.sgm has one 0xFC byte); SGML entities
  unescaped and the control characters they stand for (&#2; &#3; ...) dropped; the trailing
  "Reuter" sign-off removed; bodies that repeat another body (whitespace-normalised) skipped;
  articles without a <BODY> (BRIEF, UNPROC) skipped. Real dates from <DATE>.
- BBC News: UTF-8, else Latin-1 (sport/199.txt); the 98 byte-identical copies skipped. No dates
  in the data, so none are given.
- 20 Newsgroups (bydate): Subject as title, body after the headers; no dates in the data.

The corpora are nested: a deterministic shuffle of all real articles, cut at the size. The
real text holds about 250k passages; beyond it (1M), new articles are made by recombining
real sentences: each new article copies the title, outlet and (real) date of a real article
of one source, and its paragraphs are runs of 1-4 consecutive real sentences drawn from
random paragraphs of that same source. Every word is real text; no random words.
"""

import argparse
import hashlib
import html
import json
import os
import random
import re
import sys
import zlib
from pathlib import Path

MAX_WORDS = 120  # index-schema/schema.toml passages.max_words
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
MONTHS = {m: i + 1 for i, m in enumerate(
    "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split())}
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def shared_data():
    root = os.environ.get("TALASH_SHARED")
    if root:
        return Path(root) / "data"
    return Path(__file__).resolve().parents[2].parent / "shared" / "data"


def clean(text):
    return CONTROL.sub("", html.unescape(text))


def reuters(data):
    seen = set()
    for f in sorted((data / "reuters21578").glob("reut2-*.sgm")):
        raw = f.read_bytes().decode("latin-1")
        for m in re.finditer(r"<REUTERS[^>]*NEWID=\"(\d+)\"[^>]*>(.*?)</REUTERS>", raw, re.S):
            newid, rec = m.group(1), m.group(2)
            body = re.search(r"<BODY>(.*?)</BODY>", rec, re.S)
            if not body:
                continue
            date = re.search(r"<DATE>\s*(\d+)-([A-Z]{3})-(\d{4})", rec)
            title = re.search(r"<TITLE>(.*?)</TITLE>", rec, re.S)
            text = clean(body.group(1))
            text = re.sub(r"\s*Reuter\s*$", "", text.rstrip())
            key = " ".join(text.split())
            if not key or key in seen:
                continue
            seen.add(key)
            # Paragraphs start on an indented line; lines within one are joined.
            paras = [" ".join(p.split()) for p in re.split(r"\n(?=\s{2,}\S)", text)]
            paras = [p for p in paras if p]
            t = " ".join(clean(title.group(1)).split()) if title else ""
            d = None
            if date:
                d = "%s-%02d-%02d" % (date.group(3), MONTHS[date.group(2)], int(date.group(1)))
            yield {
                "id": f"reuters-{newid}",
                "title": t or paras[0][:80],
                "outlet": "Reuters",
                "date": d,
                "kind": "news",
                "paras": paras,
                "source": "reuters",
            }


def read_text(path):
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def bbc(data):
    seen = set()
    for cat in sorted(p for p in (data / "bbc").iterdir() if p.is_dir()):
        for f in sorted(cat.glob("*.txt")):
            raw = f.read_bytes()
            digest = hashlib.sha1(raw).digest()
            if digest in seen:
                continue
            seen.add(digest)
            text = read_text(f)
            lines = text.split("\n", 1)
            paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", lines[1] if len(lines) > 1 else "")]
            paras = [p for p in paras if p]
            if not paras:
                continue
            yield {
                "id": f"bbc-{cat.name}-{f.stem}",
                "title": " ".join(lines[0].split()),
                "outlet": "BBC News",
                "date": None,
                "kind": "news",
                "paras": paras,
                "source": "bbc",
            }


def newsgroups(data):
    root = data / "20newsgroups"
    for split in ("20news-bydate-train", "20news-bydate-test"):
        for group in sorted(p for p in (root / split).iterdir() if p.is_dir()):
            for f in sorted(group.iterdir(), key=lambda p: p.name):
                text = clean(read_text(f))
                head, _, body = text.partition("\n\n")
                subject = re.search(r"^Subject:\s*(.*)$", head, re.M)
                title = " ".join(subject.group(1).split()) if subject else ""
                title = re.sub(r"^(Re:\s*)+", "", title, flags=re.I) or group.name
                paras = []
                for p in re.split(r"\n\s*\n", body):
                    # Quoted lines and signature separators are not the post's own text.
                    lines = [l for l in p.split("\n") if l.strip() and not l.lstrip().startswith((">", "|", "--"))]
                    p = " ".join(" ".join(lines).split())
                    if len(p.split()) >= 3:
                        paras.append(p)
                if not paras:
                    continue
                yield {
                    "id": f"ng-{split.split('-')[-1]}-{group.name}-{f.name}",
                    "title": title,
                    "outlet": f"Usenet {group.name}",
                    "date": None,
                    "kind": "other",
                    "paras": paras,
                    "source": "20ng",
                }


def passages_of(paras):
    """Talash's passage count, approximately: a paragraph, cut into <= MAX_WORDS pieces."""
    return sum(max(1, -(-len(p.split()) // MAX_WORDS)) for p in paras)


def toml_str(s):
    return json.dumps(s, ensure_ascii=False)


def markdown(a):
    front = [f"id = {toml_str(a['id'])}", f"title = {toml_str(a['title'])}",
             f"outlet = {toml_str(a['outlet'])}", f"kind = {toml_str(a['kind'])}"]
    if a["date"]:
        front.append(f"date = {a['date']}")
    # One paragraph a line; a paragraph that starts like Markdown markup loses only the marker.
    body = "\n\n".join(a["paras"])
    return "+++\n" + "\n".join(front) + "\n+++\n\n" + body + "\n"


SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")


def recombined(real, count, rng):
    """`count` new articles from real sentences (see the module doc)."""
    by_source = {}
    for a in real:
        by_source.setdefault(a["source"], []).append(a)
    sentences = {}
    for src, arts in by_source.items():
        sentences[src] = [SENTENCE.split(p) for a in arts for p in a["paras"]]
    sources = sorted(by_source)
    weights = [len(by_source[s]) for s in sources]
    for k in range(count):
        src = rng.choices(sources, weights)[0]
        template = rng.choice(by_source[src])
        paras = []
        for _ in range(rng.randint(3, 8)):
            sents = rng.choice(sentences[src])
            start = rng.randrange(len(sents))
            paras.append(" ".join(sents[start:start + rng.randint(1, 4)]))
        yield dict(template, id=f"mix-{src}-{k}", paras=paras)


def write_size(real, target, out, rng_seed):
    out.mkdir(parents=True, exist_ok=True)
    total = 0
    n = 0
    for a in real:
        if total >= target:
            break
        write_article(out, a)
        total += passages_of(a["paras"])
        n += 1
    if total < target:
        rng = random.Random(rng_seed)
        for a in recombined(real, 10**9, rng):
            if total >= target:
                break
            write_article(out, a)
            total += passages_of(a["paras"])
            n += 1
    return n, total


def write_article(out, a):
    # 1000 files a folder keeps directories small.
    sub = out / a["id"].split("-")[0] / str(zlib.crc32(a["id"].encode()) % 1000)
    sub.mkdir(parents=True, exist_ok=True)
    (sub / f"{a['id']}.md").write_text(markdown(a), encoding="utf-8")


STOP = set("""a an and are as at be but by for if in into is it no not of on or such that the their
then there these they this to was will with from have has had were been its said would which
also more than other after about over only could one two three mr mrs new year years per pct""".split())


def make_queries(articles, n, rng):
    """A fixed query set drawn from the text: 1-4 words, phrases, some with a date or group filter."""
    # AND, OR and NOT are operators in every engine's query language: not query words here.
    words_of = lambda p: [w for w in re.findall(r"[A-Za-z]{3,}", p) if w.upper() not in ("AND", "NOT")]
    queries = []
    shapes = [1] * 70 + [2] * 60 + [3] * 40 + [4] * 30 + ["phrase"] * 40
    rng.shuffle(shapes)
    dated = [a for a in articles if a["date"]]
    news = [a for a in articles if a["source"] != "20ng"]
    for i, shape in enumerate(shapes[:n]):
        # Two in three from edited news, one from the Usenet posts.
        a = rng.choice(articles if i % 3 == 2 else news)
        p = rng.choice(a["paras"])
        ws = words_of(p)
        if shape == "phrase":
            i = rng.randrange(max(1, len(ws) - 2))
            q = '"' + " ".join(ws[i:i + rng.randint(2, 3)]) + '"'
        else:
            content = [w for w in ws if w.lower() not in STOP]
            if not content:
                content = ws or ["market"]
            q = " ".join(rng.sample(content, min(shape, len(content))))
        queries.append([q, "", "", ""])
    # Date filters: a real Reuters month; group filters: groups of the gazetteer.
    for q in queries[:30]:
        a = rng.choice(dated)
        q[2] = a["date"][:7]
        q[3] = a["date"][:7]
    for q, g in zip(queries[30:45], ["TTP", "ISIS", "al-Qaeda", "Afghan Taliban", "BLA"] * 3):
        q[1] = g
    return queries


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.environ.get("BENCH_DIR", "/work/benchdata"))
    ap.add_argument("--sizes", default="10k,100k,1m")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    data = shared_data()
    if not (data / "reuters21578").is_dir():
        sys.exit(f"no shared data at {data}; set TALASH_SHARED")
    real = list(reuters(data)) + list(bbc(data)) + list(newsgroups(data))
    rng = random.Random(args.seed)
    rng.shuffle(real)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    real_passages = sum(passages_of(a["paras"]) for a in real)
    print(f"real articles: {len(real)}, about {real_passages} passages", file=sys.stderr)
    # Drawn from the articles of the smallest corpus, so every query has matches at every size.
    smallest, total = [], 0
    for a in real:
        if total >= SIZES["10k"]:
            break
        smallest.append(a)
        total += passages_of(a["paras"])
    queries = make_queries(smallest, 240, random.Random(args.seed + 1))
    with open(out / "queries.tsv", "w", encoding="utf-8") as f:
        for q in queries:
            f.write("\t".join(q) + "\n")
    for size in args.sizes.split(","):
        target = SIZES[size]
        dest = out / size
        if dest.exists():
            print(f"{dest} exists; kept", file=sys.stderr)
            continue
        n, total = write_size(real, target, dest, args.seed + 2)
        print(f"{size}: {n} articles, about {total} passages", file=sys.stderr)


if __name__ == "__main__":
    main()
