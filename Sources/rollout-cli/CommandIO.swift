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

    /// Why standard output could not be written (a full disk, a file-size limit, a closed
    /// pipe when SIGPIPE is ignored), when it could not: nothing more is written, and the
    /// command ends with an error instead of a silently cut output (main.swift).
    private(set) var outputFailure: String?

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        if outputFailure == nil {
            outputFailure = buffer.withUnsafeBytes { raw -> String? in
                guard let base = raw.baseAddress else { return nil }
                var offset = 0
                while offset < raw.count {
                    let written = write(1, base + offset, raw.count - offset)
                    if written > 0 {
                        offset += written
                        continue
                    }
                    if written < 0 && errno == EINTR { continue }
                    if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                        // A non-blocking descriptor (set so by whoever shares it): wait until it
                        // takes more.
                        var ready = pollfd(fd: 1, events: Int16(POLLOUT), revents: 0)
                        _ = poll(&ready, 1, -1)
                        continue
                    }
                    return written < 0 ? String(cString: strerror(errno)) : "nothing was written"
                }
                return nil
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
