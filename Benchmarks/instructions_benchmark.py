#!/usr/bin/env python3
"""Instructions benchmark (issue 14): what one rollout costs in instructions, counted by
valgrind's callgrind, and where they go. Wall time on a shared 2-core machine varies by 15-35 %
between runs; the count of instructions a build executes on the same input varies by well
under 1 %, so two builds are compared by it (this machine's CPU counters are not open to
`perf stat`).

One Deployment of --replicas replicas behind a Service (the rollout benchmarks' Deployment,
one node per 100 replicas) is rolled out once, outside valgrind; then each build rolls the same
saved state to a new image under callgrind (`apply --wait`, traffic on). Printed for each:
instructions, instructions per replica, the ratio to the first build, whether its output equals
the first build's, and the --top functions of RolloutCore by inclusive instructions.

With --cache each build runs once more under cachegrind's cache simulation (its caches the
machine's own, the last level its L3) and the misses are printed beside the instructions. The
first-level data misses repeat within about 1 % and show some of what instructions do not:
making kube-proxy's choice without reading every endpoint back saved 1.5 % of the instructions
of the 10,000-replica roll and about 6 % of its first-level read misses, and the round that
made it took 7-15 % off that roll's virtual time. The last-level read misses are printed too
but do not repeat: runs of one build gave 0.31 M and 0.98 M at 10,000 replicas (the working set
is about the size of the simulated cache, and the threads' interleaving moves it across);
compare them only over several runs.

Every build runs with SWIFT_DETERMINISTIC_HASHING=1: Swift seeds its hashing at random in each
process, so the same dictionaries probe differently from run to run, and two runs of one build
counted the 10,000-replica roll's simulation at 1,514.5 M and 1,520.8 M instructions (0.4 %
apart). With the seed fixed they agree within 0.01 % (what remains comes from dictionaries
keyed by objects' addresses); the output is the same either way (no output depends on a
dictionary's order).

Usage: Benchmarks/instructions_benchmark.py [--replicas N] [--top K] [--cache] [--binary PATH] [--compare PATH ...]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

from benchlib import add_binary_argument, behind_service, require_binary

def demangle(names):
    """Swift symbols as swift-demangle simplifies them, when it is on the PATH."""
    tool = shutil.which("swift-demangle")
    if not tool or not names:
        return names
    out = subprocess.run([tool, "--simplified"], input="\n".join(names), capture_output=True, text=True)
    lines = out.stdout.splitlines()
    return lines if len(lines) == len(names) else names


def top_functions(profile, count):
    """The `count` RolloutCore functions with the most inclusive instructions."""
    out = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", profile],
                         capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+) \(\s*([\d.]+)%\)\s+\S*:(\$s11RolloutCore\S+)", line)
        if m:
            rows.append((m.group(2), m.group(3)))
    # A function is listed once per source file callgrind credits it to (its own, and
    # <compiler-generated> for inlined parts): the first, largest, is kept.
    seen, unique = set(), []
    for percent, name in zip([r[0] for r in rows], demangle([r[1] for r in rows])):
        if name not in seen and len(unique) < count:
            seen.add(name)
            unique.append((percent, name))
    return unique


# Hashing seeded the same in every process (see above); and rollout kept from starting itself
# again with glibc's huge-page tunable (HugePages): valgrind would run the started process
# outside itself, uncounted.
FIXED_HASHING = dict(os.environ, SWIFT_DETERMINISTIC_HASHING="1", ROLLOUT_HUGEPAGES="0")


def cache_misses(build, manifest, ready, state, out):
    """First-level data misses and last-level data read misses of one roll under cachegrind."""
    shutil.copytree(ready, state)
    run = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=yes", "--cachegrind-out-file=" + out,
                          build, "apply", "-f", manifest, "--wait", "--state", state], capture_output=True, text=True,
                         env=FIXED_HASHING)
    if run.returncode != 0:
        sys.exit("%s failed under cachegrind (exit %d):\n%s" % (build, run.returncode, run.stderr[-2000:]))
    d1 = re.search(r"D1  misses:\s+([\d,]+)", run.stderr)
    lld = re.search(r"LLd misses:\s+[\d,]+\s+\(\s*([\d,]+) rd", run.stderr)
    if not d1 or not lld:
        sys.exit("cachegrind printed no misses for %s" % build)
    return int(d1.group(1).replace(",", "")), int(lld.group(1).replace(",", ""))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--replicas", type=int, default=2000)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--compare", nargs="*", default=[], help="other builds, counted on the same state")
    parser.add_argument("--cache", action="store_true", help="also count simulated cache misses (cachegrind)")
    add_binary_argument(parser)
    args = parser.parse_args()
    if not shutil.which("valgrind"):
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    builds = [args.binary] + args.compare
    for b in builds:
        require_binary(b)
    work = tempfile.mkdtemp(prefix="rollout-instructions-")
    try:
        v1, v2 = os.path.join(work, "v1.yaml"), os.path.join(work, "v2.yaml")
        open(v1, "w").write(behind_service("big", args.replicas, "app:1"))
        open(v2, "w").write(behind_service("big", args.replicas, "app:2"))
        ready = os.path.join(work, "ready")
        nodes = max(1, args.replicas // 100)
        subprocess.run([builds[0], "cluster", "init", "--nodes", str(nodes), "--cpu", "64", "--memory", "256Gi",
                        "--pods", "250", "--state", ready], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([builds[0], "apply", "-f", v1, "--wait", "--state", ready], check=True, stdout=subprocess.DEVNULL)
        print("one Deployment of %d replicas on %d nodes, rolled to a new image under callgrind:" % (args.replicas, nodes))
        first = None
        first_output = None
        first_misses = None
        for i, b in enumerate(builds):
            state = os.path.join(work, "s%d" % i)
            shutil.copytree(ready, state)
            profile = os.path.join(work, "callgrind.%d.out" % i)
            run = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + profile,
                                  b, "apply", "-f", v2, "--wait", "--state", state], capture_output=True, text=True,
                                 env=FIXED_HASHING)
            if run.returncode != 0:
                sys.exit("%s failed (exit %d):\n%s" % (b, run.returncode, run.stderr[-2000:]))
            m = re.search(r"Collected : (\d+)", run.stderr)
            if not m:
                sys.exit("callgrind printed no total for %s" % b)
            count = int(m.group(1))
            if first is None:
                first, first_output = count, run.stdout
            same = "same output" if run.stdout == first_output else "OUTPUT DIFFERS from the first build"
            print("\n%s\n  %.3f G instructions, %.0f k per replica, %.3f x the first build, %s"
                  % (b, count / 1e9, count / args.replicas / 1e3, count / first, same))
            if args.cache:
                misses = cache_misses(b, v2, ready, os.path.join(work, "c%d" % i), os.path.join(work, "cachegrind.%d.out" % i))
                if first_misses is None:
                    first_misses = misses
                print("  %.1f M first-level data misses (%.3f x); %.2f M last-level read misses (%.3f x, which varies from run to run)"
                      % (misses[0] / 1e6, misses[0] / max(1, first_misses[0]), misses[1] / 1e6, misses[1] / max(1, first_misses[1])))
            for percent, name in top_functions(profile, args.top):
                print("  %6s %%  %s" % (percent, name[:150]))
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
