#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Benchmark sexton against tini, tini-static, dumb-init and catatonit.

Every init runs as PID 1 of a fresh PID namespace (unshare --pid --fork
--mount-proc). Within a case the inits take turns, rotating the order each
round (A B C, B C A, ...), so that machine noise falls on all of them alike.
Each figure is the median over the rounds, with min and max, and a ratio to
the best peer (sexton itself excluded; lower is better everywhere).

The timing that must be precise happens in two small C programs: workload
(the init's child, inside the namespace) and driver (outside it). This script
only starts them and summarises. It measures and reports; it asserts nothing.

Usage: bench/bench.py [--quick] [--profile] [--write FILE]
Set SEXTON=path to measure another build of sexton (an A/B of a change).
"""
import argparse
import contextlib
import datetime
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORKLOAD = os.path.join(HERE, "bin", "workload")
DRIVER = os.path.join(HERE, "bin", "driver")
PIDNS = ["unshare", "--pid", "--fork", "--mount-proc", "--kill-child"]

# name, program, arguments before the workload's command. Every one accepts "--".
INITS = [
    ("sexton", os.environ.get("SEXTON", os.path.join(ROOT, "sexton")), ["--"]),
    ("tini", "tini", ["--"]),
    ("tini-static", "tini-static", ["--"]),
    ("dumb-init", "dumb-init", ["--"]),
    ("catatonit", "catatonit", ["--"]),
]
SUBJECT = "sexton"

# Sizes of each case. Quick mode is for CI: same cases, smaller and fewer.
FULL = dict(startup_runs=400, startup_block=40, idle_rounds=3, idle_window=10.0,
            orphans=100000, orphan_rounds=2, zombies=20000, zombie_rounds=3,
            signal_rounds=10, signal_samples=200, signal_gap_us=1000,
            storm_signals=20000, storm_orphans=2000, exit_rounds=40, exit_leftovers=10,
            profile_orphans=(1000, 5000), profile_signals=(100, 600))
QUICK = dict(startup_runs=100, startup_block=20, idle_rounds=1, idle_window=2.0,
             orphans=10000, orphan_rounds=1, zombies=5000, zombie_rounds=1,
             signal_rounds=3, signal_samples=50, signal_gap_us=1000,
             storm_signals=5000, storm_orphans=500, exit_rounds=10, exit_leftovers=10,
             profile_orphans=(500, 1500), profile_signals=(50, 200))


def init_argv(init, *workload_args):
    name, prog, pre = init
    return [prog] + pre + [WORKLOAD] + list(workload_args)


def rotations(items, rounds):
    """Round r runs the items starting at r: A B C, B C A, C A B, ..."""
    for r in range(rounds):
        k = r % len(items)
        yield r, items[k:] + items[:k]


def run(argv, limit, **kw):
    """Run argv in a session of its own, bounded by `limit` seconds.
    Returns (exit status, stdout); status None when the limit was hit."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, start_new_session=True,
                            cwd=ROOT, **kw)
    try:
        out, _ = proc.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # unshare --kill-child takes the namespace along
        out, _ = proc.communicate()
        return None, out
    return proc.returncode, out


def fields(line):
    """'a=1 b=2' -> {'a': 1, 'b': 2} (numbers only)."""
    return {k: int(v) for k, v in (w.split("=", 1) for w in line.split() if "=" in w)}


def child_of(parent, limit=5.0):
    """The pid whose parent is `parent`: the init that unshare --fork started."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open(f"/proc/{d}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                return int(d)
        time.sleep(0.01)
    raise RuntimeError(f"no child of {parent}")


def stats(values):
    """(median, min, max), or None when no round produced a value."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    return statistics.median(values), min(values), max(values)


# ---- cases ---------------------------------------------------------------

def case_size(inits, cfg):
    """Bytes on disk; for a dynamic binary also with the shared libraries it loads."""
    rows = {}
    for name, prog, _ in inits:
        path = os.path.realpath(shutil.which(prog))
        size = os.path.getsize(path)
        libs = shared_libraries(path)
        total = size + sum(os.path.getsize(lib) for lib in libs)
        rows[name] = dict(size=size, total=total, static=not libs)
    return rows


def shared_libraries(path):
    """The resolved shared libraries of an ELF file, by ldd; [] for a static one."""
    out = subprocess.run(["ldd", path], capture_output=True, text=True).stdout
    libs = set()
    for line in out.splitlines():
        words = line.split()
        if "=>" in words and len(words) > words.index("=>") + 1:
            target = words[words.index("=>") + 1]
        elif words and words[0].startswith("/"):
            target = words[0]
        else:
            continue
        if os.path.exists(target):
            libs.add(os.path.realpath(target))
    return sorted(libs)


def case_startup(inits, cfg):
    """Wall time of `INIT /bin/true` minus `/bin/true` alone, both as PID 1, per block."""
    true = shutil.which("true")
    cmds = [PIDNS + [true]] + [PIDNS + [prog] + pre + [true] for _, prog, pre in inits]
    argv = [DRIVER, "startup", str(cfg["startup_runs"])]
    for c in cmds:
        argv += c + ["::"]
    status, out = run(argv[:-1], 600)
    if status != 0:
        raise RuntimeError("startup driver failed")
    samples = [[] for _ in cmds]
    for line in out.splitlines():
        k, ns = line.split()
        samples[int(k)].append(int(ns))
    block = cfg["startup_block"]
    nblocks = cfg["startup_runs"] // block
    med = [[statistics.median(s[b * block:(b + 1) * block]) for b in range(nblocks)]
           for s in samples]
    rows = {}
    for idx, (name, _, _) in enumerate(inits, start=1):
        over = [(med[idx][b] - med[0][b]) / 1000 for b in range(nblocks)]
        rows[name] = dict(overhead=stats(over), total=stats([m / 1000 for m in med[idx]]))
    rows["(/bin/true alone)"] = dict(total=stats([m / 1000 for m in med[0]]))
    return rows


def smaps_rollup(pid):
    out = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            words = line.split()
            if len(words) == 3 and words[2] == "kB":
                out[words[0].rstrip(":")] = int(words[1])
    return out


def context_switches(pid):
    n = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                n += int(line.split()[1])
    return n


def case_idle(inits, cfg):
    """All inits idle side by side over the same window: memory, then wake-ups."""
    per = {name: dict(rss=[], pss=[], anon=[], wakeups=[]) for name, _, _ in inits}
    for _, order in rotations(inits, cfg["idle_rounds"]):
        procs = []
        try:
            for init in order:
                p = subprocess.Popen(PIDNS + init_argv(init, "idle"), start_new_session=True,
                                     cwd=ROOT)
                procs.append((init[0], p, child_of(p.pid)))
            time.sleep(1.0)  # let start-up finish: the child's exec, the first reap
            before = {name: context_switches(pid) for name, _, pid in procs}
            mem = {name: smaps_rollup(pid) for name, _, pid in procs}
            time.sleep(cfg["idle_window"])
            for name, _, pid in procs:
                per[name]["wakeups"].append(context_switches(pid) - before[name])
                per[name]["rss"].append(mem[name]["Rss"])
                per[name]["pss"].append(mem[name]["Pss"])
                per[name]["anon"].append(mem[name]["Anonymous"])
        finally:
            for _, p, _ in procs:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
    return {name: {k: stats(v) for k, v in m.items()} for name, m in per.items()}


def case_reaping(inits, cfg):
    """Init CPU and wall time for short-lived orphans; drain time of a zombie burst."""
    per = {name: dict(cpu=[], wall=[], zcpu=[], drain=[]) for name, _, _ in inits}
    rounds = max(cfg["orphan_rounds"], cfg["zombie_rounds"])
    for r, order in rotations(inits, rounds):
        for init in order:
            m = per[init[0]]
            if r < cfg["orphan_rounds"]:
                status, out = run(PIDNS + init_argv(init, "orphans", str(cfg["orphans"])), 300)
                f = fields(out) if status == 0 else {}
                m["cpu"].append(f["init_cpu_ns"] / 1e6 if f else None)
                m["wall"].append(f["wall_ns"] / 1e6 if f else None)
            if r < cfg["zombie_rounds"]:
                status, out = run(PIDNS + init_argv(init, "zombies", str(cfg["zombies"])), 300)
                f = fields(out) if status == 0 else {}
                m["zcpu"].append(f["init_cpu_ns"] / 1e6 if f else None)
                m["drain"].append(f["drain_ns"] / 1e6 if f else None)
    return {name: {k: stats(v) for k, v in m.items()} for name, m in per.items()}


def case_signals(inits, cfg):
    """SIGUSR1 latency to the child's handler, SIGTERM to init exit; all on CPU 0."""
    per = {name: dict(usr1=[], term=[], status=[]) for name, _, _ in inits}
    for _, order in rotations(inits, cfg["signal_rounds"]):
        for init in order:
            argv = ["taskset", "-c", "0", DRIVER, "signals", str(cfg["signal_samples"]),
                    str(cfg["signal_gap_us"])] + PIDNS + init_argv(init, "listen", "3")
            status, out = run(argv, 60)
            m = per[init[0]]
            if status != 0:
                m["usr1"].append(None)
                m["term"].append(None)
                continue
            usr1 = [int(line.split()[1]) for line in out.splitlines() if line.startswith("usr1")]
            m["usr1"].append(statistics.median(usr1) / 1000)
            for line in out.splitlines():
                if line.startswith("term"):
                    m["term"].append(int(line.split()[1]) / 1000)
                if line.startswith("status"):
                    m["status"].append(int(line.split()[1]))
    return {name: dict(usr1=stats(m["usr1"]), term=stats(m["term"]), status=m["status"])
            for name, m in per.items()}


def case_exit(inits, cfg):
    """The way out: workload exit to init exit with nothing left behind, and with
    leftovers that exit on SIGTERM (only an init with a teardown lets them)."""
    n = cfg["exit_leftovers"]
    per = {name: dict(alone=[], last=[], total=[], finished=[]) for name, _, _ in inits}
    for _, order in rotations(inits, cfg["exit_rounds"]):
        for init in order:
            for left in (0, n):
                argv = [DRIVER, "exit"] + PIDNS + init_argv(init, "leave", str(left), "3", "4")
                status, out = run(argv, 60)
                got = dict(line.split() for line in out.splitlines() if " " in line)
                m = per[init[0]]
                if status != 0 or "last" not in got:
                    continue
                if left == 0:
                    m["alone"].append(int(got["first"]) / 1000)
                    continue
                m["total"].append(int(got["first"]) / 1000)
                m["finished"].append(int(got["stamps"]) - 1)
                if int(got["stamps"]) == n + 1:
                    m["last"].append(int(got["last"]) / 1000)
    return {name: dict(alone=stats(m["alone"]), last=stats(m["last"]), total=stats(m["total"]),
                       finished=stats(m["finished"])) for name, m in per.items()}


def case_correctness(inits, cfg):
    """Exit codes as seen by the init's parent, and a signal storm with orphans."""
    rows = {}
    for name, prog, pre in inits:
        codes = []
        for child in (["exit", "3"], ["die", "15"]):
            status, _ = run(PIDNS + [prog] + pre + [WORKLOAD] + child, 30)
            codes.append(status)
        status, _ = run(PIDNS + [prog] + pre + ["/nonexistent/program"], 30,
                        stderr=subprocess.DEVNULL)
        codes.append(status)
        status, out = run(PIDNS + init_argv((name, prog, pre), "storm", str(cfg["storm_signals"]),
                                            str(cfg["storm_orphans"])), 120)
        lines = [line for line in out.splitlines() if line.startswith("storm")]
        rows[name] = dict(codes=codes, storm_status=status,
                          storm=fields(lines[0]) if lines else None)
    return rows


def callgrind_count(argv, limit=300):
    """Userland instructions the init executed under callgrind ("Collected : N")."""
    proc = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, timeout=limit,
                          start_new_session=True)
    found = re.findall(r"Collected : (\d+)", proc.stderr)
    if proc.returncode != 0 or not found:
        print(f"bench: callgrind run failed: {' '.join(argv)}", file=sys.stderr)
        return None
    return int(found[0])


def slope(count, small, large):
    """Instructions per event between a run of `small` events and one of `large`."""
    a, b = count(small), count(large)
    return None if a is None or b is None else (b - a) / (large - small)


def case_profile(inits, cfg):
    """Instructions per reaped orphan and per forwarded signal, from callgrind.

    Each is the slope between a small and a larger run, so start-up and exit
    cancel out. It counts user space only; the kernel's part (wait4, the
    wake-up, release of the zombie) is the same system calls for every init."""
    grind = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    rows = {}
    small, large = cfg["profile_orphans"]
    s_small, s_large = cfg["profile_signals"]
    for name, prog, pre in inits:
        def orphans(n):
            return callgrind_count(PIDNS + grind + [prog] + pre + [WORKLOAD, "orphans", str(n)])

        def signals(n):
            return callgrind_count([DRIVER, "signals", str(n), "200"] + PIDNS + grind + [prog]
                                   + pre + [WORKLOAD, "listen", "3"])
        rows[name] = dict(orphan=slope(orphans, small, large),
                          signal=slope(signals, s_small, s_large))
    return rows


@contextlib.contextmanager
def own_cgroup():
    """Run the cases in a cpu cgroup of their own, as a container runs.

    Outside any cgroup the kernel's autogroup gives each session its own
    scheduling group; an init that starts its child with setsid() (dumb-init)
    then lands in a different group from its child, and the scheduler batches
    its wake-ups, which no container would see. Yields a description."""
    made = None
    for base, procs in (("/sys/fs/cgroup/cpu", "cgroup.procs"), ("/sys/fs/cgroup", "cgroup.procs")):
        try:
            if base == "/sys/fs/cgroup":
                with open(os.path.join(base, "cgroup.subtree_control")) as f:
                    if "cpu" not in f.read().split():
                        continue
            path = os.path.join(base, f"sexton-bench-{os.getpid()}")
            os.mkdir(path)
            with open(os.path.join(path, procs), "w") as f:
                f.write(str(os.getpid()))
            made = (base, path, procs)
            break
        except OSError:
            continue
    try:
        yield f"cpu cgroup {made[1]}" if made else "no cgroup of its own (autogroup may apply)"
    finally:
        if made:
            base, path, procs = made
            with contextlib.suppress(OSError):
                with open(os.path.join(base, procs), "w") as f:
                    f.write(str(os.getpid()))
                os.rmdir(path)


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


# ---- report --------------------------------------------------------------

def best_peer(values, names):
    """(name, value) of the lowest value among `names`."""
    cands = [(v, n) for n, v in values.items() if n in names and v is not None]
    if not cands:
        return None, None
    v, n = min(cands)
    return n, v


def ratio(value, best):
    if value is None or best is None:
        return "-"
    if best == 0:
        return "1.00" if value == 0 else "inf"
    return f"{value / best:.2f}"


def fmt(v, digits):
    return "-" if v is None else f"{v:,.{digits}f}"


def table(title, unit, rows, digits, peers, note=None):
    """A markdown table: one row per init with median, min, max, x best peer.
    `rows` maps name -> (median, min, max) or None. Returns (lines, medians)."""
    meds = {n: (s[0] if s else None) for n, s in rows.items()}
    bname, best = best_peer(meds, peers)
    lines = [f"#### {title}", ""]
    if note:
        lines += [note, ""]
    lines += [f"| init | median {unit} | min | max | x best peer ({bname}) |",
              "|---|---:|---:|---:|---:|"]
    for n, s in rows.items():
        if s is None:
            lines.append(f"| {n} | failed | | | |")
        else:
            lines.append(f"| {n} | {fmt(s[0], digits)} | {fmt(s[1], digits)} | "
                         f"{fmt(s[2], digits)} | {ratio(s[0], best)} |")
    return lines + [""], meds


def report(res, cfg, quick, names, static_peers):
    out = []
    peers = [n for n in names if n != SUBJECT]
    head = []  # (metric, sexton, best peer name, best value, target, met)

    def headline(metric, meds, pool, target_ratio=None, digits=1):
        bname, best = best_peer(meds, pool)
        mine = meds.get(SUBJECT)
        r = ratio(mine, best)
        if target_ratio is None:
            met, target = None, "-"
        else:
            met = r not in ("-", "inf") and float(r) <= target_ratio
            target = f"<= {target_ratio:.2f}x"
        head.append((metric, fmt(mine, digits), f"{fmt(best, digits)} ({bname})", r, target,
                     "-" if met is None else "yes" if met else "**no**"))

    # size
    size = res["size"]
    out += ["#### Binary size", "",
            "| init | size KiB | static | with shared libraries KiB | x best peer |",
            "|---|---:|:---:|---:|---:|"]
    totals = {n: size[n]["total"] / 1024 for n in names}
    bname, best = best_peer(totals, peers)
    for n in names:
        s = size[n]
        out.append(f"| {n} | {s['size'] / 1024:.1f} | {'yes' if s['static'] else 'no'} | "
                   f"{s['total'] / 1024:.1f} | {ratio(totals[n], best)} |")
    out += ["", f"Ratios compare the size with shared libraries (best peer: {bname}).", ""]
    head.append(("size, static, KiB", f"{size[SUBJECT]['size'] / 1024:.1f}",
                 f"{best:.1f} ({bname})", ratio(totals[SUBJECT], best), "<= 32 (stretch 24)",
                 "yes" if size[SUBJECT]["size"] <= 32 * 1024 and size[SUBJECT]["static"]
                 else "**no**"))

    st = res["startup"]
    lines, meds = table("Start-up overhead: `INIT /bin/true` minus `/bin/true`, both as PID 1",
                        "µs", {n: st[n]["overhead"] for n in names}, 1, peers,
                        note=f"Difference of block medians; "
                             f"{cfg['startup_runs'] // cfg['startup_block']} blocks of "
                             f"{cfg['startup_block']} runs each. `/bin/true` alone as PID 1: "
                             f"{fmt(st['(/bin/true alone)']['total'][0], 1)} µs.")
    out += lines
    headline("start-up overhead, µs", meds, peers, 0.7)

    idle = res["idle"]
    for key, label, target in (("rss", "RSS", 0.15), ("pss", "Pss", None),
                               ("anon", "Anonymous", 0.5)):
        lines, meds = table(f"Idle memory: {label} (smaps_rollup)", "KiB",
                            {n: idle[n][key] for n in names}, 0, peers)
        bname, best = best_peer(meds, static_peers)
        lines.insert(-1, "")
        lines.insert(-1, f"Best static peer: {bname}, {fmt(best, 0)} KiB; sexton is "
                         f"{ratio(meds[SUBJECT], best)}x of it.")
        out += lines
        if target is not None:
            headline(f"idle {label} KiB (vs best static peer)", meds, static_peers, target,
                     digits=0)
    lines, meds = table(f"Idle wake-ups: context switches of the init in {cfg['idle_window']:g} s",
                        "count", {n: idle[n]["wakeups"] for n in names}, 0, peers,
                        note=("Quick mode: a shortened window (the full run uses 10 s)."
                              if quick else None))
    out += lines
    mine = meds[SUBJECT]
    bname, best = best_peer(meds, peers)
    head.append((f"idle wake-ups in {cfg['idle_window']:g} s", fmt(mine, 0),
                 f"{fmt(best, 0)} ({bname})", ratio(mine, best), "0",
                 "yes" if mine == 0 else "**no**"))

    rp = res["reaping"]
    for key, title, unit, tgt in (
            ("cpu", f"Reaping: init CPU time for {cfg['orphans']:,} short-lived orphans", "ms",
             0.9),
            ("wall", f"Reaping: wall time for {cfg['orphans']:,} short-lived orphans", "ms", None),
            ("zcpu", f"Zombie burst: init CPU time to reap {cfg['zombies']:,} zombies", "ms", None),
            ("drain", f"Zombie burst: time until {cfg['zombies']:,} zombies are reaped", "ms",
             None)):
        rounds = cfg["orphan_rounds"] if key in ("cpu", "wall") else cfg["zombie_rounds"]
        lines, meds = table(title, unit, {n: rp[n][key] for n in names}, 1, peers,
                            note=f"{rounds} rounds.")
        out += lines
        if tgt is not None:
            headline(f"init CPU, {cfg['orphans']:,} orphans, ms", meds, peers, tgt)
        if key == "drain":
            headline(f"drain {cfg['zombies']:,} zombies, ms", meds, peers)

    sg = res["signals"]
    for key, title, label in (
            ("usr1", "Signal forwarding latency: kill(init, SIGUSR1) until the child's "
             "handler runs",
             "signal latency, µs"),
            ("term", "SIGTERM to init exit (the child dies of SIGTERM)", "SIGTERM to exit, µs")):
        lines, meds = table(title + "; all pinned to CPU 0", "µs", {n: sg[n][key] for n in names},
                            1, peers,
                            note=(f"Per round the median of {cfg['signal_samples']} signals; "
                                  f"{cfg['signal_rounds']} rounds." if key == "usr1"
                                  else f"One per round; {cfg['signal_rounds']} rounds."))
        out += lines
        headline(label, meds, peers, 1.0)

    pf = res.get("profile")
    if pf:
        for key, label in (("orphan", "user-space instructions per orphan"),
                           ("signal", "user-space instructions per signal")):
            headline(label, {n: pf[n][key] for n in names}, peers, digits=0)
        out += ["#### User-space instructions (callgrind)", "",
                "Instructions the init itself executes per reaped orphan and per forwarded "
                "SIGUSR1: the slope between a small and a large run "
                f"({cfg['profile_orphans'][0]}/{cfg['profile_orphans'][1]} orphans, "
                f"{cfg['profile_signals'][0]}/{cfg['profile_signals'][1]} signals). "
                "Deterministic, unlike the timings; the kernel's work is not in it.", "",
                "| init | per orphan | x best peer | per signal | x best peer |",
                "|---|---:|---:|---:|---:|"]
        bo = best_peer({n: pf[n]["orphan"] for n in names}, peers)[1]
        bs = best_peer({n: pf[n]["signal"] for n in names}, peers)[1]
        for n in names:
            out.append(f"| {n} | {fmt(pf[n]['orphan'], 0)} | {ratio(pf[n]['orphan'], bo)} | "
                       f"{fmt(pf[n]['signal'], 0)} | {ratio(pf[n]['signal'], bs)} |")
        out.append("")
    elif pf is None:
        out += ["#### User-space instructions (callgrind)", "",
                "Skipped: valgrind is not installed or the run was quick.", ""]

    ex = res["exit"]
    lines, meds = table("Workload exit to init exit, nothing left behind", "µs",
                        {n: ex[n]["alone"] for n in names}, 1, peers,
                        note=f"Seen from outside: the workload's last stamp to the init's pidfd "
                             f"turning readable, which includes the kernel's teardown of the "
                             f"namespace. {cfg['exit_rounds']} rounds.")
    out += lines
    headline("workload exit to init exit, µs", meds, peers)
    lines, meds = table(f"Workload exit to init exit, {cfg['exit_leftovers']} leftovers that "
                        "exit on SIGTERM", "µs", {n: ex[n]["total"] for n in names}, 1, peers,
                        note="For sexton this includes the leftovers' graceful exit; the peers "
                             "exit at once and the kernel SIGKILLs the leftovers.")
    out += lines
    out += [f"Leftovers that got to finish (of {cfg['exit_leftovers']}): " +
            ", ".join(f"{n} {fmt(ex[n]['finished'][0], 0) if ex[n]['finished'] else '-'}"
                      for n in names) + ".", ""]
    lines, _ = table("Teardown: the last leftover's exit to the init's exit", "µs",
                     {n: ex[n]["last"] for n in names if ex[n]["last"]}, 1, [],
                     note="Only inits that let every leftover finish have a figure.")
    out += lines
    mine = ex[SUBJECT]["last"]
    head.append(("last leftover's exit to exit, µs", fmt(mine[0] if mine else None, 1),
                 "- (no peer waits)", "-", "-", "-"))

    cr = res["correctness"]
    out += ["#### Correctness", "",
            "Exit status seen by the init's parent for a child that exits 3, dies of SIGTERM, "
            "and does not exist (sexton's convention: 3, 143, 127). Signal storm: "
            f"{cfg['storm_signals']:,} signals (HUP, USR1, USR2, ALRM, WINCH, URG, CONT, CHLD, "
            f"RT 35 and 50) sent to the init while the child makes {cfg['storm_orphans']:,} "
            "orphans; then the processes left beside the init and the child.", "",
            "| init | exit 3 | SIGTERM | not found | exit after SIGTERM (signal case) | "
            "storm: init exit | signals the child got | zombies left | other processes left |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n in names:
        c = cr[n]
        s = c["storm"] or {}
        codes = ["timeout" if x is None else str(x) for x in c["codes"]]
        term = ",".join(sorted({str(x) for x in sg[n]["status"]})) or "-"
        out.append(f"| {n} | {' | '.join(codes)} | {term} | "
                   f"{'timeout' if c['storm_status'] is None else c['storm_status']} | "
                   f"{s.get('received', '-')} | {s.get('zombies', '-')} | "
                   f"{s['left'] - s['zombies'] if s else '-'} |")
    out.append("")

    hl = ["| metric | sexton | best peer | ratio | target | met |",
          "|---|---:|---:|---:|---|:---:|"]
    hl += ["| " + " | ".join(row) + " |" for row in head]
    return hl, out


def machine():
    model = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} CPUs, {model}, Linux {platform.release()}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller, faster run for CI")
    ap.add_argument("--write", metavar="FILE", help="also write the report to FILE (markdown)")
    ap.add_argument("--profile", action="store_true",
                    help="also count instructions per orphan and per signal with callgrind")
    args = ap.parse_args()

    for path in (WORKLOAD, DRIVER, INITS[0][1]):
        if not os.access(path, os.X_OK):
            sys.exit(f"bench: '{path}' is missing; run `make bench` or `make bench-quick`")
    for init in INITS[1:]:
        if shutil.which(init[1]) is None:
            sys.exit(f"bench: '{init[1]}' not found; `make bench` installs the peers")
    with tempfile.TemporaryDirectory(prefix="sexton-bench-") as private:
        run_all(args, private)


def run_all(args, private):
    """Measure copies of sexton and the probes, so that a `make clean` or a rebuild
    in the work tree while the bench runs changes nothing under it."""
    global WORKLOAD, DRIVER
    WORKLOAD = shutil.copy2(WORKLOAD, private)
    DRIVER = shutil.copy2(DRIVER, private)
    inits = [(SUBJECT, shutil.copy2(INITS[0][1], os.path.join(private, "sexton")), INITS[0][2])]
    inits += INITS[1:]
    cfg = QUICK if args.quick else FULL
    names = [i[0] for i in inits]
    res = {"size": case_size(inits, cfg)}
    static_peers = [n for n in names if n != SUBJECT and res["size"][n]["static"]]

    cases = [("startup", case_startup), ("idle", case_idle), ("reaping", case_reaping),
             ("signals", case_signals), ("exit", case_exit), ("correctness", case_correctness)]
    if args.profile and shutil.which("valgrind"):
        cases.append(("profile", case_profile))
    started = time.monotonic()
    load_before = load_average()
    with own_cgroup() as cgroup:
        for key, fn in cases:
            t0 = time.monotonic()
            print(f"bench: {key} ...", file=sys.stderr, flush=True)
            res[key] = fn(inits, cfg)
            print(f"bench: {key} done in {time.monotonic() - t0:.0f} s", file=sys.stderr,
                  flush=True)
    took = time.monotonic() - started
    load_after = load_average()

    headline, body = report(res, cfg, args.quick, names, static_peers)
    mode = "quick" if args.quick else "full"
    command = "make bench-quick" if args.quick else "make bench"
    flags = (" --quick" if args.quick else "") + (" --profile" if args.profile else "")
    text = [f"# sexton benchmark results ({mode} run)", "",
            "## Headline", ""] + headline + [
            "", "Ratios are sexton's median over the best peer's (lower is better); memory "
            "compares with the best static peer, as the targets do.", "",
            "## Run", "",
            f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}",
            f"- machine: {machine()}",
            f"- command: `{command}` (runs `python3 bench/bench.py{flags}`)",
            f"- peers: {peer_versions()}",
            f"- load average (1, 5, 15 min) before: {load_before}; after: {load_after}",
            f"- placement: {cgroup}",
            f"- duration: {took:.0f} s", "",
            "## Method", "",
            "Each init runs as PID 1 of a fresh PID namespace (`unshare --pid --fork "
            "--mount-proc`); within each case the inits take turns in an order that rotates "
            "every round. Figures are medians over rounds with min and max. The child is "
            "`bench/workload.c`; timings that must be precise are taken in C "
            "(`bench/driver.c`, CLOCK_MONOTONIC). The init's CPU time is "
            "`/proc/1/schedstat` read from inside the namespace. Memory is the idle init's "
            "`/proc/PID/smaps_rollup`; wake-ups are its voluntary plus involuntary context "
            "switches over the window. Signal cases run on CPU 0 only (`taskset -c 0`). "
            "Nothing here is asserted: the bench measures and reports.", "",
            "## All figures", ""] + body
    report_text = "\n".join(text) + "\n"
    print(report_text)
    if args.write:
        with open(args.write, "w") as f:
            f.write(report_text)


def peer_versions():
    """Debian package versions of the peers, when dpkg knows them."""
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f", "${Package} ${Version}\\n",
                              "tini", "dumb-init", "catatonit"],
                             capture_output=True, text=True).stdout
    except OSError:
        return "unknown"
    return ", ".join(out.split("\n")[:-1]) or "unknown"


if __name__ == "__main__":
    main()
