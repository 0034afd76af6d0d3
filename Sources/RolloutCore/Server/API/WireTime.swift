/// The served API's times: the cluster keeps its own clock (a new cluster starts at
/// 2025-01-01, and `--speed` makes it run faster than the wall clock), while kubectl computes
/// some ages itself from the machine's clock (`describe`'s events, `kubectl events`). So the
/// API shows every time shifted by the whole seconds between the wall clock and the cluster's
/// clock at the moment of the answer, and shifts times in requests back: an age kubectl works
/// out is then the cluster's age of the thing, as `rollout` prints it, at any speed. What the
/// store holds is not shifted.
///
/// Times are the RFC 3339 strings of fields whose names end in `Time`, `Timestamp` or `At`
/// (`creationTimestamp`, `lastTransitionTime`, `startedAt`, `eventTime`, managed fields'
/// `time`), never inside annotations, labels or data, whose keys are anyone's.
enum WireTime {
    static let opaque: Set<String> = ["annotations", "labels", "data", "binaryData", "stringData", "env", "args", "command", "nodeSelector", "matchLabels"]

    /// `value` with its times moved by `milliseconds` (a whole number of seconds).
    static func shift(_ value: Value, by milliseconds: Int) -> Value {
        guard milliseconds != 0 else { return value }
        return shift(value, key: nil, by: milliseconds)
    }

    private static func shift(_ value: Value, key: String?, by milliseconds: Int) -> Value {
        switch value {
        case .object(let object):
            var result = object
            for (i, member) in object.members.enumerated() where !opaque.contains(member.key) {
                let shifted = shift(member.value, key: member.key, by: milliseconds)
                if shifted != member.value { result.members[i].value = shifted }
            }
            return .object(result)
        case .array(let items):
            return .array(items.map { shift($0, key: key, by: milliseconds) })
        case .string(let text):
            guard let key, isTimeField(key), let time = Timestamp(parsing: text) else { return value }
            let moved = Timestamp(milliseconds: time.milliseconds.addingSaturating(milliseconds)).description
            // The whole seconds move; a fraction (`eventTime`'s microseconds) stays as written.
            return .string(String(moved.prefix(19)) + String(text.dropFirst(19)))
        default:
            return value
        }
    }

    static func isTimeField(_ key: String) -> Bool {
        key.hasSuffix("Time") || key.hasSuffix("Timestamp") || key.hasSuffix("At") || key == "time"
    }
}
