#!/usr/bin/env python3
"""Compares two replay output dirs: same records (by key), same n, values equal or within float/sketch noise."""
import json, sys, collections
def load(d, f):
    out = {}
    for line in open(f'{d}/{f}'):
        r = json.loads(line)
        k = json.dumps({x: r.get(x) for x in r if x not in ('value', 'ci_lower', 'ci_upper', 'p_value', 'annotations', 'detail')}, sort_keys=True)
        out.setdefault(k, []).append(r)
    return out
a, b = sys.argv[1], sys.argv[2]
for f in ('vitals.jsonl', 'alerts.jsonl', 'dead-letters.jsonl'):
    A, B = load(a, f), load(b, f)
    la = sum(1 for _ in open(f'{a}/{f}')); lb = sum(1 for _ in open(f'{b}/{f}'))
    same = sorted(open(f'{a}/{f}').read().splitlines()) == sorted(open(f'{b}/{f}').read().splitlines())
    onlyA, onlyB = set(A) - set(B), set(B) - set(A)
    kinds = collections.Counter(); worst = collections.defaultdict(float)
    for k in set(A) & set(B):
        for ra, rb in zip(A[k], B[k]):
            va, vb = ra.get('value'), rb.get('value')
            if ra == rb: kinds['identical'] += 1; continue
            if isinstance(va, (int, float)) and isinstance(vb, (int, float)):
                rel = abs(va - vb) / max(abs(va), abs(vb), 1e-300)
                kind = 'float-noise(<1e-12)' if rel < 1e-12 else 'differs'
                kinds[kind] += 1
                if kind == 'differs': worst[ra.get('vital')] = max(worst[ra.get('vital')], rel)
            else:
                kinds['differs-other'] += 1
    print(f'{f}: {la} vs {lb} lines, byte-identical sorted: {same}; keys only left {len(onlyA)}, only right {len(onlyB)}; {dict(kinds)}')
    for v, r in sorted(worst.items()): print(f'    differs in {v}: max relative difference {r:.2e}')
