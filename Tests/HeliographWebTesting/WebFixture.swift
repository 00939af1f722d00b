import Foundation
import HeliographControl
import HeliographCore
import HeliographTesting
import HeliographWeb
import Logging

import Hummingbird
import HummingbirdTesting

/// A store with an inverter (PV, battery, grid, load), a weather station, and a controllable
/// inverter behind a gate; plus one API token and one user.
public struct WebFixture: Sendable {
    public static let token = "test-token-0123456789abcdef"
    public static let passwordHash = PasswordHash.make("sunshine", cost: 4)
    public static let now = Date()

    public let store = InMemorySampleStore()
    public let feed = BroadcastLiveFeed()
    public let audit = InMemoryAuditLog()
    public let driver = RecordingSettingsDriver()
    public let server: WebServer

    public init(
        openReading: Bool = true,
        port: Int = 0,
        refresh: (@Sendable () async -> Int)? = nil,
        limits: ConnectionLimits = ConnectionLimits(),
        allowedOrigins: [String] = [],
        logger: Logger = Logger(label: "heliograph.web"),
        loginLimits: LoginLimiter.Limits = .init(),
        passwordChecks: PasswordCheckThreads.Limits = .init(),
        passwordHash: String = Self.passwordHash,
        sessionsFile: String? = nil,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let inverter = DeviceDescriptor(
            kind: "pi30", id: "inv1", name: "Garage inverter", manufacturer: "Voltronic", model: "Axpert", serial: "9231",
            fields: [CommonFields.pvPower, CommonFields.batterySOC, CommonFields.batteryPower, CommonFields.gridPower, CommonFields.loadPower,
                     .measurement("pv1_power_w", "PV1 power", .watt), .measurement("pv2_power_w", "PV2 power", .watt), CommonFields.operatingMode]
        )
        let weather = DeviceDescriptor(kind: "weather", id: "weather", manufacturer: "Open-Meteo", model: "forecast",
                                       fields: [.measurement("outdoor_temperature_c", "Outdoor temperature", .celsius)])
        try await store.register(inverter)
        try await store.register(weather)
        var samples: [Sample] = []
        // Two hours at one sample a minute, ending a minute ago.
        for minute in 0..<120 {
            let time = Self.now.addingTimeInterval(Double(minute - 120) * 60)
            samples.append(Sample(device: "inv1", time: time, values: [
                "pv_power_w": .number(Double(1_000 + minute)), "battery_soc_pct": .number(50 + Double(minute) / 10),
                "battery_power_w": .number(300), "grid_power_w": .number(-200), "load_power_w": .number(500),
                "pv1_power_w": .number(600), "pv2_power_w": .number(400 + Double(minute)), "operating_mode": .text("Battery"),
            ]))
        }
        samples.append(Sample(device: "weather", time: Self.now.addingTimeInterval(-30), values: ["outdoor_temperature_c": 11.5]))
        try await store.write(samples)
        // As the issue found a real inverter: sbu / 30 A / buzzer on, read 12 s ago (the page must show these, not the minimum).
        driver.readings.record(["output_source_priority": .choice("sbu"), "max_charge_current": .number(30), "buzzer": .toggle(true)], at: Self.now.addingTimeInterval(-12))
        let gate = CommandGate(drivers: ["inv1": driver], audit: audit, configuration: .init(rateLimit: .init(burst: 50, interval: 1)))
        server = try WebServer(
            configuration: WebConfiguration(
                host: "127.0.0.1", port: port, openReading: openReading, sessionsFile: sessionsFile,
                credentials: Credentials(tokens: ["ci": Self.token], users: ["alice": passwordHash]),
                limits: limits, allowedOrigins: allowedOrigins,
                loginLimits: loginLimits, passwordChecks: passwordChecks
            ),
            dependencies: WebDependencies(store: store, feed: feed, gate: gate, audit: audit, refresh: refresh),
            logger: logger,
            onServerRunning: onServerRunning
        )
    }
}

extension TestClientProtocol {
    /// GET/POST returning status and parsed JSON (nil when the body is not JSON).
    public func json(
        _ uri: String,
        method: HTTPRequest.Method = .get,
        headers: HTTPFields = [:],
        body: String? = nil
    ) async throws -> (status: HTTPResponse.Status, json: Any?, text: String, headers: HTTPFields) {
        var headers = headers
        if body != nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            let text = String(decoding: response.body.readableBytesView, as: UTF8.self)
            return (response.status, try? JSONSerialization.jsonObject(with: Data(text.utf8)), text, response.headers)
        }
    }
}

/// The header that authenticates as the fixture's API token.
public let bearer: HTTPFields = [.authorization: "Bearer \(WebFixture.token)"]
