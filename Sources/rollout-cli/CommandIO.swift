import Foundation
import RolloutCore

/// Where a command writes. Output is buffered and written in large chunks.
struct CommandIO {
    private var buffer: [UInt8] = []
    /// Whether stdout may be coloured (Colour.enabled), and how this command's output is.
    var colour = false
    var palette: TerminalColour.Palette = .none

    mutating func out(_ text: String) {
        let text = colour && palette != .none ? TerminalColour.paint(text, palette) : text
        buffer.append(contentsOf: text.utf8)
        if buffer.count > 1 << 20 { flush() }
    }

    mutating func out(_ bytes: [UInt8]) {
        if buffer.isEmpty {
            buffer = bytes
        } else {
            buffer.append(contentsOf: bytes)
        }
        flush()
    }

    /// Errors and warnings quote input (names, values, source lines): whatever a message
    /// missed, no control character from a manifest reaches the terminal raw.
    func err(_ text: String) {
        FileHandle.standardError.write(Data(GoQuote.escapingControls(text).utf8))
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let written = write(1, base + offset, raw.count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// What a command loaded — the store's tables, the cluster's pods — is left for the process's
/// exit to free at once: taking a 150,000-pod cluster apart object by object costs more than
/// the rest of a command (a tenth of a large rollout's time). The CLI is single-threaded.
enum KeptUntilExit {
    nonisolated(unsafe) private static var objects: [AnyObject] = []

    static func keep(_ object: AnyObject?) {
        if let object { objects.append(object) }
    }

    /// A value (an array of rows) kept the same way.
    static func keep<T>(value: T) {
        objects.append(Box(value))
    }

    private final class Box<T> {
        let value: T
        init(_ value: T) { self.value = value }
    }
}
