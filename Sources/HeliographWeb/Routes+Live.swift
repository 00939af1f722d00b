import Foundation
import HeliographCore
import Hummingbird
import HummingbirdWebSocket

/// One message on the live WebSocket.
struct LiveMessage: Encodable {
    /// `hello` once after connecting (with every device's newest values, each with its own time in
    /// `fieldTimes`), then `sample` per new sample (only the fields that sample read).
    var type: String
    var time: Date
    var sample: SampleResource?
    var samples: [SampleResource]?
    /// The site's power balance after this sample.
    var flow: PowerFlow
}

extension WebAPI {
    /// `GET /api/v1/live` upgrades to a WebSocket that pushes every new sample as it is stored.
    static let livePath = "/api/v1/live"

    func addLiveRoutes(to router: Router<WebRequestContext>) {
        router.ws(RouterPath(Self.livePath)) { request, context in
            // A page from another site must not read the feed with the visitor's session: browsers
            // always send Origin on a WebSocket, so a foreign one is refused. No Origin, or one that no
            // browser page can have (`ws://…`, which WebSocket libraries send), is not a browser.
            if let origin = request.headers[.origin], !self.acceptsOrigin(origin, host: request.head.authority) {
                context.logger.info("live WebSocket refused: foreign origin", metadata: ["http.origin": "\(origin.prefix(200))"])
                throw HTTPError(.forbidden, message: "WebSocket connections from \(origin.prefix(200)) are not allowed; add the origin to http.allowed_origins")
            }
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            self.liveClients.add(1, ordering: .relaxed)
            defer { self.liveClients.subtract(1, ordering: .relaxed) }
            // Subscribe before reading the newest values, so nothing between the two is lost.
            let stream = self.dependencies.feed.subscribe()
            let readings = (try? await self.latestReadings()) ?? []
            var latest: [DeviceID: Sample] = [:]
            var descriptors: [DeviceID: DeviceDescriptor] = [:]
            for (descriptor, reading) in readings {
                latest[reading.device] = reading.sample
                descriptors[descriptor.id] = descriptor
            }
            @Sendable func send(_ message: LiveMessage) async throws {
                try await outbound.write(.text(String(decoding: try APIJSON.encoder().encode(message), as: UTF8.self)))
            }
            try await send(
                LiveMessage(type: "hello", time: Date(), samples: readings.map { SampleResource($0.readings, descriptor: $0.descriptor) }, flow: PowerFlow(latest: Array(latest.values)))
            )
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    // The client never needs to talk; reading only notices when it goes away.
                    for try await _ in inbound {}
                }
                group.addTask { [latest, descriptors] in
                    var latest = latest
                    var descriptors = descriptors
                    for await sample in stream {
                        if descriptors[sample.device] == nil,
                           let registered = try? await self.store.devices().first(where: { $0.descriptor.id == sample.device }) {
                            descriptors[sample.device] = registered.descriptor
                        }
                        var merged = latest[sample.device] ?? Sample(device: sample.device, time: sample.time, values: [:])
                        merged.merge(sample.values)
                        merged.time = sample.time
                        latest[sample.device] = merged
                        try await send(LiveMessage(type: "sample", time: Date(), sample: SampleResource(sample, descriptor: descriptors[sample.device]), flow: PowerFlow(latest: Array(latest.values))))
                    }
                }
                _ = try await group.next()
                group.cancelAll()
            }
            context.logger.debug("live client left")
        }
    }
}

extension WebAPI {
    /// Same origin (the `Origin` names the host and port the request was sent to) or listed in
    /// `http.allowed_origins`; compared without case, as browsers normalise both.
    func acceptsOrigin(_ origin: String, host: String?) -> Bool {
        let origin = origin.lowercased()
        // A browser page's origin is http(s)://host[:port], or "null" for sandboxed and file pages.
        guard origin == "null" || origin.hasPrefix("http://") || origin.hasPrefix("https://") else { return true }
        if configuration.allowedOrigins.contains(where: { $0.lowercased() == origin }) { return true }
        guard let host = host?.lowercased(), !host.isEmpty else { return false }
        return origin == "http://\(host)" || origin == "https://\(host)"
    }
}
