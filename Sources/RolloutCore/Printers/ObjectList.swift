/// The List kubectl prints for several objects (`get -o json|yaml|jsonpath`, `events -o`):
/// `apiVersion: v1`, the items, `kind: List`, `metadata.resourceVersion: ""`.
public enum ObjectList {
    public static func object(_ items: [Value]) -> Object {
        Object([
            "apiVersion": .string("v1"),
            "items": .array(items),
            "kind": .string("List"),
            "metadata": .object(Object(["resourceVersion": .string("")])),
        ])
    }

    /// The List as `-o yaml` or `-o json` prints it (JSON with a final newline), written item by
    /// item as it goes out (`emit`): 150,000 pods are never one value or one text. Every
    /// object's keys come out in Go's order (`Value.sortingKeys`), whatever order they have.
    public static func write(count: Int, item: (Int) -> Value, yaml: Bool, emit: ([UInt8]) -> Void) throws(JSONWriter.NonFiniteNumberError) {
        if yaml {
            YAMLWriter.write(object([]), streaming: "items", count: count, item: item, emit: emit)
        } else {
            try JSONWriter.write(object([]), streaming: "items", count: count, item: item, style: .pretty, keys: .sorted, emit: emit)
            emit([0x0A])
        }
    }
}
