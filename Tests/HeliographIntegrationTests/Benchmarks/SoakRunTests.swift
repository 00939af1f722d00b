import Foundation
import HeliographTesting
import Testing

@testable import HeliographBenchmarks

/// A few simulated minutes of the soak, end to end: it completes and produces its measurements.
/// Timing and flatness are not asserted (this machine is shared); the verdict's logic is tested on
/// its own in `SoakVerdictTests`. The daemon's graceful shutdown after the run is asserted short: an
/// open Hoymiles DTU (Modbus TCP) connection used to hold it for its 120 s idle timeout (~150 s).
@Suite(.serialized) struct SoakRunTests {
    static let mosquittoExpected = Mosquitto.executable != nil || isCI

    @Test(.timeLimit(.minutes(2))) func aShortSoakRunsTheWholeDaemonAndMeasuresIt() async throws {
        // 12 simulated minutes at 120×: 6 real seconds, 72 polls per device.
        let options = SoakBenchmark.Options(simulatedHours: 0.2, devices: 3, speed: 120, httpClients: 2, httpPause: .milliseconds(20), liveClients: 2, measurements: 8)
        let result = try await SoakBenchmark.run(options)

        #expect(result.options.loadInProcess)
        #expect(result.measurements.count == 9)
        for measurement in result.measurements {
            #expect(measurement.resources.residentKilobytes > 0)
            #expect(measurement.resources.openFiles > 0)
            #expect(measurement.resources.threads > 0)
        }
        #expect(result.measurements.map(\.simulatedHours) == result.measurements.map(\.simulatedHours).sorted())
        let last = try #require(result.measurements.last)
        #expect(abs(last.simulatedHours - 0.2) < 1e-9)
        #expect(last.polls > 0)
        #expect(last.stored > 0)
        #expect(last.httpRequests > 0)
        #expect(last.httpErrors == 0, "\(result.firstErrors)")
        #expect(last.liveMessages > 0)
        // The live-feed subscribers are counted (the WebSocket clients were connected at some measurement).
        #expect(result.measurements.contains { $0.liveSubscribers > 0 })
        #expect(result.pollsPerDevice.keys.sorted() == ["dtu-1", "pi30-1", "pi30-2"])
        #expect(result.pollsPerDevice.values.allSatisfy { $0 > 0 })
        #expect(try #require(result.store).points > 0)
        #expect(result.sinks.allSatisfy { $0.writeErrors == 0 }, "\(result.sinks)")
        if Self.mosquittoExpected {
            #expect(last.mqttMessages > 0, "\(result.notes) \(result.firstErrors)")
        } else {
            #expect(result.notes.contains { $0.contains("MQTT skipped") })
        }
        // Judged on its measurements, whatever the outcome on a busy machine.
        #expect(!result.verdict.problems.contains { $0.contains("too few measurements") })
        #expect(result.verdict.reference != nil && result.verdict.middle != nil && result.verdict.last != nil)

        let text = result.text()
        #expect(text.contains("RSS MB"))
        #expect(text.contains("polls per device (expected 72)"))
        #expect(text.contains("flat:") || text.contains("GROWTH:"))
        // systemd SIGKILLs a daemon that takes longer than TimeoutStopSec (30 s in
        // packaging/systemd/heliograph.service) and buffered samples are lost. The hang this guards
        // against took ~150 s; a quiet machine shuts down in 0.3-0.7 s, a CPU-loaded one in 1.5-2.5 s,
        // and one full integration run on the 2-core machine measured 14.9 s (cause not yet found).
        print("soak: graceful shutdown took \(result.shutdownSeconds) s")
        #expect(result.shutdownSeconds <= 30, "graceful shutdown took \(result.shutdownSeconds) s, longer than the unit's TimeoutStopSec")
        #expect(text.contains("graceful shutdown:"))

        let lines = result.jsonLines()
        #expect(lines.count == 10)
        #expect(lines.last?.contains("\"verdict\"") == true)
    }

    @Test(.timeLimit(.minutes(2))) func theClientsCanRunInAProcessOfTheirOwnSoOnlyTheDaemonIsMeasured() async throws {
        // The same short run with the clients in `heliograph bench soak-load`, a child process.
        let executable = try HeliographProcess.executable.path
        let options = SoakBenchmark.Options(
            simulatedHours: 0.2, devices: 3, speed: 120, httpClients: 2, httpPause: .milliseconds(20), liveClients: 2, measurements: 8, loadExecutable: executable
        )
        let result = try await SoakBenchmark.run(options)

        // The child's counts reach the measurements: its clients did load the daemon.
        let last = try #require(result.measurements.last)
        #expect(last.httpRequests > 0)
        #expect(last.httpErrors == 0, "\(result.firstErrors)")
        #expect(last.liveMessages > 0)
        #expect(result.liveConnections > 0)
        if Self.mosquittoExpected { #expect(last.mqttMessages > 0, "\(result.notes) \(result.firstErrors)") }
        #expect(result.measurements.map(\.httpRequests) == result.measurements.map(\.httpRequests).sorted())
        // Not in the measured process: the report says so, with the child's own memory.
        #expect(!result.options.loadInProcess)
        #expect(try #require(result.loadProcessResidentKilobytes) > 0)
        #expect(result.text().contains("clients: a process of their own"))
        // What malloc holds is measured beside RSS, and judged.
        #expect(result.measurements.allSatisfy { ($0.resources.malloc?.inUseBytes ?? 0) > 0 })
        #expect(result.verdict.liveGrowthPercent != nil)
        #expect(result.shutdownSeconds <= 10, "graceful shutdown took \(result.shutdownSeconds) s")
    }
}
