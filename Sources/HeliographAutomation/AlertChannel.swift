import AsyncHTTPClient
import HeliographCore
import Logging
import NIOCore

import struct Foundation.Date
import class Foundation.ISO8601DateFormatter

/// Somewhere an alert notification goes: a webhook, MQTT.
public protocol AlertChannel: Sendable {
    /// Short name for logs (`webhook:ntfy`, `mqtt`).
    var name: String { get }
    func deliver(_ alert: AlertRecord, logger: Logger) async throws
}

extension AlertRecord {
    /// Placeholder values for templates: `{rule}`, `{state}`, `{severity}`, `{message}`, `{time}`, `{title}`, `{priority}`.
    public var templateValues: [String: String] {
        [
            "rule": rule,
            "state": state.rawValue,
            "severity": severity,
            "message": message,
            "time": ISO8601DateFormatter().string(from: time),
            "title": "\(state == .firing ? "⚠" : "✓") \(rule)",
            // ntfy priorities: 5 max (critical), 4 high, 3 default.
            "priority": state == .resolved ? "3" : severity == "critical" ? "5" : severity == "warning" ? "4" : "3",
        ]
    }
}

/// Fills `{name}` placeholders; with `jsonEscaped`, values are escaped for a JSON string.
func fill(_ template: String, _ values: [String: String], jsonEscaped: Bool) -> String {
    var text = template
    for (name, value) in values {
        text = text.replacingOccurrences(of: "{\(name)}", with: jsonEscaped ? escapeJSON(value) : value)
    }
    return text
}

private func escapeJSON(_ text: String) -> String {
    var result = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        default:
            if scalar.value < 0x20 {
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
    }
    return result
}

private extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

/// An HTTP call per alert: ntfy (`POST https://ntfy.sh/<topic>` with the message as body), a Home
/// Assistant webhook (`POST http://ha:8123/api/webhook/<id>` with JSON), or anything similar.
public struct WebhookChannel: AlertChannel {
    public struct Configuration: Sendable, Hashable {
        public var name: String
        public var url: String
        public var method: String
        /// Header values may use placeholders too (ntfy's `Title`, `Priority`, `Tags`).
        public var headers: [String: String]
        /// Body template; default a JSON object with every placeholder.
        public var body: String
        public var timeout: Duration

        public static let defaultBody = #"{"rule":"{rule}","state":"{state}","severity":"{severity}","message":"{message}","time":"{time}"}"#

        public init(name: String, url: String, method: String = "POST", headers: [String: String] = [:], body: String? = nil, timeout: Duration = .seconds(10)) {
            self.name = name
            self.url = url
            self.method = method.uppercased()
            self.headers = headers
            self.body = body ?? Self.defaultBody
            self.timeout = timeout
            if body == nil && !headers.keys.contains(where: { $0.lowercased() == "content-type" }) {
                self.headers["Content-Type"] = "application/json"
            }
        }

        /// JSON-escape values when the body is JSON.
        var isJSON: Bool {
            headers.first { $0.key.lowercased() == "content-type" }?.value.lowercased().contains("json") ?? false
        }
    }

    public let configuration: Configuration
    private let http: HTTPClient

    public init(configuration: Configuration, http: HTTPClient = .shared) {
        self.configuration = configuration
        self.http = http
    }

    public var name: String { "webhook:\(configuration.name)" }

    public func deliver(_ alert: AlertRecord, logger: Logger) async throws {
        let values = alert.templateValues
        let url = fill(configuration.url, values.mapValues { percentEncode($0) }, jsonEscaped: false)
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: configuration.method)
        for (header, value) in configuration.headers.sorted(by: { $0.key < $1.key }) {
            // Header values cannot hold line breaks.
            request.headers.add(name: header, value: fill(value, values, jsonEscaped: false).split(whereSeparator: \.isNewline).joined(separator: " "))
        }
        if configuration.method != "GET" {
            request.body = .bytes(ByteBuffer(string: fill(configuration.body, values, jsonEscaped: configuration.isJSON)))
        }
        let nanoseconds = configuration.timeout.components.seconds * 1_000_000_000 + configuration.timeout.components.attoseconds / 1_000_000_000
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: .nanoseconds(nanoseconds), logger: logger)
        } catch {
            throw HeliographError(.connectionFailed, "webhook \(configuration.name): cannot reach \(configuration.url): \(error)", underlying: error)
        }
        let body = try? await response.body.collect(upTo: 64 * 1_024)
        guard (200..<300).contains(response.status.code) else {
            let text = body.map { String(buffer: $0).prefix(200) } ?? ""
            throw HeliographError(.unexpectedResponse, "webhook \(configuration.name) answered HTTP \(response.status.code): \(text)")
        }
    }
}

private func percentEncode(_ text: String) -> String {
    var result = ""
    for byte in text.utf8 {
        if (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || [0x2D, 0x2E, 0x5F, 0x7E].contains(byte) {
            result.unicodeScalars.append(Unicode.Scalar(byte))
        } else {
            let hex = String(byte, radix: 16, uppercase: true)
            result += "%" + (hex.count == 1 ? "0" : "") + hex
        }
    }
    return result
}

/// Publishes each alert as JSON on `<prefix>/<rule>` (retained, so a dashboard sees the current state).
public struct MQTTAlertChannel: AlertChannel {
    public var prefix: String
    private let publisher: any MessagePublisher

    public init(prefix: String = "heliograph/alerts", publisher: any MessagePublisher) {
        self.prefix = prefix
        self.publisher = publisher
    }

    public var name: String { "mqtt" }

    public func deliver(_ alert: AlertRecord, logger: Logger) async throws {
        let payload = fill(WebhookChannel.Configuration.defaultBody, alert.templateValues, jsonEscaped: true)
        try await publisher.publish(topic: "\(prefix)/\(alert.rule)", payload: payload, retain: true)
    }
}
