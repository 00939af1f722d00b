import HeliographCore
import HeliographPipeline
import Logging

/// Names the concrete driver for each configured device. Only the composition root does this.
enum DriverFactory {
    static func makeDevice(_ device: DeviceConfiguration, logger: Logger) throws -> PolledDevice {
        switch device.options {
        case .pi30(let options):
            // Replaced by PI30Driver when HeliographDrivers lands on main.
            throw HeliographError(.invalidConfiguration, "this build has no PI30 driver yet (port \(options.port))", device: device.id)
        }
    }
}
