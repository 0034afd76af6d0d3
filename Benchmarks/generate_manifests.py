#!/usr/bin/env python3
"""Writes a deterministic stream of realistic Kubernetes manifests (Deployments, Services,
ConfigMaps) of at least the requested size: probes, resources, block scalars, flow maps,
quoted strings, comments, anchors-free as kubectl users write them."""
import random
import sys

DEPLOYMENT = """# Deployment {i}: {name}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: team-{team}
  labels: {{app: {name}, tier: {tier}, team: "team-{team}"}}
  annotations:
    kubernetes.io/change-cause: "deploy {name} version {major}.{minor}.{patch}"
    rollout.sim/startup: {startup}s
spec:
  replicas: {replicas}
  revisionHistoryLimit: 5
  progressDeadlineSeconds: 600
  selector:
    matchLabels:
      app: {name}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: {surge}
      maxUnavailable: 0
  template:
    metadata:
      labels:
        app: {name}
        tier: {tier}
    spec:
      terminationGracePeriodSeconds: 45
      containers:
        - name: {name}
          image: registry.example.com/{team}/{name}:{major}.{minor}.{patch}
          imagePullPolicy: IfNotPresent
          args: ["--port=8080", "--log-level=info", "--workers={workers}"]
          ports:
            - containerPort: 8080
              name: http
              protocol: TCP
            - {{containerPort: 9090, name: metrics}}
          env:
            - name: ENVIRONMENT
              value: production
            - name: FEATURE_FLAGS
              value: 'checkout,search,"beta"'
            - name: POD_NAME
              valueFrom:
                fieldRef: {{fieldPath: metadata.name}}
          resources:
            requests: {{cpu: {cpu}m, memory: {memory}Mi}}
            limits:
              cpu: "{cpu_limit}"
              memory: {memory_limit}Mi
          readinessProbe:
            httpGet: {{path: /healthz/ready, port: http}}
            initialDelaySeconds: 5
            periodSeconds: 10
            failureThreshold: 3
          livenessProbe:
            httpGet:
              path: /healthz/live
              port: 8080
            periodSeconds: 20
          lifecycle:
            preStop:
              exec:
                command: ["/bin/sh", "-c", "sleep 10"]
          volumeMounts:
            - name: config
              mountPath: /etc/{name}
              readOnly: true
      volumes:
        - name: config
          configMap:
            name: {name}-config
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}-config
  namespace: team-{team}
data:
  app.properties: |
    server.port=8080
    server.shutdown=graceful
    cache.size={cache}
    # tuned for {tier}
    upstream.url=http://{name}-backend.team-{team}.svc.cluster.local:8080
  startup.sh: |-
    #!/bin/sh
    set -eu
    echo "starting {name}"
    exec /app/server --config /etc/{name}/app.properties
  description: >
    {name} serves the {tier} tier for team {team}.
    It is deployed with a rolling update
    and must never drop traffic.
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: team-{team}
  labels:
    app: {name}
spec:
  type: {svc_type}
  selector:
    app: {name}
  ports:
    - name: http
      port: {port}
      targetPort: http
      protocol: TCP
---
"""


def main():
    target = int(sys.argv[1]) if len(sys.argv) > 1 else 6_000_000
    rng = random.Random(42)
    out = sys.stdout
    written = 0
    i = 0
    while written < target:
        name = "svc-%05d-%s" % (i, rng.choice(["api", "web", "worker", "gateway", "search"]))
        text = DEPLOYMENT.format(
            i=i, name=name, team=rng.randrange(40), tier=rng.choice(["frontend", "backend", "batch"]),
            major=rng.randrange(1, 5), minor=rng.randrange(30), patch=rng.randrange(100),
            startup=rng.randrange(1, 30), replicas=rng.randrange(1, 12), surge=rng.choice(["25%", "1", "2"]),
            workers=rng.randrange(1, 16), cpu=rng.randrange(50, 2000), memory=rng.randrange(64, 4096),
            cpu_limit=rng.choice(["1", "2", "500m"]), memory_limit=rng.randrange(128, 8192),
            cache=rng.randrange(1000, 100000), svc_type=rng.choice(["ClusterIP", "LoadBalancer"]),
            port=rng.choice([80, 8080, 8081, 443]),
        )
        out.write(text)
        written += len(text.encode())
        i += 1


if __name__ == "__main__":
    main()
