/// The checks an object passes before the controllers run it. Objects reach the store through
/// validation (manifests) or from the controllers themselves, so a stored object that fails
/// here was damaged on disk — edited by hand, or written by something else. It is reported
/// as damage, with the file and the field, instead of making the simulation trap or spin.
/// Only what the store could never have written is refused: an int64 grace period a manifest
/// gave passes, a restart count past int32 does not.
enum StoredObjects {
    /// A stored object and what is wrong with it.
    struct Damage: Error {
        var resource: Resource
        var problems: [String]
    }

    static let int32 = 0...Int(Int32.max)
    static let counter = StateLimits.counter

    /// What is wrong with a stored object the simulation loads, one `path: message` a line;
    /// empty when it can run.
    static func problems(_ resource: Resource) -> [String] {
        var reader = FieldReader()
        let o = resource.object
        switch (resource.type.group, resource.kind) {
        case ("apps", "Deployment"), ("apps", "ReplicaSet"), ("", "Service"), ("", "Node"), ("", "Endpoints"):
            // The same validation apply runs: what passed it once passes it again.
            var problems = ObjectValidation.check(resource, file: "").error?.errors.map(line) ?? []
            let status = reader.object(o["status"], FieldPath("status")) ?? Object()
            if resource.kind == "Deployment" || resource.kind == "ReplicaSet" {
                for field in ["replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas",
                              "fullyLabeledReplicas", "terminatingReplicas", "collisionCount"] {
                    number(status[field], FieldPath("status") / field, in: int32, reader: &reader)
                }
                number(status["observedGeneration"], FieldPath("status.observedGeneration"), in: counter, reader: &reader)
                let annotations = resource.annotations
                for key in ["deployment.kubernetes.io/revision", "deployment.kubernetes.io/desired-replicas", "deployment.kubernetes.io/max-replicas"] {
                    if let text = annotations[key], !(Int(text).map(counter.contains) ?? false) {
                        reader.fail(FieldPath("metadata.annotations") / key, "Invalid value: \(GoQuote.quoted(text)): expected a whole number from 0 to \(counter.upperBound)")
                    }
                }
            }
            number(resource.metadata["generation"], FieldPath("metadata.generation"), in: counter, reader: &reader)
            problems += reader.errors.map(line)
            return problems
        case ("", "Pod"):
            checkPod(resource, reader: &reader)
        case ("", "Event"):
            number(o["count"], FieldPath("count"), in: int32, reader: &reader)
            time(o["firstTimestamp"], FieldPath("firstTimestamp"), reader: &reader)
            time(o["lastTimestamp"], FieldPath("lastTimestamp"), reader: &reader)
        case ("rollout.dev", "RolloutTimeline"):
            checkTimeline(o, reader: &reader)
        case ("rollout.dev", "EndpointsPropagation"):
            for (i, item) in (reader.array(o["updates"], FieldPath("updates")) ?? []).enumerated() {
                time(item["at"], FieldPath("updates") |> i / "at", reader: &reader)
            }
        default:
            break
        }
        return reader.errors.map(line)
    }

    private static func checkPod(_ resource: Resource, reader: inout FieldReader) {
        let o = resource.object
        time(resource.metadata["creationTimestamp"], FieldPath("metadata.creationTimestamp"), reader: &reader)
        time(resource.metadata["deletionTimestamp"], FieldPath("metadata.deletionTimestamp"), reader: &reader)
        _ = reader.object(o["spec"], FieldPath("spec"))
        guard let status = reader.object(o["status"], FieldPath("status")) else { return }
        let statusPath = FieldPath("status")
        for (i, item) in (reader.array(status["conditions"], statusPath / "conditions") ?? []).enumerated() {
            let path = statusPath / "conditions" |> i
            guard let condition = reader.object(item, path) else { continue }
            _ = reader.string(condition["type"], path / "type")
            _ = reader.string(condition["status"], path / "status")
            time(condition["lastTransitionTime"], path / "lastTransitionTime", reader: &reader)
        }
        _ = reader.string(status["podIP"], statusPath / "podIP")
        for (i, item) in (reader.array(status["containerStatuses"], statusPath / "containerStatuses") ?? []).enumerated() {
            let path = statusPath / "containerStatuses" |> i
            guard let container = reader.object(item, path) else { continue }
            number(container["restartCount"], path / "restartCount", in: int32, reader: &reader)
            _ = reader.bool(container["started"], path / "started")
            for stateField in ["state", "lastState"] {
                guard let state = reader.object(container[stateField], path / stateField) else { continue }
                for member in state.members {
                    let statePath = path / stateField / member.key
                    guard let detail = reader.object(member.value, statePath) else { continue }
                    _ = reader.string(detail["reason"], statePath / "reason")
                    time(detail["startedAt"], statePath / "startedAt", reader: &reader)
                    time(detail["finishedAt"], statePath / "finishedAt", reader: &reader)
                }
            }
        }
    }

    private static func checkTimeline(_ o: Object, reader: inout FieldReader) {
        time(o["start"], FieldPath("start"), reader: &reader)
        let wide = -counter.upperBound...counter.upperBound
        for field in ["revision", "maxPods", "minAvailable"] { number(o[field], FieldPath(field), in: wide, reader: &reader) }
        var samples: [(FieldPath, Value)] = (reader.array(o["samples"], FieldPath("samples")) ?? []).enumerated().map { (FieldPath("samples") |> $0, $1) }
        if let before = o["before"], before != .null { samples.append((FieldPath("before"), before)) }
        for (path, sample) in samples {
            guard let fields = reader.object(sample, path) else { continue }
            for member in fields.members {
                if member.key == "t", case .float(let t) = member.value {
                    if !(t.isFinite && abs(t) < 1e12) { reader.fail(path / "t", "Invalid value: \(t): expected seconds within ±10^12") }
                } else {
                    number(member.value, path / member.key, in: wide, reader: &reader)
                }
            }
        }
        for (i, item) in (reader.array(o["failures"], FieldPath("failures")) ?? []).enumerated() {
            for field in ["start", "end", "failed"] { number(item[field], FieldPath("failures") |> i / field, in: wide, reader: &reader) }
        }
    }

    private static func number(_ value: Value?, _ path: @autoclosure () -> FieldPath, in range: ClosedRange<Int>, reader: inout FieldReader) {
        guard let n = reader.int(value, path()) else { return }
        if !range.contains(n) { reader.fail(path(), "Invalid value: \(n): expected a number from \(range.lowerBound) to \(range.upperBound)") }
    }

    private static func time(_ value: Value?, _ path: @autoclosure () -> FieldPath, reader: inout FieldReader) {
        guard let text = reader.string(value, path()) else { return }
        if Timestamp(parsing: text) == nil { reader.fail(path(), "Invalid value: \(GoQuote.quoted(text)): expected an RFC 3339 time such as 2025-01-01T00:00:00Z") }
    }

    private static func line(_ error: FieldError) -> String {
        error.path.components.isEmpty ? error.message : "\(error.path): \(error.message)"
    }
}
