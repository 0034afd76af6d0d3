#!/usr/bin/env bash
# Builds and runs the libFuzzer harness of Fuzz/FuzzTarget.swift (issue 9), outside swift test.
#   Fuzz/run.sh [parser|controllers] [SECONDS]   fuzz one target for SECONDS (default: parser, 60)
#   Fuzz/run.sh --ci                             both targets, a fixed seed and number of runs
#                                                (what .ci/run does: the same inputs every time)
# The corpus starts from the examples and, when it is beside the project, the shared corpus of
# real manifests; inputs libFuzzer finds are kept in Fuzz/out/corpus-TARGET (not in git), and a
# crash in Fuzz/out/crash-*, which reproduces with:
#   ROLLOUT_FUZZ_TARGET=TARGET Fuzz/out/fuzz-rollout Fuzz/out/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."
out=Fuzz/out
binary="$out/fuzz-rollout"
mkdir -p "$out"
# RolloutCore's sources and the harness as one module: the harness calls internal API too.
mapfile -t sources < <(find Sources/RolloutCore -name '*.swift' | sort)
echo "building $binary (swiftc -sanitize=fuzzer,address)"
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name RolloutCore \
  "${sources[@]}" Fuzz/FuzzTarget.swift -o "$binary" 2>&1 | { grep -v "Cannot export local symbol" || true; }

# libFuzzer reads a corpus folder one level deep: the seeds are copied in, flat.
seed() {
  local corpus="$out/corpus-$1"
  mkdir -p "$corpus"
  if [ -z "$(ls -A "$corpus")" ]; then
    mapfile -t files < <(find examples ../shared/corpus/manifests ../shared/corpus/cluster-dumps -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -size -64k 2>/dev/null | sort)
    for f in "${files[@]:0:400}"; do cp "$f" "$corpus/seed-$(echo "$f" | md5sum | cut -c1-12).yaml"; done
  fi
}

fuzz() {  # TARGET, then libFuzzer options
  local target="$1"; shift
  seed "$target"
  echo "fuzzing $target: $*"
  ROLLOUT_FUZZ_TARGET="$target" "$binary" "$@" -max_len=65536 -timeout=20 -rss_limit_mb=4096 \
    -artifact_prefix="$out/" "$out/corpus-$target" 2>&1 | grep -E "^(Done|INFO: seed|==|SUMMARY|artifact_prefix|Test unit written)|ERROR|crash" || true
  # libFuzzer exits non-zero on a finding; the pipeline above hides it, so check for artifacts.
  if ls "$out"/crash-* "$out"/timeout-* "$out"/oom-* >/dev/null 2>&1; then
    echo "fuzzing $target found a crash: see $out" >&2
    exit 1
  fi
}

if [ "${1:-}" = "--ci" ]; then
  fuzz parser -seed=1 -runs=30000
  fuzz controllers -seed=1 -runs=10000
else
  target="${1:-parser}"
  case "$target" in parser|controllers) ;; *) echo "usage: Fuzz/run.sh [parser|controllers] [SECONDS] | --ci" >&2; exit 2 ;; esac
  fuzz "$target" -max_total_time="${2:-60}"
fi
