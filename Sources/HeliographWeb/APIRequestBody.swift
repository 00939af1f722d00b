import Foundation
import HeliographCore

/// The JSON bodies the REST API accepts, decoded exactly as the routes decode them, for `heliograph fuzz`.
///
/// Every `Decodable` a route reads from a request body is listed here, so a new body type that is
/// not added shows up in review; the fuzzer feeds each one hostile bytes.
public enum APIRequestBody: String, CaseIterable, Sendable {
    /// `POST /api/v1/commands` and `POST /api/command`.
    case command
    /// `POST /api/v1/login`.
    case login

    /// Decodes `bytes` with the routes' decoder and runs the checks a route makes before it acts
    /// (device id, value conversion); throws what the route would answer with.
    public func decode(_ bytes: [UInt8]) throws {
        let data = Data(bytes)
        switch self {
        case .command:
            let command = try APIJSON.decoder().decode(CommandRequest.self, from: data)
            _ = try QueryParameters.validDevice(command.device)
            if case .text(let text) = command.value { _ = WebAPI.settingValue(text, for: nil) }
        case .login:
            _ = try APIJSON.decoder().decode(LoginRequest.self, from: data)
        }
    }
}
