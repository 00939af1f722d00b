import Foundation
import HeliographCore
import HeliographDevices
import HeliographTesting
import Hummingbird
import HummingbirdTesting
import Testing

/// The Open-Meteo answers the weather codec's own tests read (Tests/HeliographWeatherTests/Fixtures).
private func weatherFixture(_ name: String) throws -> ByteBuffer {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("HeliographWeatherTests/Fixtures/\(name)")
    return ByteBuffer(data: try Data(contentsOf: url))
}

extension FamilyHarness {
    /// Open-Meteo has no simulator: a local HTTP server answers `/v1/forecast` with a recorded answer
    /// (or a truncated one); the silent device is a TCP port that never answers.
    static let openMeteo = FamilyHarness { behaviour, body in
        let context = DeviceContext(siteLatitude: 51.5, siteLongitude: -0.12, logger: quietLogger)
        let device = { @Sendable (port: Int) in
            DeviceFamily.openMeteo.configuration(id: "weather-under-test", options: OpenMeteoOptions(baseURL: "http://127.0.0.1:\(port)"), retry: conformanceRetry)
        }
        switch behaviour {
        case .simulated, .garbage:
            let answer = try weatherFixture(behaviour == .simulated ? "london-unixtime.json" : "malformed-truncated.json")
            let router = Router()
            router.get("/v1/forecast") { _, _ in Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: answer)) }
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: quietLogger)
            try await app.test(.live) { client in
                try await body(device(try #require(client.port)), context)
            }
        case .silent:
            try await MisbehavingTCPServer.run(reply: nil) { try await body(device($0), context) }
        }
    }
}
