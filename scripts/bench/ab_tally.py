#!/usr/bin/env python3
"""Before/after of the counts that tally articles: timeline, `--count`, `talash facets` (issue 23).

    python3 scripts/bench/ab_tally.py OLD_RELEASE_DIR NEW_RELEASE_DIR --index DIR [--index DIR ...]

Both builds read the same index (the change is in the read side only, the index format is the
same). Each command runs as a whole `talash` process, old and new alternating within each
round; prints the median of --rounds per command and build and the new/old ratio, and checks
that both builds print byte-identical `--json` output for every command.
"""
import argparse
import os
import statistics as st
import subprocess
import sys
import time

OPS = {
    'timeline': ['timeline', '{q}', '--json'],
    'timeline --by month': ['timeline', '{q}', '--by', 'month', '--json'],
    'search --count': ['search', '{q}', '--count', '--json', '--limit', '1'],
    'search --facets': ['search', '{q}', '--facets', '--json', '--limit', '1'],
}
ALL = {'facets --field date': ['facets', '--field', 'date', '--json'],
       'facets --field group': ['facets', '--field', 'group', '--json']}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('old')
    p.add_argument('new')
    p.add_argument('--index', action='append', required=True)
    p.add_argument('--rounds', type=int, default=5)
    p.add_argument('--queries', default='said,market')
    a = p.parse_args()
    bins = {'old': a.old, 'new': a.new}
    cmds = []
    for idx in a.index:
        for q in a.queries.split(','):
            for op, args in OPS.items():
                cmds.append((os.path.basename(idx), q, op, idx, [x.format(q=q) for x in args]))
        for op, args in ALL.items():
            cmds.append((os.path.basename(idx), '', op, idx, args))
    times = {}
    for r in range(a.rounds):
        for key in cmds:
            outs = {}
            for v in (('old', 'new') if r % 2 == 0 else ('new', 'old')):
                t = time.perf_counter()
                res = subprocess.run([os.path.join(bins[v], 'talash'), '--index', key[3], *key[4]],
                                     capture_output=True, text=True)
                times.setdefault((key[:3], v), []).append(time.perf_counter() - t)
                if res.returncode not in (0, 1):
                    sys.exit(f"{v} failed: {key}: {res.stderr[-500:]}")
                outs[v] = res.stdout
            if outs['old'] != outs['new']:
                sys.exit(f"outputs differ for {key[:3]}")
        print(f"round {r + 1}/{a.rounds}", file=sys.stderr)
    print("| index | query | command | old | new | new/old |\n| --- | --- | --- | ---: | ---: | ---: |")
    for key in cmds:
        o, n = st.median(times[(key[:3], 'old')]), st.median(times[(key[:3], 'new')])
        print(f"| {key[0]} | {key[1]} | `{key[2]}` | {o * 1e3:,.0f} ms | {n * 1e3:,.0f} ms | {n / o:.2f} |")


if __name__ == '__main__':
    main()
