/// The pod garbage collector's orphan pass (`pkg/controller/podgc/gc_controller.go` gcOrphaned,
/// markFailedAndDeletePodWithCondition; gcCheckPeriod 20 s, quarantineTime 40 s): a pod bound
/// to a node that no longer exists is, once the node has stayed missing through its 40 s
/// quarantine, marked Failed with the DisruptionTarget condition `DeletionByPodGC` ("PodGC: node
/// no longer exists") and deleted at once (grace 0); its ReplicaSet replaces it. The passes run
/// on the clock's 20 s grid; a node deleted by an earlier command is first noticed when time
/// next runs.
///
/// Its terminated pass (gcTerminated, first of each pass): once more pods are terminated
/// (Succeeded or Failed: `isPodTerminated`) than `--terminated-pod-gc-threshold` (12,500 by
/// default, k3s' too), the excess is deleted at the next pass — evicted pods first, then the
/// oldest by creation, names breaking ties (`byEvictionAndCreationTimestamp`). The terminated
/// pods here are those stored finished (`Cluster.terminatedPods`) and those the kubelet
/// rejected this run (KubeletAdmission); a deleted one's events stay (a loaded finished pod's)
/// or go with it (a rejected one's), as any pod's do here.
enum PodGarbageCollector {
    static let period = 20_000
    static let quarantine = 40_000
    static let terminatedPodThreshold = 12_500

    @discardableResult
    static func sync(in c: Cluster) -> Bool {
        var changed = false
        // The pass of this instant, when it is on the grid, runs at its first sync: a pod made
        // later in the instant (a replacement of one it deleted) is first seen at the next.
        let onGrid = c.now.milliseconds % period == 0
        let passDone = onGrid && c.podGCPassAt == c.now
        if onGrid { c.podGCPassAt = c.now }
        if c.terminatedPods.count + c.rejectedInMemory > c.terminatedPodThreshold, gcTerminated(in: c) { changed = true }
        guard !c.missingNodes.isEmpty else { return changed }
        for (node, since) in c.missingNodes {
            // The first pass that sees it missing quarantines it; the pass 40 s later deletes.
            let next = c.now.milliseconds.roundedUp(toMultipleOf: period)
            let noticed = since ?? Timestamp(milliseconds: passDone ? next + period : next)
            if since == nil { c.missingNodes[node] = noticed }
            let due = noticed.adding(Duration(milliseconds: quarantine))
            guard c.now >= due else {
                c.wake(at: due)
                continue
            }
            for pod in c.pods.values.sorted(by: { $0.name < $1.name }) where pod.nodeName == node && !pod.gone {
                c.updatePod(pod.uid) { p in
                    p.disruption = ("DeletionByPodGC", "PodGC: node no longer exists", c.now)
                    if p.deletion == nil { p.deletion = c.now }
                    p.gone = true
                    p.ready = false
                }
                changed = true
            }
            c.missingNodes[node] = nil
        }
        return changed
    }
}

/// A finished pod stored, as the pod GC sorts it (`byEvictionAndCreationTimestamp`).
struct TerminatedPod: Sendable {
    var namespace: String
    var name: String
    var created: Timestamp
    var evicted: Bool
}

extension PodGarbageCollector {
    /// gcTerminated at a pass (the clock's 20 s grid; between passes, the next is woken for):
    /// the excess over the threshold deleted, in `byEvictionAndCreationTimestamp`'s order.
    static func gcTerminated(in c: Cluster) -> Bool {
        guard c.now.milliseconds % period == 0 else {
            c.wake(at: Timestamp(milliseconds: c.now.milliseconds.roundedUp(toMultipleOf: period)))
            return false
        }
        enum Entry { case stored(Int), rejected(SimPod) }
        var entries: [(evicted: Bool, created: Timestamp, name: String, entry: Entry)] = []
        entries.reserveCapacity(c.terminatedPods.count + c.rejectedInMemory)
        for (i, pod) in c.terminatedPods.enumerated() { entries.append((pod.evicted, pod.created, pod.name, .stored(i))) }
        for pod in c.pods.values where pod.gone && pod.rejection != nil { entries.append((false, pod.created, pod.name, .rejected(pod))) }
        let excess = entries.count - c.terminatedPodThreshold
        guard excess > 0 else { return false }
        entries.sort { a, b in
            if a.evicted != b.evicted { return a.evicted }
            if a.created == b.created { return a.name < b.name }
            return a.created < b.created
        }
        var deletedStored = Set<Int>()
        for item in entries.prefix(excess) {
            switch item.entry {
            case .stored(let i):
                deletedStored.insert(i)
                let pod = c.terminatedPods[i]
                c.terminatedPodsDeleted.append(ObjectKey(type: Cluster.podType.storageKey, namespace: pod.namespace, name: pod.name))
                c.finishedPods[pod.namespace, default: 0] -= 1
            case .rejected(let pod):
                KubeletAdmission.deleteRejected(pod, in: c)
            }
        }
        if !deletedStored.isEmpty {
            c.terminatedPods = c.terminatedPods.enumerated().filter { !deletedStored.contains($0.offset) }.map(\.element)
        }
        return true
    }
}
