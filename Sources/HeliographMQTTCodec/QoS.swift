/// MQTT delivery guarantee of one message or subscription.
public enum QoS: UInt8, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Fire and forget; may be lost.
    case atMostOnce = 0
    /// Acknowledged with PUBACK and retransmitted until then; may arrive twice.
    case atLeastOnce = 1
    /// Four-way handshake; arrives once.
    case exactlyOnce = 2

    public static func < (lhs: QoS, rhs: QoS) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "QoS \(rawValue)" }
}
