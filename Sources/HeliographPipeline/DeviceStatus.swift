import HeliographCore

import struct Foundation.Date

/// What the poller knows about one device right now, for /stats, the web UI and MQTT availability.
public struct DeviceStatus: Sendable, Hashable, Codable {
    public enum Availability: String, Sendable, Hashable, Codable {
        /// Not polled successfully yet.
        case unknown
        case online
        /// The last polls failed; `lastError` says why.
        case unavailable
    }

    public var device: DeviceID
    public var availability: Availability
    public var lastError: String?
    public var lastSuccess: Date?
    public var lastAttempt: Date?
    public var consecutiveFailures: Int
    public var polls: Int
    public var failures: Int
    /// Values or samples the validator rejected, by reason.
    public var discarded: [DiscardReason: Int]
    /// Set after the first successful `describe`.
    public var descriptor: DeviceDescriptor?

    public init(device: DeviceID) {
        self.device = device
        self.availability = .unknown
        self.consecutiveFailures = 0
        self.polls = 0
        self.failures = 0
        self.discarded = [:]
    }

    /// Total rejected by validation, all reasons.
    public var discardedTotal: Int { discarded.values.reduce(0, +) }
}
