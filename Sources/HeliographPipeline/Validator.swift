import HeliographCore

import struct Foundation.Date
import struct Foundation.TimeInterval

/// Rejects implausible readings before they reach any sink, and counts what it rejected.
///
/// A pure value: feed it samples in time order, one validator per device or one for all (state is
/// kept per device). The rules, and what each one drops:
///
/// | rule | drops | why |
/// |---|---|---|
/// | value outside `plausibleRange`, or NaN/infinite | that field | one bad register should not cost the other readings |
/// | a *key field* (battery voltage, SOC) outside its range | the sample | a frame that lies about the battery is garbled as a whole |
/// | SOC 0 % **and** battery voltage 0 V | the sample | blank frames happen when the inverter reboots; a battery is never at 0 V |
/// | all numeric values 0 right after non-zero readings | the sample | same blank-frame failure; accepted once it persists (real shutdown) |
/// | SOC moved > `socJumpLimit` points within `socJumpWindow` | the SOC field | BMS glitches; the new level is accepted once it persists |
///
/// "Persists" means `confirmations` consecutive readings agree (for SOC: each within `socJumpLimit`
/// of the first suspicious reading). So a real change (a BMS recalibration from 80 % to 95 %, or a
/// device that really switched everything off) is only delayed by a few readings, never rejected
/// forever. Independently, a SOC reading after more than `socJumpWindow` without an accepted SOC is
/// always accepted, since the battery may really have moved that far in the meantime.
public struct Validator: Sendable {
    public struct Configuration: Sendable, Hashable {
        /// Largest believable SOC change, in percentage points, within `socJumpWindow`.
        public var socJumpLimit: Double
        public var socJumpWindow: TimeInterval
        /// Consecutive agreeing readings after which a suspicious new level (SOC jump, all zeros) is accepted.
        public var confirmations: Int
        /// Fields that make the whole sample suspect when out of range.
        public var keyFields: Set<FieldID>
        /// An all-zero sample is only suspicious when it has at least this many numeric fields.
        public var allZeroMinimumFields: Int

        public init(
            socJumpLimit: Double = 5,
            socJumpWindow: TimeInterval = 120,
            confirmations: Int = 3,
            keyFields: Set<FieldID> = [CommonFields.batteryVoltage.id, CommonFields.batterySOC.id],
            allZeroMinimumFields: Int = 3
        ) {
            self.socJumpLimit = socJumpLimit
            self.socJumpWindow = socJumpWindow
            self.confirmations = confirmations
            self.keyFields = keyFields
            self.allZeroMinimumFields = allZeroMinimumFields
        }
    }

    /// What validating one sample did.
    public struct Outcome: Sendable, Hashable {
        /// The sample to pass on (possibly with fields removed), or nil when it was discarded.
        public var sample: Sample?
        /// Every reason that applied, with the field it concerned when only a field was dropped.
        public var rejections: [Rejection]
    }

    public struct Rejection: Sendable, Hashable, CustomStringConvertible {
        public var reason: DiscardReason
        public var field: FieldID?
        public var description: String { field.map { "\(reason) (\($0))" } ?? reason.rawValue }
    }

    private struct DeviceState: Sendable {
        var ranges: [FieldID: ClosedRange<Double>] = [:]
        var lastSOC: (value: Double, time: Date)?
        var socCandidate: (value: Double, count: Int)?
        var wasProducing = false
        var zeroStreak = 0
        var counts: [DiscardReason: Int] = [:]
    }

    public var configuration: Configuration
    private var devices: [DeviceID: DeviceState] = [:]

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Uses the plausible ranges of a device's fields. Before this, the ranges of `CommonFields` apply.
    public mutating func register(_ descriptor: DeviceDescriptor) {
        var ranges: [FieldID: ClosedRange<Double>] = [:]
        for field in descriptor.fields {
            if let range = field.plausibleRange { ranges[field.id] = range }
        }
        devices[descriptor.id, default: DeviceState()].ranges = ranges
    }

    /// How many values or samples were rejected for each reason, per device.
    public var counts: [DeviceID: [DiscardReason: Int]] { devices.compactMapValues { $0.counts.isEmpty ? nil : $0.counts } }

    /// Total rejections of one device, all reasons.
    public func discarded(device: DeviceID) -> Int { devices[device]?.counts.values.reduce(0, +) ?? 0 }

    /// Validates one sample, updating the state the time-based rules need.
    public mutating func validate(_ sample: Sample) -> Outcome {
        var state = devices[sample.device] ?? DeviceState()
        defer { devices[sample.device] = state }
        var rejections: [Rejection] = []
        var cleaned = sample

        func reject(_ reason: DiscardReason, _ field: FieldID? = nil) {
            rejections.append(Rejection(reason: reason, field: field))
            state.counts[reason, default: 0] += 1
        }

        // Ranges first: a key field out of range condemns the sample, any other field only itself.
        for (field, value) in sample.values.sorted(by: { $0.key < $1.key }) {
            guard let number = value.numeric else { continue }
            let range = state.ranges[field] ?? Self.commonRanges[field]
            let plausible = number.isFinite && (range?.contains(number) ?? true)
            if plausible { continue }
            if configuration.keyFields.contains(field) {
                reject(.keyFieldOutOfRange, field)
                return Outcome(sample: nil, rejections: rejections)
            }
            reject(.outOfRange, field)
            cleaned.values[field] = nil
        }

        let soc = cleaned.number(CommonFields.batterySOC.id)
        let batteryVoltage = cleaned.number(CommonFields.batteryVoltage.id)
        if soc == 0, batteryVoltage == 0 {
            reject(.zeroBattery)
            return Outcome(sample: nil, rejections: rejections)
        }

        let numbers = cleaned.values.compactMap { $0.value.numeric }
        if numbers.count >= configuration.allZeroMinimumFields, numbers.allSatisfy({ $0 == 0 }) {
            state.zeroStreak += 1
            if state.wasProducing, state.zeroStreak < configuration.confirmations {
                reject(.allZero)
                return Outcome(sample: nil, rejections: rejections)
            }
            state.wasProducing = false
        } else if !numbers.isEmpty {
            state.zeroStreak = 0
            state.wasProducing = numbers.contains { $0 != 0 }
        }

        if let soc, !acceptSOC(soc, at: sample.time, state: &state) {
            reject(.socJump, CommonFields.batterySOC.id)
            cleaned.values[CommonFields.batterySOC.id] = nil
        }
        return Outcome(sample: cleaned, rejections: rejections)
    }

    /// Validates a batch and returns what survives, in order.
    public mutating func validate(_ samples: [Sample]) -> [Sample] {
        samples.compactMap { validate($0).sample }
    }

    private func acceptSOC(_ soc: Double, at time: Date, state: inout DeviceState) -> Bool {
        guard let last = state.lastSOC, time.timeIntervalSince(last.time) <= configuration.socJumpWindow else {
            state.lastSOC = (soc, time)
            state.socCandidate = nil
            return true
        }
        if abs(soc - last.value) <= configuration.socJumpLimit {
            state.lastSOC = (soc, time)
            state.socCandidate = nil
            return true
        }
        // A jump: believe it only once enough consecutive readings agree on the new level.
        if let candidate = state.socCandidate, abs(soc - candidate.value) <= configuration.socJumpLimit {
            state.socCandidate = (candidate.value, candidate.count + 1)
        } else {
            state.socCandidate = (soc, 1)
        }
        if let candidate = state.socCandidate, candidate.count >= configuration.confirmations {
            state.lastSOC = (soc, time)
            state.socCandidate = nil
            return true
        }
        return false
    }

    private static let commonRanges: [FieldID: ClosedRange<Double>] = {
        let fields = [
            CommonFields.pvPower, CommonFields.batteryVoltage, CommonFields.batteryCurrent, CommonFields.batteryPower,
            CommonFields.batterySOC, CommonFields.gridVoltage, CommonFields.gridFrequency, CommonFields.gridPower,
            CommonFields.loadPower, CommonFields.loadApparentPower, CommonFields.loadPercent, CommonFields.outputVoltage,
            CommonFields.outputFrequency, CommonFields.inverterTemperature, CommonFields.pvEnergyToday, CommonFields.pvEnergyTotal,
        ]
        var ranges: [FieldID: ClosedRange<Double>] = [:]
        for field in fields { ranges[field.id] = field.plausibleRange }
        return ranges
    }()
}
