/// Who asked for a change, as written to the audit log: `token:<name>`, `user:<name>`, `mqtt`, `rule:<name>`.
public struct Caller: Sendable, Hashable, Codable, CustomStringConvertible {
    public let identity: String

    public init(identity: String) { self.identity = identity }

    /// A caller that presented the named API token.
    public static func token(_ name: String) -> Caller { Caller(identity: "token:\(name)") }
    /// A caller that logged in with a user name and password.
    public static func user(_ name: String) -> Caller { Caller(identity: "user:\(name)") }
    /// A command received over MQTT (the broker's authentication is the only check MQTT 3.1.1 allows).
    public static let mqtt = Caller(identity: "mqtt")
    /// An automation rule acting by itself.
    public static func rule(_ name: String) -> Caller { Caller(identity: "rule:\(name)") }

    public var description: String { identity }
}
