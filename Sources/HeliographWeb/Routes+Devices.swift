import Foundation
import HeliographCore
import Hummingbird

extension WebAPI {
    func addDeviceRoutes(to router: Router<WebRequestContext>) {
        router.get("/api/v1/devices") { _, _ in
            try await self.store.devices().map(self.resource)
        }
        router.get("/api/v1/devices/{device}") { _, context in
            self.resource(try await self.registered(try context.parameters.device()))
        }
        router.get("/api/v1/devices/{device}/latest") { _, context in
            let device = try context.parameters.device()
            guard let sample = try await self.store.latest(device: device) else {
                _ = try await self.registered(device)
                throw HeliographError(.notFound, "device \(device) has no data yet")
            }
            return SampleResource(sample)
        }
        router.get("/api/v1/latest") { _, _ in
            try await self.latestSamples().map(SampleResource.init)
        }
        router.get("/api/v1/flow") { _, _ in
            PowerFlow(latest: try await self.latestSamples())
        }
        router.get("/api/v1/stats") { _, _ in try await self.stats() }
        router.get("/stats") { _, _ in try await self.stats() }
        router.get("/health") { _, _ in StatusResource(status: "ok", time: Date()) }
        router.get("/ready") { _, _ -> Response in
            do {
                _ = try await self.store.statistics()
                return Self.json(StatusResource(status: "ready", time: Date()))
            } catch {
                return Self.json(StatusResource(status: "not ready", time: Date(), detail: "\(error)"), status: .serviceUnavailable)
            }
        }
    }

    func stats() async throws -> StatsResource {
        let statistics = try await store.statistics()
        return StatsResource(
            uptimeSeconds: Date().timeIntervalSince(started),
            requests: requests.load(ordering: .relaxed),
            liveClients: liveClients.load(ordering: .relaxed),
            devices: try await store.devices().count,
            series: statistics.series,
            points: statistics.points,
            bytesOnDisk: statistics.bytesOnDisk,
            oldest: statistics.oldest,
            newest: statistics.newest
        )
    }
}
