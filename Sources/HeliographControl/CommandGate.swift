import Foundation
import HeliographCore
import Logging

/// The one door every setting change goes through, whoever asks (web, REST, MQTT, rules).
///
/// In order: the device must be controllable, the setting on its allow-list and the value within its
/// range and step (`SettingDescriptor.validate`), the caller within its rate limit. A dry run stops
/// there. Otherwise the change is applied (one at a time per device, bounded by a timeout), the
/// device's read-back is compared with what was asked, and every attempt, refused or not, is
/// written to the audit log with who, what, when and the result.
public actor CommandGate {
    /// Limits of the gate.
    public struct Configuration: Sendable {
        /// Commands per caller.
        public var rateLimit: RateLimiter.Limit
        /// How long a device may take to apply and read back one change.
        public var applyTimeout: Duration

        public init(rateLimit: RateLimiter.Limit = .commands, applyTimeout: Duration = .seconds(15)) {
            self.rateLimit = rateLimit
            self.applyTimeout = applyTimeout
        }
    }

    /// The allow-list: for each controllable device, the settings it accepts.
    public nonisolated let allowList: [DeviceID: [SettingDescriptor]]
    private let drivers: [DeviceID: any SettingsDriver]
    private let audit: any AuditLog
    private let configuration: Configuration
    private let logger: Logger
    private let now: @Sendable () -> Date
    private var limiter: RateLimiter
    private var busyDevices: Set<DeviceID> = []
    private var waiting: [DeviceID: [CheckedContinuation<Void, Never>]] = [:]

    public init(
        drivers: [DeviceID: any SettingsDriver],
        audit: any AuditLog,
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "heliograph.control"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.drivers = drivers
        self.allowList = drivers.mapValues(\.settings)
        self.audit = audit
        self.configuration = configuration
        self.logger = logger
        self.now = now
        self.limiter = RateLimiter(limit: configuration.rateLimit)
    }

    /// Checks, applies (unless `dryRun`) and audits one change.
    ///
    /// - Returns: the audit entry of an applied change (`applied`, with the read-back) or of a dry run (`dry-run`).
    /// - Throws: `HeliographError` with `notFound` (device not controllable), `settingRejected` (not on the
    ///   allow-list, out of range), `rateLimited`, `deviceRejected` (NAK), `unexpectedResponse` (read-back differs),
    ///   or the driver's own error (`timeout`, `deviceUnavailable`…). Every one of these is audited first.
    @discardableResult
    public func submit(_ change: SettingChange, by caller: Caller, dryRun: Bool = false) async throws(HeliographError) -> AuditEntry {
        let started = now()
        if let wait = limiter.take(caller.identity, now: started) {
            let error = HeliographError(.rateLimited, "too many commands from \(caller); retry in \(Int(wait.rounded(.up))) s", device: change.device)
            try await record(change, caller, dryRun: dryRun, result: "rejected", error.message, at: started)
            throw error
        }
        if case .number(let number) = change.value, !number.isFinite {
            // NaN and ±infinity are never a setting, and JSON (the audit log) cannot hold them: the
            // refusal is audited with the value as text.
            let error = HeliographError(.settingRejected, "\(change.setting) must be a finite number; got \(number)", device: change.device)
            let asText = SettingChange(device: change.device, setting: change.setting, value: .choice("\(number)"))
            try await record(asText, caller, dryRun: dryRun, result: "rejected", error.message, at: started)
            throw error
        }
        let normalised: SettingValue
        do {
            normalised = try check(change)
        } catch {
            try await record(change, caller, dryRun: dryRun, result: "rejected", error.message, at: started)
            throw error
        }
        let accepted = SettingChange(device: change.device, setting: change.setting, value: normalised)
        if dryRun {
            return try await record(accepted, caller, dryRun: true, result: "dry-run", "allowed; not applied (dry run)", at: started)
        }
        guard let driver = drivers[change.device] else { throw HeliographError(.notFound, "no controllable device \(change.device)") }

        await acquire(change.device)
        let outcome: Result<SettingOutcome, HeliographError>
        do {
            let logger = self.logger
            let value = try await withTimeout(configuration.applyTimeout, "applying \(change.setting) on \(change.device)") {
                try await driver.apply(accepted, logger: logger)
            }
            outcome = .success(value)
        } catch let error as HeliographError {
            outcome = .failure(error.device == nil ? error.on(change.device) : error)
        } catch {
            outcome = .failure(HeliographError(.connectionFailed, "applying \(change.setting) failed", device: change.device, underlying: error))
        }
        release(change.device)

        switch outcome {
        case .failure(let error):
            try await record(accepted, caller, dryRun: false, result: "failed", error.description, at: started)
            throw error
        case .success(let result) where !result.accepted:
            let error = HeliographError(.deviceRejected, "device refused \(change.setting) = \(normalised): \(result.message)", device: change.device)
            try await record(accepted, caller, dryRun: false, result: "rejected", error.message, readBack: result.readBack, at: started)
            throw error
        case .success(let result):
            if let readBack = result.readBack, !Self.matches(readBack, normalised) {
                let error = HeliographError(
                    .unexpectedResponse,
                    "device reports \(change.setting) = \(readBack) after writing \(normalised)",
                    device: change.device
                )
                try await record(accepted, caller, dryRun: false, result: "failed", error.message, readBack: readBack, at: started)
                throw error
            }
            let message = result.readBack == nil ? "applied (\(result.message)); device cannot read back" : "applied and read back (\(result.message))"
            logger.info(
                "setting applied",
                metadata: ["device.id": "\(change.device)", "setting": "\(change.setting)", "value": "\(normalised)", "caller": "\(caller)"]
            )
            return try await record(accepted, caller, dryRun: false, result: "applied", message, readBack: result.readBack, at: started)
        }
    }

    /// Each allowed setting of `device` with its value as last read from the device (absent: not read
    /// yet); nil when the device is not controllable.
    public nonisolated func currentSettings(of device: DeviceID) -> [(setting: SettingDescriptor, reading: SettingReading?)]? {
        guard let settings = allowList[device], let driver = drivers[device] else { return nil }
        let readings = driver.currentSettings()
        return settings.map { ($0, readings[$0.id]) }
    }

    /// Validates against the allow-list without applying or auditing; returns the normalised value.
    public nonisolated func check(_ change: SettingChange) throws(HeliographError) -> SettingValue {
        guard let settings = allowList[change.device] else {
            throw HeliographError(.notFound, "no controllable device \(change.device)")
        }
        guard let descriptor = settings.first(where: { $0.id == change.setting }) else {
            let allowed = settings.map(\.id).joined(separator: ", ")
            throw HeliographError(.settingRejected, "\(change.setting) is not an allowed setting of \(change.device); allowed: \(allowed)", device: change.device)
        }
        do {
            return try descriptor.validate(change.value)
        } catch {
            throw error.on(change.device)
        }
    }

    /// Read-back equality; numbers within a millionth, since devices round-trip through fixed point.
    static func matches(_ readBack: SettingValue, _ requested: SettingValue) -> Bool {
        if case .number(let got) = readBack, case .number(let wanted) = requested { return abs(got - wanted) <= 1e-6 * max(1, abs(wanted)) }
        return readBack == requested
    }

    @discardableResult
    private func record(
        _ change: SettingChange,
        _ caller: Caller,
        dryRun: Bool,
        result: String,
        _ message: String,
        readBack: SettingValue? = nil,
        at time: Date
    ) async throws(HeliographError) -> AuditEntry {
        let entry = AuditEntry(time: time, actor: caller.identity, change: change, dryRun: dryRun, result: result, message: message, readBack: readBack)
        do {
            try await audit.append(entry)
        } catch {
            // A change that already reached the device is reported as done even if the log failed.
            logger.error("audit log write failed", metadata: ["device.id": "\(change.device)", "error": "\(error)"])
            if result != "applied" {
                throw HeliographError(.storageFailure, "could not write the audit log", device: change.device, underlying: error)
            }
        }
        return entry
    }

    private func acquire(_ device: DeviceID) async {
        if busyDevices.insert(device).inserted { return }
        await withCheckedContinuation { waiting[device, default: []].append($0) }
    }

    private func release(_ device: DeviceID) {
        if var queue = waiting[device], !queue.isEmpty {
            let next = queue.removeFirst()
            waiting[device] = queue
            next.resume()  // ownership passes to the next waiter
        } else {
            busyDevices.remove(device)
        }
    }
}
