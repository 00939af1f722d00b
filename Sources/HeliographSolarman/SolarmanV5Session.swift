import HeliographCore
import HeliographModbus

/// Request/response matching for one logger connection, as a pure state machine (no I/O, no clock).
///
/// The driver calls `send` for each Modbus request, writes the returned frame, then feeds every
/// decoded inbound item to `receive` and carries out the returned action until it gets `.deliver`
/// or `.fail`. Unsolicited frames (heartbeats, data pushes), stale replies and skipped bytes never
/// complete a request.
public struct SolarmanV5Session: Sendable {
    /// What the driver must do with one inbound item.
    public enum Action: Sendable {
        /// The answer to the outstanding request.
        case deliver(unit: UInt8, response: ModbusResponse, payload: SolarmanV5ResponsePayload)
        /// Send this frame (a time reply to a heartbeat), then keep waiting.
        case send(SolarmanV5Frame, reason: String)
        /// Nothing to do; keep waiting. `reason` is for debug logs.
        case ignore(reason: String)
        /// The outstanding request cannot succeed on this answer.
        case fail(HeliographError)
    }

    private struct Pending: Sendable {
        var sequence: UInt8
        var unit: UInt8
        var request: ModbusRequest
    }

    /// The serial the requests carry. 0 means unknown: the first reply's serial is adopted.
    public private(set) var loggerSerial: UInt32
    /// Whether to answer heartbeats with a time reply (some loggers want one).
    public var answersHeartbeats: Bool
    /// The most recent skipped bytes or ignored frame, to explain a later timeout.
    public private(set) var lastDiscarded: String?
    private var nextSequence: UInt8
    private var pending: Pending?

    public init(loggerSerial: UInt32, initialSequence: UInt8 = UInt8.random(in: 1...254), answersHeartbeats: Bool = true) {
        self.loggerSerial = loggerSerial
        self.nextSequence = initialSequence
        self.answersHeartbeats = answersHeartbeats
    }

    /// Starts a request and returns the frame to write. Any earlier outstanding request is abandoned,
    /// so its late reply (with the old sequence byte) will be ignored.
    public mutating func send(_ request: ModbusRequest, unit: UInt8) -> SolarmanV5Frame {
        let sequence = nextSequence
        nextSequence &+= 1
        pending = Pending(sequence: sequence, unit: unit, request: request)
        lastDiscarded = nil
        return .request(loggerSerial: loggerSerial, sequence: sequence, unit: unit, request)
    }

    /// True while a request waits for its answer.
    public var isWaiting: Bool { pending != nil }

    /// Handles one decoded inbound item. `unixTime` stamps heartbeat replies.
    public mutating func receive(_ inbound: SolarmanV5Inbound, unixTime: UInt32) -> Action {
        let frame: SolarmanV5Frame
        switch inbound {
        case .skipped(let error):
            // A frame that fails its checksum while we wait is most likely our answer, damaged:
            // failing now lets the driver retry at once instead of waiting out the timeout.
            if error.code == .checksumMismatch, pending != nil {
                pending = nil
                lastDiscarded = "frame with a bad checksum"
                return .fail(HeliographError(.checksumMismatch, "the answer had a bad V5 checksum: \(error.message)", bytes: error.bytes))
            }
            return discard("skipped bytes: \(error)")
        case .frame(let received):
            frame = received
        }
        if frame.controlCode == .heartbeat {
            lastDiscarded = "heartbeat from logger \(frame.loggerSerial)"
            return answersHeartbeats
                ? .send(.timeReply(to: frame, unixTime: unixTime), reason: "heartbeat") : .ignore(reason: "heartbeat")
        }
        if frame.controlCode.isUnsolicited {
            return discard("unsolicited \(frame.controlCode) frame")
        }
        guard frame.controlCode == .response else {
            return discard("frame with control code \(frame.controlCode), expected a response (0x1510)")
        }
        guard let pending else {
            return discard("response with sequence \(frame.sequence) while no request is outstanding")
        }
        guard frame.sequence == pending.sequence else {
            return discard("stale response with sequence \(frame.sequence), waiting for \(pending.sequence)")
        }
        if loggerSerial == 0 {
            loggerSerial = frame.loggerSerial
        } else if frame.loggerSerial != loggerSerial {
            self.pending = nil
            return .fail(
                HeliographError(
                    .invalidConfiguration,
                    "wrong logger serial: configured \(loggerSerial), the logger answers as \(frame.loggerSerial)",
                    bytes: frame.bytes
                )
            )
        }
        self.pending = nil
        do {
            let payload = try SolarmanV5ResponsePayload.parse(frame.payload)
            let (unit, response) = try payload.modbusResponse()
            guard unit == pending.unit else {
                return .fail(HeliographError(.unexpectedResponse, "asked Modbus unit \(pending.unit), unit \(unit) answered", bytes: frame.bytes))
            }
            return .deliver(unit: unit, response: response, payload: payload)
        } catch {
            var error = error
            if error.bytes == nil { error.bytes = frame.bytes }
            return .fail(error)
        }
    }

    private mutating func discard(_ reason: String) -> Action {
        lastDiscarded = reason
        return .ignore(reason: reason)
    }
}
