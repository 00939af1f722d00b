import AsyncHTTPClient
import Foundation
import HeliographConfigFile
import HeliographCore
import HeliographPipeline
import Logging
import NIOCore
import ServiceLifecycle

/// Dead man's switch for healthchecks.io-style monitors: every `interval` it checks the daemon and
/// pings `url` when all is well, or `url/fail` with the problems as the body when not. The monitor
/// alerts when pings stop (machine down, daemon hung) or a `/fail` arrives (device or storage trouble).
public struct Heartbeat: Service {
    public let configuration: HeartbeatConfiguration
    private let check: @Sendable () async -> [String]
    private let logger: Logger
    private let client: HTTPClient

    /// - Parameter check: the problems right now; empty when healthy.
    public init(configuration: HeartbeatConfiguration, logger: Logger, client: HTTPClient = .shared, check: @escaping @Sendable () async -> [String]) {
        self.configuration = configuration
        self.check = check
        self.logger = logger
        self.client = client
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: configuration.interval) }
            } catch {
                break
            }
            await beat()
        }
    }

    /// One check and one ping; a failed ping is logged, never fatal.
    public func beat() async {
        let problems = await check()
        var base = configuration.url.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        var request = HTTPClientRequest(url: problems.isEmpty ? base : base + "/fail")
        request.method = .POST
        request.headers.add(name: "User-Agent", value: "heliograph")
        request.headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        request.body = .bytes(ByteBuffer(string: problems.isEmpty ? "ok" : problems.joined(separator: "\n")))
        do {
            let seconds = configuration.timeout.components.seconds
            let response = try await client.execute(request, timeout: .seconds(max(1, seconds)))
            _ = try? await response.body.collect(upTo: 16 * 1_024)
            if !(200..<300).contains(Int(response.status.code)) {
                logger.warning("Heartbeat ping answered with an error", metadata: ["heartbeat.status": "\(response.status.code)"])
            }
        } catch {
            logger.warning("Heartbeat ping failed", metadata: ["error": "\(error)"])
        }
    }

    /// Problems of the daemon: devices without a successful poll within `window`, unavailable
    /// devices, and a store that does not answer.
    public static func problems(poller: Poller, store: any SampleStore, window: Duration, now: Date = Date()) async -> [String] {
        let seconds = Double(window.components.seconds) + Double(window.components.attoseconds) / 1e18
        var problems: [String] = []
        for status in poller.status {
            if status.availability == .unavailable {
                problems.append("\(status.device): unavailable: \(status.lastError ?? "no answer")")
            } else if let success = status.lastSuccess, now.timeIntervalSince(success) <= seconds {
                continue
            } else {
                problems.append("\(status.device): no successful poll in the last \(Int(seconds)) s\(status.lastError.map { ": \($0)" } ?? "")")
            }
        }
        do {
            _ = try await store.statistics()
        } catch {
            problems.append("storage: \(error)")
        }
        return problems
    }
}

/// The `heartbeat:` section: a healthchecks.io-style ping URL.
///
/// ```yaml
/// heartbeat:
///   url: https://hc-ping.com/your-check-uuid   # pinged when healthy, url/fail with the problems otherwise
///   interval: 60s                              # default 60s; set the check's period to match
///   timeout: 10s                               # per ping; default 10s
/// ```
public struct HeartbeatConfiguration: Sendable, Hashable {
    public var url: URL
    public var interval: Duration
    public var timeout: Duration

    public init(url: URL, interval: Duration = .seconds(60), timeout: Duration = .seconds(10)) {
        self.url = url
        self.interval = interval
        self.timeout = timeout
    }

    static let keys = ["url", "interval", "timeout"]

    public static func parse(_ section: ConfigurationSection) -> HeartbeatConfiguration? {
        guard section.mapping != nil || section.environment[ConfigurationSection.environmentName(for: section.key("url"))] != nil else { return nil }
        guard let text = section.string("url") else {
            section.problem(nil, "needs url, e.g. https://hc-ping.com/<uuid>")
            return nil
        }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            section.problem("url", "must be an http:// or https:// URL with a host; got '\(text)'")
            return nil
        }
        var heartbeat = HeartbeatConfiguration(url: url)
        heartbeat.interval = section.duration("interval", in: .seconds(1) ... .seconds(86_400)) ?? heartbeat.interval
        heartbeat.timeout = section.duration("timeout", in: .milliseconds(100) ... .seconds(120)) ?? heartbeat.timeout
        section.reportUnknownKeys(allowed: keys)
        return heartbeat
    }
}
