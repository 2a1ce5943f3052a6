#!/usr/bin/env python3
"""Before/after of the snippet and wrapping change (issue 21 item 8), in one run.

    cd DIR && python3 ab_snippets.py     # DIR holds old/ and new/ (talash, bench) and idx/

Alternates `bench queries idx QUERIES --repeat 7` of the two builds, 7 rounds, on one index
built by the old talash-index; then times whole `talash search` processes over 60 queries: old
piped, new piped (no wrapping), new with COLUMNS=80 (wrapped), 9 alternating rounds.
"""
import json, subprocess, statistics as st, time, os
Q='/work/benchdata/queries.tsv'
res={'old':[], 'new':[]}
for r in range(7):
    for who in (('old','new') if r%2==0 else ('new','old')):
        out=subprocess.run([f'./{who}/bench','queries','idx',Q,'--repeat','7'],capture_output=True,text=True,check=True).stdout
        res[who].append(json.loads(out.strip().splitlines()[-1]))
for k in ['rank_top10','search_top10']:
    for m in ['p50_ms','p99_ms','mean_ms']:
        o=st.median(x[k][m] for x in res['old']); n=st.median(x[k][m] for x in res['new'])
        print(f"{k} {m}: old {o:.4f} new {n:.4f} ratio {n/o:.3f}")
o=st.median(x['qps_1_thread'] for x in res['old']); n=st.median(x['qps_1_thread'] for x in res['new'])
print(f"qps_1_thread: old {o:.0f} new {n:.0f} ratio {n/o:.3f}")
# human output, whole processes
qs=[l.split('\t',1)[1].strip() for l in open(Q) if '\t' in l][:60]
def run_all(binary, env):
    t=time.perf_counter()
    for q in qs:
        subprocess.run([binary,'--index','idx','search',q],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL,env=env)
    return time.perf_counter()-t
base={'PATH':os.environ['PATH']}
cases={'old piped':('./old/talash',base),'new piped':('./new/talash',base),'new COLUMNS=80':('./new/talash',dict(base,COLUMNS='80'))}
times={k:[] for k in cases}
for r in range(9):
    order=list(cases) if r%2==0 else list(reversed(list(cases)))
    for k in order:
        times[k].append(run_all(*cases[k]))
for k,v in times.items():
    print(f"{k}: median {st.median(v)*1000/len(qs):.2f} ms per search ({len(qs)} searches x 9 rounds)")
