#!/usr/bin/env python3
"""Start-up benchmark for the Backlot window (not a test: it prints figures).

Measures, for the given binary under the current DISPLAY (run it under xvfb-run):
  - first run: process start -> first paint on an empty data folder (the welcome page)
  - cold start: process start -> first paint, data folder holding the demo catalog (loaded
    with `backlot catalog demo`; median of N)
  - idle memory: RSS and PSS summed over the app and its WebKit processes, after IDLE_S
    seconds idle on the first page (default 60), with each process's share
  - size of the binary, and beside it the size floor: target/release/examples/size_floor (a
    Tauri window built like the app, same UI embedded, none of Backlot's native code), when
    built (`make bench-startup` builds it)
and prints each against the targets (first paint <= 1 s, idle <= 150 MB, binary <= 15 MB);
the rows also go to target/bench/rows/startup.json for `make bench`'s table.
"""
import json
import os
import pathlib
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = int(os.environ.get("RUNS", "5"))
IDLE_S = float(os.environ.get("IDLE_S", "60"))
PAINT = re.compile(r"first paint (\d+) ms after process start")


def children(pid):
    """All descendants of pid (WebKit's web and network processes)."""
    parent_of = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                parent_of[int(entry)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                pass
    found, frontier = [], [pid]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parent_of.items() if pp == p]
        found += kids
        frontier += kids
    return found


def memory_kb(pid):
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def start_once(binary, data_dir, measure_memory=False):
    env = dict(os.environ, BACKLOT_TRACE_STARTUP="1")
    t0 = time.monotonic()
    proc = subprocess.Popen([binary, "--data-dir", data_dir], env=env, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    paint_ms = None
    deadline = t0 + 60
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        m = PAINT.search(line)
        if m:
            paint_ms = int(m.group(1))
            break
    wall_ms = (time.monotonic() - t0) * 1000
    mem = None
    if measure_memory and paint_ms is not None:
        time.sleep(IDLE_S)
        pids = [proc.pid] + children(proc.pid)
        totals = [memory_kb(p) for p in pids]
        mem = (sum(r for r, _ in totals) / 1024, sum(p for _, p in totals) / 1024, len(pids))
        for pid, (rss, pss) in zip(pids, totals):
            try:
                with open(f"/proc/{pid}/comm") as f:
                    name = f.read().strip()
            except OSError:
                name = "?"
            print(f"  process {name:24} PSS {pss / 1024:6.0f} MB   RSS {rss / 1024:6.0f} MB")
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    if paint_ms is None:
        sys.exit(f"no first paint reported within 60 s (wall {wall_ms:.0f} ms)")
    return paint_ms, mem


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/backlot"
    if not os.environ.get("DISPLAY"):
        sys.exit("no DISPLAY: run under xvfb-run")
    with open("/proc/loadavg") as f:
        load = f.read().split()[0]
    with tempfile.TemporaryDirectory() as data_dir:
        first_run, _ = start_once(binary, data_dir)
        subprocess.run([binary, "--data-dir", data_dir, "catalog", "demo"], check=True, stdout=subprocess.DEVNULL)
        paints = [start_once(binary, data_dir)[0] for _ in range(RUNS)]
        _, (rss, pss, nproc) = start_once(binary, data_dir, measure_memory=True)
    size_mb = os.path.getsize(binary) / 1e6
    floor = pathlib.Path(binary).parent / "examples" / "size_floor"
    floor_mb = os.path.getsize(floor) / 1e6 if floor.exists() else None
    median = statistics.median(paints)
    rows = [
        ("first run to first paint (welcome page)", f"{first_run} ms", "", ""),
        (f"cold start to first paint (median of {RUNS})", f"{median:.0f} ms", "1000 ms", f"{median / 1000:.2f}x"),
        (f"  min / max", f"{min(paints)} / {max(paints)} ms", "", ""),
        (f"idle memory, PSS over {nproc} processes", f"{pss:.0f} MB", "150 MB", f"{pss / 150:.2f}x"),
        (f"idle memory, RSS over {nproc} processes", f"{rss:.0f} MB", "", ""),
        ("binary size", f"{size_mb:.1f} MB", "15 MB", f"{size_mb / 15:.2f}x"),
    ]
    if floor_mb is not None:
        rows.append(("  floor: Tauri window + the same UI, no Backlot code", f"{floor_mb:.1f} MB", "", ""))
    print(f"{'measure':45} {'value':>16} {'target':>9} {'ratio':>7}")
    for name, value, target, ratio in rows:
        print(f"{name:45} {value:>16} {target:>9} {ratio:>7}")
    record(load, [
        (f"cold start to first paint (median of {RUNS})", "ms", median, 1000.0),
        (f"idle memory after {IDLE_S:.0f} s, PSS over {nproc} processes", "MB", pss, 150.0),
        ("binary size", "MB", size_mb, 15.0),
    ], floor_mb)


def record(load, measures, floor_mb=None):
    """Writes `measures` (what, unit, value, target) as make bench's rows, and the binary's
    size floor (when measured) as a row with no target."""
    out = pathlib.Path(__file__).resolve().parent.parent / "target" / "bench" / "rows"
    out.mkdir(parents=True, exist_ok=True)
    conditions = f"{os.cpu_count()} cores, load {load} at start"
    rows = [{
        "what": what, "unit": unit, "backlot": value, "backlotP95": None,
        "baselineName": "target", "baseline": target, "baselineP95": None,
        "ratio": f"{value / target:.2f}× target", "target": f"≤ {target:g} {unit}",
        "met": value <= target, "conditions": conditions,
    } for what, unit, value, target in measures]
    if floor_mb is not None:
        rows.append({
            "what": "binary size floor: a Tauri window with the same UI, no Backlot code",
            "unit": "MB", "backlot": floor_mb, "backlotP95": None,
            "baselineName": "target", "baseline": 15.0, "baselineP95": None,
            "ratio": f"{floor_mb / 15.0:.2f}× target",
            "target": "— (a floor: Backlot's own code is the rest)", "met": None,
            "conditions": conditions,
        })
    (out / "startup.json").write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
