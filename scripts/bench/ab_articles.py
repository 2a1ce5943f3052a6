#!/usr/bin/env python3
"""Before/after of `--by-article` against `--facets`, plain search and timeline (issue 23, item 5).

    python3 scripts/bench/ab_articles.py OLD_RELEASE_DIR NEW_RELEASE_DIR [--rounds 7]

Indexes $BENCH_DIR/100k-one (one passage per article, made by onepassage.py) and $BENCH_DIR/1m
with each build (the index format differs between them), then times each command as a whole
process, both builds alternating within each round; prints medians and new/old ratios, and
checks that both builds print the same `--by-article --json` rankings.
"""
import argparse
import os
import statistics as st
import subprocess
import time

OPS = {
    'search': ['search', '{q}', '--limit', '10'],
    'facets': ['search', '{q}', '--facets'],
    'by-article': ['search', '{q}', '--by-article'],
    'by-article sum': ['search', '{q}', '--by-article', '--aggregate', 'sum'],
    'timeline': ['timeline', '{q}'],
}


def main():
    bench = os.environ.get('BENCH_DIR', '/work/benchdata')
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('old')
    p.add_argument('new')
    p.add_argument('--rounds', type=int, default=7)
    p.add_argument('--corpora', default='100k-one,1m')
    p.add_argument('--queries', default='said,market')
    a = p.parse_args()
    bins = {'old': a.old, 'new': a.new}
    corpora, queries = a.corpora.split(','), a.queries.split(',')
    idx = lambda c, v: os.path.join(bench, 'ab-articles', f'{c}-{v}')
    for c in corpora:
        for v, b in bins.items():
            subprocess.run([os.path.join(b, 'talash-index'), os.path.join(bench, c), '--index', idx(c, v),
                            '-q', '--full', '--memory', '256', '--threads', '2'], check=True)
    times = {}
    for c in corpora:
        for q in queries:
            for agg in ('max', 'sum', 'maxplus'):
                out = {v: subprocess.run([os.path.join(b, 'talash'), '--index', idx(c, v), 'search', q,
                                          '--by-article', '--aggregate', agg, '--limit', '200', '--json'],
                                         check=True, capture_output=True).stdout for v, b in bins.items()}
                print(f'{c} {q} {agg}: rankings {"identical" if out["old"] == out["new"] else "DIFFER"}')
            for op, args in OPS.items():
                for r in range(a.rounds):
                    for v in (('old', 'new') if r % 2 == 0 else ('new', 'old')):
                        cmd = [os.path.join(bins[v], 'talash'), '--index', idx(c, v)] + [x.format(q=q) for x in args]
                        t = time.perf_counter()
                        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
                        times.setdefault((c, q, op, v), []).append(time.perf_counter() - t)
    for c in corpora:
        for q in queries:
            for op in OPS:
                o, n = (st.median(times[(c, q, op, v)]) for v in ('old', 'new'))
                print(f'{c:9} {q:7} {op:15} old {o * 1000:8.1f} ms  new {n * 1000:8.1f} ms  new/old {n / o:5.2f}')


if __name__ == '__main__':
    main()
