import HeliographCore
import HeliographPI30
import Logging

/// What a port said when asked the PI30 protocol id.
public enum PI30ProbeResult: Sendable, Hashable {
    /// It answered `QPI` with a PI30 protocol id; `serial` from `QID` when it answered that too.
    case pi30(protocolID: String, serial: String?)
    /// It answered, but not a PI30 protocol id (another Voltronic protocol, e.g. PI18).
    case otherProtocol(String)
    /// No PI30 answer: wrong device, wrong baud rate, nothing connected, or no permission.
    case noAnswer(reason: String)
    /// Not probed (`--no-probe`).
    case notProbed

    public var isPI30: Bool {
        if case .pi30 = self { return true }
        return false
    }

    /// One line for the scan listing.
    public var summary: String {
        switch self {
        case .pi30(let id, let serial): "answers \(id)" + (serial.map { ", serial \($0)" } ?? "")
        case .otherProtocol(let id): "answers QPI with \(id), not PI30"
        case .noAnswer(let reason): "no PI30 answer: \(reason)"
        case .notProbed: "not probed"
        }
    }
}

/// Asks a port `QPI` (protocol id), then `QID` (serial number), each with a short timeout.
public enum PI30Probe {
    public static func probe(path: String, hid: Bool, baud: Int = 2_400, timeout: Duration = .seconds(2), logger: Logger) async -> PI30ProbeResult {
        let options = PI30Options(port: path, baud: baud, queries: ["QPI"], hid: hid)
        let driver = PI30Driver.make(device: "scan", options: options, retry: RetryPolicy(attemptTimeout: min(timeout, .seconds(3))))
        let protocolID: String
        do {
            let answer = try await withTimeout(timeout, "QPI on \(path)") { try await driver.query(.qpi, logger: logger) }
            protocolID = answer.payload.trimmingWhitespace()
        } catch let error as HeliographError {
            return .noAnswer(reason: error.code == .timeout ? "no reply within \(timeout)" : error.message)
        } catch {
            return .noAnswer(reason: "\(error)")
        }
        guard protocolID.uppercased().hasPrefix("PI30") else {
            return protocolID.isEmpty || protocolID == "NAK" ? .noAnswer(reason: "QPI answered '\(protocolID)'") : .otherProtocol(protocolID)
        }
        let serial = try? await withTimeout(timeout, "QID on \(path)") { try await driver.query(.qid, logger: logger) }
        return .pi30(protocolID: protocolID, serial: serial.map { $0.payload.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 })
    }
}
