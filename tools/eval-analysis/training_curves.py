#!/usr/bin/env python3
"""Per-task GRPO curves from a `./visq train` log: mean task reward and format rate of each task, and mean KL, per
window of steps.

GRPO step s trains turn[(s - 1) % len(turn)] (steps counted from the cold start's first), so the turn given here must
be the run's GRPO turn: `visq.training.tasks` with `grpo-task-shares` applied (the default's is
degradation,score,score-number).

usage: python3 tools/eval-analysis/training_curves.py <train.log> <task,task,...> [window, default 300]
"""
import re,sys
log=sys.argv[1]; tasks=sys.argv[2].split(','); win=int(sys.argv[3]) if len(sys.argv)>3 else 300
rows=[]
for line in open(log):
    m=re.search(r'step (\d+)/\d+ GRPO .*reward ([-\d.]+) task ([-\d.]+) format ([\d.]+) kl ([-\d.]+)',line)
    if m: rows.append(tuple(float(x) for x in m.groups()))
if not rows: sys.exit("no GRPO rows")
start=int(rows[0][0])
for w0 in range(start, int(rows[-1][0])+1, win):
    out=[f"{w0:5d}-{w0+win-1:5d}"]
    for i,t in enumerate(tasks):
        sel=[r for r in rows if w0<=r[0]<w0+win and tasks[int(r[0]-1)%len(tasks)]==t]
        if sel: out.append(f"{t[:6]} task {sum(r[2] for r in sel)/len(sel):.3f} fmt {sum(r[3] for r in sel)/len(sel):.2f}")
    sel=[r for r in rows if w0<=r[0]<w0+win]
    out.append(f"kl {sum(r[4] for r in sel)/len(sel):.3f}")
    print(" | ".join(out))
