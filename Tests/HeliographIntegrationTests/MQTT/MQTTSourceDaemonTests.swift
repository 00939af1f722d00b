import Foundation
import HeliographApp
import HeliographCore
import HeliographDevices
import HeliographMQTT
import HeliographTesting
import Logging
import ServiceLifecycle
import Testing

extension BrokerSuites {
    /// MQTT as a source: the P3 simulator and paho publish to mosquitto, the daemon subscribes
    /// through its shared client and stores what it reads.
    @Suite("MQTT sources in the daemon", .enabled(if: Mosquitto.isUsable && Paho.isUsable, "needs mosquitto and paho-mqtt (scripts/test-deps.d/mqtt.sh)"))
    struct MQTTSourceDaemonTests {
        @Test("P3 simulator → mosquitto → powervault device → store; sensor topics → house device; malformed payloads counted and skipped")
        func sourcesReachTheStore() async throws {
            try await withTestResources(timeout: .seconds(120)) { resources in
                // A broker of its own: the P3's topics are fixed by its device id and the house sensors' are
                // retained, so on the shared broker they would reach (and outlive) other tests.
                let broker = try await Mosquitto.start(in: resources)
                let directory = try makeTemporaryDirectory("mqtt-sources")
                resources.onCleanup { try? FileManager.default.removeItem(at: directory) }

                // The simulated P3 has its own client, like the M4 controller; it sends garbage every other round.
                let simulatorClient = RunningClient(testConfiguration(port: broker.port, clientID: "p3-sim"), in: resources)
                let simulator = PowervaultSimulator(
                    publisher: simulatorClient.client, configuration: .init(deviceID: "PV001001DEV", interval: .milliseconds(200), garbageEvery: 2))
                let simulatorTask = Task { try await simulator.run() }
                resources.onCleanup {
                    simulatorTask.cancel()
                    _ = await simulatorTask.result
                }
                try await Paho.publish(port: broker.port, topic: "house/kitchen_temperature", payload: "21.5", retain: true)
                try await Paho.publish(port: broker.port, topic: "house/hall", payload: #"{"temperature":19.25,"humidity":55}"#, retain: true)

                let (parsed, problems) = HeliographConfiguration.parse(yaml: """
                    site: { time_zone: UTC }
                    storage: { path: \(directory.appendingPathComponent("history.sqlite").path) }
                    devices:
                      battery:
                        type: powervault
                        device_id: PV001001DEV
                        interval: 300ms
                      house:
                        type: mqtt-sensors
                        kind: house
                        topics: [house/+]
                        interval: 300ms
                    http: { enabled: false }
                    mqtt:
                      host: 127.0.0.1
                      port: \(broker.port)
                      discovery: false
                    """)
                #expect(problems.isEmpty, "\(problems)")
                let daemon = try await buildDaemon(configuration: try #require(parsed), logger: Logger(label: "mqtt-sources"))
                let daemonTask = Task { try await daemon.group.run() }
                resources.onCleanup {
                    daemonTask.cancel()
                    _ = await daemonTask.result
                }

                try await eventually(timeout: .seconds(30), "P3 and sensor samples stored") {
                    guard let battery = try await daemon.store.latest(device: "battery"), let house = try await daemon.store.latest(device: "house") else { return false }
                    return battery.number("battery_soc_pct") != nil && battery.number("grid_power_w") != nil && battery.number("battery_temperature_c") != nil
                        && house.number("hall_humidity") != nil
                }
                let battery = try #require(try await daemon.store.latest(device: "battery"))
                #expect((0...100).contains(battery.number("battery_soc_pct") ?? -1))
                #expect((40...60).contains(battery.number("battery_voltage_v") ?? 0))
                #expect((battery.number("load_power_w") ?? -1) > 0)
                // The simulated house: grid = load - battery discharge (P3 sign), i.e. load + our battery power.
                let grid = try #require(battery.number("grid_power_w")), load = try #require(battery.number("load_power_w"))
                #expect(abs(grid - (load + (battery.number("battery_power_w") ?? 0))) < 1)
                #expect(battery.values["schedule_event"] != nil)
                let house = try #require(try await daemon.store.latest(device: "house"))
                #expect(house.number("kitchen_temperature") == 21.5)
                #expect(house.number("hall_temperature") == 19.25)

                let registered = try await daemon.store.devices()
                let p3 = try #require(registered.first { $0.descriptor.id == "battery" })
                #expect(p3.descriptor.kind == "powervault-p3" && p3.descriptor.serial == "PV001001DEV")
                let sensors = try #require(registered.first { $0.descriptor.id == "house" })
                #expect(sensors.descriptor.kind == "house")
                #expect(sensors.descriptor.field("kitchen_temperature")?.unit == .celsius)

                // Garbage was counted and skipped; the device stays online.
                let driver = try #require(daemon.poller.devices.first { $0.device == "battery" }?.driver as? MQTTSourceDriver)
                try await eventually(timeout: .seconds(10), "malformed P3 payloads counted") { driver.statistics.malformed >= 2 }
                #expect(driver.statistics.received > 20)
                #expect(daemon.poller.status(of: "battery")?.availability == .online)

                // A sensor sending junk is skipped too.
                try await Paho.publish(port: broker.port, topic: "house/kitchen_temperature", payload: "{not json")
                let sensorDriver = try #require(daemon.poller.devices.first { $0.device == "house" }?.driver as? MQTTSourceDriver)
                try await eventually(timeout: .seconds(10), "malformed sensor payload counted") { sensorDriver.statistics.malformed == 1 }

                await daemon.group.triggerGracefulShutdown()
                try await daemonTask.value
            }
        }
    }
}
