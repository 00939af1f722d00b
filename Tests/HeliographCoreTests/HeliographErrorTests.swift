import HeliographCore
import Testing

@Suite("HeliographError")
struct HeliographErrorTests {
    struct Underlying: Error, CustomStringConvertible {
        var description: String { "EIO" }
    }

    @Test("description names device, code and message")
    func plain() {
        let error = HeliographError(.timeout, "QPIGS took longer than 5 seconds", device: "inverter")
        #expect(error.description == "inverter: timeout: QPIGS took longer than 5 seconds")
    }

    @Test("bad frames show their bytes in hex, long ones truncated")
    func bytes() {
        let short = HeliographError(.checksumMismatch, "CRC", bytes: [0x28, 0x0D, 0xAB])
        #expect(short.description == "checksum mismatch: CRC [28 0D AB]")
        let long = HeliographError(.malformedFrame, "too long", bytes: Array(repeating: 0xFF, count: 100))
        #expect(long.description.hasSuffix(" …]"))
        #expect(long.bytes?.count == 100)
    }

    @Test("underlying error is appended and device can be attached later")
    func underlyingAndDevice() {
        let error = HeliographError(.connectionFailed, "open /dev/hidraw0", underlying: Underlying()).on("garage")
        #expect(error.description == "garage: connection failed: open /dev/hidraw0 (EIO)")
        #expect(error.device == "garage")
    }

    @Test("codes compare by value and describe themselves")
    func codes() {
        #expect(HeliographError.Code.timeout == .timeout)
        #expect(HeliographError.Code.timeout != .notFound)
        #expect(HeliographError.Code.invalidConfiguration.description == "invalid configuration")
    }

    @Test("device ids are checked for topic and file safety")
    func deviceIDs() {
        #expect(DeviceID("inverter-1_a").isValid)
        #expect(!DeviceID("Inverter").isValid)
        #expect(!DeviceID("a/b").isValid)
        #expect(!DeviceID("").isValid)
        #expect(!DeviceID(String(repeating: "a", count: 65)).isValid)
    }

    @Test("withTimeout throws a timeout error naming what took too long")
    func timeout() async {
        await #expect {
            try await withTimeout(.milliseconds(20), "slow thing") { try await Task.sleep(for: .seconds(10)) }
        } throws: { error in
            guard let error = error as? HeliographError else { return false }
            return error.code == .timeout && error.message.contains("slow thing")
        }
    }

    @Test("withTimeout returns the result when in time")
    func inTime() async throws {
        #expect(try await withTimeout(.seconds(5)) { 42 } == 42)
    }

    @Test("rollup choice gives enough buckets")
    func rollup() {
        let from = Date(timeIntervalSince1970: 0)
        #expect(Rollup.suitable(from: from, to: from.addingTimeInterval(3_600)) == .minute)
        #expect(Rollup.suitable(from: from, to: from.addingTimeInterval(86_400 * 30)) == .hour)
        #expect(Rollup.suitable(from: from, to: from.addingTimeInterval(86_400 * 400)) == .day)
    }
}

import struct Foundation.Date
