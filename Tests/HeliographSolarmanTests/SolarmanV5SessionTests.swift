import HeliographCore
import HeliographModbus
import HeliographSolarman
import Testing

@Suite("Solarman V5 session")
struct SolarmanV5SessionTests {
    let serial: UInt32 = 2_722_790_423

    func inbound(_ bytes: [UInt8]) throws -> SolarmanV5Inbound { .frame(try SolarmanV5Frame.decode(bytes)) }

    @Test("the answer with our sequence byte completes the request")
    func deliver() throws {
        var session = SolarmanV5Session(loggerSerial: serial, initialSequence: 0x65)
        let request = session.send(.readHoldingRegisters(address: 0x76, count: 1), unit: 1)
        #expect(request.bytes == Fixtures.frame("request: read holding reg 0x0076"))
        guard case .deliver(let unit, let response, _) = session.receive(try inbound(Fixtures.frame("response to 0x0076")), unixTime: 0) else {
            Issue.record("expected delivery")
            return
        }
        #expect(unit == 1)
        #expect(response == .registers(function: .readHoldingRegisters, values: [4800]))
        #expect(!session.isWaiting)
    }

    @Test("heartbeats are answered with a time reply and never complete a request")
    func heartbeat() throws {
        var session = SolarmanV5Session(loggerSerial: serial, initialSequence: 0x65)
        _ = session.send(.readHoldingRegisters(address: 0x76, count: 1), unit: 1)
        guard case .send(let reply, _) = session.receive(try inbound(Fixtures.frame("unsolicited HEARTBEAT")), unixTime: 1_700_000_000) else {
            Issue.record("expected a heartbeat reply")
            return
        }
        #expect(reply.bytes == Fixtures.frame("constructed reply to the heartbeat"))
        #expect(session.isWaiting)
        var quiet = SolarmanV5Session(loggerSerial: serial, answersHeartbeats: false)
        _ = quiet.send(.readHoldingRegisters(address: 0x76, count: 1), unit: 1)
        guard case .ignore = quiet.receive(try inbound(Fixtures.frame("unsolicited HEARTBEAT")), unixTime: 0) else {
            Issue.record("expected the heartbeat to be ignored")
            return
        }
    }

    @Test("a reply to an earlier request (stale sequence) and data pushes are ignored")
    func staleAndUnsolicited() throws {
        var session = SolarmanV5Session(loggerSerial: serial, initialSequence: 0x66)
        _ = session.send(.readHoldingRegisters(address: 0x77, count: 1), unit: 1)
        guard case .ignore(let reason) = session.receive(try inbound(Fixtures.frame("response to 0x0076")), unixTime: 0) else {
            Issue.record("a stale reply must be ignored")
            return
        }
        #expect(reason.contains("stale"))
        let push = SolarmanV5Frame(controlCode: .data, sequence: 0x66, loggerSerial: serial, payload: [1, 2, 3])
        guard case .ignore = session.receive(.frame(push), unixTime: 0) else {
            Issue.record("a data push must be ignored")
            return
        }
        #expect(session.lastDiscarded?.contains("unsolicited") == true)
        guard case .deliver = session.receive(try inbound(Fixtures.frame("response to 0x0077")), unixTime: 0) else {
            Issue.record("the real answer must still be delivered")
            return
        }
    }

    @Test("an answer from another logger serial is a clear configuration error")
    func wrongSerial() throws {
        var session = SolarmanV5Session(loggerSerial: 1_234_567_890, initialSequence: 0x65)
        _ = session.send(.readHoldingRegisters(address: 0x76, count: 1), unit: 1)
        guard case .fail(let error) = session.receive(try inbound(Fixtures.frame("response to 0x0076")), unixTime: 0) else {
            Issue.record("expected failure")
            return
        }
        #expect(error.code == .invalidConfiguration)
        #expect(error.message.contains("1234567890") && error.message.contains("2722790423"))
    }

    @Test("serial 0 adopts the logger's serial from its first answer")
    func learnsSerial() throws {
        var session = SolarmanV5Session(loggerSerial: 0, initialSequence: 0x65)
        _ = session.send(.readHoldingRegisters(address: 0x76, count: 1), unit: 1)
        guard case .deliver = session.receive(try inbound(Fixtures.frame("response to 0x0076")), unixTime: 0) else {
            Issue.record("expected delivery")
            return
        }
        #expect(session.loggerSerial == serial)
    }

    @Test("the short error payload fails the request with the inverter named as the cause")
    func loggerError() throws {
        var session = SolarmanV5Session(loggerSerial: 2_713_943_268, initialSequence: 0x0B)
        _ = session.send(.readInputRegisters(address: 33022, count: 6), unit: 1)
        guard case .fail(let error) = session.receive(try inbound(Fixtures.frame("response with 2-byte payload")), unixTime: 0) else {
            Issue.record("expected failure")
            return
        }
        #expect(error.code == .deviceUnavailable)
        #expect(error.message.contains("inverter did not answer"))
    }

    @Test("a damaged frame while waiting fails the request at once; garbage does not")
    func damagedAnswer() throws {
        var session = SolarmanV5Session(loggerSerial: serial, initialSequence: 0x65)
        _ = session.send(.readHoldingRegisters(address: 0x76, count: 1), unit: 1)
        guard case .ignore = session.receive(.skipped(HeliographError(.malformedFrame, "garbage")), unixTime: 0) else {
            Issue.record("garbage must be skipped")
            return
        }
        guard case .fail(let error) = session.receive(.skipped(HeliographError(.checksumMismatch, "bad sum", bytes: [1])), unixTime: 0) else {
            Issue.record("a damaged answer must fail the request")
            return
        }
        #expect(error.code == .checksumMismatch)
        #expect(!session.isWaiting)
    }

    @Test("sequence bytes advance and wrap")
    func sequenceWraps() {
        var session = SolarmanV5Session(loggerSerial: serial, initialSequence: 0xFF)
        #expect(session.send(.readHoldingRegisters(address: 0, count: 1), unit: 1).sequence == 0xFF)
        #expect(session.send(.readHoldingRegisters(address: 0, count: 1), unit: 1).sequence == 0x00)
    }
}
