import Foundation
import HeliographCore
import HeliographEnergy

/// The site's lifetime energy per flow as a Home Assistant device `site_energy`: one sensor per flow
/// (`sensor.heliograph_site_energy_pv_kwh` …) with device class `energy`, state class
/// `total_increasing` and unit kWh, which HA's Energy dashboard takes as they are. The values come from
/// `EnergyTotals`, so they never go backwards. They go through the MQTT sink (discovery, state,
/// per-field topics) like the daemon's diagnostics, not into the history.
public enum EnergySensors {
    public static let device: DeviceID = "site_energy"

    /// `pv_kwh`, `grid_import_kwh` …
    public static func field(_ flow: EnergyFlow) -> FieldID { FieldID("\(flow.rawValue)_kwh") }

    /// What HA's Energy dashboard calls each flow.
    static func name(_ flow: EnergyFlow) -> String {
        switch flow {
        case .pv: "Solar production"
        case .load: "Consumption"
        case .gridImport: "Grid import"
        case .gridExport: "Grid export"
        case .batteryCharge: "Battery charge"
        case .batteryDischarge: "Battery discharge"
        }
    }

    /// The device with a sensor for each of `flows` (the flows the site has data for).
    public static func descriptor(flows: [EnergyFlow]) -> DeviceDescriptor {
        let fields = flows.sorted().map { flow in
            FieldDescriptor(
                id: field(flow), name: name(flow), unit: .kilowattHour, deviceClass: .energy, stateClass: .totalIncreasing, precision: 3,
                plausibleRange: 0...Double.greatestFiniteMagnitude)
        }
        return DeviceDescriptor(kind: "heliograph-energy", id: device, name: "Site energy", manufacturer: "Heliograph", model: "Energy totals", fields: fields)
    }

    /// The lifetime totals as one sample.
    public static func sample(_ totals: EnergyTotals, time: Date) -> Sample {
        var values: [FieldID: FieldValue] = [:]
        for flow in totals.flows {
            if let total = totals.total(flow) { values[field(flow)] = .number(total) }
        }
        return Sample(device: device, time: time, values: values)
    }

    /// Announces the sensors (again when a flow appears) and publishes the totals through `sink`.
    public static func publish(_ totals: EnergyTotals, through sink: MQTTSampleSink, time: Date) async throws {
        guard !totals.flows.isEmpty else { return }
        await sink.describe(descriptor(flows: totals.flows))
        try await sink.write([sample(totals, time: time)])
    }
}
