import Foundation

/// The broker a whole test process shares: the one scripts/test.sh started when
/// `HELIOGRAPH_TEST_MQTT` names it, else one started on first use.
extension Mosquitto {
    /// `HELIOGRAPH_TEST_MQTT=127.0.0.1:port`: the broker scripts/test.sh started for every test process.
    static let outside: Int? = {
        guard let address = ProcessInfo.processInfo.environment["HELIOGRAPH_TEST_MQTT"], !address.isEmpty else { return nil }
        guard address.hasPrefix("127.0.0.1:"), let port = Int(address.dropFirst("127.0.0.1:".count)) else {
            fatalError("HELIOGRAPH_TEST_MQTT must be 127.0.0.1:<port> (loopback only); got '\(address)'")
        }
        return port
    }()

    /// Tests needing mosquitto run when it is installed or given, and always under CI (where they fail loudly if it is not).
    public static let isUsable = executable != nil || outside != nil || isCI

    /// One broker for the whole test process (anonymous, no persistence, never stopped): others use
    /// it too, so a test keeps to topics and client ids of its own.
    public static func shared() async throws -> Mosquitto {
        try await SharedBroker.instance.value
    }

    /// A first topic level no other test uses (`<name>-<random>`): tests on the shared broker keep
    /// their topics under it (and their client ids unique), so they neither see nor disturb each other.
    public static func uniqueTopicPrefix(_ name: String = "test") -> String {
        "\(name)-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
    }

    private enum SharedBroker {
        static let instance = Task<Mosquitto, any Error> {
            if let port = outside { return Mosquitto(port: port, directory: nil, configFile: nil) }
            return try await start(supervised: true)
        }
    }
}
