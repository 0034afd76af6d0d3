/// cobra's "Did you mean this?": names within two edits of what was typed (Levenshtein, case
/// folded), or that begin with it.
public enum Suggestions {
    public static func near(_ typed: String, among names: [String]) -> [String] {
        let lower = typed.lowercased()
        guard !lower.isEmpty else { return [] }
        var seen: Set<String> = []
        return names.filter { name in
            guard seen.insert(name).inserted, name != lower else { return false }
            return distance(lower, name.lowercased()) <= 2 || name.lowercased().hasPrefix(lower)
        }
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
