/// A point in the cluster's virtual time: milliseconds since the Unix epoch, UTC.
/// Formatting is done by hand (civil-from-days) so no calendar or locale is involved.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var milliseconds: Int

    public init(milliseconds: Int) { self.milliseconds = milliseconds }

    /// The epoch a new cluster starts at: 2025-01-01T00:00:00Z. Virtual time only moves when a
    /// command waits, so output does not depend on when it runs.
    public static let clusterEpoch = Timestamp(milliseconds: 1_735_689_600_000)

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.milliseconds < b.milliseconds }

    public func adding(_ duration: Duration) -> Timestamp { Timestamp(milliseconds: milliseconds.addingSaturating(duration.milliseconds)) }

    /// RFC 3339 in seconds, as Kubernetes writes `metav1.Time`: `2025-01-01T00:00:00Z`.
    public var description: String {
        let (y, m, d, hh, mm, ss) = components
        guard (0...9999).contains(y) else {
            return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(hh, 2)):\(pad(mm, 2)):\(pad(ss, 2))Z"
        }
        // Every stored pod, condition and event carries times: written as 20 bytes in place
        // (string interpolation was 2.7 % of a rollout's instructions).
        return String(unsafeUninitializedCapacity: 20) { out in
            func digits(_ n: Int, _ width: Int, at start: Int) {
                var n = n
                for k in (start..<(start + width)).reversed() {
                    out[k] = UInt8(truncatingIfNeeded: 0x30 + n % 10)
                    n /= 10
                }
            }
            digits(y, 4, at: 0)
            out[4] = UInt8(ascii: "-")
            digits(m, 2, at: 5)
            out[7] = UInt8(ascii: "-")
            digits(d, 2, at: 8)
            out[10] = UInt8(ascii: "T")
            digits(hh, 2, at: 11)
            out[13] = UInt8(ascii: ":")
            digits(mm, 2, at: 14)
            out[16] = UInt8(ascii: ":")
            digits(ss, 2, at: 17)
            out[19] = UInt8(ascii: "Z")
            return 20
        }
    }

    /// The time its `description` reads back as: whole seconds, nil where that text cannot
    /// be read (years outside 0...9999). What a stored object's times become when a pod is
    /// written without its object (`SimPod.stored`).
    var readBack: Timestamp? {
        guard Self.fourDigitYears.contains(milliseconds) else { return Timestamp(parsing: description) }
        return Timestamp(milliseconds: floorDiv(milliseconds, 1000) * 1000)
    }

    /// 0000-01-01T00:00:00Z up to 10000-01-01T00:00:00Z.
    private static let fourDigitYears = -62_167_219_200_000..<253_402_300_800_000

    /// `Wed, 01 Jan 2025 00:00:00 +0000`: how `kubectl describe` prints times (RFC 1123Z).
    public var rfc1123: String {
        let (y, m, d, hh, mm, ss) = components
        let days = floorDiv(milliseconds, 86_400_000)
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][((days % 7) + 7) % 7]
        let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][m - 1]
        return "\(weekday), \(pad(d, 2)) \(month) \(y) \(pad(hh, 2)):\(pad(mm, 2)):\(pad(ss, 2)) +0000"
    }

    private var components: (Int, Int, Int, Int, Int, Int) {
        let days = floorDiv(milliseconds, 86_400_000)
        let secondsOfDay = (milliseconds - days * 86_400_000) / 1000
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (y, m, d, secondsOfDay / 3600, secondsOfDay / 60 % 60, secondsOfDay % 60)
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff]Z` (UTC only, as Kubernetes writes it). A fraction
    /// of any length is read to the millisecond, the rest dropped, as Go's `time.Parse` reads
    /// it to the nanosecond (`parseNanoseconds`: digits past the ninth are dropped).
    public init?(parsing text: String) {
        var text = text
        // The bytes where they lie (every stored pod, condition and event carries times).
        guard let milliseconds = text.withUTF8({ Self.milliseconds($0) }) else { return nil }
        self.milliseconds = milliseconds
    }

    private static func milliseconds(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        guard b.count >= 20, b[b.count - 1] == UInt8(ascii: "Z"), b[4] == 0x2D, b[7] == 0x2D, b[10] == UInt8(ascii: "T"), b[13] == 0x3A,
              b[16] == 0x3A else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var n = 0
            for i in range {
                guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
                n = n * 10 + Int(b[i] - 0x30)
            }
            return n
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10), let hh = number(11..<13),
              let mm = number(14..<16), let ss = number(17..<19), (1...12).contains(m), (1...31).contains(d), hh < 24, mm < 60, ss < 61 else { return nil }
        var millis = 0
        if b.count > 20 {
            // The first three digits of the fraction (fewer are padded with zeros), after
            // checking that all of it is digits, at least one (Go reads `.` followed by no digit
            // as no fraction, and then finds `.` where the layout wants `Z`).
            let digits = b.count - 21
            guard b[19] == UInt8(ascii: "."), digits > 0, (20..<(b.count - 1)).allSatisfy({ b[$0] >= 0x30 && b[$0] <= 0x39 }),
                  let lead = number(20..<(20 + min(digits, 3))) else { return nil }
            millis = lead * Int(pow10(3 - min(digits, 3)))
        } else if b.count != 20 {
            return nil
        }
        // days_from_civil.
        let yy = m <= 2 ? y - 1 : y
        let era = floorDiv(yy, 400)
        let yoe = yy - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return ((days * 24 + hh) * 60 + mm) * 60_000 + ss * 1000 + millis
    }
}

private func pow10(_ n: Int) -> Int { (0..<n).reduce(1) { r, _ in r * 10 } }

/// Rounds towards negative infinity; exact for every Int (no negation that could overflow).
private func floorDiv(_ a: Int, _ b: Int) -> Int {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

private func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}
