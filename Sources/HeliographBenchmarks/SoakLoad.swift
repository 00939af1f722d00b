import AsyncHTTPClient
import Foundation
import HeliographCore
import HeliographMQTT
import HeliographMQTTCodec
import HummingbirdWSClient
import Logging
import NIOCore
import Synchronization

/// What the soak's clients got, counted as they go.
final class SoakCounters: Sendable {
    let httpRequests = Atomic<Int>(0)
    let httpErrors = Atomic<Int>(0)
    let liveMessages = Atomic<Int>(0)
    let liveConnections = Atomic<Int>(0)
    let mqttMessages = Atomic<Int>(0)
    /// The first failure of each kind, for the report (a benchmark that only counts errors hides why).
    let firstErrors = Mutex<[String: String]>([:])

    func failed(_ kind: String, _ error: any Error) {
        firstErrors.withLock { errors in
            if errors[kind] == nil { errors[kind] = "\(error)" }
        }
    }

    /// The counts now.
    var snapshot: SoakLoadCounts {
        var counts = SoakLoadCounts()
        counts.httpRequests = httpRequests.load(ordering: .relaxed)
        counts.httpErrors = httpErrors.load(ordering: .relaxed)
        counts.liveMessages = liveMessages.load(ordering: .relaxed)
        counts.liveConnections = liveConnections.load(ordering: .relaxed)
        counts.mqttMessages = mqttMessages.load(ordering: .relaxed)
        counts.firstErrors = firstErrors.withLock { $0 }
        return counts
    }
}

/// The web and MQTT clients of the soak: they load the daemon the way dashboards, scripts and Home
/// Assistant would, and stop when their task is cancelled.
struct SoakLoad: Sendable {
    let port: Int
    let time: SimulatedTime
    let counters: SoakCounters
    /// Series the history queries ask for (`device/field`).
    let series: [String]
    let logger: Logger

    /// Runs every client of `plan` until the calling task is cancelled.
    static func run(_ plan: SoakLoadPlan, counters: SoakCounters, logger: Logger) async {
        let load = SoakLoad(port: plan.port, time: plan.simulatedTime(), counters: counters, series: plan.series, logger: logger)
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        await withTaskGroup(of: Void.self) { clients in
            for index in 0..<plan.httpClients {
                clients.addTask { await load.httpClient(httpClient, reconnect: index == 0, pause: .milliseconds(plan.httpPauseMilliseconds)) }
            }
            for index in 0..<plan.liveClients {
                clients.addTask { await load.liveClient(messagesPerConnection: index % 2 == 1 ? 100 : nil) }
            }
            if let brokerPort = plan.brokerPort {
                clients.addTask { await mqttObserver(brokerPort: brokerPort, topicPrefix: plan.topicPrefix, counters: counters, logger: logger) }
            }
            await clients.waitForAll()
        }
        // The pool's idle keep-alive connections close before the daemon's web server shuts down,
        // so its graceful shutdown has no client of ours to wait for.
        try? await httpClient.shutdown()
    }

    /// One HTTP client in a loop: mostly `/api/v1/latest`, with history queries (the last simulated
    /// hour raw, the whole run so far from rollups), the device list and `/health` in between.
    /// `reconnect` closes the connection after every request, as scripts polling with curl do.
    func httpClient(_ client: HTTPClient, reconnect: Bool, pause: Duration) async {
        var round = 0
        while !Task.isCancelled {
            let now = time.now().timeIntervalSince1970
            let list = series.joined(separator: ",")
            let path: String
            switch round % 10 {
            case 3: path = "/api/v1/history?series=\(list)&from=\(Int(now - 3_600))&to=\(Int(now))&step=raw"
            case 6: path = "/api/v1/history?series=\(list)&from=\(Int(time.start.timeIntervalSince1970))&to=\(Int(now) + 1)"
            case 8: path = "/api/v1/devices"
            case 9: path = "/health"
            default: path = "/api/v1/latest"
            }
            round += 1
            do {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
                if reconnect { request.headers.add(name: "Connection", value: "close") }
                let response = try await client.execute(request, timeout: .seconds(30))
                _ = try await response.body.collect(upTo: 16 << 20)
                counters.httpRequests.add(1, ordering: .relaxed)
                if response.status != .ok {
                    counters.httpErrors.add(1, ordering: .relaxed)
                    counters.failed("http", HeliographError(.unexpectedResponse, "\(path) answered \(response.status.code)"))
                }
            } catch {
                if Task.isCancelled { return }
                counters.httpErrors.add(1, ordering: .relaxed)
                counters.failed("http", error)
            }
            try? await Task.sleep(for: pause)
        }
    }

    /// One WebSocket client of the live feed. With `messagesPerConnection` it leaves after that many
    /// messages and connects again (tabs opened and closed); otherwise it stays for the whole run.
    func liveClient(messagesPerConnection: Int?) async {
        while !Task.isCancelled {
            do {
                try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/api/v1/live", logger: logger) { inbound, _, _ in
                    counters.liveConnections.add(1, ordering: .relaxed)
                    var received = 0
                    for try await _ in inbound {
                        counters.liveMessages.add(1, ordering: .relaxed)
                        received += 1
                        if Task.isCancelled { return }
                        if let limit = messagesPerConnection, received >= limit { return }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                counters.failed("websocket", error)
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Subscribes to everything the daemon publishes under `topicPrefix` and counts it, as Home
    /// Assistant would receive it.
    static func mqttObserver(brokerPort: Int, topicPrefix: String, counters: SoakCounters, logger: Logger) async {
        let client = MQTTClient(configuration: .init(host: "127.0.0.1", port: brokerPort, clientID: "heliograph-soak-observer"), logger: logger)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await client.run() }
            group.addTask {
                do {
                    let messages = try await client.subscribe(["\(topicPrefix)/#"], qos: .atMostOnce)
                    for await _ in messages {
                        counters.mqttMessages.add(1, ordering: .relaxed)
                    }
                } catch {
                    if !Task.isCancelled { counters.failed("mqtt", error) }
                }
            }
            await group.waitForAll()
        }
    }
}
