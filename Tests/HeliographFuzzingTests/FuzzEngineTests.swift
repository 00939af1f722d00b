import Foundation
import HeliographCore
import HeliographTesting
import Synchronization
import Testing

@testable import HeliographFuzzing

/// The engine itself: reproducible inputs, mutations that reach past the checks, and the watchdogs.
/// The engine's runs decode for seconds, or sleep on purpose: off the cooperative pool.
@Suite(.serialized, .cpuBound)
struct FuzzEngineTests {
    @Test func inputsDependOnlyOnSeedTargetAndIndex() {
        let target = FuzzTargets.solarmanV5
        for index in [0, 1, 17, 99_999, 9_999_999] {
            #expect(target.input(seed: 42, index: index).bytes == target.input(seed: 42, index: index).bytes)
        }
        let run = (0..<200).map { target.input(seed: 42, index: $0).bytes }
        #expect(Set(run).count > 150, "inputs of one run should differ from each other")
        let otherSeed = (0..<200).map { target.input(seed: 43, index: $0).bytes }
        #expect(run != otherSeed)
        let otherTarget = (0..<200).map { FuzzTargets.modbusRTU.input(seed: 42, index: $0).bytes }
        #expect(run != otherTarget)
    }

    @Test func inputsStayWithinTheTargetsLengthBound() {
        for target in FuzzTargets.all {
            for index in 0..<2_000 {
                #expect(target.input(seed: 5, index: index).bytes.count <= target.maximumLength, "\(target.name) input \(index)")
            }
        }
    }

    @Test func repairedInputsGetPastChecksumsAndLengthChecks() {
        // Without repair almost no mutated frame would survive the CRC; with it, a good share does.
        for target in [FuzzTargets.pi30Serial, FuzzTargets.solarmanV5, FuzzTargets.modbusRTU, FuzzTargets.modbusTCP] {
            let accepted = (0..<2_000).filter { target.run(seed: 11, index: $0) }.count
            #expect(accepted > 0, "\(target.name): none of 2000 inputs was accepted")
            #expect(accepted < 2_000, "\(target.name): every input accepted means nothing was mutated")
        }
    }

    @Test func lengthFieldLiesRewriteTheField() {
        var random = FuzzRandom(state: 3)
        var changed = 0
        for _ in 0..<100 {
            var bytes: [UInt8] = [0x30, 0x05, 1, 2, 3, 4, 5]
            FuzzLengthField(offset: 1, .mqttVariable).lie(in: &bytes, &random)
            if Array(bytes[1...]) != [0x05, 1, 2, 3, 4, 5] { changed += 1 }
        }
        #expect(changed > 50)
        #expect(FuzzLengthField.encodeVariable(321) == [0xC1, 0x02])
    }

    @Test func aSlowInputIsReportedAsAHangWithItsIndex() {
        let marker = IndexMarker()
        let target = FuzzTarget(name: "sleepy", summary: "input 3 takes 400 ms", seeds: [[0]]) { _, _ in
            if marker.next() == 3 { Thread.sleep(forTimeInterval: 0.4) }
            return true
        }
        var options = FuzzRunner.Options()
        options.inputs = 10
        options.hangSeconds = 0.1
        let report = FuzzRunner(options: options).run(target)
        #expect(report.findings.map(\.kind) == [.hang])
        #expect(report.findings.first?.index == 3)
        #expect(report.findings.first?.detail.contains("--seed 1 --inputs 1 --start 3") == true)
        #expect(report.inputs == 4, "the run stops at the hang")
    }

    @Test func memoryOverTheBoundIsReported() throws {
        let baseline = try #require(ProcessMemory.residentBytes())
        let marker = IndexMarker()
        let hungry = FuzzTarget(name: "hungry", summary: "input 5 touches 64 MB", seeds: [[0]]) { _, _ in
            guard marker.next() == 5 else { return true }
            var block = [UInt8](repeating: 1, count: 64 << 20)
            block[block.count - 1] = 2
            return block.last == 2
        }
        var options = FuzzRunner.Options()
        options.inputs = 20
        options.maximumRSSBytes = baseline + (32 << 20)
        let report = FuzzRunner(options: options).run(hungry)
        #expect(report.findings.map(\.kind) == [.memory])
        #expect(report.findings.first?.detail.contains("0..<20") == true)
        let peak = try #require(report.peakRSSBytes)
        #expect(peak > baseline + (32 << 20))
    }

    @Test func theTimeLimitEndsARunEarly() {
        let target = FuzzTarget(name: "busy", summary: "1 ms per input", seeds: [[0]]) { _, _ in
            Thread.sleep(forTimeInterval: 0.001)
            return true
        }
        var options = FuzzRunner.Options()
        options.inputs = 1_000_000
        options.maximumSeconds = 0.5
        let report = FuzzRunner(options: options).run(target)
        #expect(report.passed)
        #expect(report.inputs < 1_000_000)
        #expect(report.seconds < 5)
    }
}

/// Counts calls, so a synthetic target can misbehave on one chosen input.
final class IndexMarker: Sendable {
    private let count = Mutex(0)
    func next() -> Int { count.withLock { value in defer { value += 1 }; return value } }
}

