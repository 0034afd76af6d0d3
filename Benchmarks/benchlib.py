"""What the benchmarks share: timing a whole process, its peak memory, and the Deployment the
rollout benchmarks roll (surge 25%, maxUnavailable 0, a 5 s warm-up behind a readiness probe
with a 2 s period, a 5 s preStop sleep and a 3 s drain in a 30 s grace period, requests 10m /
16Mi)."""
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def add_binary_argument(parser):
    """`--binary PATH`: the rollout to measure, the release build by default."""
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/rollout"))


def generated_manifests(folder, size):
    """A manifest stream of about `size` bytes (generate_manifests.py) written into `folder`;
    its path."""
    path = os.path.join(folder, "manifests.yaml")
    with open(path, "w") as f:
        subprocess.run([sys.executable, os.path.join(ROOT, "Benchmarks", "generate_manifests.py"), str(size)], stdout=f, check=True)
    return path


def require_binary(path):
    """Stops with the command to run when the binary has not been built."""
    if not os.path.exists(path):
        sys.exit("build first: swift build -c release  (missing %s)" % path)


def wall(cmd):
    """Wall time of one whole process, output discarded."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as devnull:
        subprocess.run(cmd, stdout=devnull, check=True)
    return time.perf_counter() - start


def child_peak_rss(cmd):
    """Peak RSS (bytes) of a single child, measured in a fresh helper process."""
    code = ("import resource,subprocess,sys,os;"
            "subprocess.run(sys.argv[1:],stdout=open(os.devnull,'wb'),check=True);"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss*1024)")
    return int(subprocess.check_output([sys.executable, "-c", code] + cmd).strip())


def rolling_deployment(name, replicas, image):
    return f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  strategy: {{rollingUpdate: {{maxSurge: 25%, maxUnavailable: 0}}}}
  template:
    metadata:
      labels: {{app: {name}}}
      annotations: {{rollout.sim/startup: 5s, rollout.sim/shutdown: 3s}}
    spec:
      terminationGracePeriodSeconds: 30
      containers:
      - name: app
        image: {image}
        readinessProbe: {{httpGet: {{path: /healthz, port: 8080}}, periodSeconds: 2}}
        lifecycle: {{preStop: {{sleep: {{seconds: 5}}}}}}
        resources: {{requests: {{cpu: 10m, memory: 16Mi}}}}
"""


def behind_service(name, replicas, image):
    """`rolling_deployment` and a Service in front of it (port 80 to 8080), so that traffic is
    replayed through the rollout (10 requests a second)."""
    return rolling_deployment(name, replicas, image) + f"""---
apiVersion: v1
kind: Service
metadata: {{name: {name}}}
spec:
  selector: {{app: {name}}}
  ports: [{{port: 80, targetPort: 8080}}]
"""
