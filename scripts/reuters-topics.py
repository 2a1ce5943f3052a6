#!/usr/bin/env python3
"""Builds a long-document relevance collection from Reuters-21578 for article-level ranking.

Why this construction: Reuters-21578 has no relevance judgments, but every article carries
TOPICS labels assigned by Reuters editors, and `cat-descriptions_120396.txt` gives each topic
code a human name ("Money/Foreign Exchange (MONEY-FX)"). A topic-named query ("money foreign
exchange") then has a defensible judgment set: the articles labelled with that topic. The
articles run to several paragraphs (a paragraph starts with an indented line), so they are cut
into several passages: the setting where MaxP and whole-article indexing differ.

Writes into OUT_DIR:
  collection.jsonl  {"id", "title", "text", "date"} per article with a body (paragraphs joined
                    by blank lines, which Talash's JSONL reader treats as paragraph breaks)
  queries.tsv       qid<TAB>query, one per topic with at least --min-docs labelled articles
  qrels.txt         qid 0 docid 1 (trec_eval format)

Usage: scripts/reuters-topics.py [--data DIR] [--min-docs N] OUT_DIR
DIR defaults to $TALASH_SHARED/data/reuters21578, else ../shared/data/reuters21578.
"""

import argparse
import html
import json
import os
import re
import sys
from collections import defaultdict
from pathlib import Path

MONTHS = {m: i + 1 for i, m in enumerate(
    "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split())}
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def default_data() -> Path:
    shared = os.environ.get("TALASH_SHARED")
    root = Path(shared) if shared else Path(__file__).resolve().parent.parent.parent / "shared"
    return root / "data" / "reuters21578"


def text_of(tag: str, record: str) -> str | None:
    m = re.search(rf"<{tag}>(.*?)</{tag}>", record, re.S)
    if not m:
        return None
    return CONTROL.sub("", html.unescape(m.group(1)))


def labels(tag: str, record: str) -> list[str]:
    block = re.search(rf"<{tag}>(.*?)</{tag}>", record, re.S)
    return re.findall(r"<D>(.*?)</D>", block.group(1)) if block else []


def iso_date(raw: str | None) -> str | None:
    # "26-FEB-1987 15:01:01.79"
    m = re.match(r"\s*(\d{1,2})-([A-Z]{3})-(\d{4})", raw or "")
    if not m or m.group(2) not in MONTHS:
        return None
    return f"{m.group(3)}-{MONTHS[m.group(2)]:02d}-{int(m.group(1)):02d}"


def paragraphs(body: str) -> str:
    """Reuters marks a new paragraph by an indented line; lines inside one are wrapped."""
    paras, cur = [], []
    for line in body.replace("\r", "").split("\n"):
        if line.startswith("    ") and cur:
            paras.append(" ".join(cur))
            cur = []
        if line.strip():
            cur.append(line.strip())
    if cur:
        paras.append(" ".join(cur))
    # The closing " Reuter" sign-off is not content.
    if paras and paras[-1].strip() in ("Reuter", "REUTER"):
        paras.pop()
    elif paras:
        paras[-1] = re.sub(r"\s*Reuter\s*$", "", paras[-1])
    return "\n\n".join(p for p in paras if p)


# Commodity codes are listed bare ("VEG-OIL"); these few abbreviations are spelled out so the
# query is words a person would type. Every other bare code becomes its words ("iron steel").
ABBREVIATIONS = {"alum": "aluminium", "veg-oil": "vegetable oil", "f-cattle": "feeder cattle",
                 "l-cattle": "live cattle", "strategic-metal": "strategic metal"}


def topic_names(data: Path) -> dict[str, str]:
    """Topic code -> query words: from "Money/Foreign Exchange (MONEY-FX)" lines, and from
    the bare commodity codes; the organisation, exchange, place and people lists that follow
    the topic lists are not topics."""
    names = {}
    text = (data / "cat-descriptions_120396.txt").read_text(encoding="latin-1")
    text = text.split("Organization Codes")[0]
    text = text.split("Subject Codes")[-1]
    for line in text.splitlines():
        line = line.strip()
        m = re.match(r"^(.+?) \(([A-Z0-9-]+)\)$", line)
        if m:
            code, words = m.group(2).lower(), m.group(1)
        elif re.fullmatch(r"[A-Z][A-Z0-9-]+", line):
            code = line.lower()
            words = ABBREVIATIONS.get(code, code)
        else:
            continue
        names.setdefault(code, re.sub(r"[^A-Za-z0-9]+", " ", words).strip().lower())
    return names


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--data", type=Path, default=default_data())
    ap.add_argument("--min-docs", type=int, default=10)
    args = ap.parse_args()
    if not (args.data / "reut2-000.sgm").is_file():
        print(f"reuters-topics: no Reuters-21578 at {args.data}", file=sys.stderr)
        return 1
    names = topic_names(args.data)
    args.out.mkdir(parents=True, exist_ok=True)
    judged = defaultdict(list)
    seen_bodies = set()
    n = 0
    with open(args.out / "collection.jsonl", "w", encoding="utf-8") as out:
        for sgm in sorted(args.data.glob("reut2-*.sgm")):
            raw = sgm.read_text(encoding="latin-1")
            for record in re.findall(r"<REUTERS(.*?)</REUTERS>", raw, re.S):
                newid = re.search(r'NEWID="(\d+)"', record)
                body = text_of("BODY", record)
                if not newid or not body:
                    continue
                text = paragraphs(body)
                key = " ".join(text.split())
                if not text or key in seen_bodies:
                    continue  # exact repeats of a wire story would double-count judgments
                seen_bodies.add(key)
                doc = {"id": f"r{newid.group(1)}",
                       "title": " ".join((text_of("TITLE", record) or "").split()),
                       "text": text}
                date = iso_date(text_of("DATE", record))
                if date:
                    doc["date"] = date
                out.write(json.dumps(doc, ensure_ascii=False) + "\n")
                n += 1
                for t in dict.fromkeys(labels("TOPICS", record)):
                    judged[t].append(doc["id"])
    topics = sorted(t for t, docs in judged.items()
                    if len(docs) >= args.min_docs and t in names)
    with open(args.out / "queries.tsv", "w") as q, open(args.out / "qrels.txt", "w") as r:
        for t in topics:
            q.write(f"{t}\t{names[t]}\n")
            for d in judged[t]:
                r.write(f"{t} 0 {d} 1\n")
    print(f"reuters-topics: {n} articles, {len(topics)} topic queries "
          f"(>= {args.min_docs} articles each) in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
