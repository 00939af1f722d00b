import Foundation
import HeliographCore
import HeliographTesting
import Hummingbird
import HummingbirdTesting
import Logging
import ServiceLifecycleTestKit
import Synchronization
import Testing

@testable import HeliographAutomation

private let logger = Logger(label: "test.automation")

/// One request a webhook server received.
private struct Call: Sendable {
    var method: String
    var path: String
    var headers: [String: String]
    var body: String
}

/// The calls a webhook server received, in order.
private final class CallLog: Sendable {
    private let calls = Mutex<[Call]>([])
    func append(_ call: Call) { calls.withLock { $0.append(call) } }
    var all: [Call] { calls.withLock { $0 } }
    var count: Int { calls.withLock { $0.count } }
    var first: Call? { calls.withLock { $0.first } }
}

/// A local HTTP server that records the webhook calls it receives.
@discardableResult
private func withWebhookServer<Value: Sendable>(
    status: HTTPResponse.Status = .ok,
    _ body: @Sendable (_ baseURL: String, _ calls: CallLog) async throws -> Value
) async throws -> Value {
    let calls = CallLog()
    let router = Router()
    let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
        let bytes = try await request.body.collect(upTo: 1 << 20)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        calls.append(Call(method: request.method.rawValue, path: request.uri.path, headers: headers, body: String(buffer: bytes)))
        return Response(status: status)
    }
    router.post("/**", use: handler)
    router.put("/**", use: handler)
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    return try await app.test(.live) { client in
        try await body("http://127.0.0.1:\(try #require(client.port))", calls)
    }
}

@Suite("Automation services")
struct AutomationServiceTests {
    @Test("A Home Assistant style webhook gets a JSON body with the alert")
    func homeAssistantWebhook() async throws {
        try await withWebhookServer { base, calls in
            let channel = WebhookChannel(configuration: .init(name: "ha", url: base + "/api/webhook/heliograph-alerts"))
            let alert = AlertRecord(time: Date(timeIntervalSince1970: 1_782_036_000), rule: "battery-low", state: .firing, severity: "critical", message: "SOC \"very\" low\nnow", notified: true)
            try await channel.deliver(alert, logger: logger)
            let call = try #require(calls.first)
            #expect(call.method == "POST")
            #expect(call.path == "/api/webhook/heliograph-alerts")
            #expect(call.headers["content-type"] == "application/json")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(call.body.utf8)) as? [String: String])
            #expect(json == ["rule": "battery-low", "state": "firing", "severity": "critical", "message": "SOC \"very\" low\nnow", "time": "2026-06-21T10:00:00Z"])
        }
    }

    @Test("An ntfy style webhook: plain text body, title and priority headers, method and URL templated")
    func ntfyWebhook() async throws {
        try await withWebhookServer { base, calls in
            let channel = WebhookChannel(
                configuration: .init(
                    name: "ntfy",
                    url: base + "/heliograph-{rule}",
                    method: "put",
                    headers: ["Title": "Heliograph: {rule} {state}", "Priority": "{priority}", "Content-Type": "text/plain"],
                    body: "{message}"
                )
            )
            try await channel.deliver(AlertRecord(time: Date(), rule: "logger-offline", state: .firing, severity: "critical", message: "no data from inverter since 10 min", notified: true), logger: logger)
            let call = try #require(calls.first)
            #expect(call.method == "PUT")
            #expect(call.path == "/heliograph-logger-offline")
            #expect(call.headers["title"] == "Heliograph: logger-offline firing")
            #expect(call.headers["priority"] == "5")
            #expect(call.body == "no data from inverter since 10 min")
        }
    }

    @Test("A webhook answering an error status, or nobody listening, throws a clear error")
    func webhookErrors() async throws {
        let alert = AlertRecord(time: Date(), rule: "r", state: .firing, severity: "warning", message: "m", notified: true)
        let port = try await withWebhookServer(status: .internalServerError) { base, _ in
            let channel = WebhookChannel(configuration: .init(name: "ha", url: base + "/hook"))
            let error = try await #require(throws: HeliographError.self) { try await channel.deliver(alert, logger: logger) }
            #expect(error.code == .unexpectedResponse)
            #expect(error.message.contains("HTTP 500"))
            return Int(base.split(separator: ":").last!)!
        }
        let gone = WebhookChannel(configuration: .init(name: "ha", url: "http://127.0.0.1:\(port)/hook", timeout: .seconds(3)))
        let error = try await #require(throws: HeliographError.self) { try await gone.deliver(alert, logger: logger) }
        #expect(error.code == .connectionFailed)
    }

    @Test("The alert service notifies a webhook when a device goes silent, driven by the test clock")
    func staleDeviceWebhook() async throws {
        try await withWebhookServer { base, calls in
            let clock = TestClock()
            let feed = BroadcastLiveFeed()
            let service = AlertService(
                rules: [AlertRule(name: "logger-offline", trigger: .stale(device: "inverter", after: 600), severity: "critical")],
                channels: [WebhookChannel(configuration: .init(name: "ha", url: base + "/hook"))],
                feed: feed,
                tick: .seconds(3_600),  // the test evaluates by hand
                now: clock.function,
                logger: logger
            )
            let running = Task { try await service.run() }
            defer { running.cancel() }
            try await eventually("the service subscribed") { feed.subscriberCount == 1 }
            service.take(Sample(device: "inverter", time: clock.now, values: ["battery_soc_pct": 50]))
            clock.advance(599)
            service.evaluate()
            #expect(service.active.isEmpty)
            clock.advance(1)
            service.evaluate()
            #expect(service.active.map(\.rule) == ["logger-offline"])
            try await eventually("the webhook was called") { calls.count == 1 }
            clock.advance(60)
            service.evaluate()  // still silent: no second notification
            feed.publish(Sample(device: "inverter", time: clock.now, values: ["battery_soc_pct": 50]))
            try await eventually("the resolution was sent") { calls.count == 2 }
            let bodies = calls.all.map(\.body)
            #expect(bodies[0].contains(#""state":"firing""#) && bodies[0].contains("no data from inverter since 10 min"))
            #expect(bodies[1].contains(#""state":"resolved""#))
            #expect(service.history(limit: 10).map(\.state) == [.resolved, .firing])
            #expect(service.active.isEmpty)
        }
    }

    @Test("The switch service publishes Tasmota payloads once per crossing and reports the decisions")
    func switchService() async throws {
        let clock = TestClock()
        let feed = BroadcastLiveFeed()
        let publisher = RecordingPublisher()
        let audit = InMemoryAuditLog()
        let rule = SwitchRule(id: "boiler", onWhen: [condition("inverter.battery_soc_pct > 90")], offWhen: [condition("inverter.battery_soc_pct < 60")], minimumOn: 120)
        let target = try #require(LoadSwitch.styled(.tasmota, id: "boiler", name: "boiler_relay", topic: nil, payloadOn: nil, payloadOff: nil))
        let service = SwitchService(
            configuration: .init(rules: [rule], switches: [target], timeZone: TimeZone(identifier: "UTC")!, tick: .seconds(3_600)),
            feed: feed,
            publisher: publisher,
            audit: audit,
            now: clock.function,
            logger: logger
        )
        let running = Task { try await service.run() }
        defer { running.cancel() }
        try await eventually("the service subscribed") { feed.subscriberCount == 1 }
        // Taken one by one as the feed would hand them over, each at its own time on the test clock.
        for soc in [70.0, 85, 91, 95, 80, 62, 59, 55, 70, 89] {
            clock.advance(60)
            service.take(Sample(device: "inverter", time: clock.now, values: ["battery_soc_pct": .number(soc)]))
        }
        try await eventually("two commands sent") { publisher.payloads.count == 2 }
        #expect(publisher.messages.withLock { $0.map(\.topic) } == ["cmnd/boiler_relay/POWER", "cmnd/boiler_relay/POWER"])
        #expect(publisher.payloads == ["ON", "OFF"])
        try await eventually("decisions stored") { try await service.decisions(limit: 10).count == 2 }
        let decisions = try await service.decisions(limit: 10)
        #expect(decisions.map(\.on) == [false, true])
        #expect(decisions[0].reason == "inverter.battery_soc_pct 59 < 60")
        #expect(decisions.allSatisfy { $0.result == "applied" })
        let status = try #require(await service.switches().first)
        #expect(status.on == false && status.topic == "cmnd/boiler_relay/POWER")
        #expect(status.rule.contains("on when inverter.battery_soc_pct > 90"))
        let entries = try await audit.entries(device: "boiler", limit: 10)
        #expect(entries.map(\.actor) == ["rule:boiler", "rule:boiler"])
    }

    @Test("Both services end on graceful shutdown, after sending what they had decided")
    func gracefulShutdown() async throws {
        let feed = BroadcastLiveFeed()
        let publisher = RecordingPublisher()
        let switching = SwitchService(
            configuration: .init(
                rules: [SwitchRule(id: "boiler", onWhen: [condition("inverter.battery_soc_pct > 90")])],
                switches: [LoadSwitch(id: "boiler", topic: "cmnd/boiler/POWER")],
                timeZone: TimeZone(identifier: "UTC")!
            ),
            feed: feed,
            publisher: publisher,
            audit: nil,
            logger: logger
        )
        let alerts = AlertService(rules: [AlertRule(name: "silent", trigger: .stale(device: "inverter", after: 600))], channels: [], feed: feed, logger: logger)
        try await testGracefulShutdown { trigger in
            let running = Task {
                async let a: Void = switching.run()
                async let b: Void = alerts.run()
                _ = try await (a, b)
            }
            try await eventually("both subscribed") { feed.subscriberCount == 2 }
            switching.take(Sample(device: "inverter", time: Date(), values: ["battery_soc_pct": 95]))
            try await eventually("the decision was sent") { publisher.payloads == ["ON"] }
            trigger.triggerGracefulShutdown()
            try await running.value
        }
        #expect(feed.subscriberCount == 0)
    }

    @Test("Payload styles: Tasmota, Shelly, Home Assistant and custom")
    func styles() {
        #expect(LoadSwitch.styled(.shelly, id: "pump", name: "shelly1-ABC123", topic: nil, payloadOn: nil, payloadOff: nil)
            == LoadSwitch(id: "pump", topic: "shellies/shelly1-ABC123/relay/0/command", payloadOn: "on", payloadOff: "off"))
        #expect(LoadSwitch.styled(.tasmota, id: "heater", name: nil, topic: nil, payloadOn: nil, payloadOff: nil)?.topic == "cmnd/heater/POWER")
        #expect(LoadSwitch.styled(.homeAssistant, id: "x", name: nil, topic: nil, payloadOn: nil, payloadOff: nil) == nil)
        #expect(LoadSwitch.styled(.homeAssistant, id: "x", name: nil, topic: "home/x/set", payloadOn: nil, payloadOff: nil)?.payload(on: true) == "ON")
        #expect(LoadSwitch.styled(.custom, id: "x", name: nil, topic: "a/b", payloadOn: "1", payloadOff: "0", retain: true)?.payload(on: false) == "0")
    }
}
