import Foundation
import HeliographCore

/// What the daemon reports about its parts, for `/health`, `/ready` and `/stats`. The composition
/// root implements it over the poller and the sample bus; the web server never names those types.
public protocol DaemonStatusProvider: Sendable {
    /// Every component except storage (which the server checks itself): pollers, sinks, MQTT.
    func components() async -> [ComponentHealth]
    /// True once every configured device has finished its first poll, successful or not.
    var firstPollsDone: Bool { get }
    /// The poll record of every configured device.
    func devices() -> [DeviceStatus]
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
