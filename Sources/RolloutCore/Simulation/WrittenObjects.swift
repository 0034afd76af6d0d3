/// Objects the controllers keep whole and write back whole (ControllerRevisions, claims,
/// volumes): as loaded, and the keys put or deleted since, for `save`.
struct WrittenObjects {
    private(set) var objects: [ObjectKey: Resource] = [:]
    private var changed: Set<ObjectKey> = []

    subscript(key: ObjectKey) -> Resource? { objects[key] }
    var keys: Dictionary<ObjectKey, Resource>.Keys { objects.keys }
    var values: Dictionary<ObjectKey, Resource>.Values { objects.values }
    var count: Int { objects.count }
    var isEmpty: Bool { objects.isEmpty }

    /// As read from the store: nothing to write.
    mutating func load(_ object: Resource) { objects[object.key] = object }

    mutating func put(_ object: Resource) {
        objects[object.key] = object
        changed.insert(object.key)
    }

    mutating func delete(_ key: ObjectKey) {
        objects[key] = nil
        changed.insert(key)
    }

    /// Writes what changed, in key order: each object put, or deleted when it is stored.
    mutating func save(to store: StateStore) throws(StoreError) {
        for key in changed.sorted() {
            if let object = objects[key] { try store.put(object, creating: false) } else if try store.get(key) != nil { try store.delete(key) }
        }
        changed = []
    }
}
