import struct Foundation.Date

/// What the poller knows about one device right now: for `/stats` (encoded under the names the API
/// documents), `/health`, the web UI and MQTT availability. Defined once; the pipeline fills it in and
/// the web server shows it.
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
    /// Values or samples rejected, by reason: the validator's (`out_of_range`, …) and what a driver
    /// dropped itself (an MQTT source's caps).
    public var discarded: [String: Int]
    /// Set after the first successful `describe`; not part of `/stats`.
    public var descriptor: DeviceDescriptor?

    public init(device: DeviceID) {
        self.device = device
        self.availability = .unknown
        self.consecutiveFailures = 0
        self.polls = 0
        self.failures = 0
        self.discarded = [:]
    }

    /// Total rejected, all reasons.
    public var discardedTotal: Int { discarded.values.reduce(0, +) }

    /// The `/stats` names (`PollerStats` in the OpenAPI document).
    enum CodingKeys: String, CodingKey {
        case device, availability, lastError, lastSuccess, polls, discarded
        case lastAttempt = "lastPoll"
        case failures = "errors"
        case consecutiveFailures = "consecutiveErrors"
    }
}
