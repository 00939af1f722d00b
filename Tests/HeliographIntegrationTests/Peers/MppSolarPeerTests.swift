import Foundation
import HeliographCore
import HeliographHoymilesTesting
import HeliographTesting
import Testing

/// mppsolar (a PI30 client we did not write, default settings) queries our PI30 simulator over its
/// pty and must read what `heliograph query` reads. The link is named `…serial…`, which is how
/// mppsolar recognises a serial port without `--porttype`.
@Suite(.serialized, .enabled(if: IndependentPeers.isInstalled || isCI, "mppsolar is not installed (scripts/test-deps.d/peers.sh); skipped outside CI"))
struct MppSolarPeerTests {
    static var mppSolar: String { URL(fileURLWithPath: IndependentPeers.python).deletingLastPathComponent().appendingPathComponent("mpp-solar").path }

    static func mppSolar(_ link: String, _ command: String) async throws -> [String: Any] {
        let run = try await ChildProcess.run("nice", ["-n", "19", mppSolar, "-p", link, "-P", "PI30", "-c", command, "-o", "json"], timeout: .seconds(120))
        let line = run.stdout.split(separator: "\n").last { $0.hasPrefix("{") }.map(String.init) ?? ""
        guard run.status == 0, let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw TestFailure("mpp-solar \(command) failed (\(run.status)): \(run.stdout.suffix(1_000)) \(run.stderr.suffix(1_000))")
        }
        return object
    }

    static func ours(_ link: String, _ command: String) async throws -> [String: Any] {
        let run = try await HeliographProcess.run(["query", "--device", link, command, "--json"])
        guard run.status == 0, let object = try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any],
              let fields = object["fields"] as? [String: Any]
        else { throw TestFailure("heliograph query \(command) failed (\(run.status)): \(run.stderr.suffix(1_000))") }
        return fields
    }

    @Test func mppsolarReadsWhatHeliographReads() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let link = directory.appendingPathComponent("serial-pi30").path
        let simulator = try HeliographProcess(["simulate", "pi30", "--pty", "--link", link])
        try await eventually(timeout: .seconds(30), "simulator prints its pty") { simulator.stdout.contains("serving on /dev/") }

        // Settings do not move: every one must match exactly.
        let theirs = try await Self.mppSolar(link, "QPIRI")
        let ours = try await Self.ours(link, "QPIRI")
        let settings: [(String, String)] = [
            ("battery_recharge_voltage", "battery_recharge_voltage_v"), ("battery_redischarge_voltage", "battery_redischarge_voltage_v"),
            ("battery_under_voltage", "battery_under_voltage_v"), ("battery_bulk_charge_voltage", "battery_bulk_voltage_v"),
            ("battery_float_charge_voltage", "battery_float_voltage_v"), ("max_charging_current", "max_charging_current_a"),
            ("max_ac_charging_current", "max_utility_charging_current_a"),
        ]
        for (their, our) in settings {
            #expect((theirs[their] as? Double).map { $0 == ours[our] as? Double } == true, "\(their) \(String(describing: theirs[their])) vs \(our) \(String(describing: ours[our]))")
        }
        #expect((theirs["output_source_priority"] as? String)?.lowercased().hasPrefix(ours["output_source_priority"] as? String ?? "?") == true)
        #expect((theirs["charger_source_priority"] as? String)?.lowercased().hasPrefix(ours["charger_source_priority"] as? String ?? "?") == true)

        // Live values move a little between the two queries.
        let status = try await Self.mppSolar(link, "QPIGS")
        let live = try await Self.ours(link, "QPIGS")
        let readings: [(String, String, Double)] = [
            ("battery_voltage", "battery_voltage_v", 0.5), ("battery_capacity", "battery_soc_pct", 1), ("ac_output_voltage", "ac_output_voltage_v", 1),
            ("ac_input_voltage", "grid_voltage_v", 6), ("ac_output_frequency", "ac_output_frequency_hz", 0.2), ("bus_voltage", "bus_voltage_v", 10),
        ]
        for (their, our, tolerance) in readings {
            let a = status[their] as? Double
            let b = live[our] as? Double
            #expect(a != nil && b != nil && abs(a! - b!) <= tolerance, "\(their) \(String(describing: a)) vs \(our) \(String(describing: b))")
        }
        #expect((status["is_load_on"] as? Int).map { $0 == 1 } == (live["load_on"] as? Bool))

        simulator.signal(SIGINT)
        #expect(try await simulator.exitStatus() == 0)
    }
}
