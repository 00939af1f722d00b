import Foundation

/// What the soak's clients do and where to: everything `SoakLoad` needs, so the clients can run in
/// a process of their own (`heliograph bench soak-load --load-plan JSON`) and the soak's
/// measurements see the daemon alone.
public struct SoakLoadPlan: Sendable, Hashable, Codable {
    /// The daemon's web server on 127.0.0.1.
    public var port: Int
    /// The broker the daemon publishes to; nil: no MQTT observer.
    public var brokerPort: Int?
    public var topicPrefix: String
    /// Series the history queries ask for (`device/field`).
    public var series: [String]
    /// Simulated time: where it starts, how fast it runs, and the wall-clock moment it began.
    public var start: Date
    public var speed: Double
    public var began: Date
    public var httpClients: Int
    /// Pause of each HTTP client between two requests.
    public var httpPauseMilliseconds: Int
    public var liveClients: Int

    /// The simulated clock as it runs in the soak (the wall clock carries it into another process;
    /// the history queries only need it to the second).
    func simulatedTime() -> SimulatedTime {
        SimulatedTime(start: start, speed: speed, runningFor: Date().timeIntervalSince(began))
    }
}

/// What the soak's clients got so far: counted in the process they run in, reported to the soak.
public struct SoakLoadCounts: Sendable, Hashable, Codable {
    public var httpRequests = 0
    public var httpErrors = 0
    /// Messages the WebSocket clients received, and connections they opened.
    public var liveMessages = 0
    public var liveConnections = 0
    /// Messages the MQTT observer received from the broker.
    public var mqttMessages = 0
    /// The first failure of each client kind.
    public var firstErrors: [String: String] = [:]

    public init() {}
}
