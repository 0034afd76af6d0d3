/// What is coloured on a terminal (the CLI decides whether stdout is one): only the outputs a
/// reader scans for trouble — a diff's removed and added lines, lint's and plan's severities
/// and the plan's verdict — and only their markers, so the text is the same with or without
/// colour.
public enum TerminalColour {
    public enum Palette: Sendable { case none, diff, hazards }

    public static let reset = "\u{1B}[0m", red = "\u{1B}[31m", green = "\u{1B}[32m", yellow = "\u{1B}[33m", cyan = "\u{1B}[36m", bold = "\u{1B}[1m"

    public static func paint(_ text: String, _ palette: Palette) -> String {
        guard palette != .none else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { paint(line: String($0), palette) }.joined(separator: "\n")
    }

    static func paint(line: String, _ palette: Palette) -> String {
        switch palette {
        case .none:
            return line
        case .diff:
            if line.hasPrefix("diff ") || line.hasPrefix("---") || line.hasPrefix("+++") { return bold + line + reset }
            if line.hasPrefix("@@") { return cyan + line + reset }
            if line.hasPrefix("-") { return red + line + reset }
            if line.hasPrefix("+") { return green + line + reset }
            return line
        case .hazards:
            if line.hasPrefix("verdict: ") { return (line.hasPrefix("verdict: safe") ? green : red + bold) + line + reset }
            for (marker, colour) in [("error[", red + bold), ("warning[", yellow)] {
                guard let start = line.range(of: marker), let end = line[start.upperBound...].firstIndex(of: "]") else { continue }
                let close = line.index(after: end)
                return String(line[..<start.lowerBound]) + colour + String(line[start.lowerBound..<close]) + reset + String(line[close...])
            }
            return line
        }
    }
}
