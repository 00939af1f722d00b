import Foundation
import Logging
import ServiceLifecycle

/// Writes the exposition to `<directory>/heliograph.prom` every `interval`, for node_exporter's
/// textfile collector (`--collector.textfile.directory`): on machines where Prometheus scrapes
/// node_exporter only. Each write goes to a temporary file in the same directory and is renamed
/// over the old one, so node_exporter never reads half a file.
public struct TextfileWriter: Service {
    public let file: URL
    public let interval: Duration
    private let exporter: PrometheusExporter
    private let logger: Logger

    public init(directory: URL, fileName: String = "heliograph.prom", interval: Duration = .seconds(15), exporter: PrometheusExporter, logger: Logger) {
        self.file = directory.appendingPathComponent(fileName)
        self.interval = interval
        self.exporter = exporter
        self.logger = logger
    }

    public func run() async throws {
        var failing = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await writeOnce()
                if failing { logger.info("Metrics textfile written again", metadata: ["metrics.file": "\(file.path)"]) }
                failing = false
            } catch {
                if !failing { logger.warning("Cannot write the metrics textfile; will retry", metadata: ["metrics.file": "\(file.path)", "error": "\(error)"]) }
                failing = true
            }
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
        // Leave no stale figures behind for node_exporter to serve as current.
        try? FileManager.default.removeItem(at: file)
    }

    /// Renders and replaces the file atomically.
    public func writeOnce() async throws {
        let bytes = await exporter.exposition()
        let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).\(getpid()).tmp")
        try Data(bytes).write(to: temporary)
        guard rename(temporary.path, file.path) == 0 else {
            let code = errno
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "rename to \(file.path) failed (errno \(code))"])
        }
    }
}
