/// A set things are marked in over and over between the passes that empty it: an element
/// inserted again right after itself is found without hashing. Every change to a pod marks its
/// ReplicaSet, its Deployment and its Services, and the pods of one ReplicaSet change one after
/// another, so most marks repeat the one before (`Cluster.updatePod`). Its members are uids
/// and names: a String is hashed by `KeyHash`, not SipHash (`Marked`).
struct MarkSet<Element: Hashable>: Sequence, ExpressibleByArrayLiteral {
    /// A member, hashed by `KeyHash` when a String (equal Strings hash alike there too).
    struct Marked: Hashable {
        let element: Element
        static func == (a: Marked, b: Marked) -> Bool { a.element == b.element }
        func hash(into hasher: inout Hasher) { hasher.combine(_rawHashValue(seed: 0)) }
        func _rawHashValue(seed: Int) -> Int {
            if let text = element as? String { return KeyHash.hash(text, seed: seed) }
            return element._rawHashValue(seed: seed)
        }
    }
    private var marked: Set<Marked>
    /// The element inserted last; always in `marked` (nothing is removed but by emptying).
    private var last: Element?

    init(arrayLiteral elements: Element...) { marked = Set(elements.map { Marked(element: $0) }) }

    mutating func insert(_ element: Element) {
        if let last, last == element { return }
        marked.insert(Marked(element: element))
        last = element
    }

    mutating func formUnion<S: Sequence>(_ other: S) where S.Element == Element {
        for element in other { marked.insert(Marked(element: element)) }
    }

    func contains(_ element: Element) -> Bool { marked.contains(Marked(element: element)) }
    var isEmpty: Bool { marked.isEmpty }
    var count: Int { marked.count }
    /// The members as a Set.
    var members: Set<Element> { Set(marked.lazy.map(\.element)) }
    func makeIterator() -> LazyMapSequence<Set<Marked>, Element>.Iterator { marked.lazy.map(\.element).makeIterator() }
}
