#!/usr/bin/env python3
"""Scheduler benchmark (issue 12): kube-scheduler's default profile on big clusters, whole
process, release build, on this machine, in this run.

For each size (nodes:pods), a bare cluster of that many nodes (zones a, b, c; 8 CPUs, 32Gi,
110 pods each) gets one Deployment of that many replicas (requests 100m / 128Mi, spread by the
system default constraints). Timed, each --runs times (median reported):
  init      `cluster init --nodes N`
  schedule  `wait --timeout 1ms` right after `apply`: every pod through the filters and
            scores and bound (plus loading and saving the state)
  start     `apply --wait` of the same Deployment on a fresh state: scheduled, pulled,
            started and ready
Prints the cost per pod and the ratio of each size to the first, so the growth can be read
without trusting absolute numbers on a shared machine.

Usage: Benchmarks/scheduler_benchmark.py [--runs N] [--sizes 1000:2000,5000:10000] [--binary PATH]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from benchlib import add_binary_argument, require_binary


def manifest(replicas):
    return f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: big}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: big}}}}
  template:
    metadata: {{labels: {{app: big}}}}
    spec:
      containers:
      - name: app
        image: app:1
        resources: {{requests: {{cpu: 100m, memory: 128Mi}}}}
"""


def timed(cmd):
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return time.perf_counter() - start, done


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="1000:2000,5000:10000")
    add_binary_argument(parser)
    args = parser.parse_args()
    require_binary(args.binary)
    b = args.binary
    work = tempfile.mkdtemp(prefix="rollout-sched-bench-")
    rows = []
    try:
        for size in args.sizes.split(","):
            nodes, pods = (int(x) for x in size.split(":"))
            path = os.path.join(work, "big-%d.yaml" % pods)
            open(path, "w").write(manifest(pods))
            init, schedule, start = [], [], []
            for run in range(args.runs):
                state = os.path.join(work, "s-%d-%d" % (nodes, run))
                init_cmd = [b, "cluster", "init", "--profile", "bare", "--nodes", str(nodes), "--zones", "a,b,c",
                            "--cpu", "8", "--memory", "32Gi", "--state", state]
                t, done = timed(init_cmd)
                if done.returncode != 0:
                    sys.exit(done.stderr.decode())
                init.append(t)
                subprocess.run([b, "apply", "-f", path, "--state", state], check=True, stdout=subprocess.DEVNULL)
                t, done = timed([b, "wait", "--for=condition=Available", "deployment/big", "--timeout", "1ms", "--state", state])
                schedule.append(t)
                listing = subprocess.run([b, "get", "pods", "-o", "wide", "--state", state], stdout=subprocess.PIPE, check=True).stdout.decode()
                placed = sum(1 for line in listing.splitlines()[1:] if "<none>" not in line.split()[6])
                if placed != pods:
                    sys.exit("only %d of %d pods were scheduled" % (placed, pods))
                shutil.rmtree(state)
                subprocess.run(init_cmd, check=True, stdout=subprocess.DEVNULL)
                t, done = timed([b, "apply", "-f", path, "--wait", "--traffic", "0", "--state", state])
                if b"successfully rolled out" not in done.stdout:
                    sys.exit("the Deployment of %d pods did not become available" % pods)
                start.append(t)
                shutil.rmtree(state)
            row = (nodes, pods, statistics.median(init), statistics.median(schedule), statistics.median(start))
            rows.append(row)
            print("%5d nodes, %6d pods: init %.2f s, schedule %.2f s (%.0f µs per pod), start %.2f s (%.0f µs per pod)"
                  % (nodes, pods, row[2], row[3], row[3] / pods * 1e6, row[4], row[4] / pods * 1e6))
        base = rows[0]
        for r in rows[1:]:
            print("%d:%d vs %d:%d: %.1fx the pods on %.1fx the nodes took %.1fx to schedule, %.1fx to start"
                  % (r[0], r[1], base[0], base[1], r[1] / base[1], r[0] / base[0], r[3] / base[3], r[4] / base[4]))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
