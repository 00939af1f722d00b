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
            let registered = try await self.registered(device)
            guard let readings = try await self.store.latestReadings(device: device) else {
                throw HeliographError(.notFound, "device \(device) has no data yet")
            }
            return SampleResource(readings, descriptor: registered.descriptor)
        }
        router.get("/api/v1/latest") { _, _ in
            try await self.latestReadings().map { SampleResource($0.readings, descriptor: $0.descriptor) }
        }
        router.get("/api/v1/flow") { _, _ in
            PowerFlow(latest: try await self.latestSamples())
        }
    }
}
