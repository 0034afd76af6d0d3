import Dispatch

/// What the simulation is done with in bulk — the Endpoints object, slices and kube-proxy
/// choice a publish replaced, with the lists of endpoints and addresses they held — let go of
/// on another core: kept here while an instant of the event loop runs, then handed over
/// (`handOver`: after each instant, or once many are kept) and dropped there. Freeing the old
/// lists of a thousand Services at their publishes, 150 endpoints each, was a twentieth of the
/// simulation at Kubernetes' limits, on the one core it runs on.
///
/// Nothing here reads what was handed over again, and no answer depends on when memory is
/// freed (objects are told apart by where they lie only while both are held), so what the
/// simulation does is the same whenever the other core drops them.
final class Discards {
    private struct Pile {
        var values: [Value] = []
        var resources: [Resource] = []
        var choices: [KubeProxy.Choice] = []
        var count: Int { values.count + resources.count + choices.count }
    }

    /// A pile handed to the other core, which drops it there.
    private final class Handed: @unchecked Sendable {
        private var pile: Pile?
        init(_ pile: Pile) { self.pile = pile }
        func drop() { pile = nil }
    }

    private var pile = Pile()
    /// Kept at most before a hand-over without waiting for the instant's end.
    static let handOverCount = 4096
    private static let queue = DispatchQueue(label: "rollout.discards")

    func add(_ value: Value) {
        pile.values.append(value)
        handOverIfFull()
    }

    func add(_ resources: [Resource]) {
        pile.resources.append(contentsOf: resources)
        handOverIfFull()
    }

    func add(_ resource: Resource) {
        pile.resources.append(resource)
        handOverIfFull()
    }

    func add(_ choice: KubeProxy.Choice) {
        pile.choices.append(choice)
        handOverIfFull()
    }

    /// Whether anything is kept, not yet handed over.
    var isEmpty: Bool { pile.count == 0 }

    /// Hands what is kept to the other core.
    func handOver() {
        guard !isEmpty else { return }
        let handed = Handed(pile)
        pile = Pile()
        Self.queue.async { handed.drop() }
    }

    private func handOverIfFull() {
        if pile.count >= Self.handOverCount { handOver() }
    }

    /// Waits until everything handed over so far is dropped (tests).
    static func drain() {
        queue.sync {}
    }
}
