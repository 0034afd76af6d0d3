#!/usr/bin/env python3
"""Makes the table in Sources/RolloutCore/Resources/OmitEmptyTable.swift: for each struct of
k8s.io/api and apimachinery v0.32.9 reachable from the kinds rollout prunes, its JSON fields
and what decoding into it and encoding it back (encoding/json) does to a zero value.

    git -C <k8s.io/api> show v0.32.9:core/v1/types.go > core.go   (apps/v1, batch/v1,
    networking/v1, policy/v1, autoscaling/v2, rbac/v1, storage/v1, scheduling/v1 likewise;
    git -C <apimachinery> show v0.32.9:pkg/apis/meta/v1/types.go > meta.go)
    python3 docs/generators/omitempty_table.py core.go apps.go batch.go networking.go policy.go \
        autoscaling.go rbac.go storage.go scheduling.go meta.go > table.txt

Codes: zs / zb / zn  an omitempty string, bool or number: dropped when "", false, 0 or null;
       k  kept as written (no omitempty, or a type that marshals itself: Time, IntOrString,
          Duration, FieldsV1 — managedFields' raw JSON);
       o:Quantity / p:Quantity / M:Quantity  a resource.Quantity (or a map of them), written as
          the API server stores it (CanonicalQuantity);
       o:T  a struct (never omitted), descended;  p:T / p  an omitempty pointer: dropped when null;
       n:T / n  a pointer without omitempty;  L:T / l:T  a slice with / without omitempty
       (empty or null dropped with it);  M:T / m:T  a map likewise.
"""
import json, re, sys
files = sys.argv[1:]
ROOTS = ["Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "Service", "PersistentVolumeClaim", "ConfigMap", "Secret", "ServiceAccount", "Namespace",
         "PersistentVolume", "Node", "Endpoints", "LimitRange", "ResourceQuota", "ReplicationController", "PodTemplate", "ControllerRevision",
         "Ingress", "IngressClass", "NetworkPolicy", "PodDisruptionBudget", "HorizontalPodAutoscaler", "Role", "RoleBinding", "ClusterRole",
         "ClusterRoleBinding", "StorageClass", "PriorityClass"]
structs = {}   # name -> list of (goField, goType, jsonTag)
aliases = {}   # name -> underlying type
for f in files:
    src = open(f).read()
    # strip comments
    src = re.sub(r'//[^\n]*', '', src)
    for m in re.finditer(r'\ntype (\w+) struct \{(.*?)\n\}', src, re.S):
        name, body = m.group(1), m.group(2)
        fields = []
        for line in body.split('\n'):
            line = line.strip()
            if not line: continue
            fm2 = re.match(r'^([\*\w\.]+)\s+`json:"([^"]*)"', line)
            if fm2: fields.append((None, fm2.group(1), fm2.group(2))); continue
            fm = re.match(r'^(\w+)\s+(\S+)\s+`json:"([^"]*)"', line)
            if fm: fields.append((fm.group(1), fm.group(2), fm.group(3)))
        structs[name] = fields
    for m in re.finditer(r'\ntype (\w+) ([\w\.\[\]\*]+)\n', src):
        if m.group(2) != 'struct': aliases[m.group(1)] = m.group(2)
TYPES = {"structs": structs, "aliases": aliases}

d = TYPES
structs, aliases = d['structs'], d['aliases']
KEEP_TYPES = {'FieldsV1', 'metav1.FieldsV1', 'metav1.Time', 'Time', 'intstr.IntOrString', 'metav1.Duration', 'metav1.MicroTime', 'MicroTime', 'runtime.RawExtension', 'apiextensionsv1.JSON'}
SCALARS = {'string', 'bool', 'int', 'int32', 'int64', 'float64', 'float32', 'uint', 'uint16', 'uint32', 'uint64', 'byte', 'types.UID', 'UID'}
def base(t):
    t = re.sub(r'^(metav1|v1|corev1|batchv1|appsv1)\.', '', t)
    return t
def resolve(t):
    """The kind of a Go type: ('scalar'), ('keep'), ('struct', name), ('ptr', inner), ('slice', elem), ('map', elem)"""
    if t.startswith('*'): return ('ptr', resolve(t[1:]))
    if t.startswith('[]'):
        if t == '[]byte': return ('scalar', 's')
        return ('slice', resolve(t[2:]))
    m = re.match(r'^map\[[^\]]+\](.*)$', t)
    if m: return ('map', resolve(m.group(1)))
    if t == 'resource.Quantity': return ('struct', 'Quantity')
    if t in KEEP_TYPES or base(t) in ('Time', 'MicroTime', 'Duration') and t.startswith('metav1'): return ('keep',)
    if t in SCALARS: return ('scalar', 'b' if t == 'bool' else ('s' if t in ('string', 'types.UID', 'UID') else 'n'))
    b = base(t)
    if b in structs and not t.startswith(('resource.', 'intstr.')): return ('struct', b)
    if b in aliases: return resolve(aliases[b])
    if t in aliases: return resolve(aliases[t])
    return ('keep',)
def fields_of(name, seen=None):
    out = []
    for goname, gotype, tag in structs[name]:
        parts = tag.split(',')
        jname, omit = parts[0], 'omitempty' in parts[1:]
        if jname == '-': continue
        if jname == '' and 'inline' in parts[1:] or (goname is None and jname == ''):
            k = resolve(gotype)
            if k[0] == 'struct': out.extend(fields_of(k[1]))
            continue
        out.append((jname, omit, resolve(gotype)))
    return out
def code(omit, k):
    """z: zero dropped; k: kept as is; o:T struct, descended; p:T pointer (dropped when null if omitempty); l/L: slice; m/M: map (upper: omitempty)."""
    if k[0] == 'scalar': return 'z' + k[1] if omit else 'k'
    if k[0] == 'keep': return 'k'
    if k[0] == 'struct': return 'o:' + k[1]
    if k[0] == 'ptr':
        inner = k[1]
        t = inner[1] if inner[0] == 'struct' else ''
        return ('p' if omit else 'n') + (':' + t if t else '')
    if k[0] in ('slice', 'map'):
        inner = k[1]
        while inner[0] == 'ptr': inner = inner[1]
        t = inner[1] if inner[0] == 'struct' else ''
        c = ('L' if omit else 'l') if k[0] == 'slice' else ('M' if omit else 'm')
        return c + (':' + t if t else '')
    raise Exception(k)
roots = ROOTS
todo, done, out = list(roots), set(), {}
while todo:
    n = todo.pop(0)
    if n in done: continue
    done.add(n)
    fs = fields_of(n)
    entries = []
    for jname, omit, k in fs:
        c = code(omit, k)
        entries.append(f'{jname}={c}')
        if ':' in c and not c.endswith(':Quantity'): todo.append(c.split(':', 1)[1])
    out[n] = ' '.join(entries)
for n in sorted(out):
    print(f'        "{n}": "{out[n]}",')
print(len(out), 'structs', file=sys.stderr)
