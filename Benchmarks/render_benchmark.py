#!/usr/bin/env python3
"""Times `rollout render -o json` (release build) against PyYAML with libyaml doing the same
work (load_all with CSafeLoader + json.dumps, one line per document), whole process, on the
same generated input in the same run. Runs alternate to share the machine's noise; medians
are compared. Prints the ratio and rollout's peak memory against the input size.

Usage: Benchmarks/render_benchmark.py [--runs N] [--size BYTES] [--binary PATH]
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from benchlib import add_binary_argument, child_peak_rss, generated_manifests, require_binary


PYYAML = r"""
import json, sys, yaml
with open(sys.argv[1], 'rb') as f:
    out = sys.stdout
    for doc in yaml.load_all(f, Loader=yaml.CSafeLoader):
        if doc is not None:
            out.write(json.dumps(doc, separators=(',', ':')))
            out.write('\n')
"""


def run(cmd):
    """Wall time and peak RSS (bytes) of one whole process, output discarded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    with open(os.devnull, "wb") as devnull:
        subprocess.run(cmd, stdout=devnull, check=True)
    elapsed = time.perf_counter() - start
    # ru_maxrss of children is the max over all children so far; run ours first each round.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return elapsed, peak if peak > before * 1024 else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--size", type=int, default=6_000_000)
    add_binary_argument(parser)
    args = parser.parse_args()
    require_binary(args.binary)

    with tempfile.TemporaryDirectory() as tmp:
        path = generated_manifests(tmp, args.size)
        size = os.path.getsize(path)
        ours_cmd = [args.binary, "render", "-f", path, "-o", "json"]
        base_cmd = [sys.executable, "-c", PYYAML, path]

        # Same documents from both (checked once, outside the timing).
        ours_out = subprocess.run(ours_cmd, capture_output=True, check=True).stdout.splitlines()
        base_out = subprocess.run(base_cmd, capture_output=True, check=True).stdout.splitlines()
        import json
        if len(ours_out) != len(base_out) or any(json.loads(a) != json.loads(b) for a, b in zip(ours_out, base_out)):
            sys.exit("outputs differ between rollout and PyYAML")

        ours, base = [], []
        for _ in range(args.runs):
            ours.append(run(ours_cmd)[0])
            base.append(run(base_cmd)[0])
        peak = child_peak_rss(ours_cmd)

    o, b = statistics.median(ours), statistics.median(base)
    print("input: %.1f MB, %d documents" % (size / 1e6, len(ours_out)))
    print("rollout render -o json : median %.3f s (min %.3f) over %d runs" % (o, min(ours), args.runs))
    print("PyYAML CSafeLoader+json: median %.3f s (min %.3f) over %d runs" % (b, min(base), args.runs))
    print("speed-up: %.1fx faster than PyYAML/libyaml (required: >= 5x)" % (b / o))
    print("peak memory: %.1f MB = %.1fx the input (required: < 10x)" % (peak / 1e6, peak / size))
    ok = b / o >= 5 and peak < 10 * size
    print("RESULT: %s" % ("PASS" if ok else "FAIL"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
