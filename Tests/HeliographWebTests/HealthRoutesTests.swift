import Foundation
import HeliographCore
import HeliographTesting
import HeliographWeb
import HeliographWebTesting
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// A daemon whose first polls have or have not run, with one failing device and one sink retrying.
final class FakeDaemonStatus: DaemonStatusProvider {
    let polled = Atomic<Bool>(false)

    func components() async -> [ComponentHealth] {
        [
            ComponentHealth(name: "inv1", kind: "poller", status: .ok, lastSuccess: Date()),
            ComponentHealth(name: "garage", kind: "poller", status: .failing, detail: "timeout after 5 s"),
            ComponentHealth(name: "sqlite", kind: "sink", status: .ok),
        ]
    }

    var firstPollsDone: Bool { polled.load(ordering: .relaxed) }

    func devices() -> [DeviceStatus] {
        var status = DeviceStatus(device: "inv1")
        status.availability = .online
        status.lastAttempt = Date()
        status.lastSuccess = Date()
        status.polls = 12
        status.failures = 2
        status.discarded = ["soc_jump": 1]
        return [status]
    }

    func sinks() -> [SinkStatistics] {
        [SinkStatistics(sink: "sqlite", buffered: 0, written: 120, dropped: 0, writeErrors: 1, lastError: "busy", lastWrite: Date())]
    }
}

@Suite struct HealthRoutesTests {
    static func server(status: FakeDaemonStatus?, metrics: (@Sendable () async -> [UInt8])?, openReading: Bool = true) async throws -> (WebServer, WebFixture) {
        let fixture = try await WebFixture(openReading: openReading)
        let server = try WebServer(
            configuration: WebConfiguration(host: "127.0.0.1", port: 0, openReading: openReading, credentials: .init(tokens: ["ci": WebFixture.token])),
            dependencies: WebDependencies(store: fixture.store, feed: fixture.feed, status: status, metrics: metrics)
        )
        return (server, fixture)
    }

    @Test func readyWaitsForTheFirstPollsAndHealthListsComponents() async throws {
        let status = FakeDaemonStatus()
        let (server, _) = try await Self.server(status: status, metrics: nil)
        try await server.makeApplication().test(.router) { client in
            let before = try await client.json("/ready")
            #expect(before.status == .serviceUnavailable)
            #expect((before.json as? [String: Any])?["firstPollsDone"] as? Bool == false)
            status.polled.store(true, ordering: .relaxed)
            #expect(try await client.json("/ready").status == .ok)

            let health = try await client.json("/health")
            #expect(health.status == .ok)
            let body = try #require(health.json as? [String: Any])
            #expect(body["status"] as? String == "degraded")
            let components = try #require(body["components"] as? [[String: Any]])
            #expect(components.map { $0["name"] as? String } == ["storage", "inv1", "garage", "sqlite"])
            #expect(components[0]["status"] as? String == "ok")
            #expect(components[2]["detail"] as? String == "timeout after 5 s")

            let stats = try #require(try await client.json("/stats").json as? [String: Any])
            let pollers = try #require(stats["pollers"] as? [[String: Any]])
            #expect(pollers.first?["device"] as? String == "inv1")
            #expect(pollers.first?["errors"] as? Int == 2)
            #expect((pollers.first?["discarded"] as? [String: Int])?["soc_jump"] == 1)
            #expect((stats["sinks"] as? [[String: Any]])?.first?["written"] as? Int == 120)
            #expect(stats["bytesOnDisk"] != nil && stats["series"] != nil && stats["points"] != nil)
        }
    }

    @Test func aFailingStoreMakesHealthFailingButStillAnswers() async throws {
        let (server, fixture) = try await Self.server(status: FakeDaemonStatus(), metrics: nil)
        await fixture.store.failReads(with: HeliographError(.storageFailure, "disk gone"))
        try await server.makeApplication().test(.router) { client in
            let health = try await client.json("/health")
            #expect(health.status == .ok)
            #expect((health.json as? [String: Any])?["status"] as? String == "failing")
            let ready = try await client.json("/ready")
            #expect(ready.status == .serviceUnavailable)
            #expect(((ready.json as? [String: Any])?["detail"] as? String)?.contains("disk gone") == true)
        }
    }

    @Test func metricsServeTheExpositionAndFollowTheReadPolicy() async throws {
        let (off, _) = try await Self.server(status: nil, metrics: nil)
        try await off.makeApplication().test(.router) { client in
            let status = try await client.json("/metrics").status
            #expect(status == .notFound)
        }
        let (closed, _) = try await Self.server(status: nil, metrics: { Array("# TYPE x gauge\nx 1\n".utf8) }, openReading: false)
        try await closed.makeApplication().test(.router) { client in
            let refused = try await client.json("/metrics").status
            #expect(refused == .unauthorized)
            let answer = try await client.json("/metrics", headers: bearer)
            #expect(answer.status == .ok)
            #expect(answer.text == "# TYPE x gauge\nx 1\n")
            #expect(answer.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
        }
    }
}
