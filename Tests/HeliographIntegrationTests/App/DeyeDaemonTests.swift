import Foundation
import HeliographApp
import HeliographCore
import HeliographDevices
import HeliographTesting
import Logging
import ServiceLifecycle
import Testing

@Suite("Deye in the daemon")
struct DeyeDaemonTests {
    @Test(
        "the daemon polls a simulated Deye over each transport, registers it and stores validated samples",
        arguments: [DeyeSimulator.Configuration.WireProtocol.solarmanV5, .modbusTCP]
    )
    func pollsAndStores(wireProtocol: DeyeSimulator.Configuration.WireProtocol) async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let simulator = try DeyeSimulator(configuration: .init(inverterSerial: "2306055555", wireProtocol: wireProtocol))

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await simulator.run() }
            let port = await simulator.listeningPort()
            let configuration = DaemonConfiguration(
                database: directory.appendingPathComponent("history.sqlite").path,
                // Logger serial 0: learnt from the first answer, as a new user would configure it.
                devices: [
                    "hybrid": "{ type: deye, host: 127.0.0.1, port: \(port), transport: \(wireProtocol.rawValue), logger_serial: 0, interval: 300ms, timeout: 5s }"
                ],
                http: false,
                sections: "site: { time_zone: UTC }"
            )
            try await withDaemonInProcess(configuration: configuration) { daemon in
                try await eventually(timeout: .seconds(30), "three polls stored") {
                    guard (daemon.poller.status(of: "hybrid")?.polls ?? 0) >= 3 else { return false }
                    return try await daemon.store.latest(device: "hybrid") != nil
                }
                let registered = try #require(try await daemon.store.devices().first { $0.descriptor.id == "hybrid" })
                #expect(registered.descriptor.serial == "2306055555")
                #expect(registered.descriptor.kind == "deye-hybrid")
                let latest = try #require(try await daemon.store.latest(device: "hybrid"))
                let soc = try #require(latest.number(CommonFields.batterySOC.id))
                #expect((0...100).contains(soc))
                let voltage = try #require(latest.number(CommonFields.batteryVoltage.id))
                #expect((40...60).contains(voltage), "a 48 V battery reads \(voltage) V")
                #expect(daemon.poller.status(of: "hybrid")?.availability == .online)
            }
            group.cancelAll()
        }
    }

    @Test("a request the logger lost is asked again inside the same poll: the poll timeout derived from retry: holds both attempts")
    func lostRequestRetriedInsidePoll() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let simulator = try DeyeSimulator(configuration: .init(inverterSerial: "2306055555"))

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await simulator.run() }
            let port = await simulator.listeningPort()
            let configuration = DaemonConfiguration(
                database: directory.appendingPathComponent("history.sqlite").path,
                devices: ["hybrid": "{ type: deye, host: 127.0.0.1, port: \(port), interval: 200ms, retry: { attempts: 2, request_timeout: 2s } }"],
                http: false,
                sections: "site: { time_zone: UTC }"
            )
            let (parsed, _) = HeliographConfiguration.parse(yaml: configuration.yaml)
            // 2 × 2 s + up to 0.24 s between them, plus room: 5 s, which a 2 s timeout would have cut off.
            #expect(parsed?.devices.first?.timeout == .seconds(5))
            try await withDaemonInProcess(configuration: configuration) { daemon in
                try await eventually(timeout: .seconds(30), "the first poll stored") {
                    (daemon.poller.status(of: "hybrid")?.polls ?? 0) >= 1
                }
                let before = try #require(daemon.poller.status(of: "hybrid"))
                simulator.updateFaults { $0.ignoreRequests = 1 }
                try await eventually(timeout: .seconds(30), "two more polls") {
                    (daemon.poller.status(of: "hybrid")?.polls ?? 0) >= before.polls + 2
                }
                var unanswered = -1
                simulator.updateFaults { unanswered = $0.ignoreRequests }
                #expect(unanswered == 0, "the lost request was sent")
                let after = try #require(daemon.poller.status(of: "hybrid"))
                #expect(after.failures == before.failures, "no poll failed: \(after.lastError ?? "")")
                #expect(after.availability == .online)
            }
            group.cancelAll()
        }
    }
}
