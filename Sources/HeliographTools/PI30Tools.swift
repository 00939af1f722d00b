import Foundation
import HeliographCore
import HeliographDevices
import HeliographPI30
import Logging

/// What `heliograph query` asks.
public struct PI30QueryRequest: Sendable {
    public var path: String
    public var hid: Bool
    public var baud: Int
    /// The command exactly as typed: it is sent in that case.
    public var query: String
    public var timeout: Duration
    /// Lets a setter through, after the CommandGate's allow-list checks (`PI30WriteCheck`).
    public var allowWrite: Bool

    public init(path: String, hid: Bool, baud: Int = 2400, query: String, timeout: Duration = .seconds(5), allowWrite: Bool = false) {
        self.path = path
        self.hid = hid
        self.baud = baud
        self.query = query
        self.timeout = timeout
        self.allowWrite = allowWrite
    }
}

/// A decoded answer, printable as a table or JSON.
public struct PI30QueryAnswer: Sendable {
    public var query: String
    public var values: [(field: String, value: FieldValue)]
    /// The decoded reply with its raw frame, as JSON.
    public var rawJSON: String

    /// `field  value` lines, aligned.
    public var table: String {
        let width = values.map(\.field.count).max() ?? 0
        return values.map { entry in
            let padding = String(repeating: " ", count: width - entry.field.count)
            return "\(entry.field)\(padding)  \(Self.text(entry.value))"
        }.joined(separator: "\n")
    }

    /// One JSON object: `command`, `fields` (by id), the decoded `response`, `payload` and `frame_hex`.
    public var json: String {
        var fields: [String: FieldValue] = [:]
        for entry in values { fields[entry.field] = entry.value }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let fieldsJSON = (try? encoder.encode(fields)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        // Splice the fields into the reply object so both are one document.
        guard rawJSON.hasPrefix("{"), rawJSON.count > 2 else { return fieldsJSON }
        return "{\n  \"fields\" : " + fieldsJSON.replacingOccurrences(of: "\n", with: "\n  ") + "," + rawJSON.dropFirst()
    }

    private static func text(_ value: FieldValue) -> String {
        switch value {
        case .number(let number): number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .flag(let on): on ? "true" : "false"
        case .text(let text): text
        }
    }
}

/// PI30 commands of the CLI: one query (the simulator is `SimulatePI30Command` in the PI30 family).
public enum PI30Tools {
    /// Opens the device, sends one query (or an allowed setter) and decodes the answer.
    public static func query(_ request: PI30QueryRequest, logger: Logger = Logger(label: "heliograph.query")) async throws -> PI30QueryAnswer {
        let command = try PI30Command.validated(request.query)
        let options = PI30Options(port: request.path, baud: request.baud, queries: [command.text], hid: request.hid)
        let driver = PI30Driver.make(device: "query", options: options, retry: RetryPolicy(attemptTimeout: min(request.timeout, .seconds(3))))
        // Before the device is even opened: a refused write never reaches it.
        try PI30WriteCheck.check(command, allowWrite: request.allowWrite, settings: driver.settings)
        guard FileManager.default.fileExists(atPath: request.path) else {
            throw HeliographError(.deviceUnavailable, "\(request.path) does not exist")
        }
        let result = try await withTimeout(request.timeout, "\(command.text) on \(request.path)") {
            try await driver.query(command, logger: logger)
        }
        var values = PI30Fields.values(from: result.response).sorted { $0.key < $1.key }.map { (field: $0.key.rawValue, value: $0.value) }
        if values.isEmpty { values = [(field: "reply", value: .text(result.payload))] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let json = (try? encoder.encode(result)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return PI30QueryAnswer(query: command.text, values: values, rawJSON: json)
    }
}
