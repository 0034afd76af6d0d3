#!/usr/bin/env python3
"""`rollout render -o json` against rapidyaml (issue 14): whole process, release build, the same
generated manifest stream (default 7.7 MB), in the same run, alternating, medians compared.

rapidyaml (C++, through its Python package `rapidyaml`) parses the stream into its tree and
emits each document with `emit_json`. It is installed with pip into a throw-away virtual
environment (under the system temporary folder) when it is not importable already; it is a
reference, never part of rollout. Note what each does: rapidyaml emits scalars as written,
while rollout resolves every scalar under the Kubernetes schema (numbers, booleans, nulls),
checks the stream and writes canonical JSON — the output rollout's tests compare.

Prints both medians, the ratio (target: rollout at least 2x faster) and rollout's peak memory
against the input (target: at most 4x).

Usage: Benchmarks/rapidyaml_benchmark.py [--runs N] [--size BYTES] [--binary PATH]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

from benchlib import add_binary_argument, child_peak_rss, generated_manifests, require_binary, wall


RYML = r"""
import sys, ryml
data = open(sys.argv[1], 'rb').read()
tree = ryml.parse_in_arena(data)
out = sys.stdout.buffer
root = tree.root_id()
nodes = []
if tree.is_stream(root):
    child = tree.first_child(root)
    while child != ryml.NONE:
        nodes.append(child)
        child = tree.next_sibling(child)
else:
    nodes.append(root)
for node in nodes:
    js = ryml.emit_json(tree, node)
    out.write(js.encode() if isinstance(js, str) else bytes(js))
    out.write(b"\n")
"""


def python_with_rapidyaml():
    """A Python that imports ryml: this one, or a throw-away venv with rapidyaml installed."""
    if subprocess.run([sys.executable, "-c", "import ryml"], capture_output=True).returncode == 0:
        return sys.executable
    venv = os.path.join(tempfile.gettempdir(), "rollout-bench-rapidyaml-venv")
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    if subprocess.run([python, "-c", "import ryml"], capture_output=True).returncode != 0:
        subprocess.run([python, "-m", "pip", "install", "-q", "rapidyaml"], check=True)
    return python


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--size", type=int, default=7_700_000)
    add_binary_argument(parser)
    args = parser.parse_args()
    require_binary(args.binary)
    python = python_with_rapidyaml()
    with tempfile.TemporaryDirectory() as tmp:
        path = generated_manifests(tmp, args.size)
        size = os.path.getsize(path)
        ours_cmd = [args.binary, "render", "-f", path, "-o", "json"]
        ryml_cmd = [python, "-c", RYML, path]
        ours, theirs = [], []
        for _ in range(args.runs):
            ours.append(wall(ours_cmd))
            theirs.append(wall(ryml_cmd))
        peak = child_peak_rss(ours_cmd)
    o, r = statistics.median(ours), statistics.median(theirs)
    print("input: %.1f MB" % (size / 1e6))
    print("rollout render -o json     : median %.3f s (min %.3f) over %d runs, %.1f MB/s" % (o, min(ours), args.runs, size / o / 1e6))
    print("rapidyaml parse + emit_json: median %.3f s (min %.3f) over %d runs, %.1f MB/s" % (r, min(theirs), args.runs, size / r / 1e6))
    print("rollout is %.2fx rapidyaml's speed (target: >= 2x)" % (r / o))
    print("peak memory: %.1f MB = %.1fx the input (target: <= 4x)" % (peak / 1e6, peak / size))
    return 0 if r / o >= 2 and peak <= 4 * size else 1


if __name__ == "__main__":
    sys.exit(main())
