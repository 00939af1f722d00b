import Foundation
import HeliographCore

/// What the daemon reports about its parts, for `/health`, `/ready` and `/stats`. The composition
/// root implements it over the poller and the sample bus; the web server never names those types.
public protocol DaemonStatusProvider: Sendable {
    /// Every component except storage (which the server checks itself): pollers, sinks, MQTT.
    func components() async -> [ComponentHealth]
    /// True once every configured device has finished its first poll, successful or not.
    var firstPollsDone: Bool { get }
    func devices() -> [DeviceStatistics]
    func sinks() -> [SinkStatistics]
}

/// One part of the daemon in `/health`.
public struct ComponentHealth: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable {
        /// Working.
        case ok
        /// Not tried yet (a device before its first poll).
        case starting
        /// Working with trouble: retrying, dropping, or a device failing while others work.
        case degraded
        /// Not working.
        case failing
    }

    /// `storage`, a device id, a sink name, `mqtt`.
    public var name: String
    /// `storage`, `poller`, `sink`, `mqtt`.
    public var kind: String
    public var status: State
    public var detail: String?
    public var lastSuccess: Date?

    public init(name: String, kind: String, status: State, detail: String? = nil, lastSuccess: Date? = nil) {
        self.name = name
        self.kind = kind
        self.status = status
        self.detail = detail
        self.lastSuccess = lastSuccess
    }
}

/// One device's poll record in `/stats`.
public struct DeviceStatistics: Sendable, Hashable, Codable {
    public var device: String
    /// `unknown` (not polled yet), `online`, `unavailable`.
    public var availability: String
    public var lastPoll: Date?
    public var lastSuccess: Date?
    public var polls: Int
    public var errors: Int
    public var consecutiveErrors: Int
    public var discarded: [String: Int]
    public var lastError: String?

    public init(
        device: String, availability: String, lastPoll: Date?, lastSuccess: Date?, polls: Int, errors: Int, consecutiveErrors: Int,
        discarded: [String: Int], lastError: String?
    ) {
        self.device = device
        self.availability = availability
        self.lastPoll = lastPoll
        self.lastSuccess = lastSuccess
        self.polls = polls
        self.errors = errors
        self.consecutiveErrors = consecutiveErrors
        self.discarded = discarded
        self.lastError = lastError
    }
}

/// One sink's counters in `/stats`.
public struct SinkStatistics: Sendable, Hashable, Codable {
    public var sink: String
    public var buffered: Int
    public var written: Int
    public var dropped: Int
    public var writeErrors: Int
    public var lastError: String?
    public var lastWrite: Date?

    public init(sink: String, buffered: Int, written: Int, dropped: Int, writeErrors: Int, lastError: String?, lastWrite: Date?) {
        self.sink = sink
        self.buffered = buffered
        self.written = written
        self.dropped = dropped
        self.writeErrors = writeErrors
        self.lastError = lastError
        self.lastWrite = lastWrite
    }
}
