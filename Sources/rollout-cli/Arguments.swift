import RolloutCore

/// A usage error: bad flag, missing value, unknown command. Exit code 2.
struct UsageError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// kubectl-style flag parsing: `-f x`, `-f=x`, `-fx` for short flags with values,
/// `--flag x`, `--flag=x`, boolean flags, and `--` ending the flags.
struct Arguments {
    struct Spec {
        var names: [String]  // e.g. ["-f", "--filename"]
        var takesValue: Bool
    }

    private(set) var values: [String: [String]] = [:]
    private(set) var positional: [String] = []
    /// Every flag with its value, in the order given (for flags that group, as node pools do).
    private(set) var ordered: [(name: String, value: String)] = []

    init(_ args: [String], specs: [Spec]) throws(UsageError) {
        var i = 0
        var flagsEnded = false
        while i < args.count {
            let arg = args[i]
            i += 1
            if flagsEnded || !arg.hasPrefix("-") || arg == "-" {
                positional.append(arg)
                continue
            }
            if arg == "--" { flagsEnded = true; continue }
            var name = arg
            var inlineValue: String?
            if let eq = arg.firstIndex(of: "=") {
                name = String(arg[..<eq])
                inlineValue = String(arg[arg.index(after: eq)...])
            } else if !arg.hasPrefix("--") && arg.count > 2 {
                name = String(arg.prefix(2))
                inlineValue = String(arg.dropFirst(2))
            }
            guard let spec = specs.first(where: { $0.names.contains(name) }) else {
                // pflag's message, with cobra's kind of suggestion for a long flag.
                let near = name.hasPrefix("--") ? Suggestions.near(name, among: specs.flatMap(\.names).filter { $0.hasPrefix("--") }) : []
                throw UsageError(message: "unknown flag: \(name)" + (near.isEmpty ? "" : "\n\nDid you mean this?\n" + near.map { "\t\($0)\n" }.joined()))
            }
            let key = spec.names.last ?? name
            if spec.takesValue {
                if let inlineValue {
                    values[key, default: []].append(inlineValue)
                    ordered.append((key, inlineValue))
                } else {
                    guard i < args.count else { throw UsageError(message: "flag needs an argument: \(name)") }
                    values[key, default: []].append(args[i])
                    ordered.append((key, args[i]))
                    i += 1
                }
            } else {
                if let inlineValue, !["true", "false"].contains(inlineValue) {
                    throw UsageError(message: "invalid argument \"\(inlineValue)\" for \"\(name)\" flag: expected true or false")
                }
                values[key, default: []].append(inlineValue ?? "true")
            }
        }
    }

    func all(_ name: String) -> [String] { values[name] ?? [] }
    func last(_ name: String) -> String? { values[name]?.last }
    func flag(_ name: String) -> Bool { values[name]?.last == "true" }
    /// A boolean flag whose default is not false (kubectl's `--wait` on delete): its last
    /// value, else `defaultValue`.
    func flag(_ name: String, default defaultValue: Bool) -> Bool { values[name]?.last.map { $0 == "true" } ?? defaultValue }
}
