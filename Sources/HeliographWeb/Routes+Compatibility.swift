import Foundation
import HeliographCore
import Hummingbird

/// One PV input (string or micro-inverter port) of an inverter.
struct PortResource: Codable, Sendable {
    var inverter: String
    var port: Int
    var values: [String: Double]
}

struct InverterResource: ResponseEncodable {
    var serial: String
    var device: String
    var name: String
    var kind: String
    var model: String
    var lastSeen: Date
    var powerW: Double?
    var energyTodayKwh: Double?
    var values: [String: FieldValue]
}

struct DataResource: ResponseEncodable {
    var timestamp: Date?
    var flow: PowerFlow
    var devices: [String: [String: FieldValue]]
}

struct HistoricalResource: ResponseEncodable {
    var hours: Int
    var step: String
    var series: [SeriesResource]
}

struct HouseResource: ResponseEncodable {
    var sensors: [SampleResource]
    var weather: [SampleResource]
}

struct ProductionResource: ResponseEncodable {
    var timestamp: Date?
    var powerW: Double
    var energyTodayKwh: Double
    var inverters: Int
}

struct InverterHistoryResource: ResponseEncodable {
    var serial: String
    var rows: [[String: Double]]
}

struct AcceptedResource: ResponseEncodable {
    var status: String
    var message: String
}

/// The endpoints of the systems Heliograph replaces, answering from the same store, so existing
/// scripts and dashboards keep working. Newer clients should use `/api/v1`.
extension WebAPI {
    static let houseKinds: Set<String> = ["sensor", "weather", "house"]

    func addCompatibilityRoutes(to router: Router<WebRequestContext>) {
        router.get("/api/data") { _, _ in
            let latest = try await self.latestReadings()
            return DataResource(
                timestamp: latest.map(\.readings.time).max(),
                flow: PowerFlow(latest: latest.map(\.readings.sample)),
                devices: Dictionary(uniqueKeysWithValues: latest.map { ($0.descriptor.id.rawValue, SampleResource($0.readings, descriptor: $0.descriptor).values) })
            )
        }
        router.get("/api/historical") { request, _ in
            let hours = try QueryParameters(request).int("hours", default: 24, range: 1...8_784)
            let now = Date()
            let summary: Set<FieldID> = [CommonFields.pvPower.id, CommonFields.batterySOC.id, CommonFields.batteryPower.id, CommonFields.gridPower.id, CommonFields.loadPower.id]
            let keys = try await self.store.series().filter { summary.contains($0.field) }.prefix(HistoryQuery.maxSeries)
            let from = now.addingTimeInterval(-Double(hours) * 3_600)
            let query = HistoryQuery(series: Array(keys), from: from, to: now, step: .rollup(Rollup.suitable(from: from, to: now, points: 300)))
            let history = keys.isEmpty ? HistoryResource(from: query.from, to: now, step: query.step.name, series: []) : try await self.history(query)
            return HistoricalResource(hours: hours, step: history.step, series: history.series)
        }
        router.post("/api/command") { request, context -> Response in
            let caller = try context.requireCaller()
            let command = try await request.decode(as: CommandRequest.self, context: context)
            return Self.json(try await self.submit(command, caller: caller))
        }
        router.post("/api/refresh") { _, context -> Response in
            // Polling out of schedule loads the devices' links: the same credentials as a command.
            _ = try context.requireCaller(for: "asking for a poll")
            guard let refresh = self.dependencies.refresh else {
                return Self.json(AcceptedResource(status: "ignored", message: "this server polls on its own schedule only"))
            }
            let devices = await refresh()
            let message = devices == 1 ? "a poll of 1 device was requested" : "a poll of \(devices) devices was requested"
            return Self.json(AcceptedResource(status: "accepted", message: message))
        }
        router.get("/api/house") { _, _ in
            let devices = try await self.store.devices()
            var sensors: [SampleResource] = []
            var weather: [SampleResource] = []
            for device in devices where Self.houseKinds.contains(device.descriptor.kind) {
                guard let readings = try await self.store.latestReadings(device: device.descriptor.id) else { continue }
                let resource = SampleResource(readings, descriptor: device.descriptor)
                if device.descriptor.kind == "weather" { weather.append(resource) } else { sensors.append(resource) }
            }
            return HouseResource(sensors: sensors, weather: weather)
        }
        router.get("/api/inverters") { _, _ in try await self.inverters() }
        router.get("/api/inverters/{serial}") { _, context in
            try await self.inverter(context.parameters.require("serial"))
        }
        router.get("/api/inverters/{serial}/history") { request, context in
            let inverter = try await self.inverter(context.parameters.require("serial"))
            let limit = try QueryParameters(request).int("limit", default: 100, range: 1...10_000)
            return InverterHistoryResource(serial: inverter.serial, rows: try await self.recentRows(DeviceID(inverter.device), limit: limit))
        }
        router.get("/api/inverters/{serial}/ports") { _, context in
            let inverter = try await self.inverter(context.parameters.require("serial"))
            return Self.ports(inverter)
        }
        router.get("/api/ports") { _, _ in
            try await self.inverters().flatMap(Self.ports)
        }
        router.get("/api/production/current") { _, _ in
            let inverters = try await self.inverters()
            return ProductionResource(
                timestamp: inverters.map(\.lastSeen).max(),
                powerW: inverters.compactMap(\.powerW).reduce(0, +),
                energyTodayKwh: inverters.compactMap(\.energyTodayKwh).reduce(0, +),
                inverters: inverters.count
            )
        }
    }

    /// Devices that produce PV power, newest values included.
    func inverters() async throws -> [InverterResource] {
        var result: [InverterResource] = []
        for device in try await store.devices() where !Self.houseKinds.contains(device.descriptor.kind) {
            let sample = try await store.latest(device: device.descriptor.id)
            let hasPV = device.descriptor.fields.contains { $0.id == CommonFields.pvPower.id || Self.portNumber($0.id.rawValue) != nil }
            guard hasPV else { continue }
            let descriptor = device.descriptor
            result.append(
                InverterResource(
                    serial: descriptor.serial ?? descriptor.id.rawValue,
                    device: descriptor.id.rawValue,
                    name: descriptor.name,
                    kind: descriptor.kind,
                    model: descriptor.model,
                    lastSeen: device.lastSeen,
                    powerW: sample.flatMap { $0.number(CommonFields.pvPower.id) ?? PowerFlow.sumOfStrings($0) },
                    energyTodayKwh: sample?.number(CommonFields.pvEnergyToday.id),
                    values: sample.map { SampleResource($0, descriptor: descriptor).values } ?? [:]
                )
            )
        }
        return result
    }

    func inverter(_ serial: String) async throws -> InverterResource {
        guard let found = try await inverters().first(where: { $0.serial == serial || $0.device == serial }) else {
            throw HeliographError(.notFound, "no inverter with serial \(serial)")
        }
        return found
    }

    /// Fields `pv<N>_…` or `port<N>_…` grouped by N.
    static func ports(_ inverter: InverterResource) -> [PortResource] {
        var ports: [Int: [String: Double]] = [:]
        for (field, value) in inverter.values {
            guard let (number, rest) = portNumber(field), let numeric = value.numeric else { continue }
            ports[number, default: [:]][rest] = numeric
        }
        return ports.keys.sorted().map { PortResource(inverter: inverter.serial, port: $0, values: ports[$0] ?? [:]) }
    }

    /// `pv2_power_w` → (2, `power_w`); `port1_voltage_v` → (1, `voltage_v`).
    static func portNumber(_ field: String) -> (Int, String)? {
        for prefix in ["pv", "port"] where field.hasPrefix(prefix) {
            let tail = field.dropFirst(prefix.count)
            let digits = tail.prefix { $0.isNumber }
            guard !digits.isEmpty, let number = Int(digits), tail.dropFirst(digits.count).first == "_" else { continue }
            return (number, String(tail.dropFirst(digits.count + 1)))
        }
        return nil
    }

    /// The last `limit` raw rows of every numeric field of a device within a day, newest first.
    func recentRows(_ device: DeviceID, limit: Int) async throws -> [[String: Double]] {
        let now = Date()
        var rows: [Double: [String: Double]] = [:]
        for key in try await store.series() where key.device == device {
            for point in try await store.points(key, from: now.addingTimeInterval(-86_400), to: now.addingTimeInterval(1)) {
                let time = point.time.timeIntervalSince1970
                rows[time, default: ["time": time]][key.field.rawValue] = point.value
            }
        }
        return rows.keys.sorted(by: >).prefix(limit).compactMap { rows[$0] }
    }
}
