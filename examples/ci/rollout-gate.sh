#!/usr/bin/env bash
# The deploy gate: plan this change's manifests against the base branch's — applied and rolled
# out on a fresh simulated cluster — with requests replayed through every Service, and fail
# when requests or a rollout would fail (exit 1) or a hazard is found (exit 3).
#
#   examples/ci/rollout-gate.sh [MANIFESTS] [BASE_REF]
#
# MANIFESTS: the folder (or file) of manifests, default k8s. BASE_REF: the revision to compare
# with, default origin/$GITHUB_BASE_REF on a pull request, else origin/main.
# Environment: ROLLOUT, the rollout binary (default: rollout on the PATH, else one built from
# ROLLOUT_SRC with `swift build -c release`); ROLLOUT_SUMMARY, where the Markdown report goes
# (default rollout-summary.md; also appended to $GITHUB_STEP_SUMMARY when that is set);
# ROLLOUT_BASELINE_DUMP, a file of production's objects as
#   kubectl get deploy,rs,pods,svc,endpoints,endpointslices,cm,secret,sa,ing,ingressclass,pdb,quota,limits,nodes,namespaces -A -o yaml
# prints it: then the baseline is that state, imported (rollout cluster import), instead of the
# base revision's manifests.
# Exit: 0 safe, 1 downtime or a failed rollout, 3 a hazard, 2 bad input.
set -uo pipefail

manifests=${1:-k8s}
base=${2:-}
if [ -z "$base" ]; then
  if [ -n "${GITHUB_BASE_REF:-}" ]; then base="origin/$GITHUB_BASE_REF"; else base="origin/main"; fi
fi

# (a) rollout: given, on the PATH, or built from source.
rollout=${ROLLOUT:-}
if [ -z "$rollout" ]; then
  if command -v rollout >/dev/null 2>&1; then
    rollout=rollout
  elif [ -n "${ROLLOUT_SRC:-}" ]; then
    (cd "$ROLLOUT_SRC" && swift build -c release >&2) || exit 2
    rollout="$ROLLOUT_SRC/.build/release/rollout"
  else
    echo "rollout-gate: no rollout binary: set ROLLOUT, put rollout on the PATH, or set ROLLOUT_SRC to its sources" >&2
    exit 2
  fi
fi

summary=${ROLLOUT_SUMMARY:-rollout-summary.md}

# (b) the baseline: the base revision's manifests, applied and rolled out on a fresh cluster;
# (c) the diff and the plan against it; (d) the Markdown report.
if [ -n "${ROLLOUT_BASELINE_DUMP:-}" ]; then
  production=$(mktemp -d)
  trap 'rm -rf "$production"' EXIT
  "$rollout" cluster import -f "$ROLLOUT_BASELINE_DUMP" --state "$production/state" >&2 || exit 2
  "$rollout" plan -f "$manifests" --baseline-state "$production/state" --fail-on downtime,hazard -o markdown > "$summary"
else
  "$rollout" plan -f "$manifests" --baseline-ref "$base" --fail-on downtime,hazard -o markdown > "$summary"
fi
status=$?
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$summary" >> "$GITHUB_STEP_SUMMARY"; fi

# (e) an exit code that says what failed.
case $status in
  0) echo "rollout-gate: safe" >&2 ;;
  1) echo "rollout-gate: requests or a rollout would fail (see $summary)" >&2 ;;
  3) echo "rollout-gate: a hazard was found (see $summary)" >&2 ;;
  *) echo "rollout-gate: could not plan (exit $status)" >&2 ;;
esac
exit $status
