/// A set things are marked in over and over between the passes that empty it: an element
/// inserted again right after itself is found without hashing. Every change to a pod marks its
/// ReplicaSet, its Deployment and its Services, and the pods of one ReplicaSet change one after
/// another, so most marks repeat the one before (`Cluster.updatePod`).
struct MarkSet<Element: Hashable>: Sequence, ExpressibleByArrayLiteral {
    private(set) var members: Set<Element>
    /// The element inserted last; always in `members` (nothing is removed but by emptying).
    private var last: Element?

    init(arrayLiteral elements: Element...) { members = Set(elements) }

    mutating func insert(_ element: Element) {
        if let last, last == element { return }
        members.insert(element)
        last = element
    }

    mutating func formUnion<S: Sequence>(_ other: S) where S.Element == Element { members.formUnion(other) }

    func contains(_ element: Element) -> Bool { members.contains(element) }
    var isEmpty: Bool { members.isEmpty }
    var count: Int { members.count }
    func makeIterator() -> Set<Element>.Iterator { members.makeIterator() }
}
