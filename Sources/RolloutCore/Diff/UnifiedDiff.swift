/// Line diffs in the unified format of `diff -u` (3 lines of context), computed with Myers'
/// O(ND) algorithm.
public enum UnifiedDiff {
    enum Edit: Equatable { case keep(Int, Int), delete(Int), insert(Int) }

    /// The hunks (from the first `@@` line on); empty when the texts are equal.
    public static func hunks(old: [String], new: [String], context: Int = 3) -> String {
        let edits = diff(old, new)
        let changes = edits.indices.filter { if case .keep = edits[$0] { return false } else { return true } }
        guard let firstChange = changes.first else { return "" }
        // Group changes whose unchanged gap is at most 2×context lines.
        var groups: [(Int, Int)] = []
        var groupStart = firstChange, groupEnd = firstChange
        for change in changes.dropFirst() {
            if change - groupEnd - 1 > 2 * context {
                groups.append((groupStart, groupEnd))
                groupStart = change
            }
            groupEnd = change
        }
        groups.append((groupStart, groupEnd))
        // Line numbers consumed before each edit.
        var oldBefore = [Int](repeating: 0, count: edits.count + 1)
        var newBefore = [Int](repeating: 0, count: edits.count + 1)
        for (i, edit) in edits.enumerated() {
            oldBefore[i + 1] = oldBefore[i] + ({ if case .insert = edit { return true } else { return false } }() ? 0 : 1)
            newBefore[i + 1] = newBefore[i] + ({ if case .delete = edit { return true } else { return false } }() ? 0 : 1)
        }
        var out = ""
        for (first, last) in groups {
            let start = max(0, first - context), end = min(edits.count, last + context + 1)
            var body = ""
            for edit in edits[start..<end] {
                switch edit {
                case .keep(let a, _): body += " \(old[a])\n"
                case .delete(let a): body += "-\(old[a])\n"
                case .insert(let b): body += "+\(new[b])\n"
                }
            }
            let oldCount = oldBefore[end] - oldBefore[start], newCount = newBefore[end] - newBefore[start]
            let oldStart = oldCount == 0 ? oldBefore[start] : oldBefore[start] + 1
            let newStart = newCount == 0 ? newBefore[start] : newBefore[start] + 1
            out += "@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@\n" + body
        }
        return out
    }

    private static func range(_ start: Int, _ count: Int) -> String {
        count == 1 ? "\(start)" : "\(start),\(count)"
    }

    /// Myers' greedy algorithm with a trace for backtracking.
    static func diff(_ a: [String], _ b: [String]) -> [Edit] {
        let n = a.count, m = b.count
        let maxD = n + m
        if maxD == 0 { return [] }
        var v = [Int](repeating: 0, count: 2 * maxD + 2)
        var trace: [[Int]] = []
        let offset = maxD + 1
        outer: for d in 0...maxD {
            trace.append(v)
            for k in stride(from: -d, through: d, by: 2) {
                var x: Int
                if k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) {
                    x = v[offset + k + 1]
                } else {
                    x = v[offset + k - 1] + 1
                }
                var y = x - k
                while x < n && y < m && a[x] == b[y] { x += 1; y += 1 }
                v[offset + k] = x
                if x >= n && y >= m { trace.append(v); break outer }
            }
        }
        var edits: [Edit] = []
        var x = n, y = m
        for d in stride(from: trace.count - 2, through: 0, by: -1) {
            let v = trace[d]
            let k = x - y
            let prevK: Int
            if k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) { prevK = k + 1 } else { prevK = k - 1 }
            let prevX = v[offset + prevK]
            let prevY = prevX - prevK
            while x > prevX && y > prevY {
                x -= 1; y -= 1
                edits.append(.keep(x, y))
            }
            if d > 0 {
                if x == prevX { y -= 1; edits.append(.insert(y)) } else { x -= 1; edits.append(.delete(x)) }
            }
        }
        while x > 0 && y > 0 { x -= 1; y -= 1; edits.append(.keep(x, y)) }
        return edits.reversed()
    }
}
