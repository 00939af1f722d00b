import HeliographCore
import Logging

import class Foundation.JSONEncoder

/// What `heliograph query` asks.
public struct PI30QueryRequest: Sendable {
    public var path: String
    public var hid: Bool
    public var baud: Int
    public var query: String
    public var timeout: Duration

    public init(path: String, hid: Bool, baud: Int = 2400, query: String, timeout: Duration = .seconds(5)) {
        self.path = path
        self.hid = hid
        self.baud = baud
        self.query = query
        self.timeout = timeout
    }
}

/// A decoded answer, printable as a table or JSON.
public struct PI30QueryAnswer: Sendable {
    public var query: String
    public var values: [(field: String, value: FieldValue)]

    /// `field  value` lines, aligned.
    public var table: String {
        let width = values.map(\.field.count).max() ?? 0
        return values.map { entry in
            let padding = String(repeating: " ", count: width - entry.field.count)
            return "\(entry.field)\(padding)  \(Self.text(entry.value))"
        }.joined(separator: "\n")
    }

    /// One JSON object, fields sorted.
    public var json: String {
        var dictionary: [String: FieldValue] = [:]
        for entry in values { dictionary[entry.field] = entry.value }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        guard let data = try? encoder.encode(dictionary) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    private static func text(_ value: FieldValue) -> String {
        switch value {
        case .number(let number): number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .flag(let on): on ? "true" : "false"
        case .text(let text): text
        }
    }
}

/// PI30 commands of the CLI: one query, and the simulator.
public enum PI30Tools {
    /// Opens the device, sends one query and decodes the answer.
    public static func query(_ request: PI30QueryRequest, logger: Logger = Logger(label: "heliograph.query")) async throws -> PI30QueryAnswer {
        throw HeliographError(.deviceUnavailable, "PI30 support is not in this build yet")
    }

    /// Serves a simulated PI30 inverter on a new pty until cancelled (Ctrl-C).
    public static func simulate(link: String?, logger: Logger = Logger(label: "heliograph.simulate"), onReady: @escaping @Sendable (String) -> Void) async throws {
        throw HeliographError(.deviceUnavailable, "the PI30 simulator is not in this build yet")
    }
}
