import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HeliographApp
import HeliographControl
import HeliographCore
import HeliographDevices
import HeliographTesting
import HeliographWeb
import Logging
import Testing

/// `GET /api/v1/devices/{device}/settings` against the PI30 and Deye simulators through the whole
/// daemon: values as read from the device, their read time, fresh after a write, and a change made
/// behind the daemon's back showing up within the settings interval.
@Suite("Device settings read from the device")
struct DeviceSettingsDaemonTests {
    static let token = "settings-token-0123456789"

    @Test("PI30: QPIRI/QFLAG values with their read time; a write and a change on the inverter both show")
    func pi30SettingsFollowTheInverter() async throws {
        let directory = try makeTemporaryDirectory("pi30-settings")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (paths, pathContinuation) = AsyncStream.makeStream(of: String.self)
        let simulator = PI30SimulatorService(onReady: { pathContinuation.yield($0) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await simulator.run() }
            var pathIterator = paths.makeAsyncIterator()
            let pty = try #require(await pathIterator.next())
            // The default queries (no QPIRI): the settings come from the settings interval alone.
            try await Self.withDaemon(device: "{ type: pi30, port: \(pty), hid: false, interval: 300ms, settings_interval: 2s }", in: directory) { web in
                let first = try await Self.waitForSetting(web, "inverter", "output_source_priority") { $0["state"] as? String == "read" }
                #expect(first["value"] as? String == "sbu")
                #expect(first["options"] as? [String] == ["utility", "solar", "sbu"])
                let charging = try await Self.setting(web, "inverter", "max_charging_current_a")
                #expect(charging["value"] as? Double == 60, "the simulator starts at 60 A")
                #expect(charging["min"] as? Double == 10 && charging["max"] as? Double == 120)
                let buzzer = try await Self.setting(web, "inverter", "buzzer_enabled")
                #expect(buzzer["state"] as? String == "read", "QFLAG is read with QPIRI")
                let readBefore = try #require(first["readAt"] as? String)

                let (status, body) = try await Self.post(web, "/api/v1/commands", #"{"device": "inverter", "setting": "output_source_priority", "value": "solar"}"#)
                #expect(status == 200, "\(body)")
                let written = try await Self.setting(web, "inverter", "output_source_priority")
                #expect(written["value"] as? String == "solar", "read again right after the write")
                #expect(try #require(written["readAt"] as? String) > readBefore)

                // Changed on the inverter's panel: the next settings read (2 s) shows it.
                simulator.updateState { $0.maxChargingCurrent = 30 }
                let changed = try await Self.waitForSetting(web, "inverter", "max_charging_current_a", timeout: .seconds(20)) { $0["value"] as? Double == 30 }
                #expect(try #require(changed["readAt"] as? String) > readBefore)
            }
            group.cancelAll()
        }
    }

    @Test("Deye: the settings block with its read time; a write and a change on the inverter both show")
    func deyeSettingsFollowTheInverter() async throws {
        let directory = try makeTemporaryDirectory("deye-settings")
        defer { try? FileManager.default.removeItem(at: directory) }
        let simulator = try DeyeSimulator(configuration: .init(inverterSerial: "2306055555"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await simulator.run() }
            let port = await simulator.listeningPort()
            let device = "{ type: deye, host: 127.0.0.1, port: \(port), logger_serial: 0, interval: 300ms, timeout: 5s, settings_interval: 2s }"
            try await Self.withDaemon(device: device, in: directory) { web in
                let first = try await Self.waitForSetting(web, "hybrid", "work_mode") { $0["state"] as? String == "read" }
                let workMode = try #require(first["value"] as? String)
                let options = try #require(first["options"] as? [String])
                #expect(options.contains(workMode))
                let readBefore = try #require(first["readAt"] as? String)
                let other = try #require(options.first { $0 != workMode })

                let (status, body) = try await Self.post(web, "/api/v1/commands", #"{"device": "hybrid", "setting": "work_mode", "value": "\#(other)"}"#)
                #expect(status == 200, "\(body)")
                let written = try await Self.setting(web, "hybrid", "work_mode")
                #expect(written["value"] as? String == other)
                #expect(try #require(written["readAt"] as? String) > readBefore)
                // The whole block was read after the write, not only the written register.
                let current = try await Self.setting(web, "hybrid", "battery_max_charge_current_a")
                #expect(current["readAt"] as? String == written["readAt"] as? String)

                // Changed behind the daemon's back (register 210: battery max charge current).
                let amps = Double((simulator.register(210) ?? 0) == 37 ? 38 : 37)
                simulator.setRegister(210, UInt16(amps))
                let changed = try await Self.waitForSetting(web, "hybrid", "battery_max_charge_current_a", timeout: .seconds(20)) { $0["value"] as? Double == amps }
                let writtenAt = try #require(written["readAt"] as? String)
                #expect(try #require(changed["readAt"] as? String) > writtenAt)
            }
            group.cancelAll()
        }
    }

    // MARK: Helpers

    /// Runs the daemon with one device (`inverter` for PI30, `hybrid` for Deye) and its web server.
    static func withDaemon(device: String, in directory: URL, _ body: (Int) async throws -> Void) async throws {
        let id = device.contains("pi30") ? "inverter" : "hybrid"
        let (parsed, problems) = HeliographConfiguration.parse(yaml: """
            site: { time_zone: UTC }
            storage: { path: \(directory.appendingPathComponent("history.sqlite").path) }
            devices:
              \(id): \(device)
            http:
              host: 127.0.0.1
              port: 0
              tokens: { ci: \(token) }
            """)
        #expect(problems.isEmpty, "\(problems)")
        let configuration = try #require(parsed)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let daemon = try await buildDaemon(
            configuration: configuration, logger: Logger(label: "settings-test"),
            frontEnds: WebFrontEnd.factory(configuration.http, onListening: { portContinuation.yield($0) })
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await daemon.group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let outcome: Result<Void, any Error>
            do { outcome = .success(try await body(port)) } catch { outcome = .failure(error) }
            await daemon.group.triggerGracefulShutdown()
            try await group.waitForAll()
            try outcome.get()
        }
    }

    static func get(_ port: Int, _ path: String) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.timeoutInterval = 20
        let (body, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, body)
    }

    static func post(_ port: Int, _ path: String, _ json: String) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = "POST"
        request.timeoutInterval = 30
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(json.utf8)
        let (body, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: body, as: UTF8.self))
    }

    /// One setting from `GET /api/v1/devices/{device}/settings`.
    static func setting(_ port: Int, _ device: String, _ id: String) async throws -> [String: Any] {
        let (status, body) = try await get(port, "/api/v1/devices/\(device)/settings")
        guard status == 200, let resource = try JSONSerialization.jsonObject(with: body) as? [String: Any],
            let settings = resource["settings"] as? [[String: Any]], let setting = settings.first(where: { $0["id"] as? String == id })
        else { throw TestFailure("no setting \(id) in \(status) \(String(decoding: body, as: UTF8.self))") }
        return setting
    }

    static func waitForSetting(
        _ port: Int, _ device: String, _ id: String, timeout: Duration = .seconds(30), until condition: @escaping @Sendable ([String: Any]) -> Bool
    ) async throws -> [String: Any] {
        try await eventually(timeout: timeout, "\(device) \(id) as expected") {
            (try? await setting(port, device, id)).map(condition) ?? false
        }
        return try await setting(port, device, id)
    }
}
