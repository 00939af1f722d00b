import HeliographCore
import Logging

/// What `heliograph demo` runs.
public struct DemoOptions: Sendable {
    /// Where the database goes; nil makes a new temporary directory.
    public var dataDirectory: String?
    public var inverters: Int
    public var interval: Duration
    /// Stop after this long; nil runs until SIGINT/SIGTERM.
    public var duration: Duration?
    /// Front ends (web UI) to start with the demo. The web engineer plugs the HTTP server in here.
    public var frontEnds: FrontEndFactory?

    public init(dataDirectory: String? = nil, inverters: Int = 1, interval: Duration = .seconds(2), duration: Duration? = nil, frontEnds: FrontEndFactory? = nil) {
        self.dataDirectory = dataDirectory
        self.inverters = inverters
        self.interval = interval
        self.duration = duration
        self.frontEnds = frontEnds
    }
}

/// Heliograph with no hardware: simulated inverters on ptys, real drivers, the real store.
public enum Demo {
    public static func run(_ options: DemoOptions, logger: Logger? = nil, say: @escaping @Sendable (String) -> Void) async throws {
        throw HeliographError(.deviceUnavailable, "the demo needs the PI30 simulator and the store, which are not in this build yet")
    }
}
