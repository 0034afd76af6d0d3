#if canImport(Glibc)
import Glibc
#endif

/// Colour on a terminal only, as https://no-color.org asks: never when stdout is not a TTY,
/// when `NO_COLOR` is set to anything, when `TERM=dumb`, or with `--no-color`. What is painted
/// is TerminalColour's.
enum Colour {
    static func enabled(arguments: [String], environment: [String: String]) -> Bool {
        if let value = environment["NO_COLOR"], !value.isEmpty { return false }
        if environment["TERM"] == "dumb" || arguments.contains("--no-color") { return false }
        return isatty(STDOUT_FILENO) == 1
    }
}
