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
    }
}
