import HeliographCore
import NIOCore

/// The client side of a Modbus TCP connection as a pure state machine: it numbers requests with
/// transaction ids, keeps up to `maximumInFlight` outstanding, queues the rest, matches responses
/// by transaction id and expires requests at their deadline. It performs no I/O; the caller
/// carries out the returned actions.
///
/// A response whose transaction id matches nothing outstanding is dropped, never a protocol
/// error: usually it is the late answer to a request that timed out or was cancelled. Ids of such
/// abandoned requests are not handed out again while their connection lasts (up to
/// `abandonedIDLimit` of them), so a late answer can never be paired with a newer request.
///
/// `Token` is the caller's handle for a request (e.g. the key of a continuation).
public struct ModbusTCPClientSession<Token: Hashable & Sendable>: Sendable {
    public typealias Instant = ContinuousClock.Instant

    /// What the caller must do next.
    public enum Action: Sendable {
        /// Write this frame to the connection.
        case send(ModbusTCPFrame)
        /// The request got its answer (which may be a Modbus exception response).
        case succeed(Token, ModbusResponse)
        /// The request failed (timeout, mismatched answer, connection lost).
        case fail(Token, HeliographError)
        /// Ask the transport for a connection; requests are waiting.
        case connect
    }

    private struct Pending: Sendable {
        var token: Token
        var unit: UInt8
        var request: ModbusRequest
        var deadline: Instant
    }

    private enum ConnectionState: Sendable {
        case disconnected
        case connecting
        case connected
    }

    /// Abandoned transaction ids remembered per connection; beyond this the oldest may be reused.
    public static var abandonedIDLimit: Int { 1_024 }

    public let maximumInFlight: Int
    private var state = ConnectionState.disconnected
    private var nextTransactionID: UInt16
    private var queued: [Pending] = []
    private var inFlight: [UInt16: Pending] = [:]
    /// Ids of requests sent on this connection that timed out or were cancelled, oldest first:
    /// their answers may still come.
    private var abandoned: [UInt16] = []
    private var abandonedSet: Set<UInt16> = []
    /// Responses that matched no outstanding request, for diagnostics (`staleResponses` included).
    public private(set) var discardedResponses = 0
    /// Of those, late answers to requests that timed out or were cancelled on this connection.
    public private(set) var staleResponses = 0

    public init(maximumInFlight: Int = 8, firstTransactionID: UInt16 = 1) {
        precondition(maximumInFlight >= 1, "at least one request must be allowed in flight")
        self.maximumInFlight = maximumInFlight
        self.nextTransactionID = firstTransactionID
    }

    /// Requests sent and not yet answered.
    public var inFlightCount: Int { inFlight.count }
    /// Requests waiting for a connection or a free slot.
    public var queuedCount: Int { queued.count }
    public var isConnected: Bool { state == .connected }

    /// The earliest deadline of any outstanding request, for the caller's timer.
    public var nextDeadline: Instant? {
        (queued.map(\.deadline) + inFlight.values.map(\.deadline)).min()
    }

    /// A caller wants `request` answered by `deadline`.
    public mutating func submit(_ token: Token, unit: UInt8, request: ModbusRequest, deadline: Instant) -> [Action] {
        queued.append(Pending(token: token, unit: unit, request: request, deadline: deadline))
        switch state {
        case .disconnected:
            state = .connecting
            return [.connect]
        case .connecting:
            return []
        case .connected:
            return dispatch()
        }
    }

    /// The transport connected: send what waits.
    public mutating func connected() -> [Action] {
        state = .connected
        return dispatch()
    }

    /// The connection failed or closed: every outstanding request fails with `error`.
    /// The next `submit` asks for a new connection.
    public mutating func connectionClosed(_ error: HeliographError) -> [Action] {
        state = .disconnected
        // Late answers cannot arrive on the next connection: their ids are free again.
        abandoned.removeAll()
        abandonedSet.removeAll()
        let failed = inFlight.sorted { $0.key < $1.key }.map(\.value) + queued
        inFlight.removeAll()
        queued.removeAll()
        return failed.map { .fail($0.token, error) }
    }

    /// A frame arrived from the server.
    public mutating func received(_ frame: ModbusTCPFrame, repairingByteCount: Bool = false) -> [Action] {
        guard let pending = inFlight.removeValue(forKey: frame.transactionID) else {
            discardedResponses += 1
            if abandonedSet.remove(frame.transactionID) != nil {
                staleResponses += 1
                abandoned.removeAll { $0 == frame.transactionID }
            }
            return []
        }
        var actions: [Action]
        if frame.unit != pending.unit {
            actions = [
                .fail(
                    pending.token,
                    HeliographError(
                        .unexpectedResponse,
                        "Modbus TCP transaction \(frame.transactionID) answered by unit \(frame.unit), asked unit \(pending.unit)",
                        bytes: frame.bytes
                    )
                )
            ]
        } else {
            do {
                let response = try frame.response(repairingByteCount: repairingByteCount)
                let answeredFunction: UInt8 =
                    switch response {
                    case .registers(let function, _): function.rawValue
                    case .wroteSingleRegister: ModbusFunction.writeSingleRegister.rawValue
                    case .wroteMultipleRegisters: ModbusFunction.writeMultipleRegisters.rawValue
                    case .exception(let function, _): function
                    }
                if answeredFunction == pending.request.function.rawValue {
                    actions = [.succeed(pending.token, response)]
                } else {
                    actions = [
                        .fail(
                            pending.token,
                            HeliographError(
                                .unexpectedResponse,
                                "Modbus TCP transaction \(frame.transactionID) answered function \(answeredFunction), asked \(pending.request.function.rawValue)",
                                bytes: frame.bytes
                            )
                        )
                    ]
                }
            } catch {
                var withBytes = error
                withBytes.bytes = frame.bytes
                actions = [.fail(pending.token, withBytes)]
            }
        }
        return actions + dispatch()
    }

    /// Time passed: fail every request whose deadline is reached.
    public mutating func expire(now: Instant) -> [Action] {
        var actions: [Action] = []
        for (transactionID, pending) in inFlight.sorted(by: { $0.key < $1.key }) where pending.deadline <= now {
            inFlight.removeValue(forKey: transactionID)
            abandon(transactionID)
            actions.append(
                .fail(pending.token, HeliographError(.timeout, "Modbus TCP transaction \(transactionID) (unit \(pending.unit), \(pending.request.function)) got no answer in time"))
            )
        }
        queued.removeAll { pending in
            guard pending.deadline <= now else { return false }
            actions.append(.fail(pending.token, HeliographError(.timeout, "Modbus request (unit \(pending.unit), \(pending.request.function)) waited too long to be sent")))
            return true
        }
        return actions + (state == .connected ? dispatch() : [])
    }

    /// The caller gave up on a request (task cancelled). Its late answer, if any, is discarded.
    public mutating func cancel(_ token: Token) -> [Action] {
        if let index = queued.firstIndex(where: { $0.token == token }) {
            let pending = queued.remove(at: index)
            return [.fail(pending.token, HeliographError(.timeout, "Modbus request cancelled"))]
        }
        if let entry = inFlight.first(where: { $0.value.token == token }) {
            inFlight.removeValue(forKey: entry.key)
            abandon(entry.key)
            return [.fail(entry.value.token, HeliographError(.timeout, "Modbus request cancelled"))] + (state == .connected ? dispatch() : [])
        }
        return []
    }

    /// Sends queued requests while slots are free.
    private mutating func dispatch() -> [Action] {
        var actions: [Action] = []
        while inFlight.count < maximumInFlight, !queued.isEmpty {
            let pending = queued.removeFirst()
            let transactionID = allocateTransactionID()
            inFlight[transactionID] = pending
            actions.append(.send(ModbusTCPFrame(transactionID: transactionID, unit: pending.unit, request: pending.request)))
        }
        return actions
    }

    /// Remembers the id of a request given up on while its answer may still come.
    private mutating func abandon(_ transactionID: UInt16) {
        guard state == .connected, abandonedSet.insert(transactionID).inserted else { return }
        abandoned.append(transactionID)
        if abandoned.count > Self.abandonedIDLimit {
            abandonedSet.remove(abandoned.removeFirst())
        }
    }

    /// Next id not in use nor abandoned; wraps at 65 535 and skips 0 so a zeroed header never matches.
    private mutating func allocateTransactionID() -> UInt16 {
        repeat {
            let candidate = nextTransactionID
            nextTransactionID = nextTransactionID == .max ? 1 : nextTransactionID + 1
            if candidate != 0, inFlight[candidate] == nil, !abandonedSet.contains(candidate) { return candidate }
        } while true
    }
}
