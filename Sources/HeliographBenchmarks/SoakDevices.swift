import Foundation
import HeliographApp
import HeliographCore
import HeliographDevices
import Logging
import ServiceLifecycle
import Synchronization

/// The soak's simulated devices, on the simulated clock: PI30 inverters on pseudo-terminals and,
/// as every third device, a Hoymiles DTU (three microinverters behind it) on a TCP port.
struct SoakDevices: Sendable {
    enum Kind: Sendable, Hashable {
        case pi30(pty: String)
        case hoymiles(port: Int)
    }

    /// Device id and where to reach it, in configuration order.
    let devices: [(id: DeviceID, kind: Kind)]
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Starts `count` simulators and returns once every one is reachable.
    static func start(count: Int, time: SimulatedTime, logger: Logger) async throws -> SoakDevices {
        let addresses = Mutex<[Int: Kind]>([:])
        let (ready, readyContinuation) = AsyncStream.makeStream(of: Void.self)
        var services: [any Service] = []
        for index in 0..<count {
            if index % 3 == 2 {
                services.append(HoymilesDTUSimulator(now: { time.now() }, logger: logger) { port in
                    addresses.withLock { $0[index] = .hoymiles(port: port) }
                    readyContinuation.yield()
                })
            } else {
                services.append(PI30SimulatorService(configuration: .init(clock: { time.now() }), logger: logger) { path in
                    addresses.withLock { $0[index] = .pi30(pty: path) }
                    readyContinuation.yield()
                })
            }
        }
        let group = ServiceGroup(services: services, logger: logger)
        let expected = services.count
        let task = Task {
            defer { readyContinuation.finish() }
            try await group.run()
        }
        let started = try await withTimeout(.seconds(30), "the soak's simulators to start") { () async -> Bool in
            var count = 0
            for await _ in ready {
                count += 1
                if count == expected { return true }
            }
            return false
        }
        let known = addresses.withLock { $0 }
        guard started, known.count == count else {
            await group.triggerGracefulShutdown()
            let failure = await task.result
            throw HeliographError(.connectionFailed, "the soak's simulators did not start: \(failure)")
        }
        var pi30 = 0
        var dtu = 0
        let devices = (0..<count).map { index -> (id: DeviceID, kind: Kind) in
            switch known[index]! {
            case .pi30(let pty):
                pi30 += 1
                return (DeviceID("pi30-\(pi30)"), .pi30(pty: pty))
            case .hoymiles(let port):
                dtu += 1
                return (DeviceID("dtu-\(dtu)"), .hoymiles(port: port))
            }
        }
        return SoakDevices(devices: devices, group: group, task: task)
    }

    /// The devices as configuration, polled every `interval` of real time.
    func configurations(interval: Duration) -> [DeviceConfiguration] {
        devices.map { device in
            switch device.kind {
            case .pi30(let pty):
                DeviceConfiguration(id: device.id, type: "pi30", interval: interval, timeout: .seconds(5), options: PI30Options(port: pty))
            case .hoymiles(let port):
                DeviceConfiguration(id: device.id, type: "hoymiles", interval: interval, timeout: .seconds(5), options: HoymilesOptions(host: "127.0.0.1", port: port))
            }
        }
    }

    /// Series for the history queries: PV power and battery voltage of the first two PI30s.
    var historySeries: [String] {
        devices.filter { if case .pi30 = $0.kind { true } else { false } }.prefix(2).flatMap { device in
            [CommonFields.pvPower.id, CommonFields.batteryVoltage.id].map { "\(device.id)/\($0)" }
        }
    }

    /// Stops the simulators and waits for them.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
