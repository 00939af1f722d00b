import CoreMetrics
import Foundation
import HeliographCore
import HeliographPrometheus
import HeliographTesting
import Prometheus
import Testing

@Suite struct PrometheusTests {
    static let inverter = DeviceDescriptor(
        kind: "pi30", id: "inv1", manufacturer: "Voltronic", model: "Axpert VM III",
        fields: [CommonFields.batterySOC, CommonFields.pvPower, .flag("charging", "Charging"), CommonFields.operatingMode,
                 .measurement("pv1_power_w", "PV1 power", .watt), FieldDescriptor(id: "odd-name.x", name: "Odd \"quoted\" name", unit: .volt)]
    )

    static func gauges(staleAfter: TimeInterval = 600) -> FieldGauges {
        FieldGauges(staleAfter: staleAfter, devices: [inverter])
    }

    @Test func namesAreSanitisedAndCarryTheUnit() {
        #expect(MetricName.sanitize("heliograph.poll.total") == "heliograph_poll_total")
        #expect(MetricName.sanitize("9lives--x__") == "_9lives_x")
        #expect(MetricName.sanitize("ümlaut") == "mlaut")
        #expect(MetricName.family(of: CommonFields.batterySOC) == "heliograph_battery_soc_pct")
        #expect(MetricName.family(of: FieldDescriptor(id: "odd-name.x", name: "x", unit: .volt)) == "heliograph_odd_name_x_v")
        #expect(MetricName.family(of: CommonFields.operatingMode) == "heliograph_operating_mode_info")
        #expect(MetricName.labelName("http.method") == "http_method")
        #expect(MetricName.family(of: .measurement("run_time_s", "Run time", .second)) == "heliograph_run_time_seconds")
    }

    @Test func fieldsBecomeGaugesWithDeviceAndModelLabels() async throws {
        let gauges = Self.gauges()
        try await gauges.write([
            Sample(device: "inv1", time: Date(), values: [
                "battery_soc_pct": 87, "pv_power_w": 1_234.5, "charging": true, "operating_mode": "Battery", "odd-name.x": 12,
            ])
        ])
        let text = gauges.registry.emitToString()
        #expect(text.contains(#"heliograph_battery_soc_pct{device="inv1",model="Axpert VM III"} 87.0"#), "\(text)")
        // Rounded to the field's resolution (whole watts), as every number Heliograph gives out.
        #expect(text.contains(#"heliograph_pv_power_w{device="inv1",model="Axpert VM III"} 1235.0"#))
        #expect(text.contains(#"heliograph_charging{device="inv1",model="Axpert VM III"} 1.0"#))
        #expect(text.contains(#"heliograph_operating_mode_info{device="inv1",model="Axpert VM III",value="Battery"} 1.0"#))
        #expect(text.contains(#"heliograph_odd_name_x_v{device="inv1",model="Axpert VM III"} 12.0"#))
        #expect(text.contains("# HELP heliograph_battery_soc_pct Battery state of charge (%), last reading"))
        #expect(text.contains("# TYPE heliograph_battery_soc_pct gauge"))
    }

    @Test func aChangedTextReplacesItsSeriesAndNumbersFollowTheLatestSample() async throws {
        let gauges = Self.gauges()
        try await gauges.write([Sample(device: "inv1", time: Date(), values: ["operating_mode": "Battery", "battery_soc_pct": 50])])
        try await gauges.write([Sample(device: "inv1", time: Date(), values: ["operating_mode": "Line", "battery_soc_pct": 51])])
        let text = gauges.registry.emitToString()
        #expect(text.contains(#"value="Line"} 1.0"#))
        #expect(!text.contains(#"value="Battery""#))
        #expect(text.contains(#"heliograph_battery_soc_pct{device="inv1",model="Axpert VM III"} 51.0"#))
    }

    @Test func anUnknownDeviceIsStillExportedUnderModelUnknown() async throws {
        let gauges = Self.gauges()
        try await gauges.write([Sample(device: "mystery", time: Date(), values: ["grid_voltage_v": 231, "text_thing": "a\"b\\c\nd"])])
        let text = gauges.registry.emitToString()
        #expect(text.contains(#"heliograph_grid_voltage_v{device="mystery",model="unknown"} 231.0"#))
        #expect(text.contains(#"value="a\"b\\c\nd"} 1.0"#), "label values are escaped: \(text)")
    }

    @Test("a device described after its first samples is exported under its model from then on, the unknown series gone")
    func aDescriptorHandedOverLaterRelabels() async throws {
        let gauges = FieldGauges(staleAfter: 600)
        try await gauges.write([Sample(device: "inv1", time: Date(), values: ["battery_soc_pct": 50])])
        #expect(gauges.registry.emitToString().contains(#"heliograph_battery_soc_pct{device="inv1",model="unknown"} 50.0"#))
        await gauges.describe(Self.inverter)
        try await gauges.write([Sample(device: "inv1", time: Date(), values: ["battery_soc_pct": 51])])
        let text = gauges.registry.emitToString()
        #expect(text.contains(#"heliograph_battery_soc_pct{device="inv1",model="Axpert VM III"} 51.0"#))
        #expect(!text.contains(#"model="unknown""#), "\(text)")
    }

    @Test func aSilentDeviceLosesItsSeries() async throws {
        let gauges = Self.gauges(staleAfter: 60)
        try await gauges.write([Sample(device: "inv1", time: Date(), values: ["battery_soc_pct": 87])])
        gauges.expireStale(now: Date().addingTimeInterval(30))
        #expect(gauges.registry.emitToString().contains("heliograph_battery_soc_pct{"))
        gauges.expireStale(now: Date().addingTimeInterval(120))
        #expect(!gauges.registry.emitToString().contains("heliograph_battery_soc_pct{"))
        #expect(gauges.deviceCount == 0)
    }

    @Test func swiftMetricsInstrumentsGetPrometheusNamesAndHelp() {
        let registry = PrometheusCollectorRegistry()
        let bridge = PrometheusBridge(registry: registry)
        CoreMetrics.Counter(label: "heliograph.poll.total", dimensions: [("device", "inv1")], factory: bridge).increment(by: 3)
        CoreMetrics.Counter(label: "heliograph.samples.discarded", dimensions: [("device", "inv1"), ("reason", "soc_jump")], factory: bridge).increment()
        CoreMetrics.Timer(label: "heliograph.poll.duration", dimensions: [("device", "inv1")], factory: bridge).recordMilliseconds(120)
        CoreMetrics.Counter(label: "some.library.events", dimensions: [("http.method", "GET")], factory: bridge).increment()
        let text = registry.emitToString()
        #expect(text.contains(#"heliograph_polls_total{device="inv1"} 3"#), "\(text)")
        #expect(text.contains("# HELP heliograph_polls_total Polls attempted, by device"))
        #expect(text.contains(#"heliograph_samples_discarded_total{device="inv1",reason="soc_jump"} 1"#))
        #expect(text.contains("# TYPE heliograph_poll_duration_seconds histogram"))
        #expect(text.contains(#"heliograph_poll_duration_seconds_bucket{device="inv1",le="0.25"} 1"#))
        #expect(text.contains(#"some_library_events_total{http_method="GET"} 1"#))
    }

    /// A full exposition as `/metrics` serves it, checked by Prometheus's own linter.
    @Test(.enabled(if: Promtool.path != nil || isCI, "needs promtool (Debian prometheus; scripts/test-deps.d/observability.sh)"))
    func promtoolAcceptsTheExposition() async throws {
        let promtool = try #require(Promtool.path, "promtool missing: run scripts/test-deps.d/observability.sh")
        let exporter = try await Self.exporter()
        let exposition = await exporter.exposition()
        let (status, output) = try await Promtool.check(exposition, promtool: promtool)
        #expect(status == 0, "promtool check metrics:\n\(output)\n--- exposition ---\n\(String(decoding: exposition, as: UTF8.self))")
    }

    @Test func exporterAddsBuildInfoUptimeDevicesAndStore() async throws {
        let exporter = try await Self.exporter()
        let text = String(decoding: await exporter.exposition(), as: UTF8.self)
        #expect(text.contains(#"heliograph_build_info{version="9.9.9",swift="#))
        #expect(text.contains("heliograph_uptime_seconds "))
        #expect(text.contains(#"heliograph_device_up{device="inv1"} 1.0"#))
        #expect(text.contains(#"heliograph_device_up{device="inv2"} 0.0"#))
        #expect(text.contains("heliograph_store_size_bytes 4096.0"))
        #expect(text.contains("heliograph_store_up 1.0"))
        #expect(text.contains(#"heliograph_battery_soc_pct{device="inv1",model="Axpert VM III"} 87.0"#))
    }

    /// An exporter with one of each kind of family, as the daemon builds it.
    static func exporter() async throws -> PrometheusExporter {
        let registry = PrometheusCollectorRegistry()
        let bridge = PrometheusBridge(registry: registry)
        for device in ["inv1", "inv2"] {
            CoreMetrics.Counter(label: "heliograph.poll.total", dimensions: [("device", device)], factory: bridge).increment(by: 5)
            CoreMetrics.Counter(label: "heliograph.poll.failures", dimensions: [("device", device)], factory: bridge).increment()
            CoreMetrics.Gauge(label: "heliograph.poll.success", dimensions: [("device", device)], factory: bridge).record(1)
            CoreMetrics.Timer(label: "heliograph.poll.duration", dimensions: [("device", device)], factory: bridge).recordMilliseconds(42)
        }
        CoreMetrics.Counter(label: "heliograph.samples.discarded", dimensions: [("device", "inv1"), ("reason", "out_of_range")], factory: bridge).increment()
        CoreMetrics.Counter(label: "heliograph.sink.dropped", dimensions: [("sink", "sqlite")], factory: bridge).increment(by: 0)
        CoreMetrics.Counter(label: "heliograph.sink.written", dimensions: [("sink", "sqlite")], factory: bridge).increment(by: 10)
        CoreMetrics.Counter(label: "heliograph.sink.write_errors", dimensions: [("sink", "sqlite")], factory: bridge).increment(by: 0)
        CoreMetrics.Timer(label: "heliograph.store.query.duration", dimensions: [("operation", "points")], factory: bridge).recordMilliseconds(3)
        let fields = gauges()
        try await fields.write([
            Sample(device: "inv1", time: Date(), values: [
                "battery_soc_pct": 87, "pv_power_w": 1_234.5, "charging": false, "operating_mode": "Battery", "pv1_power_w": 600, "odd-name.x": 1,
            ])
        ])
        var online = DeviceStatus(device: "inv1")
        online.availability = .online
        online.lastSuccess = Date()
        var unavailable = DeviceStatus(device: "inv2")
        unavailable.availability = .unavailable
        return PrometheusExporter(instruments: registry, fields: fields, build: .init(version: "9.9.9")) { [online, unavailable] in
            PrometheusExporter.Snapshot(
                devices: [online, unavailable],
                store: StoreStatistics(bytesOnDisk: 4_096, series: 6, points: 600, oldest: nil, newest: nil)
            )
        }
    }
}
