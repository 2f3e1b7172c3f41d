#!/usr/bin/env python3
"""Checks that the workspace's dependencies point down the layers (run by `make check`):

    crates/*  (foundation)  →  plugins/*  →  app/ and src-ui/ (composition)  →  src-tauri/ (binary)

A crate may depend on crates of its own layer or lower ones, never higher — normal, build
and dev dependencies alike. tests/support (dev-only helpers, no dependencies) sits with the
foundation; the other tests/* may use anything. Prints each upward edge and exits 1.
"""
import json
import os
import subprocess
import sys

LAYERS = [("crates/", 0, "foundation"), ("tests/support/", 0, "test support"), ("plugins/", 1, "plugin"), ("app/", 2, "composition root"),
          ("src-ui/", 2, "UI shell"), ("src-tauri/", 3, "binary"), ("tests/", 4, "tests")]


def layer(manifest, root):
    rel = os.path.relpath(manifest, root)
    for prefix, rank, name in LAYERS:
        if rel.startswith(prefix):
            return rank, name, rel
    return None, None, rel


def main():
    meta = json.loads(subprocess.check_output(
        ["cargo", "metadata", "--format-version", "1", "--no-deps", "--offline"], text=True))
    root = meta["workspace_root"]
    members = {p["name"]: p for p in meta["packages"]}
    problems = []
    for pkg in meta["packages"]:
        rank, name, rel = layer(pkg["manifest_path"], root)
        if rank is None:
            problems.append(f"{pkg['name']} ({rel}) is in no layer")
            continue
        for dep in pkg["dependencies"]:
            target = members.get(dep["name"])
            if target is None or target["name"] == pkg["name"]:
                continue
            dep_rank, dep_name, dep_rel = layer(target["manifest_path"], root)
            if dep_rank is not None and dep_rank > rank:
                kind = dep["kind"] or "normal"
                problems.append(f"{pkg['name']} ({name}) → {dep['name']} ({dep_name}), a {kind} dependency")
    for p in problems:
        print(f"check-layers: upward edge: {p}", file=sys.stderr)
    if problems:
        return 1
    print(f"check-layers: {len(meta['packages'])} crates, every dependency points down")
    return 0


if __name__ == "__main__":
    sys.exit(main())
