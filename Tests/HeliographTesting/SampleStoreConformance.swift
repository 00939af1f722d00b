import Foundation
import HeliographCore

/// One shared suite every `SampleStore` (SQLite, PostgreSQL) must pass.
///
/// Each check gets a fresh, empty store from `makeSubject` and throws `TestFailure` on the first
/// mismatch. Run them one test case each:
/// ```swift
/// @Test(arguments: SampleStoreConformance.checks.map(\.name))
/// func conformance(_ name: String) async throws {
///     try await SampleStoreConformance.run(name) { options in try makeSubject(options) }
/// }
/// ```
/// Contract the checks pin down, beyond the protocol's doc comments: times are kept to the
/// millisecond; writing the same series and time again replaces the value; `aggregates` returns
/// buckets aligned to 1970 (UTC days), from the one holding `from` to the last one starting before `to`;
/// `dailyEnergy` reports local days of the store's time zone that have a reading.
public enum SampleStoreConformance {
    /// Store settings a check needs.
    public struct Options: Sendable {
        /// Full-resolution retention in days, 0 = forever.
        public var rawRetentionDays = 0
        /// The site time zone for daily energy.
        public var timeZone = TimeZone(identifier: "Europe/Berlin")!
        public init() {}
    }

    /// A store under test plus its maintenance hook.
    public struct Subject: Sendable {
        public var store: any SampleStore & AuditLog
        /// Runs compaction, rollups and retention as of `now`.
        public var maintain: @Sendable (_ now: Date) async throws -> Void
        /// Releases the store (closes files); called after the check.
        public var close: @Sendable () async throws -> Void

        public init(
            store: any SampleStore & AuditLog,
            maintain: @escaping @Sendable (Date) async throws -> Void,
            close: @escaping @Sendable () async throws -> Void = {}
        ) {
            self.store = store
            self.maintain = maintain
            self.close = close
        }
    }

    public typealias Check = @Sendable (Subject) async throws -> Void

    /// Every check with its name and the options its store needs.
    public static let checks: [(name: String, options: Options, check: Check)] = [
        ("write and read points", Options(), writeAndReadPoints),
        ("rewriting a time replaces the value", Options(), rewriteReplaces),
        ("latest numeric, flag and text values", Options(), latestValues),
        ("latest readings keep each field's own time", Options(), latestReadingTimes),
        ("aggregates per minute, hour and day", Options(), aggregates),
        ("maintenance keeps every point and aggregate", Options(), maintenanceKeepsEverything),
        ("daily energy from a counter with resets, glitches and sleep", Options(), dailyEnergyFromCounter),
        ("daily energy from power by trapezoids with a gap cap", Options(), dailyEnergyFromPower),
        ("daily energy rejects a field without energy unit", Options(), dailyEnergyRejectsOtherUnits),
        ("device registry with first and last seen", Options(), registry),
        ("audit log newest first, by device, limited", Options(), auditLog),
        ("series and statistics", Options(), seriesAndStatistics),
        ("retention removes old points only", { var options = Options(); options.rawRetentionDays = 30; return options }(), retention),
    ]

    /// Runs the named check against a fresh subject.
    public static func run(_ name: String, makeSubject: (Options) async throws -> Subject) async throws {
        guard let entry = checks.first(where: { $0.name == name }) else { throw TestFailure("no conformance check named \(name)") }
        let subject = try await makeSubject(entry.options)
        do {
            try await entry.check(subject)
        } catch {
            try? await subject.close()
            throw error
        }
        try await subject.close()
    }

    /// Runs every check, each on a fresh subject; throws listing every failure.
    public static func runAll(makeSubject: (Options) async throws -> Subject) async throws {
        var failures: [String] = []
        for entry in checks {
            do {
                try await run(entry.name, makeSubject: makeSubject)
            } catch {
                failures.append("\(entry.name): \(error)")
            }
        }
        if !failures.isEmpty { throw TestFailure(failures.joined(separator: "\n")) }
    }

    // MARK: Fixtures

    static let device: DeviceID = "inverter-1"
    static let other: DeviceID = "battery-2"
    static let voltage: FieldID = "battery_voltage_v"
    static let power: FieldID = "pv_power_w"
    static let charging: FieldID = "charging"
    static let mode: FieldID = "device_mode"
    static let energyToday: FieldID = "pv_energy_today_kwh"

    /// Midnight in `timeZone`, `daysAgo` days before today; whole seconds.
    static func localMidnight(daysAgo: Int, in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let today = calendar.startOfDay(for: Date())
        return calendar.date(byAdding: .day, value: -daysAgo, to: today)!
    }

    static func localDay(_ date: Date, in timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    /// A start aligned to a UTC day, a few days back, so bucket arithmetic in checks is plain.
    static func alignedStart(daysAgo: Int = 3) -> Date {
        let now = Date().timeIntervalSince1970
        return Date(timeIntervalSince1970: (now / 86_400).rounded(.down) * 86_400 - Double(daysAgo) * 86_400)
    }

    static func key(_ field: FieldID, _ device: DeviceID = device) -> SeriesKey { SeriesKey(device: device, field: field) }

    static func expect(_ condition: Bool, _ message: @autoclosure () -> String, line: Int = #line) throws {
        if !condition { throw TestFailure("line \(line): \(message())") }
    }

    static func expectEqual<T: Equatable>(_ actual: T, _ expected: T, _ what: String, line: Int = #line) throws {
        if actual != expected { throw TestFailure("line \(line): \(what): expected \(expected), got \(actual)") }
    }

    static func expectClose(_ actual: Double, _ expected: Double, tolerance: Double = 1e-9, _ what: String, line: Int = #line) throws {
        if !(abs(actual - expected) <= tolerance) { throw TestFailure("line \(line): \(what): expected \(expected) ± \(tolerance), got \(actual)") }
    }

    // MARK: Checks

    static func writeAndReadPoints(_ subject: Subject) async throws {
        let store = subject.store
        let start = alignedStart()
        try await store.write([
            Sample(device: device, time: start, values: [voltage: 52.1, power: 1200, charging: true]),
            Sample(device: device, time: start.addingTimeInterval(10.25), values: [voltage: 52.3, power: 1180]),
            Sample(device: device, time: start.addingTimeInterval(20), values: [voltage: 52.0, charging: false]),
        ])
        let all = try await store.points(key(voltage), from: start, to: start.addingTimeInterval(60))
        try expectEqual(all, [
            Point(time: start, value: 52.1),
            Point(time: start.addingTimeInterval(10.25), value: 52.3),
            Point(time: start.addingTimeInterval(20), value: 52.0),
        ], "all points in order with millisecond times")
        let window = try await store.points(key(voltage), from: start.addingTimeInterval(10.25), to: start.addingTimeInterval(20))
        try expectEqual(window.map(\.value), [52.3], "from is inclusive and to exclusive")
        try expectEqual(try await store.points(key(charging), from: start, to: start.addingTimeInterval(60)).map(\.value), [1, 0], "flags as 0/1")
        try expectEqual(try await store.points(key("missing_v"), from: start, to: start.addingTimeInterval(60)), [], "unknown series is empty")
        try expectEqual(try await store.points(key(voltage), from: start.addingTimeInterval(60), to: start), [], "reversed range is empty")
        try await store.write([])
    }

    static func rewriteReplaces(_ subject: Subject) async throws {
        let store = subject.store
        let start = alignedStart()
        try await store.write([Sample(device: device, time: start, values: [voltage: 50])])
        try await store.write([Sample(device: device, time: start, values: [voltage: 51])])
        try expectEqual(try await store.points(key(voltage), from: start, to: start.addingTimeInterval(1)), [Point(time: start, value: 51)], "second write wins")
        let minute = try await store.aggregates(key(voltage), from: start, to: start.addingTimeInterval(60), step: .minute)
        try expectEqual(minute.map(\.count), [1], "a replaced point is counted once")
        try expectEqual(minute.first?.last, 51, "aggregate sees the new value")
    }

    static func latestValues(_ subject: Subject) async throws {
        let store = subject.store
        let start = alignedStart()
        try expectEqual(try await store.latest(device: device), nil, "no samples yet")
        try await store.write([
            Sample(device: device, time: start, values: [voltage: 52.1, mode: "Battery", charging: false]),
            Sample(device: device, time: start.addingTimeInterval(10), values: [voltage: 52.4, mode: "Line"]),
        ])
        // An older sample written late does not replace newer values.
        try await store.write([Sample(device: device, time: start.addingTimeInterval(5), values: [voltage: 1, mode: "Fault", power: 300])])
        let latest = try await store.latest(device: device)
        try expectEqual(latest?.time, start.addingTimeInterval(10), "stamped with the newest time")
        try expectEqual(latest?.values, [voltage: .number(52.4), mode: .text("Line"), charging: .number(0), power: .number(300)], "newest value of every field")
        try expectEqual(try await store.latest(device: other), nil, "other device has none")
    }

    /// A field missing from the newest sample (the validator dropped it) keeps the time it was read.
    static func latestReadingTimes(_ subject: Subject) async throws {
        let store = subject.store
        let start = alignedStart()
        try expectEqual(try await store.latestReadings(device: device), nil, "no samples yet")
        try await store.write([
            Sample(device: device, time: start, values: [voltage: 52.1, power: 300, mode: "Battery"]),
            Sample(device: device, time: start.addingTimeInterval(10), values: [voltage: 52.4]),
        ])
        let latest = try await store.latestReadings(device: device)
        try expectEqual(latest?.time, start.addingTimeInterval(10), "newest time")
        try expectEqual(latest?.fields[voltage], .init(value: .number(52.4), time: start.addingTimeInterval(10)), "fresh field")
        try expectEqual(latest?.fields[power], .init(value: .number(300), time: start), "dropped field keeps its own time")
        try expectEqual(latest?.fields[mode], .init(value: .text("Battery"), time: start), "text field keeps its own time")
        try expectEqual(latest?.staleness, [power: 10, mode: 10], "older fields with their age")
    }

    static func aggregates(_ subject: Subject) async throws {
        let store = subject.store
        let start = alignedStart()
        // Minute 0: 1, 2, 3; minute 1: 10, 20; minute 61 (second hour): 5.
        try await store.write([
            Sample(device: device, time: start, values: [power: 1]),
            Sample(device: device, time: start.addingTimeInterval(20), values: [power: 3]),
            Sample(device: device, time: start.addingTimeInterval(10), values: [power: 2]),
            Sample(device: device, time: start.addingTimeInterval(60), values: [power: 10]),
            Sample(device: device, time: start.addingTimeInterval(119.5), values: [power: 20]),
            Sample(device: device, time: start.addingTimeInterval(3_660), values: [power: 5]),
        ])
        let minutes = try await store.aggregates(key(power), from: start, to: start.addingTimeInterval(7_200), step: .minute)
        try expectEqual(minutes, [
            AggregatePoint(time: start, min: 1, max: 3, mean: 2, last: 3, count: 3),
            AggregatePoint(time: start.addingTimeInterval(60), min: 10, max: 20, mean: 15, last: 20, count: 2),
            AggregatePoint(time: start.addingTimeInterval(3_660), min: 5, max: 5, mean: 5, last: 5, count: 1),
        ], "minute buckets")
        let hours = try await store.aggregates(key(power), from: start, to: start.addingTimeInterval(86_400), step: .hour)
        try expectEqual(hours, [
            AggregatePoint(time: start, min: 1, max: 20, mean: 36.0 / 5, last: 20, count: 5),
            AggregatePoint(time: start.addingTimeInterval(3_600), min: 5, max: 5, mean: 5, last: 5, count: 1),
        ], "hour buckets")
        // `from` inside a bucket still returns that whole bucket; `to` excludes buckets starting at it.
        let partial = try await store.aggregates(key(power), from: start.addingTimeInterval(30), to: start.addingTimeInterval(60), step: .minute)
        try expectEqual(partial.map(\.count), [3], "bucket holding from, none starting at to")
        // The newest, still open bucket follows new writes.
        try await store.write([Sample(device: device, time: start.addingTimeInterval(3_700), values: [power: 7])])
        let days = try await store.aggregates(key(power), from: start, to: start.addingTimeInterval(86_400), step: .day)
        try expectEqual(days, [AggregatePoint(time: start, min: 1, max: 20, mean: 48.0 / 7, last: 7, count: 7)], "day bucket includes the newest point")
        let openHour = try await store.aggregates(key(power), from: start.addingTimeInterval(3_600), to: start.addingTimeInterval(7_200), step: .hour)
        try expectEqual(openHour.first?.count, 2, "open hour bucket updated")
        try expectEqual(openHour.first?.last, 7, "open hour bucket last value")
        try expectEqual(try await store.aggregates(key("missing_w"), from: start, to: start.addingTimeInterval(60), step: .minute), [], "unknown series")
    }

    static func maintenanceKeepsEverything(_ subject: Subject) async throws {
        let store = subject.store
        let start = alignedStart()
        // Irregular times over three hours, values with noise, negative, large and tiny.
        var samples: [Sample] = []
        var time = start
        var value = 230.0
        for index in 0..<1_000 {
            time = time.addingTimeInterval(index % 7 == 0 ? 17.003 : 9.999)
            value += Double(index % 5) * 0.1 - 0.2
            samples.append(Sample(device: device, time: time, values: [voltage: .number(value), power: .number(Double(index % 3) * -1234.5678)]))
        }
        for batch in stride(from: 0, to: samples.count, by: 100) {
            try await store.write(Array(samples[batch..<min(batch + 100, samples.count)]))
        }
        let end = time.addingTimeInterval(1)
        let pointsBefore = try await store.points(key(voltage), from: start, to: end)
        let hoursBefore = try await store.aggregates(key(power), from: start, to: end, step: .hour)
        try expectEqual(pointsBefore.count, 1_000, "every point stored")
        try await subject.maintain(Date())
        try expectEqual(try await store.points(key(voltage), from: start, to: end), pointsBefore, "points unchanged by maintenance")
        try expectEqual(try await store.aggregates(key(power), from: start, to: end, step: .hour), hoursBefore, "aggregates unchanged by maintenance")
        // A late point into a maintained window is merged, and a read across the range sees it.
        let late = start.addingTimeInterval(5)
        try await store.write([Sample(device: device, time: late, values: [voltage: 1.5])])
        let afterLate = try await store.points(key(voltage), from: start, to: end)
        try expectEqual(afterLate.count, 1_001, "late point added")
        try expectEqual(afterLate.first, Point(time: late, value: 1.5), "late point first")
        try await subject.maintain(Date())
        try expectEqual(try await store.points(key(voltage), from: start, to: end), afterLate, "late point kept through maintenance")
        let sub = try await store.points(key(voltage), from: pointsBefore[400].time, to: pointsBefore[410].time)
        try expectEqual(sub, Array(pointsBefore[400..<410]), "a sub-range inside compacted data")
    }

    static func dailyEnergyFromCounter(_ subject: Subject) async throws {
        let store = subject.store
        let zone = Options().timeZone
        let day1 = localMidnight(daysAgo: 4, in: zone)
        let day2 = localMidnight(daysAgo: 3, in: zone)
        let day3 = localMidnight(daysAgo: 2, in: zone)
        func at(_ day: Date, _ hours: Double, _ value: Double) -> Sample {
            Sample(device: device, time: day.addingTimeInterval(hours * 3_600), values: [energyToday: .number(value)])
        }
        try await store.write([
            // Day 1: asleep until 06:00 (no data), then counts up to 12.0; a backward jitter (11.95) and a
            // one-read spike (6553.5) must not add energy.
            at(day1, 6, 0.0), at(day1, 8, 2.0), at(day1, 9, 3.5), at(day1, 9.01, 3.45), at(day1, 10, 5.0),
            at(day1, 10.01, 6553.5), at(day1, 10.02, 5.1), at(day1, 12, 8.0), at(day1, 18, 12.0), at(day1, 20, 12.0),
            // Day 2: the counter resets at midnight (reads 0 at 00:00:10) and reads 0 through the night.
            at(day2, 0.003, 0.0), at(day2, 3, 0.0), at(day2, 10, 4.0), at(day2, 16, 7.5),
            // Day 3: no reading overnight, the counter resets at 07:00 on waking, already at 0.2.
            at(day3, 7, 0.2), at(day3, 12, 3.2),
        ])
        let energy = try await store.dailyEnergy(device: device, field: energyToday, from: day1, to: localMidnight(daysAgo: 1, in: zone))
        try expectEqual(energy.map(\.day), [localDay(day1, in: zone), localDay(day2, in: zone), localDay(day3, in: zone)], "one entry per local day")
        // Day 1: 2.0 + 1.5 (+ jitter ignored) + 1.5 + (spike: nothing, back to 5.1: nothing) + 2.9 + 4.0 = 11.9.
        try expectClose(energy[0].kilowattHours, 11.9, tolerance: 1e-6, "day 1 ignores jitter and the spike")
        try expectClose(energy[1].kilowattHours, 7.5, tolerance: 1e-6, "day 2 after a midnight reset")
        try expectClose(energy[2].kilowattHours, 3.2, tolerance: 1e-6, "day 3 reset on waking counts the 0.2 since the reset")
        let one = try await store.dailyEnergy(device: device, field: energyToday, from: day2.addingTimeInterval(3_600), to: day2.addingTimeInterval(7_200))
        try expectEqual(one.map(\.day), [localDay(day2, in: zone)], "the day holding from")
    }

    static func dailyEnergyFromPower(_ subject: Subject) async throws {
        let store = subject.store
        let zone = Options().timeZone
        let day = localMidnight(daysAgo: 2, in: zone)
        let nextDay = localMidnight(daysAgo: 1, in: zone)
        var samples: [Sample] = []
        // 1000 W from 10:00 to 12:00 every 60 s: 2 kWh; 500 W then 1500 W 10 min apart: trapezoid 1000 W × 1/6 h.
        for minute in stride(from: 0, through: 120, by: 1) {
            samples.append(Sample(device: device, time: day.addingTimeInterval(36_000 + Double(minute) * 60), values: [power: 1_000]))
        }
        samples.append(Sample(device: device, time: day.addingTimeInterval(14 * 3_600), values: [power: 500]))
        samples.append(Sample(device: device, time: day.addingTimeInterval(14 * 3_600 + 600), values: [power: 1_500]))
        // A reading after a 3-hour gap (sleep) adds nothing for the gap.
        samples.append(Sample(device: device, time: day.addingTimeInterval(17 * 3_600 + 600), values: [power: 2_000]))
        // Crossing midnight: 23:55 → 00:05 at 1200 W: 0.1 kWh on each day.
        samples.append(Sample(device: device, time: nextDay.addingTimeInterval(-300), values: [power: 1_200]))
        samples.append(Sample(device: device, time: nextDay.addingTimeInterval(300), values: [power: 1_200]))
        try await store.write(samples)
        let energy = try await store.dailyEnergy(device: device, field: power, from: day, to: localMidnight(daysAgo: 0, in: zone))
        try expectEqual(energy.map(\.day), [localDay(day, in: zone), localDay(nextDay, in: zone)], "two days")
        try expectClose(energy[0].kilowattHours, 2.0 + 1.0 / 6 + 0.1, tolerance: 1e-6, "day one integrated with the gap capped")
        try expectClose(energy[1].kilowattHours, 0.1, tolerance: 1e-6, "midnight span split")
    }

    static func dailyEnergyRejectsOtherUnits(_ subject: Subject) async throws {
        let store = subject.store
        let start = alignedStart()
        try await store.write([Sample(device: device, time: start, values: [voltage: 50])])
        do {
            _ = try await store.dailyEnergy(device: device, field: voltage, from: start, to: start.addingTimeInterval(86_400))
            throw TestFailure("daily energy of a voltage did not throw")
        } catch let error as HeliographError {
            try expectEqual(error.code, .invalidRequest, "error code")
        }
    }

    static func registry(_ subject: Subject) async throws {
        let store = subject.store
        try expectEqual(try await store.devices(), [], "empty registry")
        let before = Date().addingTimeInterval(-1)
        var descriptor = DeviceDescriptor(
            kind: "pi30", id: device, manufacturer: "Voltronic", model: "Axpert", serial: "123",
            fields: [.measurement(voltage, "Battery voltage", .volt), .text(mode, "Mode")]
        )
        try await store.register(descriptor)
        try await store.register(DeviceDescriptor(kind: "powervault-p3", id: other, manufacturer: "Powervault", model: "P3", fields: []))
        var devices = try await store.devices()
        try expectEqual(devices.map(\.descriptor.id), [other, device], "sorted by id")
        try expectEqual(devices[1].descriptor, descriptor, "descriptor as registered")
        let registered = devices[1]
        try expect(registered.firstSeen >= before && registered.firstSeen <= Date(), "first seen at registration")
        // A sample updates last seen; registering again updates the descriptor but keeps first seen.
        let sampleTime = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 5).rounded(.down))
        try await store.write([Sample(device: device, time: sampleTime, values: [voltage: 51])])
        descriptor.firmware = "2.0"
        try await store.register(descriptor)
        devices = try await store.devices()
        try expectEqual(devices[1].descriptor.firmware, "2.0", "descriptor replaced")
        try expectEqual(devices[1].firstSeen, registered.firstSeen, "first seen kept")
        try expectEqual(devices[1].lastSeen, sampleTime, "last seen is the newest sample")
    }

    static func auditLog(_ subject: Subject) async throws {
        let store = subject.store
        let start = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let entries = [
            AuditEntry(time: start, actor: "token:admin", change: SettingChange(device: device, setting: "output_priority", value: .choice("sbu")), dryRun: false, result: "applied", message: "ok", readBack: .choice("sbu")),
            AuditEntry(time: start.addingTimeInterval(1), actor: "mqtt", change: SettingChange(device: other, setting: "charge_limit", value: .number(80)), dryRun: true, result: "dry-run", message: "would apply"),
            AuditEntry(time: start.addingTimeInterval(2), actor: "user:ann", change: SettingChange(device: device, setting: "buzzer", value: .toggle(false)), dryRun: false, result: "rejected", message: "not allowed"),
        ]
        for entry in entries { try await store.append(entry) }
        try expectEqual(try await store.entries(device: nil, limit: 10), entries.reversed(), "all, newest first")
        try expectEqual(try await store.entries(device: device, limit: 10), [entries[2], entries[0]], "by device")
        try expectEqual(try await store.entries(device: nil, limit: 2), [entries[2], entries[1]], "limited")
        try expectEqual(try await store.entries(device: "nobody", limit: 10), [], "unknown device")
    }

    static func seriesAndStatistics(_ subject: Subject) async throws {
        let store = subject.store
        let start = alignedStart()
        let empty = try await store.statistics()
        try expectEqual(empty.points, 0, "no points")
        try expectEqual(empty.oldest, nil, "no oldest")
        try await store.write([
            Sample(device: device, time: start, values: [voltage: 52, mode: "Line"]),
            Sample(device: other, time: start.addingTimeInterval(30), values: [power: 100]),
            Sample(device: device, time: start.addingTimeInterval(60), values: [voltage: 53, power: 5]),
        ])
        try expectEqual(Set(try await store.series()), [key(voltage), key(power), key(power, other)], "numeric series only")
        var statistics = try await store.statistics()
        try expectEqual(statistics.series, 3, "series count")
        try expectEqual(statistics.points, 4, "point count")
        try expectEqual(statistics.oldest, start, "oldest")
        try expectEqual(statistics.newest, start.addingTimeInterval(60), "newest")
        try expect(statistics.bytesOnDisk > 0, "size reported")
        try await subject.maintain(Date())
        statistics = try await store.statistics()
        try expectEqual(statistics.points, 4, "point count after maintenance")
        try expectEqual(statistics.oldest, start, "oldest after maintenance")
    }

    static func retention(_ subject: Subject) async throws {
        let store = subject.store
        let now = Date()
        let old = Date(timeIntervalSince1970: (now.timeIntervalSince1970 - 20 * 86_400).rounded(.down))
        let young = Date(timeIntervalSince1970: (now.timeIntervalSince1970 - 5 * 86_400).rounded(.down))
        try await store.write([
            Sample(device: device, time: old, values: [voltage: 1]),
            Sample(device: device, time: young, values: [voltage: 2]),
        ])
        try await subject.maintain(now)
        try expectEqual(try await store.points(key(voltage), from: old, to: now).map(\.value), [1, 2], "nothing within 30 days removed")
        // Fifteen days later the old point is 35 days old, the young one 20.
        try await subject.maintain(now.addingTimeInterval(15 * 86_400))
        try expectEqual(try await store.points(key(voltage), from: old, to: now).map(\.value), [2], "only the point older than 30 days removed")
        let hours = try await store.aggregates(key(voltage), from: old, to: now, step: .hour)
        try expect(hours.contains { $0.last == 2 }, "hour rollups kept (forever by default)")
    }
}
