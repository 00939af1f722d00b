import HeliographControl
import HeliographCore
import HeliographPipeline
import Logging

/// The daemon's one `CommandGate`, shared by every front end that changes settings (web, MQTT),
/// so they share the per-device serialisation, the rate limits and the audit log.
enum DaemonControl {
    /// A gate over every polled driver that can change settings, audited in the store.
    static func makeGate(devices: [PolledDevice], audit: any AuditLog, commandsPerMinute: Int, logger: Logger) -> CommandGate {
        var drivers: [DeviceID: any SettingsDriver] = [:]
        for device in devices {
            if let driver = device.driver as? any SettingsDriver { drivers[device.device] = driver }
        }
        return CommandGate(
            drivers: drivers,
            audit: audit,
            configuration: .init(rateLimit: .init(burst: 5, interval: 60 / Double(max(1, commandsPerMinute)))),
            logger: logger
        )
    }
}
