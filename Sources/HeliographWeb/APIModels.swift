import Foundation
import HeliographCore
import HeliographEnergy
import Hummingbird

/// A device as the API shows it.
struct DeviceResource: ResponseEncodable {
    var id: String
    var kind: String
    var name: String
    var manufacturer: String
    var model: String
    var serial: String?
    var firmware: String?
    var firstSeen: Date
    var lastSeen: Date
    /// The poller's verdict, or without one: a sample within the last two minutes.
    var online: Bool
    var lastError: String?
    var fields: [FieldResource]
    var settings: [SettingResource]

    /// - Parameter health: the poller's record of the device; it counts once the device was polled.
    init(_ registered: RegisteredDevice, settings: [SettingDescriptor], health: DeviceStatus?, now: Date) {
        let descriptor = registered.descriptor
        self.id = descriptor.id.rawValue
        self.kind = descriptor.kind
        self.name = descriptor.name
        self.manufacturer = descriptor.manufacturer
        self.model = descriptor.model
        self.serial = descriptor.serial
        self.firmware = descriptor.firmware
        self.firstSeen = registered.firstSeen
        self.lastSeen = registered.lastSeen
        let polled = health.flatMap { $0.availability == .unknown ? nil : $0 }
        self.online = polled.map { $0.availability == .online } ?? (now.timeIntervalSince(registered.lastSeen) < 120)
        self.lastError = polled?.lastError
        self.fields = descriptor.fields.map(FieldResource.init)
        self.settings = settings.map(SettingResource.init)
    }
}

struct FieldResource: Codable, Sendable {
    var id: String
    var name: String
    var unit: String
    var kind: String
    var deviceClass: String?
    var stateClass: String?
    var precision: Int

    init(_ field: FieldDescriptor) {
        self.id = field.id.rawValue
        self.name = field.name
        self.unit = field.unit.rawValue
        self.kind = field.kind.rawValue
        self.deviceClass = field.deviceClass?.rawValue
        self.stateClass = field.stateClass?.rawValue
        self.precision = field.precision
    }
}

/// One entry of the allow-list, flattened for forms.
struct SettingResource: Codable, Sendable {
    var id: String
    var name: String
    /// `choice`, `number` or `toggle`.
    var kind: String
    var options: [String]?
    var min: Double?
    var max: Double?
    var step: Double?
    var unit: String?
    var readBack: String?
    /// The current value as last read from the device, in the vocabulary `POST /api/v1/commands` takes
    /// (only in the settings views; absent while `state` is `unknown`).
    var value: FieldValue?
    /// When `value` was read from the device.
    var readAt: Date?
    /// `read` or `unknown` (not read from the device yet); only in the settings views.
    var state: String?

    /// An allow-list entry with its current reading.
    init(_ setting: SettingDescriptor, reading: SettingReading?) {
        self.init(setting)
        self.state = reading == nil ? "unknown" : "read"
        self.readAt = reading?.time
        self.value =
            switch reading?.value {
            case .choice(let label)?: .text(label)
            case .number(let number)?: .number(number)
            case .toggle(let on)?: .flag(on)
            case nil: nil
            }
    }

    init(_ setting: SettingDescriptor) {
        self.id = setting.id
        self.name = setting.name
        self.readBack = setting.readBack?.rawValue
        switch setting.values {
        case .choice(let options):
            kind = "choice"
            self.options = options
        case .number(let range, let step, let unit):
            kind = "number"
            min = range.lowerBound
            max = range.upperBound
            self.step = step
            self.unit = unit.rawValue
        case .toggle:
            kind = "toggle"
        }
    }
}

struct DeviceSettingsResource: ResponseEncodable {
    var device: String
    var settings: [SettingResource]
}

/// A sample with plain string keys (`{"device": "inv1", "time": "…", "values": {"pv_power_w": 1200}}`).
struct SampleResource: ResponseEncodable {
    var device: String
    var time: Date
    var values: [String: FieldValue]
    /// When each value was read (latest values only): a field the validator dropped from newer
    /// samples keeps its older time instead of passing as fresh.
    var fieldTimes: [String: Date]?
    /// Fields read before `time`, with how many seconds older they are (latest values only).
    var stale: [String: Double]?

    /// - Parameter descriptor: the device's fields, whose precision numbers are rounded to (`NumberFormat`).
    init(_ sample: Sample, descriptor: DeviceDescriptor? = nil) {
        let decimals = descriptor.map { Dictionary($0.fields.map { ($0.id, $0.precision) }, uniquingKeysWith: { first, _ in first }) } ?? [:]
        self.device = sample.device.rawValue
        self.time = sample.time
        self.values = Dictionary(uniqueKeysWithValues: sample.values.map { ($0.key.rawValue, $0.value.rounded(decimals: decimals[$0.key])) })
    }

    init(_ readings: LatestReadings, descriptor: DeviceDescriptor? = nil) {
        self.init(readings.sample, descriptor: descriptor)
        self.fieldTimes = Dictionary(uniqueKeysWithValues: readings.fields.map { ($0.key.rawValue, $0.value.time) })
        self.stale = Dictionary(uniqueKeysWithValues: readings.staleness.map { ($0.key.rawValue, $0.value) })
    }
}

/// One series of a history answer. Raw points are `[t_ms, value]`; aggregated ones `[t_ms, mean, min, max, last]`.
struct SeriesResource: Codable, Sendable {
    var device: String
    var field: String
    var unit: String?
    var points: [[Double]]
    /// Spans with no data, `[last time before, first time after]` in milliseconds (see `HistoryGaps`).
    var gaps: [[Double]]? = nil
}

struct HistoryResource: ResponseEncodable {
    var from: Date
    var to: Date
    /// `raw`, `1m`, `1h` or `1d`.
    var step: String
    /// The length of one rollup bucket; absent for raw points.
    var bucketSeconds: Double? = nil
    /// The site's time zone (IANA name), in which calendar windows and chart axes are laid out.
    var timeZone: String? = nil
    /// The calendar window asked for with `period`, with its neighbours for paging.
    var period: Window? = nil
    var series: [SeriesResource]

    /// A day, ISO week, month or year in the site's time zone.
    struct Window: Codable, Sendable {
        /// `day`, `week`, `month` or `year`.
        var kind: String
        /// The window's first local day, and the first days of the windows before and after it (`yyyy-MM-dd`).
        var date: String
        var previous: String
        var next: String

        init(_ period: EnergyPeriod) {
            kind = period.kind.rawValue
            date = period.days.first?.key ?? period.previous
            previous = period.previous
            next = period.next
        }
    }
}

struct DailyEnergyResource: ResponseEncodable {
    var device: String
    var field: String
    var days: [Day]

    struct Day: Codable, Sendable {
        var day: String
        var kwh: Double
    }
}

struct AuditResource: ResponseEncodable {
    var time: Date
    var actor: String
    var device: String
    var setting: String
    var value: String
    var dryRun: Bool
    var result: String
    var message: String
    var readBack: String?

    init(_ entry: AuditEntry) {
        time = entry.time
        actor = entry.actor
        device = entry.change.device.rawValue
        setting = entry.change.setting
        value = entry.change.value.description
        dryRun = entry.dryRun
        result = entry.result
        message = entry.message
        readBack = entry.readBack?.description
    }
}

/// A command as posted by the page or a script. `value` is a JSON string, number or boolean.
struct CommandRequest: Decodable, Sendable {
    var device: String
    var setting: String
    var value: FieldValue
    var dryRun: Bool?
}

/// A sign-in: a user name and password, or an API token alone.
struct LoginRequest: Decodable, Sendable {
    var user: String?
    var password: String?
    var token: String?
}

struct SessionResource: ResponseEncodable {
    var authenticated: Bool
    var caller: String?
    var token: String?
    var expires: Date?
    var openReading: Bool
    var controlConfigured: Bool
}
