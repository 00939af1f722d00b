import Foundation
import HeliographControl
import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// Per-request state: who is calling (after `CallerMiddleware`) and the WebSocket handoff.
public struct WebRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<Self>
    /// The authenticated caller, if the request carried a valid token or session.
    public var caller: Caller?
    /// The peer's IP address, for the per-client login limit (nil in router tests without a socket).
    public let clientAddress: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
        self.caller = nil
        self.clientAddress = source.channel.remoteAddress?.ipAddress
    }

    public var responseEncoder: JSONEncoder { APIJSON.encoder() }
    public var requestDecoder: JSONDecoder { APIJSON.decoder() }
    /// Commands and logins are tiny; anything bigger is a mistake or an attack.
    public var maxUploadSize: Int { 64 * 1024 }
}

/// The JSON conventions of the API: ISO 8601 times with milliseconds, sorted keys.
enum APIJSON {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(formatTime(date))
        }
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }

    static func decoder() -> JSONDecoder { JSONDecoder() }

    static func formatTime(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// Accepts ISO 8601 (with or without fractional seconds, or a plain date) or Unix seconds.
    static func parseTime(_ text: String) -> Date? {
        if let seconds = Double(text), seconds.isFinite, abs(seconds) < 1e11 { return Date(timeIntervalSince1970: seconds) }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle().year().month().day()) { return date }
        return nil
    }
}
