import Foundation
import HeliographFuzzing
import HeliographTesting
import Testing

/// The CI share of the fuzzing: every target for a bounded number of inputs, and every input that
/// ever broke a decoder. The long runs (10 million inputs per target) are in the README.
@Suite(.serialized)
struct FuzzShortRunTests {
    /// Inputs per target; a few seconds for all targets in a debug build.
    static let inputs = 2_000

    @Test(arguments: FuzzTargets.all.map(\.name))
    func targetSurvivesAShortRun(_ name: String) async throws {
        let target = try #require(FuzzTargets.named(name))
        var options = FuzzRunner.Options()
        options.seed = 20_261_203
        options.inputs = Self.inputs
        // Generous: a debug build under a loaded CI machine is slow, and other suites share the process.
        options.hangSeconds = 10
        options.maximumRSSBytes = 2 << 30
        // Seconds of decoding: on a thread of its own, not the cooperative pool other suites need.
        let report = try await onOwnThread { [options] in FuzzRunner(options: options).run(target) }
        #expect(report.findings.isEmpty, "\(report.findings)")
        #expect(report.inputs == Self.inputs)
        #expect(report.accepted > 0, "\(name): no input was accepted, so the parsers behind the checks were never reached")
    }

    /// Replaying runs the decoder on the exact bytes: a crash ends the test process, a hang the time limit.
    @Test(.timeLimit(.minutes(1)))
    func everyRegressionInputReplays() {
        for regression in FuzzRegressions.all {
            #expect(regression.replay() != nil, "\(regression.target) is not a target")
        }
    }

    @Test func everyTargetHasSeedsAndAUniqueName() {
        let names = FuzzTargets.all.map(\.name)
        #expect(Set(names).count == names.count)
        for target in FuzzTargets.all {
            #expect(target.seeds.count >= 3, "\(target.name) has \(target.seeds.count) seeds")
        }
    }
}
