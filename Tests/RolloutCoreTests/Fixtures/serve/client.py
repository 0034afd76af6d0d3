#!/usr/bin/env python3
"""A client of `rollout serve` that is not kubectl: Python's standard library only.

    client.py URL TOKEN

Lists pods and watches them (list+watch, as client libraries' informers do); 50 watches on
ConfigMaps at once; 20 writers incrementing one counter with GET and PUT, retrying on 409
Conflict (optimistic concurrency on resourceVersion). Prints one line per check, "ok ..." or
"FAIL ...", and exits 1 if any failed.
"""
import json, sys, threading, urllib.request, urllib.error

url, token = sys.argv[1], sys.argv[2]
failures = []

def request(method, path, body=None, content_type="application/json", timeout=30):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url + path, data=data, method=method)
    req.add_header("Authorization", "Bearer " + token)
    if data is not None:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")

def check(condition, what):
    print(("ok " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)

def watch(path, events, ready, stop_after):
    req = urllib.request.Request(url + path)
    req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=60) as response:
        ready.set()
        for line in response:  # one JSON event per line, chunked
            events.append(json.loads(line))
            if stop_after(events):
                return

# list + watch of pods: the list's resourceVersion, then a change made after it.
status, pods = request("GET", "/api/v1/namespaces/default/pods")
check(status == 200 and pods["kind"] == "PodList" and len(pods["items"]) == 3, "list pods")
version = pods["metadata"]["resourceVersion"]
events, ready = [], threading.Event()
watcher = threading.Thread(target=watch, args=(
    "/api/v1/namespaces/default/pods?watch=1&resourceVersion=%s&timeoutSeconds=20" % version, events, ready,
    lambda e: any(x["type"] == "ADDED" for x in e)))
watcher.start()
ready.wait(10)
status, scale = request("PATCH", "/apis/apps/v1/namespaces/default/deployments/web-api/scale",
                        {"spec": {"replicas": 4}}, "application/merge-patch+json")
check(status == 200 and scale["spec"]["replicas"] == 4, "scale through the scale subresource")
watcher.join(30)
check(any(e["type"] == "ADDED" and e["object"]["kind"] == "Pod" for e in events), "the watch sees the new pod")

# 50 watches and 20 writers at once: every write lands once, every watch sees the last one.
status, _ = request("POST", "/api/v1/namespaces/default/configmaps",
                    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "counter"}, "data": {"n": "0"}})
check(status == 201, "create the counter")
status, counter = request("GET", "/api/v1/namespaces/default/configmaps/counter")
start = counter["metadata"]["resourceVersion"]
WRITERS, INCREMENTS, WATCHES = 20, 5, 50
total = WRITERS * INCREMENTS
streams = [[] for _ in range(WATCHES)]
readies = [threading.Event() for _ in range(WATCHES)]
watchers = [threading.Thread(target=watch, args=(
    "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=%s&fieldSelector=metadata.name%%3Dcounter&timeoutSeconds=60" % start,
    streams[i], readies[i], lambda e: any(x["object"].get("data", {}).get("n") == str(total) for x in e))) for i in range(WATCHES)]
for t in watchers:
    t.start()
for r in readies:
    r.wait(10)
conflicts = [0]
lock = threading.Lock()

def writer():
    for _ in range(INCREMENTS):
        while True:
            status, cm = request("GET", "/api/v1/namespaces/default/configmaps/counter")
            cm["data"]["n"] = str(int(cm["data"]["n"]) + 1)
            status, _ = request("PUT", "/api/v1/namespaces/default/configmaps/counter", cm)
            if status == 200:
                break
            if status != 409:
                failures.append("PUT answered %d" % status)
                return
            with lock:
                conflicts[0] += 1

writers = [threading.Thread(target=writer) for _ in range(WRITERS)]
for t in writers:
    t.start()
for t in writers:
    t.join(120)
status, counter = request("GET", "/api/v1/namespaces/default/configmaps/counter")
check(counter["data"]["n"] == str(total), "no lost updates: %s of %d (%d conflicts retried)" % (counter["data"]["n"], total, conflicts[0]))
for t in watchers:
    t.join(60)
seen = sum(1 for s in streams if any(e["object"].get("data", {}).get("n") == str(total) for e in s))
check(seen == WATCHES, "every watch saw the last write: %d of %d" % (seen, WATCHES))
ordered = all([int(e["object"]["metadata"]["resourceVersion"]) for e in s] == sorted(int(e["object"]["metadata"]["resourceVersion"]) for e in s) for s in streams)
check(ordered, "each watch's events come in resourceVersion order")
sys.exit(1 if failures else 0)
