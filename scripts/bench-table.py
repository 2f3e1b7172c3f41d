#!/usr/bin/env python3
"""One table of every benchmark row recorded under target/bench/rows/*.json (written by
backlot-test-support's bench::record: what, unit, backlot, baseline and its name, their
p95s, the ratio as the bench states it, target, met, conditions).
Writes target/bench/summary.md and summary.json and prints the Markdown."""
import json
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parent.parent / "target" / "bench"
rows = []
for path in sorted((root / "rows").glob("*.json")):
    for row in json.loads(path.read_text()):
        row["bench"] = path.stem
        rows.append(row)
if not rows:
    sys.exit("bench-table: no rows under target/bench/rows (run the benches first)")


def figure(value, p95, unit):
    if value is None:
        return "—"
    text = f"{value:.2f}" if value < 100 else f"{value:.0f}"
    if p95 is not None:
        text += f" (p95 {p95:.2f})" if p95 < 100 else f" (p95 {p95:.0f})"
    return f"{text} {unit}"


lines = [
    "| bench | what | Backlot | baseline or peer (same run) | ratio | target | met | conditions |",
    "|---|---|---:|---:|---:|---|:---:|---|",
]
for r in rows:
    unit = r.get("unit", "")
    base = r.get("baseline")
    ratio = r.get("ratio") or "—"
    met = {True: "yes", False: "**no**"}.get(r.get("met"), "—")
    lines.append(
        f"| {r['bench']} | {r['what']} | {figure(r['backlot'], r.get('backlotP95'), unit)} "
        f"| {r.get('baselineName', '')} {figure(base, r.get('baselineP95'), unit)} | {ratio} "
        f"| {r.get('target', '')} | {met} | {r.get('conditions', '')} |"
    )
table = "\n".join(lines) + "\n"
(root / "summary.md").write_text(table)
(root / "summary.json").write_text(json.dumps(rows, indent=1) + "\n")
print(table)
