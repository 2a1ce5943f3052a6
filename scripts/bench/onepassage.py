#!/usr/bin/env python3
"""One-passage articles: each passage of a Markdown benchmark corpus becomes its own JSONL article.

    python3 scripts/bench/onepassage.py CORPUS PASSAGES.jsonl OUT.jsonl

PASSAGES.jsonl is `examples/bench passages CORPUS` (Talash's own passages); each becomes an
article `ID-N` with the title, outlet and date of the article it came from. Issue 23 measured
--by-article on such a collection (one passage per article, so every match is its own article).
"""
import json
import os
import sys
import tomllib


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    corpus, passages, out = sys.argv[1:4]
    meta = {}
    for root, _, files in os.walk(corpus):
        for f in files:
            if f.endswith('.md'):
                with open(os.path.join(root, f), encoding='utf-8') as fh:
                    m = tomllib.loads(fh.read().split('+++')[1])
                meta[m['id']] = m
    with open(out, 'w', encoding='utf-8') as w, open(passages, encoding='utf-8') as r:
        for line in r:
            p = json.loads(line)
            art, _, n = p['id'].rpartition('#')
            rec = {'id': f'{art}-{n}', 'title': p['title'], 'text': p['text']}
            for k in ('outlet', 'date'):
                if k in meta[art]:
                    rec[k] = str(meta[art][k])
            w.write(json.dumps(rec, ensure_ascii=False) + '\n')


if __name__ == '__main__':
    main()
