#!/usr/bin/env python3
"""Run one Software Template through a real Backstage's scaffolder dry run and save the result.

    scaffolder-dry-run.py TEMPLATE_DIR VALUES_FILE OUT_DIR [--url URL] [--token TOKEN]

Sends POST {URL}/api/scaffolder/v2/dry-run with
    {template: <TEMPLATE_DIR/template.yaml as entity JSON>, values: <VALUES_FILE>,
     secrets: {}, directoryContents: [{path, base64Content} for every file under TEMPLATE_DIR]}
(paths relative to TEMPLATE_DIR, '/'-separated, sorted; folders named `expected` at the top
of TEMPLATE_DIR are left out: they hold this tool's own output) and writes
    OUT_DIR/files/<path>   every file of the answer's directoryContents (bytes from base64)
    OUT_DIR/result.json    {output, steps, log: [messages in order], executable: [paths]}
                           (pretty-printed, sorted keys)
A non-2xx answer: OUT_DIR/result.json = {status, body} (no files/), the body is printed and
the exit code is 1. OUT_DIR/files and OUT_DIR/result.json are replaced on every run.
result.json is normalized so that runs compare equal: every UUID becomes `<uuid>`, stack
traces keep only their first line, and fetch:template's per-entry log lines ("Writing file
X ...", "Writing directory X ...", "Copying ...") are sorted by path within each run of them
(Backstage emits them in a nondeterministic traversal order). Files are written exactly as
answered.

YAML (template.yaml, a .yaml/.yml values file) is read with the `yaml` npm package (YAML 1.2,
the parser Backstage's catalog uses) from the scaffolder peer's node_modules
($BS_DIR, default /tmp/backlot-scaffolder-peer), falling back to PyYAML when node or the
package is missing (YAML 1.1: `yes`/`on` become booleans - avoid those in the corpus).
Python 3 standard library only otherwise.
"""

import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request

DEFAULT_URL = os.environ.get("SCAFFOLDER_URL", "http://127.0.0.1:7127")
DEFAULT_TOKEN = os.environ.get("TOKEN", "backlot-peer-token-0123456789")
BS_DIR = os.environ.get("BS_DIR", "/tmp/backlot-scaffolder-peer")

NODE_YAML = r"""
const fs = require('fs');
const YAML = require(process.argv[1]);
const text = fs.readFileSync(process.argv[2], 'utf8');
const docs = YAML.parseAllDocuments(text);
for (const d of docs) if (d.errors.length) { console.error(String(d.errors[0])); process.exit(1); }
const values = docs.map(d => d.toJS());
process.stdout.write(JSON.stringify(values.length === 1 ? values[0] : values));
"""


def load_yaml(path):
    module = os.path.join(BS_DIR, "node_modules", "yaml")
    if shutil.which("node") and os.path.isdir(module):
        r = subprocess.run(
            ["node", "-e", NODE_YAML, module, path], capture_output=True, text=True
        )
        if r.returncode != 0:
            sys.exit(f"{path}: YAML error: {r.stderr.strip()}")
        return json.loads(r.stdout)
    try:
        import yaml  # noqa: PLC0415
    except ImportError:
        sys.exit(f"cannot read {path}: need node + {module} (install the peer) or PyYAML")
    print(f"warning: {module} missing, reading {path} with PyYAML", file=sys.stderr)
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def load_values(path):
    if path.endswith(".json"):
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    v = load_yaml(path)
    return {} if v is None else v


def directory_contents(template_dir):
    out = []
    for root, dirs, files in os.walk(template_dir):
        rel_root = os.path.relpath(root, template_dir)
        if rel_root == ".":
            dirs[:] = [d for d in dirs if d != "expected"]
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(root, name)
            rel = os.path.relpath(full, template_dir).replace(os.sep, "/")
            with open(full, "rb") as f:
                data = f.read()
            out.append({"path": rel, "base64Content": base64.b64encode(data).decode("ascii")})
    out.sort(key=lambda e: e["path"])
    return out


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
STACK_FRAME = re.compile(r"\n    at [^\n]*")


def normalize(value):
    """Makes an answer reproducible: every UUID (the dry run's workspace is
    <workingDirectory>/dry-run-<random uuid>) becomes <uuid>, and stack traces keep their
    first line only (the frames name files of the peer's install)."""
    if isinstance(value, str):
        return STACK_FRAME.sub("", UUID.sub("<uuid>", value))
    if isinstance(value, list):
        return [normalize(v) for v in value]
    if isinstance(value, dict):
        return {k: normalize(v) for k, v in value.items()}
    return value


ENTRY_LINE = re.compile(
    r"(?:\x1b\[\d+m)?info(?:\x1b\[\d+m)?: (?:"
    r"(?P<copy>Copying file/directory (?P<p1>.*) without processing\.)"
    r"|Writing file (?P<p2>.*) to template output path with mode \d+\."
    r"|Writing directory (?P<p3>.*) to template output path\."
    r"|Copying file binary or symbolic link at (?P<p4>.*), to template output path\.)$",
    re.S,
)


def entry_key(message):
    m = ENTRY_LINE.match(message)
    if not m:
        return None
    path = m.group("p1") or m.group("p2") or m.group("p3") or m.group("p4")
    return (path, 0 if m.group("copy") else 1)


def stable_log(messages):
    """fetch:template logs one or two lines per skeleton entry in the order of fast-glob's
    concurrent traversal, which differs from run to run. Sort each run of consecutive entry
    lines by path (a "Copying ... without processing" line stays before its "Writing" line);
    every other line keeps its place."""
    out, run = [], []
    for message in messages + [None]:
        key = entry_key(message) if isinstance(message, str) else None
        if key is not None:
            run.append((key, message))
            continue
        out.extend(m for _, m in sorted(run, key=lambda e: e[0]))
        run = []
        if message is not None:
            out.append(message)
    return out


LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def write_json(path, value):
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    # JavaScript strings may hold half a surrogate pair (e.g. `reverse` of an emoji): keep
    # those as \uXXXX escapes, which is still valid JSON and valid UTF-8.
    text = LONE_SURROGATE.sub(lambda m: "\\u%04x" % ord(m.group()), text)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text + "\n")


def safe_join(base, rel):
    target = os.path.normpath(os.path.join(base, rel))
    if not (target == base or target.startswith(base + os.sep)):
        sys.exit(f"refusing to write outside {base}: {rel!r}")
    return target


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("template_dir")
    ap.add_argument("values_file")
    ap.add_argument("out_dir")
    ap.add_argument("--url", default=DEFAULT_URL)
    ap.add_argument("--token", default=DEFAULT_TOKEN)
    args = ap.parse_args()

    template_dir = os.path.abspath(args.template_dir)
    template = load_yaml(os.path.join(template_dir, "template.yaml"))
    values = load_values(args.values_file)
    body = {
        "template": template,
        "values": values,
        "secrets": {},
        "directoryContents": directory_contents(template_dir),
    }
    req = urllib.request.Request(
        args.url.rstrip("/") + "/api/scaffolder/v2/dry-run",
        data=json.dumps(body).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {args.token}"},
    )
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()

    out_dir = os.path.abspath(args.out_dir)
    files_dir = os.path.join(out_dir, "files")
    shutil.rmtree(files_dir, ignore_errors=True)
    os.makedirs(out_dir, exist_ok=True)

    try:
        answer = json.loads(raw)
    except ValueError:
        answer = raw.decode("utf-8", "replace")

    if not 200 <= status < 300:
        print(raw.decode("utf-8", "replace"), file=sys.stderr)
        write_json(
            os.path.join(out_dir, "result.json"), {"status": status, "body": normalize(answer)}
        )
        return 1

    executable = []
    os.makedirs(files_dir, exist_ok=True)
    for entry in answer.get("directoryContents", []):
        target = safe_join(files_dir, entry["path"])
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(base64.b64decode(entry["base64Content"]))
        if entry.get("executable"):
            executable.append(entry["path"])
    result = {
        "output": answer.get("output"),
        "steps": answer.get("steps"),
        "log": stable_log([(e.get("body") or {}).get("message") for e in answer.get("log", [])]),
        "executable": sorted(executable),
    }
    write_json(os.path.join(out_dir, "result.json"), normalize(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
