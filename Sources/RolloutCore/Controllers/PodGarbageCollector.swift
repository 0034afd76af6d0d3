/// The pod garbage collector's orphan pass (`pkg/controller/podgc/gc_controller.go` gcOrphaned,
/// markFailedAndDeletePodWithCondition; gcCheckPeriod 20 s, quarantineTime 40 s): a pod bound
/// to a node that no longer exists is, once the node has stayed missing through its 40 s
/// quarantine, marked Failed with the DisruptionTarget condition `DeletionByPodGC` ("PodGC: node
/// no longer exists") and deleted at once (grace 0); its ReplicaSet replaces it. The passes run
/// on the clock's 20 s grid; a node deleted by an earlier command is first noticed when time
/// next runs.
enum PodGarbageCollector {
    static let period = 20_000
    static let quarantine = 40_000

    @discardableResult
    static func sync(in c: Cluster) -> Bool {
        guard !c.missingNodes.isEmpty else { return false }
        var changed = false
        for (node, since) in c.missingNodes {
            // The first pass that sees it missing quarantines it; the pass 40 s later deletes.
            let noticed = since ?? Timestamp(milliseconds: c.now.milliseconds.roundedUp(toMultipleOf: period))
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
