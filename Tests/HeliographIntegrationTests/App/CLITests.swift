import Foundation
import HeliographCore
import HeliographBenchmarks
import HeliographSQLite
import HeliographTesting
import Testing

/// End-to-end tests of the real `heliograph` binary against simulators on real pseudo-terminals.
@Suite("heliograph executable", .serialized)
struct CLITests {
    /// Starts `heliograph simulate pi30 --pty --link <dir>/pi30` and waits for the pty.
    func startSimulator(in directory: URL) async throws -> (process: HeliographProcess, link: String) {
        let link = directory.appendingPathComponent("pi30").path
        let simulator = try HeliographProcess(["simulate", "pi30", "--pty", "--link", link])
        try await eventually(timeout: .seconds(30), "simulator prints its pty") { simulator.stdout.contains("serving on /dev/") }
        #expect(FileManager.default.fileExists(atPath: link))
        return (simulator, link)
    }

    func paths(in directory: URL) -> (database: String, config: URL) {
        (directory.appendingPathComponent("history.sqlite").path, directory.appendingPathComponent("heliograph.yaml"))
    }

    @Test("simulate pi30 --pty, then query QPIGS --json against it")
    func simulateAndQuery() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (simulator, link) = try await startSimulator(in: directory)

        let result = try await HeliographProcess.run(["query", "--device", link, "QPIGS", "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let fields = try #require(json?["fields"] as? [String: Any], "stdout: \(result.stdout)")
        let voltage = try #require(fields["battery_voltage_v"] as? Double)
        #expect((40...60).contains(voltage))
        #expect(fields["grid_voltage_v"] is Double)
        #expect(json?["command"] as? String == "QPIGS")

        let table = try await HeliographProcess.run(["query", "--device", link, "QMOD"])
        #expect(table.status == 0, "stderr: \(table.stderr)")
        #expect(table.stdout.contains("operating_mode"))

        simulator.signal(SIGINT)
        #expect(try await simulator.exitStatus() == 0)
        #expect(!FileManager.default.fileExists(atPath: link), "symlink removed on shutdown")
    }

    @Test("query refuses setters without --allow-write, checks them like the CommandGate with it, and sends the case typed")
    func querySetters() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (simulator, link) = try await startSimulator(in: directory)
        func query(_ arguments: String...) async throws -> (status: Int32, stdout: String, stderr: String) {
            try await HeliographProcess.run(["query", "--device", link] + arguments)
        }

        let refused = try await query("POP01")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("--allow-write"), "stderr: \(refused.stderr)")
        // The allow-list's range (10...120 A) and the gate's unit 0, even where the simulator would ACK.
        let outOfRange = try await query("--allow-write", "MNCHGC0150")
        #expect(outOfRange.status != 0)
        #expect(outOfRange.stderr.contains("max_charging_current_a must be within"), "stderr: \(outOfRange.stderr)")
        let otherUnit = try await query("--allow-write", "MCHGC1040")
        #expect(otherUnit.status != 0 && otherUnit.stderr.contains("not a setter the CommandGate allows"), "stderr: \(otherUnit.stderr)")
        let unknown = try await query("--allow-write", "PF")
        #expect(unknown.status != 0 && unknown.stderr.contains("not a setter the CommandGate allows"), "stderr: \(unknown.stderr)")
        let unchanged = try await query("QPIRI", "--json")
        #expect(unchanged.stdout.contains(#""output_source_priority" : "sbu""#), "refused writes never reached the inverter: \(unchanged.stdout)")

        let allowed = try await query("--allow-write", "POP01")
        #expect(allowed.status == 0, "stderr: \(allowed.stderr)")
        #expect(allowed.stdout.contains("ACK"), "stdout: \(allowed.stdout)")
        let changed = try await query("QPIRI", "--json")
        #expect(changed.stdout.contains(#""output_source_priority" : "solar""#), "stdout: \(changed.stdout)")

        // Sent as typed: the inverter (here the simulator) decides what lower case means; it answers NAK.
        let lower = try await query("qmod")
        #expect(lower.status == 0, "stderr: \(lower.stderr)")
        #expect(lower.stdout.contains("NAK") && !lower.stdout.contains("operating_mode"), "stdout: \(lower.stdout)")

        simulator.signal(SIGINT)
        #expect(try await simulator.exitStatus() == 0)
    }

    @Test("query against a missing device fails with a clear message")
    func queryMissingDevice() async throws {
        let result = try await HeliographProcess.run(["query", "--device", "/dev/heliograph-nonexistent", "QPIGS"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("/dev/heliograph-nonexistent does not exist"))
    }

    @Test("run keeps what was committed before kill -9")
    func runSurvivesKill() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (simulator, link) = try await startSimulator(in: directory)
        let (database, config) = paths(in: directory)
        try """
            site:
              name: Test
              time_zone: UTC
            storage:
              path: \(database)
            devices:
              inverter:
                type: pi30
                port: \(link)
                interval: 200ms
                timeout: 3s
            logging:
              level: warning
            http:
              host: 127.0.0.1
              port: 0
            """.write(to: config, atomically: true, encoding: .utf8)

        let daemon = try HeliographProcess(["run", "--config", config.path])
        try await eventually(timeout: .seconds(30), "database file appears") { FileManager.default.fileExists(atPath: database) }
        let reader = try SQLiteStore(configuration: .init(path: database))
        let series = SeriesKey(device: "inverter", field: "battery_voltage_v")
        let past = Date(timeIntervalSinceNow: -3_600)
        try await eventually(timeout: .seconds(30), "points arrive") { try await reader.points(series, from: past, to: .distantFuture).count >= 3 }
        let seenBeforeKill = try await reader.points(series, from: past, to: .distantFuture)
        // The requirement is about time: what was polled a second before the kill must be on disk.
        let clock = ContinuousClock()
        let waitUntil = clock.now.advanced(by: .milliseconds(1_500))
        try await eventually(timeout: .seconds(5), "1.5 s pass with the daemon running") { clock.now >= waitUntil && daemon.process.isRunning }
        let killTime = Date()
        daemon.signal(SIGKILL)
        _ = try await daemon.exitStatus()

        let reopened = try SQLiteStore(configuration: .init(path: database))
        let after = try await reopened.points(series, from: past, to: .distantFuture)
        #expect(after.count >= seenBeforeKill.count)
        #expect(Set(seenBeforeKill).isSubset(of: Set(after)), "points committed before the kill are all there")
        let newest = try #require(after.last?.time)
        // Flush interval 0.5 s + poll interval 0.2 s bound the loss to about a second; the rest is slack for a loaded 2-core CI machine.
        #expect(newest >= killTime.addingTimeInterval(-3), "newest stored point \(newest) is within ~1 s (+ load slack) of the kill at \(killTime)")
        let registered = try await reopened.devices()
        #expect(registered.map(\.descriptor.id) == ["inverter"])
        simulator.signal(SIGTERM)
        _ = try await simulator.exitStatus()
    }

    @Test("run stops cleanly on SIGTERM, storing what it polled")
    func runGracefulShutdown() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (simulator, link) = try await startSimulator(in: directory)
        let (database, config) = paths(in: directory)
        try "devices:\n  inv:\n    type: pi30\n    port: /dev/placeholder\n    interval: 300ms\n".write(to: config, atomically: true, encoding: .utf8)
        // Environment overrides replace the file's port and storage path.
        let daemon = try HeliographProcess(
            ["run", "--config", config.path],
            environment: [
                "HELIOGRAPH_STORAGE_PATH": database, "HELIOGRAPH_DEVICES_INV_PORT": link, "HELIOGRAPH_LOGGING_LEVEL": "info",
                "HELIOGRAPH_HTTP_HOST": "127.0.0.1", "HELIOGRAPH_HTTP_PORT": "0",
            ]
        )
        try await eventually(timeout: .seconds(30), "device described") { daemon.stderr.contains("Device described") }
        daemon.signal(SIGTERM)
        #expect(try await daemon.exitStatus() == 0, "stderr: \(daemon.stderr)")
        #expect(daemon.stderr.contains("Stopped"))
        let store = try SQLiteStore(configuration: .init(path: database))
        #expect(try await store.latest(device: "inv") != nil)
        simulator.signal(SIGTERM)
        _ = try await simulator.exitStatus()
    }

    @Test("a bad configuration gives a clear error and a non-zero exit")
    func badConfiguration() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("bad.yaml")
        try """
            devices:
              inverter:
                type: pi30
                port: /dev/ttyUSB0
                baud: fast
            """.write(to: config, atomically: true, encoding: .utf8)

        let run = try await HeliographProcess.run(["run", "--config", config.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("invalid configuration"))
        #expect(run.stderr.contains("devices.inverter.baud (line 5): must be a whole number from 300 to 921600; got 'fast'"))

        let check = try await HeliographProcess.run(["config", "check", config.path])
        #expect(check.status == 1)
        #expect(check.stderr.contains("1 problem"))
        #expect(check.stderr.contains("devices.inverter.baud (line 5)"))

        let missing = try await HeliographProcess.run(["run", "--config", directory.appendingPathComponent("absent.yaml").path])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot read configuration file"))

        try "devices: {}\n".write(to: config, atomically: true, encoding: .utf8)
        let good = try await HeliographProcess.run(["config", "check", config.path])
        #expect(good.status == 0)
        #expect(good.stdout.contains("OK"))
    }

    @Test("bench runs a suite and prints one JSON line per measurement; an unknown suite is refused")
    func bench() async throws {
        let (status, stdout, stderr) = try await HeliographProcess.run(["bench", "hoymiles", "--scale", "0.01", "--json"], timeout: .seconds(120))
        #expect(status == 0, "stderr: \(stderr)")
        let measurements = try stdout.split(separator: "\n").map { try JSONDecoder().decode(BenchmarkMeasurement.self, from: Data($0.utf8)) }
        #expect(measurements.map(\.name).contains("hoymiles.decode-track.100-ports"))
        #expect(measurements.map(\.name).contains("modbus-tcp.decode.read-response"))
        #expect(measurements.allSatisfy { $0.operations > 0 && $0.seconds > 0 })

        let unknown = try await HeliographProcess.run(["bench", "warp-drive"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("unknown benchmark 'warp-drive'"))
    }

    @Test("demo polls simulated inverters and stores their samples")
    func demo() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await HeliographProcess.run(
            ["demo", "--data-directory", directory.path, "--inverters", "2", "--interval", "0.3", "--duration", "3", "--http-port", "0"],
            timeout: .seconds(60)
        )
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("heliograph.sqlite"))
        // Stopping at --duration is a graceful shutdown: the web server was once cancelled instead
        // and logged "error … Waiting on child channel: CancellationError()".
        let errorLines = (result.stdout + result.stderr).split(separator: "\n").filter { $0.contains(" error ") }
        #expect(errorLines.isEmpty, "\(errorLines)")
        let store = try SQLiteStore(configuration: .init(path: directory.appendingPathComponent("heliograph.sqlite").path))
        let devices = try await store.devices().map(\.descriptor.id).sorted()
        #expect(devices == ["inverter1", "inverter2", "solar", "weather"])
        for device in devices where device.rawValue.hasPrefix("inverter") {
            let latest = try #require(try await store.latest(device: device))
            #expect(latest.number("battery_voltage_v") != nil)
        }
        // The demo's expected-output estimate counts both simulated inverters.
        let estimate = try #require(try await store.latest(device: "solar"))
        #expect(estimate.number("expected_pv_power_w") != nil)
        #expect(estimate.number("actual_pv_power_w") != nil)
        #expect(try await store.statistics().points > 10)
    }
}
