import Foundation
import HeliographCore
import HeliographEnergy
import Hummingbird

struct HealthResource: ResponseEncodable {
    /// `ok`, `degraded` (something is retrying or failing, recording goes on) or `failing` (storage is down).
    var status: ComponentHealth.State
    var time: Date
    var uptimeSeconds: Double
    var components: [ComponentHealth]
}

struct ReadyResource: ResponseEncodable {
    var status: String
    var time: Date
    var storage: Bool
    var firstPollsDone: Bool
    var detail: String?
}

struct StatsResource: ResponseEncodable {
    var uptimeSeconds: Double
    var requests: Int
    var liveClients: Int
    var devices: Int
    var series: Int
    var points: Int64
    var bytesOnDisk: Int64
    var oldest: Date?
    var newest: Date?
    /// Poll record of every configured device.
    var pollers: [DeviceStatus]
    var sinks: [SinkStatistics]
    /// The web server's connections: open, limit, and what the connection guard closed.
    var connections: ConnectionStatistics
    /// Energy accounting: complete device days kept, counter steps skipped in them; nil without a reporter.
    var energy: EnergyStatistics?
}

/// Probes and counters: `/health` (liveness, always 200 while the server answers, with the state of
/// every component), `/ready` (503 until storage answers and every device finished its first poll),
/// `/stats`, and Prometheus `/metrics`.
extension WebAPI {
    func addHealthRoutes(to router: Router<WebRequestContext>) {
        router.get("/health") { _, _ in await self.health() }
        router.get("/ready") { _, _ -> Response in
            let readiness = await self.readiness()
            return Self.json(readiness, status: readiness.status == "ready" ? .ok : .serviceUnavailable)
        }
        router.get("/api/v1/stats") { _, _ in try await self.stats() }
        router.get("/stats") { _, _ in try await self.stats() }
        router.get("/metrics") { _, _ -> Response in
            guard let metrics = self.dependencies.metrics else {
                throw HeliographError(.notFound, "metrics are disabled on this server (metrics.enabled: false)")
            }
            return Self.bytes(await metrics(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
    }

    /// How long the probes wait for the store. A database that is down can take its own operation
    /// timeout (30 s for PostgreSQL) to fail, longer than health checkers wait; past this the store
    /// is reported as not answering and the rest of the answer still comes at once.
    static let storageProbeTimeout: Duration = .seconds(3)

    /// The store's figures, or a timeout error once `storageProbeTimeout` passed.
    func storageStatistics() async throws -> StoreStatistics {
        try await withTimeout(Self.storageProbeTimeout, "reading storage statistics") { [store] in try await store.statistics() }
    }

    func storageHealth() async -> ComponentHealth {
        do {
            let statistics = try await storageStatistics()
            return ComponentHealth(name: "storage", kind: "storage", status: .ok, detail: "\(statistics.points) points in \(statistics.series) series")
        } catch {
            return ComponentHealth(name: "storage", kind: "storage", status: .failing, detail: "\(error)")
        }
    }

    func health() async -> HealthResource {
        var components = [await storageHealth()]
        components += await dependencies.status?.components() ?? []
        let status: ComponentHealth.State =
            if components[0].status == .failing { .failing }
            else if components.contains(where: { $0.status == .failing || $0.status == .degraded }) { .degraded }
            else { .ok }
        return HealthResource(status: status, time: Date(), uptimeSeconds: Date().timeIntervalSince(started), components: components)
    }

    func readiness() async -> ReadyResource {
        let storage = await storageHealth()
        let polled = dependencies.status?.firstPollsDone ?? true
        let ready = storage.status == .ok && polled
        var detail: String?
        if storage.status != .ok { detail = "storage: \(storage.detail ?? "not answering")" } else if !polled { detail = "waiting for the first poll of every device" }
        return ReadyResource(status: ready ? "ready" : "not ready", time: Date(), storage: storage.status == .ok, firstPollsDone: polled, detail: detail)
    }

    func stats() async throws -> StatsResource {
        let statistics = try await storageStatistics()
        return StatsResource(
            uptimeSeconds: Date().timeIntervalSince(started),
            requests: requests.load(ordering: .relaxed),
            liveClients: liveClients.load(ordering: .relaxed),
            devices: try await store.devices().count,
            series: statistics.series,
            points: statistics.points,
            bytesOnDisk: statistics.bytesOnDisk,
            oldest: statistics.oldest,
            newest: statistics.newest,
            pollers: dependencies.status?.devices() ?? [],
            sinks: dependencies.status?.sinks() ?? [],
            connections: connections.statistics,
            energy: dependencies.energy?.statistics
        )
    }
}
