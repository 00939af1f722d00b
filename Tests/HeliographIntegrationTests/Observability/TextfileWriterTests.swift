import Foundation
import HeliographPrometheus
import HeliographTesting
import Logging
import ServiceLifecycleTestKit
import Testing

@Suite struct TextfileWriterTests {
    /// node_exporter's textfile collector reads `*.prom`: the file appears whole, passes promtool,
    /// is refreshed, and is removed on shutdown so stale figures are not served as current.
    // Waits are generous: the whole suite runs in parallel on 2 cores, and `eventually` returns as soon as the file is there.
    @Test func writesAPromFileAtomicallyAndRemovesItOnShutdown() async throws {
        let directory = try makeTemporaryDirectory("textfile")
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = TextfileWriter(directory: directory, interval: .milliseconds(50), exporter: try await PrometheusTests.exporter(), logger: Logger(label: "test"))
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await writer.run() }
                try await eventually(timeout: .seconds(60), "heliograph.prom written") { FileManager.default.fileExists(atPath: writer.file.path) }
                let first = try String(contentsOf: writer.file, encoding: .utf8)
                #expect(first.contains(#"heliograph_battery_soc_pct{device="inv1",model="Axpert VM III"} 87.0"#))
                try await eventually(timeout: .seconds(60), "rewritten with a newer uptime") { (try? String(contentsOf: writer.file, encoding: .utf8)) != first }
                #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["heliograph.prom"], "no temporary files left")
                if let promtool = Promtool.path {
                    let (status, output) = try await Promtool.check(writer.file, promtool: promtool)
                    #expect(status == 0, "\(output)")
                }
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(!FileManager.default.fileExists(atPath: writer.file.path))
    }
}
