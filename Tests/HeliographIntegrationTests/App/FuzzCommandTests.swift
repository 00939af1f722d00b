import Foundation
import HeliographTesting
import Testing

/// `heliograph fuzz` as a user runs it: reports, replay lines, and the crash reporter.
@Suite(.serialized)
struct FuzzCommandTests {
    @Test func aShortRunPrintsOneJSONReportPerTarget() async throws {
        let result = try await HeliographProcess.run(["fuzz", "modbus-rtu", "--inputs", "3000", "--seed", "7", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let line = try #require(result.stdout.split(separator: "\n").first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let report = try #require(object["report"] as? [String: Any])
        #expect(report["target"] as? String == "modbus-rtu")
        #expect(report["inputs"] as? Int == 3_000)
        #expect(report["seed"] as? Int == 7)
        #expect((report["findings"] as? [Any])?.isEmpty == true)
        #expect((report["peak_rss_bytes"] as? Int ?? 0) > 0)
    }

    @Test func anUnknownTargetIsRefusedWithTheList() async throws {
        let result = try await HeliographProcess.run(["fuzz", "nope"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("unknown fuzz target 'nope'"))
        #expect(result.stderr.contains("pi30-serial"))
    }

    @Test func aProcessKilledMidRunPrintsTheInputToReplay() async throws {
        // SIGSEGV from outside stands in for a decoder crash: the handler cannot tell them apart.
        let process = try HeliographProcess(
            ["fuzz", "http-bodies", "--inputs", "100000000", "--seed", "9", "--progress-seconds", "0"],
            environment: ["SWIFT_BACKTRACE": "enable=no"]
        )
        // A progress line means inputs are running, so the handler has an index to print.
        try await eventually(timeout: .seconds(60), "a progress line") { process.stderr.contains("next index") }
        process.signal(SIGSEGV)
        let status = try await process.exitStatus()
        #expect(status == 128 + SIGSEGV, "ended by the signal it re-raised")
        let stderr = process.stderr
        let marker = "replay with: heliograph fuzz http-bodies --seed 9 --inputs 1 --start "
        let range = try #require(stderr.range(of: marker), "\(stderr)")
        let index = stderr[range.upperBound...].prefix { $0.isNumber }
        #expect(Int(index) != nil, "\(stderr)")
    }
}
