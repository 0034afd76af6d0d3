import XCTest
@testable import RolloutCore

/// The container and image IDs a pod's status shows are 64 hex digits of FNV-1a, four rounds
/// with seeds one apart (`SimPod.hex64`). Written straight into the string in one pass, they
/// are the digits the rounds' `String(hash, radix: 16)`, zero-padded to 16, give.
final class DerivedIDTests: XCTestCase {
    private func reference(_ text: String) -> String {
        var out = ""
        for round in 0..<4 {
            var hash: UInt64 = 0xcbf29ce484222325 &+ UInt64(round)
            for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
            let digits = String(hash, radix: 16)
            out += String(repeating: "0", count: 16 - digits.count) + digits
        }
        return out
    }

    func testDigitsAreTheRoundsInHexZeroPadded() {
        var random = SeededRandom(seed: 64)
        var texts = ["", "a", "app:1", "0f8fad5b-d9cb-469f-a165-70867728950e/app/0", "é/\u{0}", String(repeating: "x", count: 1_000)]
        for _ in 0..<2_000 {
            texts.append(String((0..<Int.random(in: 0..<40, using: &random)).map { _ in Character(Unicode.Scalar(UInt8.random(in: 0..<128, using: &random))) }))
        }
        for text in texts {
            XCTAssertEqual(SimPod.hex64(text), reference(text), text)
        }
        // A container's ID: the digits of "uid/container/instance", its text never made.
        for (uid, container, instance) in [("0f8fad5b-d9cb-469f-a165-70867728950e", "app", 0), ("u", "side-car", 12), ("", "", -3), ("é", "x", Int.min)] {
            XCTAssertEqual(SimPod.containerID(pod: uid, container: container, instance: instance),
                           "containerd://" + reference("\(uid)/\(container)/\(instance)"))
        }
        // Some round's hash has fewer than 16 digits, so the padding is exercised.
        XCTAssertTrue(texts.contains { text in
            let digits = Array(reference(text))
            return (0..<4).contains { digits[16 * $0] == "0" }
        })
    }

    /// Uids and name suffixes are written straight into their bytes; from every state of the
    /// generator they are what the first code, kept here, made from Strings (`String(v, radix:
    /// 16)` zero-padded, an Array of Characters), and they draw the same numbers from it.
    func testUIDsAndNameSuffixesAreTheStringsTheyReplace() {
        func referenceSuffix(_ random: inout SeededRandom) -> String {
            let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
            return String((0..<5).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
        }
        func referenceUID(_ random: inout SeededRandom) -> String {
            let a = random.next(), b = random.next()
            let hex = { (v: UInt64, digits: Int) -> String in
                let s = String(v, radix: 16)
                return String(repeating: "0", count: max(0, digits - s.count)) + s
            }
            return "\(hex(a >> 32, 8))-\(hex((a >> 16) & 0xFFFF, 4))-\(hex(0x4000 | (a & 0x0FFF), 4))-\(hex(0x8000 | ((b >> 48) & 0x3FFF), 4))-\(hex(b & 0xFFFF_FFFF_FFFF, 12))"
        }
        for seed in [0, 1, 42, UInt64.max, 0x8000_0000_0000_0000] + (0..<200).map({ UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }) {
            var ours = SeededRandom(seed: seed), theirs = SeededRandom(seed: seed)
            for _ in 0..<20 {
                XCTAssertEqual(ours.uuid(), referenceUID(&theirs))
                XCTAssertEqual(ours.nameSuffix(), referenceSuffix(&theirs))
                XCTAssertEqual(ours.state, theirs.state)
            }
        }
        // Some uid has a leading zero in a group, so the padding is exercised.
        var random = SeededRandom(seed: 3)
        XCTAssertTrue((0..<2_000).contains { _ in random.uuid().split(separator: "-").contains { $0.first == "0" } })
    }
}
