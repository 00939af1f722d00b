import HeliographCore
import HeliographModbus
import HeliographTesting
import NIOCore
import Testing

@Suite struct ModbusTCPClientSessionTests {
    typealias Session = ModbusTCPClientSession<Int>
    let start = ContinuousClock.now
    let read = ModbusRequest.readHoldingRegisters(address: 0x1000, count: 2)

    func sentFrames(_ actions: [Session.Action]) -> [ModbusTCPFrame] {
        actions.compactMap { if case .send(let frame) = $0 { frame } else { nil } }
    }

    func answer(_ frame: ModbusTCPFrame, _ values: [UInt16]) -> ModbusTCPFrame {
        ModbusTCPFrame(transactionID: frame.transactionID, unit: frame.unit, response: .registers(function: .readHoldingRegisters, values: values))
    }

    @Test func connectsOnFirstUseThenSendsWhatWaited() {
        var session = Session()
        let first = session.submit(1, unit: 1, request: read, deadline: start + .seconds(3))
        guard case .connect = first.first else {
            Issue.record("expected connect, got \(first)")
            return
        }
        #expect(session.submit(2, unit: 1, request: read, deadline: start + .seconds(3)).isEmpty)
        let frames = sentFrames(session.connected())
        #expect(frames.map(\.transactionID) == [1, 2])
        #expect(session.inFlightCount == 2)
    }

    @Test func matchesOutOfOrderAnswersByTransactionID() {
        var session = Session()
        _ = session.submit(10, unit: 1, request: read, deadline: start + .seconds(3))
        _ = session.submit(20, unit: 1, request: read, deadline: start + .seconds(3))
        let frames = sentFrames(session.connected())
        let second = session.received(answer(frames[1], [2, 2]))
        let first = session.received(answer(frames[0], [1, 1]))
        guard case .succeed(20, .registers(_, [2, 2])) = second.first, case .succeed(10, .registers(_, [1, 1])) = first.first else {
            Issue.record("answers not matched: \(second) \(first)")
            return
        }
        #expect(session.inFlightCount == 0)
    }

    @Test func keepsAtMostTheLimitInFlightAndSendsTheRestAsSlotsFree() {
        var session = Session(maximumInFlight: 2)
        _ = session.submit(1, unit: 1, request: read, deadline: start + .seconds(3))
        _ = session.connected()
        _ = session.submit(2, unit: 1, request: read, deadline: start + .seconds(3))
        let third = session.submit(3, unit: 1, request: read, deadline: start + .seconds(3))
        #expect(third.isEmpty)
        #expect(session.inFlightCount == 2)
        #expect(session.queuedCount == 1)
        let freed = session.received(answer(ModbusTCPFrame(transactionID: 1, unit: 1, pdu: ByteBuffer()), [0, 0]))
        #expect(sentFrames(freed).map(\.transactionID) == [3])
    }

    @Test func discardsAnswersToUnknownTransactions() {
        var session = Session()
        _ = session.submit(1, unit: 1, request: read, deadline: start + .seconds(3))
        _ = session.connected()
        let actions = session.received(answer(ModbusTCPFrame(transactionID: 99, unit: 1, pdu: ByteBuffer()), [0, 0]))
        #expect(actions.isEmpty)
        #expect(session.discardedResponses == 1)
        #expect(session.inFlightCount == 1)
    }

    @Test func failsAnswersFromAnotherUnitOrFunction() {
        var session = Session()
        _ = session.submit(1, unit: 1, request: read, deadline: start + .seconds(3))
        _ = session.submit(2, unit: 1, request: read, deadline: start + .seconds(3))
        let frames = sentFrames(session.connected())
        let wrongUnit = session.received(ModbusTCPFrame(transactionID: frames[0].transactionID, unit: 9, response: .registers(function: .readHoldingRegisters, values: [0, 0])))
        let wrongFunction = session.received(ModbusTCPFrame(transactionID: frames[1].transactionID, unit: 1, response: .registers(function: .readInputRegisters, values: [0, 0])))
        guard case .fail(1, let unitError) = wrongUnit.first, case .fail(2, let functionError) = wrongFunction.first else {
            Issue.record("mismatches not failed: \(wrongUnit) \(wrongFunction)")
            return
        }
        #expect(unitError.code == .unexpectedResponse)
        #expect(functionError.code == .unexpectedResponse)
    }

    @Test func exceptionResponsesAreAnswersAndMalformedOnesFail() {
        var session = Session()
        _ = session.submit(1, unit: 1, request: read, deadline: start + .seconds(3))
        _ = session.submit(2, unit: 1, request: read, deadline: start + .seconds(3))
        let frames = sentFrames(session.connected())
        let exception = session.received(ModbusTCPFrame(transactionID: frames[0].transactionID, unit: 1, response: .exception(function: 3, code: .serverDeviceBusy)))
        let malformed = session.received(ModbusTCPFrame(transactionID: frames[1].transactionID, unit: 1, pdu: ByteBuffer(bytes: [0x03, 0x04, 0x00])))
        guard case .succeed(1, .exception(3, .serverDeviceBusy)) = exception.first, case .fail(2, let error) = malformed.first else {
            Issue.record("unexpected actions: \(exception) \(malformed)")
            return
        }
        #expect(error.code == .malformedFrame)
        #expect(error.bytes?.isEmpty == false)
    }

    @Test func expiresRequestsAtTheirDeadlineAndDiscardsTheirLateAnswers() {
        var session = Session()
        _ = session.submit(1, unit: 1, request: read, deadline: start + .seconds(1))
        _ = session.submit(2, unit: 1, request: read, deadline: start + .seconds(5))
        let frames = sentFrames(session.connected())
        #expect(session.nextDeadline == start + .seconds(1))
        #expect(session.expire(now: start + .milliseconds(999)).isEmpty)
        let expired = session.expire(now: start + .seconds(2))
        guard case .fail(1, let error) = expired.first, expired.count == 1 else {
            Issue.record("expected one timeout, got \(expired)")
            return
        }
        #expect(error.code == .timeout)
        #expect(session.received(answer(frames[0], [0, 0])).isEmpty)
        #expect(session.discardedResponses == 1)
        #expect(session.inFlightCount == 1)
    }

    @Test func connectionLossFailsEverythingAndTheNextUseReconnects() {
        var session = Session(maximumInFlight: 1)
        _ = session.submit(1, unit: 1, request: read, deadline: start + .seconds(3))
        _ = session.connected()
        _ = session.submit(2, unit: 1, request: read, deadline: start + .seconds(3))
        let failed = session.connectionClosed(HeliographError(.connectionFailed, "peer closed"))
        #expect(failed.count == 2)
        #expect(session.inFlightCount == 0 && session.queuedCount == 0)
        guard case .connect = session.submit(3, unit: 1, request: read, deadline: start + .seconds(3)).first else {
            Issue.record("no reconnect on next use")
            return
        }
    }

    @Test func transactionIDsWrapSkippingZeroAndIDsInUse() {
        var session = Session(maximumInFlight: 3, firstTransactionID: 0xFFFE)
        _ = session.submit(1, unit: 1, request: read, deadline: start + .seconds(3))
        _ = session.submit(2, unit: 1, request: read, deadline: start + .seconds(3))
        _ = session.submit(3, unit: 1, request: read, deadline: start + .seconds(3))
        #expect(sentFrames(session.connected()).map(\.transactionID) == [0xFFFE, 0xFFFF, 1])
    }

    @Test func cancelledRequestFailsAndFreesItsSlot() {
        var session = Session(maximumInFlight: 1)
        _ = session.submit(1, unit: 1, request: read, deadline: start + .seconds(3))
        _ = session.connected()
        _ = session.submit(2, unit: 1, request: read, deadline: start + .seconds(3))
        let actions = session.cancel(1)
        guard case .fail(1, _) = actions.first else {
            Issue.record("cancel did not fail the request: \(actions)")
            return
        }
        #expect(sentFrames(actions).count == 1)
    }

    /// Submits one request per token, answering each as it is sent; returns the ids used.
    func answerEach(_ session: inout Session, tokens: ClosedRange<Int>) -> [UInt16] {
        var sent: [UInt16] = []
        for token in tokens {
            var actions = session.submit(token, unit: 1, request: read, deadline: start + .seconds(5))
            if case .connect = actions.first { actions = session.connected() }
            for frame in sentFrames(actions) {
                sent.append(frame.transactionID)
                _ = session.received(answer(frame, [0, 0]))
            }
        }
        return sent
    }

    /// 65 536 round trips take seconds in a debug build: off the cooperative pool.
    @Test(.cpuBound) func idsOfTimedOutRequestsAreNotReusedOnTheSameConnection() {
        // Ids run 0xFFFE, 0xFFFF, 1, 2, ... A timed-out 0xFFFE must be skipped
        // when the counter comes round again, or its late answer would be taken for the new request's.
        var session = Session(maximumInFlight: 1, firstTransactionID: 0xFFFE)
        _ = session.submit(1, unit: 1, request: read, deadline: start + .seconds(1))
        let timedOut = sentFrames(session.connected())
        #expect(timedOut.map(\.transactionID) == [0xFFFE])
        _ = session.expire(now: start + .seconds(2))
        let sent = answerEach(&session, tokens: 2...65_537)
        #expect(sent.count == 65_536)
        #expect(!sent.contains(0xFFFE))
        #expect(!sent.contains(0))
        // Its late answer is dropped as stale and fails nothing.
        #expect(session.received(answer(timedOut[0], [9, 9])).isEmpty)
        #expect(session.staleResponses == 1)
        #expect(session.discardedResponses == 1)
    }
}
