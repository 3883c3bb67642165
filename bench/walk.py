#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The subreaper walk's time with N processes in the namespace.

sexton runs as a subreaper (not PID 1) in a fresh PID namespace that holds N
other processes (sleeps that are not sexton's, as in a pod with a shared PID
namespace), with -v. Its workload leaves one leftover behind that exits on
SIGTERM, and exits. The figure is the time between sexton's two -v lines
"child ... exited" and "SIGTERM to every descendant left", which is the
teardown's first two walks of /proc (SIGTERM, then SIGCONT), each reading all
N entries. Lines are time-stamped as they arrive through a pipe; the pipe
adds the same few microseconds to both ends.

Usage: bench/walk.py [-n 3000] [-r 15] [SEXTON...]   (medians, min, max in ms)
Needs root (unshare --pid).
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LEFTOVER = os.path.join(ROOT, "tests", "helpers", "leftover")

SCRIPT = r'''
i=0; while [ $i -lt "$N" ]; do sleep 1000 & i=$((i + 1)); done
exec 3>&1
"$SEXTON" -v -t 5 sh -c "\"$LEFTOVER\" -s walk >/dev/null; exit 0" 2>&1 >/dev/null | cat >&3
'''


def one(sexton, n):
    env = dict(os.environ, SEXTON=sexton, N=str(n), LEFTOVER=LEFTOVER)
    p = subprocess.Popen(["unshare", "--pid", "--fork", "--mount-proc", "--kill-child",
                          "sh", "-c", SCRIPT], stdout=subprocess.PIPE, text=True, env=env)
    start = end = None
    for line in p.stdout:
        now = time.monotonic()
        if " exited with status" in line and line.startswith("sexton: child "):
            start = now
        elif "SIGTERM to every descendant left" in line:
            end = now
            break
    p.kill()
    p.wait()
    return None if start is None or end is None else (end - start) * 1000


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=3000, help="other processes in the namespace")
    ap.add_argument("-r", type=int, default=15, help="rounds per binary")
    ap.add_argument("sextons", nargs="*", default=[os.path.join(ROOT, "sexton")])
    args = ap.parse_args()
    if not os.access(LEFTOVER, os.X_OK):
        sys.exit("bench/walk.py: build the probes first (make helpers)")
    times = {s: [] for s in args.sextons}
    for _ in range(args.r):
        for s in args.sextons:  # alternate, so that noise falls on each alike
            t = one(s, args.n)
            if t is not None:
                times[s].append(t)
    for s, ts in times.items():
        if ts:
            print(f"{s}: {args.n} processes, two walks: median {statistics.median(ts):.2f} ms "
                  f"(min {min(ts):.2f}, max {max(ts):.2f}, {len(ts)} rounds)")
        else:
            print(f"{s}: no figure")


if __name__ == "__main__":
    main()
