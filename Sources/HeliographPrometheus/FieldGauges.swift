import HeliographCore
import Prometheus
import Synchronization

import struct Foundation.Date
import struct Foundation.TimeInterval

/// The newest reading of every field as a Prometheus gauge, labelled with device and model:
/// `heliograph_battery_soc_pct{device="inverter",model="Axpert VM III"} 87`.
///
/// Runs as a sink on the sample bus, so it sees exactly what was validated and stored. Flags are
/// 0 or 1; text fields become `…_info{…,value="Battery"} 1`. A device that sends nothing for
/// `staleAfter` loses its series, so Prometheus marks them stale instead of repeating old values.
public final class FieldGauges: SampleSink, Sendable {
    public let name = "prometheus"
    public let registry: PrometheusCollectorRegistry
    public let staleAfter: TimeInterval
    /// The descriptors handed over with the samples, for model, units and names.
    private let devices: DeviceDirectory
    private let state = Mutex(State())

    private struct Series {
        var gauge: Prometheus.Gauge
        /// The text a text field's `_info` series carries in its value label.
        var text: String?
    }

    private struct DeviceSeries {
        var model: String
        var lastUpdate: Date
        var fields: [FieldID: Series] = [:]
    }

    private struct State {
        /// The first help text seen per family: the registry insists every series of a family has the same.
        var help: [String: String] = [:]
        var devices: [DeviceID: DeviceSeries] = [:]
    }

    /// - Parameters:
    ///   - registry: where the gauges live; render it with `emitToString()` or through `PrometheusExporter`.
    ///   - staleAfter: seconds without a sample after which a device's series are removed.
    ///   - devices: descriptors known up front; the others arrive with the samples (`describe`).
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), staleAfter: TimeInterval = 600, devices: [DeviceDescriptor] = []) {
        self.registry = registry
        self.staleAfter = staleAfter
        self.devices = DeviceDirectory(devices)
    }

    public func describe(_ device: DeviceDescriptor) async {
        devices.record(device)
    }

    public func write(_ samples: [Sample]) async throws {
        for sample in samples {
            let descriptor = devices[sample.device]
            state.withLock { update(&$0, sample: sample, descriptor: descriptor) }
        }
    }

    /// Removes the series of devices that sent nothing for `staleAfter`. Called before each scrape.
    public func expireStale(now: Date = Date()) {
        state.withLock { state in
            for (device, series) in state.devices where now.timeIntervalSince(series.lastUpdate) > staleAfter {
                for field in series.fields.values { registry.unregisterGauge(field.gauge) }
                state.devices[device] = nil
            }
        }
    }

    /// Devices with live series, for tests and /stats.
    public var deviceCount: Int { state.withLock { $0.devices.count } }

    private func update(_ state: inout State, sample: Sample, descriptor: DeviceDescriptor?) {
        let model = descriptor?.model ?? "unknown"
        var device = state.devices[sample.device] ?? DeviceSeries(model: model, lastUpdate: sample.time)
        if device.model != model {
            // The model is a label: series under the old one would linger beside the new ones.
            for field in device.fields.values { registry.unregisterGauge(field.gauge) }
            device = DeviceSeries(model: model, lastUpdate: sample.time)
        }
        device.lastUpdate = Date()
        let labels = [("device", sample.device.rawValue), ("model", model)]
        for (fieldID, value) in sample.values {
            let field = descriptor?.field(fieldID) ?? Self.guessDescriptor(fieldID, value)
            let family = MetricName.family(of: field)
            let help = state.help[family] ?? MetricName.help(of: field)
            state.help[family] = help
            switch value {
            case .number(let number):
                guard number.isFinite else { continue }
                gauge(&device, fieldID, family: family, labels: labels, help: help).set(to: NumberFormat.rounded(number, decimals: descriptor?.field(fieldID)?.precision))
            case .flag(let on):
                gauge(&device, fieldID, family: family, labels: labels, help: help).set(to: on ? 1 : 0)
            case .text(let text):
                if let existing = device.fields[fieldID], existing.text != text {
                    registry.unregisterGauge(existing.gauge)
                    device.fields[fieldID] = nil
                }
                let series = device.fields[fieldID]
                    ?? Series(gauge: registry.makeGauge(descriptor: .named(family, help: help), labels: labels + [("value", text)]), text: text)
                series.gauge.set(to: 1)
                device.fields[fieldID] = series
            }
        }
        state.devices[sample.device] = device
    }

    private func gauge(
        _ device: inout DeviceSeries,
        _ field: FieldID,
        family: String,
        labels: [(String, String)],
        help: String
    ) -> Prometheus.Gauge {
        if let existing = device.fields[field], existing.text == nil { return existing.gauge }
        if let existing = device.fields[field] { registry.unregisterGauge(existing.gauge) }  // was text, now a number
        let gauge = registry.makeGauge(descriptor: .named(family, help: help), labels: labels)
        device.fields[field] = Series(gauge: gauge, text: nil)
        return gauge
    }

    /// For a field the device's descriptor does not list: named after its id, typed by its value.
    private static func guessDescriptor(_ id: FieldID, _ value: FieldValue) -> FieldDescriptor {
        switch value {
        case .number: FieldDescriptor(id: id, name: id.rawValue)
        case .flag: .flag(id, id.rawValue)
        case .text: .text(id, id.rawValue, enumeration: false)
        }
    }
}
