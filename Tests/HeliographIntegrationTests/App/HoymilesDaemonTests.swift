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
import ServiceLifecycle
import Testing

@Suite("Hoymiles DTU in the daemon")
struct HoymilesDaemonTests {
    @Test("type: hoymiles parses with its defaults (one request in flight) and rejects a bad reset hour or max_in_flight")
    func configuration() throws {
        let (parsed, problems) = HeliographConfiguration.parse(yaml: """
            devices:
              roof:
                type: hoymiles
                host: 10.0.0.7
                daily_reset_hour: 2
            """)
        #expect(problems.isEmpty)
        let roof = try #require(parsed?.devices.first)
        #expect(roof.options as? HoymilesOptions == HoymilesOptions(host: "10.0.0.7", port: 502, unit: 1, dailyResetHour: 2, maximumInFlight: 1))

        let (pipelined, pipelinedProblems) = HeliographConfiguration.parse(yaml: """
            devices:
              roof:
                type: hoymiles
                host: 10.0.0.7
                max_in_flight: 4
            """)
        #expect(pipelinedProblems.isEmpty)
        #expect((pipelined?.devices.first?.options as? HoymilesOptions)?.maximumInFlight == 4)

        let (_, bad) = HeliographConfiguration.parse(yaml: """
            devices:
              roof:
                type: hoymiles
                daily_reset_hour: 25
                max_in_flight: 9
            """)
        #expect(bad.contains { $0.description.contains("host") })
        #expect(bad.contains { $0.description.contains("daily_reset_hour") })
        // Line-numbered like every other option: max_in_flight is on line 5 of the text.
        let tooMany = try #require(bad.first { $0.description.contains("max_in_flight") })
        #expect(tooMany.line == 5)
        #expect(tooMany.description.contains("from 1 to 8"))
    }

    @Test("the daemon polls a DTU over TCP and registers every inverter behind it with the DTU as parent")
    func inverterRegistry() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Noon, so the simulated inverters are awake and producing.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let noon = calendar.date(from: DateComponents(year: 2026, month: 6, day: 21, hour: 12))!
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let simulator = HoymilesDTUSimulator(now: { noon }, onReady: { portContinuation.yield($0) })

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await simulator.run() }
            var portIterator = ports.makeAsyncIterator()
            let port = try #require(await portIterator.next())

            let configuration = HeliographConfiguration(
                site: .init(timeZone: "UTC"),
                storage: .init(path: directory.appendingPathComponent("history.sqlite").path),
                devices: [
                    DeviceConfiguration(
                        id: "roof",
                        type: "hoymiles",
                        interval: .milliseconds(200),
                        timeout: .seconds(5),
                        options: HoymilesOptions(host: "127.0.0.1", port: port)
                    )
                ]
            )
            let daemon = try await buildDaemon(configuration: configuration, logger: Logger(label: "test"))
            group.addTask { try await daemon.group.run() }

            try await eventually(timeout: .seconds(30), "inverters registered and their samples stored") {
                let devices = try await daemon.store.devices()
                let inverters = devices.filter { $0.descriptor.parent == "roof" }
                guard inverters.count == 3 else { return false }
                for inverter in inverters where try await daemon.store.latest(device: inverter.descriptor.id) == nil { return false }
                return true
            }
            let inverters = try await daemon.store.devices().filter { $0.descriptor.parent == "roof" }
            #expect(Set(inverters.map { $0.descriptor.serial ?? "" }).count == 3)
            #expect(inverters.allSatisfy { $0.descriptor.id.rawValue.hasPrefix("roof-") && $0.descriptor.kind == "hoymiles-inverter" })
            let first = try #require(inverters.first)
            let latest = try #require(try await daemon.store.latest(device: first.descriptor.id))
            #expect((latest.number("pv1_power_w") ?? 0) > 0)

            await daemon.group.triggerGracefulShutdown()
            group.cancelAll()
        }
    }

    @Test("POST /api/refresh polls the DTU now rather than at its next scheduled time")
    func refreshPollsNow() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let simulator = HoymilesDTUSimulator(onReady: { portContinuation.yield($0) })
        let (webPorts, webPortContinuation) = AsyncStream.makeStream(of: Int.self)

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await simulator.run() }
            var portIterator = ports.makeAsyncIterator()
            let port = try #require(await portIterator.next())
            var configuration = HeliographConfiguration(
                site: .init(timeZone: "UTC"),
                storage: .init(path: directory.appendingPathComponent("history.sqlite").path),
                devices: [
                    DeviceConfiguration(
                        id: "roof", type: "hoymiles", interval: .seconds(3_600), timeout: .seconds(5),
                        options: HoymilesOptions(host: "127.0.0.1", port: port)
                    )
                ]
            )
            configuration.http = WebConfiguration(host: "127.0.0.1", port: 0, credentials: Credentials(tokens: ["ci": "a-refresh-token-for-tests"]))
            let daemon = try await buildDaemon(
                configuration: configuration,
                logger: Logger(label: "test"),
                frontEnds: WebFrontEnd.factory(configuration.http, onListening: { webPortContinuation.yield($0) })
            )
            group.addTask { try await daemon.group.run() }
            var webPortIterator = webPorts.makeAsyncIterator()
            let webPort = try #require(await webPortIterator.next())

            try await eventually(timeout: .seconds(30), "the first scheduled poll") { daemon.poller.status(of: "roof")?.polls == 1 }
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(webPort)/api/refresh")!)
            request.httpMethod = "POST"
            // An unscheduled poll loads the inverter's link like a command: it needs credentials (#13).
            request.setValue("Bearer a-refresh-token-for-tests", forHTTPHeaderField: "Authorization")
            let (body, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            let answer = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
            #expect(answer["status"] as? String == "accepted")
            // The next scheduled poll is an hour away: only the request can make this one.
            try await eventually(timeout: .seconds(30), "the requested poll") { daemon.poller.status(of: "roof")?.polls == 2 }

            // Let the daemon (and its web server) finish its graceful shutdown before the simulator
            // is cancelled: cancelling Hummingbird while it still accepts can drop a set-up
            // connection unclosed, which NIO traps ("Deinited NIOAsyncWriter without calling finish()").
            await daemon.group.triggerGracefulShutdown()
            try await group.next()
            group.cancelAll()
        }
    }
}
