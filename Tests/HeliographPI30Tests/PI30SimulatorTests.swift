import Foundation
import HeliographPI30
import HeliographDevices
import Testing

@Suite("PI30 simulator model")
struct PI30SimulatorTests {
    /// Asks the model and decodes its reply with the real codec, CRC included.
    static func ask(_ simulator: inout PI30Simulator, _ command: PI30Command, at time: Date) throws -> PI30Response {
        let bytes = simulator.reply(to: .command(command), at: time)
        return try PI30Response.decode(try PI30Frame.validate(bytes), for: command)
    }

    @Test("every supported query gets a CRC-valid, decodable reply")
    func everyQuery() throws {
        var simulator = PI30Simulator()
        for command in [PI30Command.qpi, .qid, .qvfw, .qpigs, .qpiri, .qmod, .qpiws, .qflag, .qdi, .qmchgcr, .qmuchgcr, .qpgs(0)] {
            let response = try Self.ask(&simulator, command, at: simulatedNoon)
            #expect(response != .nak, "\(command)")
            if case .text = response, command != .qpi { Issue.record("\(command) not typed") }
        }
        #expect(try Self.ask(&simulator, "QXYZ", at: simulatedNoon) == .nak)
        #expect(simulator.reply(to: .invalid(bytes: [0x0D], reason: "lone CR"), at: simulatedNoon) == PI30Frame.responseBytes(payload: "NAK"))
    }

    @Test("PV follows daylight; SOC rises while charging at noon and falls at night")
    func physics() throws {
        var simulator = PI30Simulator()
        #expect(simulator.daylight(at: simulatedNoon) > 0.99)
        #expect(simulator.daylight(at: simulatedNoon.addingTimeInterval(12 * 3_600)) == 0)
        let start = simulator.state.stateOfCharge
        for minute in 0...60 { _ = simulator.advance(to: simulatedNoon.addingTimeInterval(Double(minute) * 60)) }
        #expect(simulator.state.stateOfCharge > start + 5)
        let noonSOC = simulator.state.stateOfCharge
        let midnight = simulatedNoon.addingTimeInterval(12 * 3_600)
        for minute in 0...60 { _ = simulator.advance(to: midnight.addingTimeInterval(Double(minute) * 60)) }
        #expect(simulator.state.stateOfCharge < noonSOC)
    }

    @Test("values change between polls (load noise)")
    func noise() throws {
        var simulator = PI30Simulator()
        var loads: Set<Double> = []
        for step in 0..<10 {
            if case .generalStatus(let status) = try Self.ask(&simulator, .qpigs, at: simulatedNoon.addingTimeInterval(Double(step) * 10)) {
                loads.insert(status.acOutputActivePower)
            }
        }
        #expect(loads.count > 3)
    }

    @Test("setters change state within range and NAK outside it; QPIRI reflects the change")
    func setters() throws {
        var simulator = PI30Simulator()
        #expect(try Self.ask(&simulator, "PBCV48.0", at: simulatedNoon) == .ack)
        #expect(try Self.ask(&simulator, "PBCV60.0", at: simulatedNoon) == .nak)
        #expect(try Self.ask(&simulator, "MUCHGC002", at: simulatedNoon) == .ack)
        #expect(try Self.ask(&simulator, "MUCHGC005", at: simulatedNoon) == .nak)
        #expect(try Self.ask(&simulator, "PCP02", at: simulatedNoon) == .ack)
        guard case .ratedInformation(let rated) = try Self.ask(&simulator, .qpiri, at: simulatedNoon) else {
            Issue.record("QPIRI not typed")
            return
        }
        #expect(rated.batteryRechargeVoltage == 48)
        #expect(rated.maxACChargingCurrent == 2)
        #expect(rated.chargerSource == .solarAndUtility)
    }

    @Test("grid loss shows as line-fail warning and battery mode")
    func gridLoss() throws {
        var simulator = PI30Simulator()
        simulator.state.gridAvailable = false
        simulator.state.outputSourcePriority = .utility
        guard case .warnings(let warnings) = try Self.ask(&simulator, .qpiws, at: simulatedNoon) else {
            Issue.record("QPIWS not typed")
            return
        }
        #expect(warnings.active.contains(.lineFail))
        #expect(try Self.ask(&simulator, .qmod, at: simulatedNoon) == .mode(PI30Mode(code: "B")))
    }
}
