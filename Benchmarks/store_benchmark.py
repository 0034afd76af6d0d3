#!/usr/bin/env python3
"""State store benchmark (issue 3): whole-process times of the release build on states of
1k / 10k / 50k objects, on this machine, in this run.

- `get deploy` and `apply -f one.yaml` (one object changed) must stay under 50 ms at 10k
  objects, both on a state of 10k Deployments (every row listed) and on a mixed state
  (Deployments, Services, ConfigMaps).
- Loading grows linearly: `get deploy,svc,cm -A -o name` (every listing row) and
  `-o json` (every object parsed) at 1k / 10k / 50k.
Each time is the median of --runs runs, and is also shown as a ratio to `rollout --help`
(process start-up, the floor) measured in the same run, so noisy shared machines still give
comparable numbers.

Usage: Benchmarks/store_benchmark.py [--runs N] [--binary PATH] [--sizes 1000,10000,50000]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from benchlib import add_binary_argument, require_binary


def timed(cmd):
    start = time.perf_counter()
    with open(os.devnull, "wb") as devnull:
        subprocess.run(cmd, stdout=devnull, stderr=devnull, check=True)
    return time.perf_counter() - start


def median_ms(cmds, runs):
    """Median wall time of each command, runs interleaved so they share the noise."""
    samples = [[] for _ in cmds]
    for _ in range(runs):
        for i, cmd in enumerate(cmds):
            samples[i].append(timed(cmd(_) if callable(cmd) else cmd))
    return [statistics.median(s) * 1000 for s in samples]


def deployment(i):
    name = "app-%05d" % i
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "labels": {"app": name, "tier": "web"}},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "web", "image": "nginx:1.%d" % (i % 30),
                                                           "ports": [{"containerPort": 8080, "name": "http"}],
                                                           "readinessProbe": {"httpGet": {"path": "/healthz", "port": "http"}},
                                                           "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}]}}}}


def service(i):
    name = "app-%05d" % i
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "labels": {"app": name}},
            "spec": {"selector": {"app": name}, "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}}


def config_map(i):
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg-%05d" % i},
            "data": {"LOG_LEVEL": "info", "FEATURES": "a,b,c", "REGION": "eu-west-%d" % (i % 3)}}


def mixed(n):
    return [deployment(i) for i in range(n // 4)] + [service(i) for i in range(n // 4)] + [config_map(i) for i in range(n - 2 * (n // 4))]


def build_state(binary, work, name, items):
    state = os.path.join(work, name)
    manifest = os.path.join(work, name + ".json")
    with open(manifest, "w") as f:
        json.dump({"apiVersion": "v1", "kind": "List", "items": items}, f)
    start = time.perf_counter()
    subprocess.run([binary, "apply", "-f", manifest, "--state", state], stdout=subprocess.DEVNULL, check=True)
    return state, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    add_binary_argument(parser)
    parser.add_argument("--sizes", default="1000,10000,50000")
    args = parser.parse_args()
    require_binary(args.binary)
    sizes = [int(s) for s in args.sizes.split(",")]
    work = tempfile.mkdtemp(prefix="rollout-store-bench-")
    try:
        # One changed object per run: a ConfigMap in the mixed states, a Deployment (in the
        # table of 10k Deployments) in the other.
        one = {"mixed": os.path.join(work, "cm-%d.json"), "deployments only": os.path.join(work, "deploy-%d.json")}
        for r in range(args.runs):
            with open(one["mixed"] % r, "w") as f:
                f.write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg-00001\ndata:\n  LOG_LEVEL: debug-%d\n" % r)
            changed = deployment(1)
            changed["spec"]["replicas"] = 4 + r
            with open(one["deployments only"] % r, "w") as f:
                json.dump(changed, f)
        floor = median_ms([[args.binary, "--help"]], args.runs)[0]
        print("process floor (rollout --help): %.1f ms" % floor)
        print()
        print("%-28s %8s %10s %10s %10s %10s" % ("state", "objects", "get deploy", "apply one", "rows -A", "json -A"))
        results = {}
        for label, make in [("mixed", mixed), ("deployments only", lambda n: [deployment(i) for i in range(n)])]:
            for n in sizes:
                if label != "mixed" and n != 10000:
                    continue
                state, build = build_state(args.binary, work, "%s-%d" % (label.split()[0], n), make(n))
                get, apply, rows, full = median_ms([
                    [args.binary, "get", "deploy", "--state", state],
                    lambda r, label=label: [args.binary, "apply", "-f", one[label] % r, "--state", state],
                    [args.binary, "get", "deploy,svc,cm", "-A", "-o", "name", "--state", state],
                    [args.binary, "get", "deploy,svc,cm", "-A", "-o", "json", "--state", state],
                ], args.runs)
                results[(label, n)] = (get, apply, rows, full)
                print("%-28s %8d %7.1f ms %7.1f ms %7.1f ms %7.1f ms   (built in %.1f s)" % (label, n, get, apply, rows, full, build))
                shutil.rmtree(state)
        print()
        print("as multiples of the process floor:")
        for (label, n), values in results.items():
            print("  %-26s %6d   get %.1fx  apply %.1fx  rows %.1fx  json %.1fx" % ((label, n) + tuple(v / floor for v in values)))
        if (("mixed", 1000) in results) and (("mixed", 10000) in results):
            print()
            print("growth, mixed state (time above the floor, per 10x objects):")
            base = {k: [max(v - floor, 0.1) for v in vals] for k, vals in results.items()}
            for a, b in [(1000, 10000), (10000, 50000)]:
                if ("mixed", a) in base and ("mixed", b) in base:
                    ratios = [y / x for x, y in zip(base[("mixed", a)], base[("mixed", b)])]
                    print("  %6d -> %6d objects (x%d): rows %.1fx, json %.1fx" % (a, b, b // a, ratios[2], ratios[3]))
        ok = all(v[0] < 50 and v[1] < 50 for (label, n), v in results.items() if n == 10000)
        print()
        print("10k objects: get deploy and apply one under 50 ms: %s" % ("yes" if ok else "NO"))
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
