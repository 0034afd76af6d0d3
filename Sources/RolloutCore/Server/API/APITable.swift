/// Server-side printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): a
/// `meta.k8s.io` Table whose columns and cells are `rollout get`'s, made by the same printer
/// (`TablePrinter`). As the API server's `TableConvertor` does, the cells are the wide ones
/// (`printers.GenerateOptions{Wide: true}`) and the columns beyond the default set have
/// priority 1, which kubectl shows only with `-o wide`. kubectl prints the column names in
/// capitals, which is how they are given here.
enum APITable {
    /// `includeObject`: `None`, `Metadata` (the default: a PartialObjectMetadata per row, which
    /// kubectl reads for `-A`, `--show-labels` and `-L`) or `Object`.
    enum Include: String {
        case none = "None", metadata = "Metadata", object = "Object"
    }

    static func table(_ resources: [Resource], type: ResourceType, now: Timestamp, resourceVersion: String, continueToken: String?,
                      remaining: Int?, include: Include, apiVersion: String) -> Value {
        // events.k8s.io Events print as the core ones they are (one table convertor for both).
        let printed = EventsV1.isEventsV1(type) ? resources.map(EventsV1.toCore) : resources
        let printedType = EventsV1.isEventsV1(type) ? EventsV1.coreType : type
        let narrow = TablePrinter.columns(for: printedType, wide: false).count
        let lines = TablePrinter.lines(rows: printed.map(ListingRow.init), type: printedType, now: now, options: TableOptions(wide: true))
        let header = lines.first ?? []
        let columns: [Value] = header.enumerated().map { i, name in
            .object(Object([
                "name": .string(name), "type": .string("string"),
                "format": .string(name == "NAME" ? "name" : ""), "description": .string(description(name)),
                "priority": .int(i < narrow ? 0 : 1),
            ]))
        }
        let rows: [Value] = zip(resources, lines.dropFirst()).map { resource, cells in
            var row = Object(["cells": .array(cells.map(Value.string))])
            switch include {
            case .none: break
            case .metadata:
                row["object"] = .object(Object([
                    "kind": .string("PartialObjectMetadata"), "apiVersion": .string("meta.k8s.io/v1"),
                    "metadata": .object(resource.metadata),
                ]))
            case .object: row["object"] = resource.value
            }
            return .object(row)
        }
        var metadata = Object(["resourceVersion": .string(resourceVersion)])
        if let continueToken { metadata["continue"] = .string(continueToken) }
        if let remaining { metadata["remainingItemCount"] = .int(remaining) }
        return .object(Object([
            "kind": .string("Table"), "apiVersion": .string(apiVersion), "metadata": .object(metadata),
            "columnDefinitions": .array(columns), "rows": .array(rows),
        ]))
    }

    private static func description(_ column: String) -> String {
        switch column {
        case "NAME": return "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
        case "AGE": return "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"
        default: return ""
        }
    }
}
