import Foundation
import HeliographCore
import HeliographMQTT
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Plays a Powervault P3's M4 controller: publishes realistic, changing P3 messages on
/// `pv/PV3/<device id>/...` through an MQTT publisher every `interval`, until shutdown.
public final class PowervaultSimulator: Service {
    public struct Configuration: Sendable, Hashable {
        /// The P3's id in its topics, e.g. `PV001001DEV`.
        public var deviceID: String
        /// Time between rounds of messages.
        public var interval: Duration
        /// Simulated seconds per real second (60 = a day in 24 minutes).
        public var timeScale: Double
        /// Simulated local clock at start-up, as seconds after midnight (17:00: the battery covers the evening).
        public var startSecondOfDay: Double
        /// Every this many rounds, also publish a payload the P3 never sends (for robustness tests); 0 never.
        public var garbageEvery: Int

        public init(deviceID: String = "PV001001DEV", interval: Duration = .seconds(2), timeScale: Double = 1, startSecondOfDay: Double = 17 * 3_600, garbageEvery: Int = 0) {
            self.deviceID = deviceID
            self.interval = interval
            self.timeScale = timeScale
            self.startSecondOfDay = startSecondOfDay
            self.garbageEvery = garbageEvery
        }
    }

    public let configuration: Configuration
    private let publisher: any MQTTPublisher
    private let logger: Logger
    private let completedRounds = Atomic<Int>(0)

    public init(publisher: any MQTTPublisher, configuration: Configuration = Configuration(), logger: Logger = Logger(label: "heliograph.simulator.powervault")) {
        self.publisher = publisher
        self.configuration = configuration
        self.logger = logger
    }

    /// Rounds published so far.
    public var rounds: Int { completedRounds.load(ordering: .relaxed) }

    public func run() async throws {
        var plant = PowervaultSimulatedPlant()
        let root = "pv/PV3/\(configuration.deviceID)"
        let clock = ContinuousClock()
        let started = clock.now
        var last = started
        var round = 0
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        let midnight = Calendar(identifier: .gregorian).startOfDay(for: Date())
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let now = clock.now
            let simulated = configuration.startSecondOfDay + Self.seconds(now - started) * configuration.timeScale
            plant.step(seconds: max(1, Self.seconds(now - last) * configuration.timeScale), secondOfDay: simulated)
            last = now
            round += 1
            var messages = plant.messages(localTime: formatter.string(from: midnight.addingTimeInterval(simulated)))
            if configuration.garbageEvery > 0, round % configuration.garbageEvery == 0 {
                messages.append(("bms/soc", "{\"StateOfCharge\": oops"))
                messages.append(("inverter/measurements", "\"just a string\""))
            }
            do {
                for (suffix, payload) in messages {
                    try await publisher.publish(topic: "\(root)/\(suffix)", payload: ByteBuffer(string: payload), qos: .atLeastOnce, retain: false)
                }
                completedRounds.wrappingAdd(1, ordering: .relaxed)
            } catch {
                logger.warning("Publishing simulated P3 messages failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.configuration.interval) }
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
