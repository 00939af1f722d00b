import Foundation
import HeliographCore
import Hummingbird

/// Typed access to query parameters; a malformed value is a 400 with the parameter's name, never a crash.
struct QueryParameters {
    let parameters: Parameters

    init(_ request: Request) { self.parameters = request.uri.queryParameters }

    func string(_ name: String) -> String? {
        guard let value = parameters[name[...]], !value.isEmpty else { return nil }
        return String(value)
    }

    func requiredString(_ name: String) throws(HeliographError) -> String {
        guard let value = string(name) else { throw HeliographError(.invalidRequest, "query parameter \(name) is required") }
        return value
    }

    func int(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws(HeliographError) -> Int {
        guard let text = string(name) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw HeliographError(.invalidRequest, "\(name) must be an integer within \(range.lowerBound)...\(range.upperBound); got \(text)")
        }
        return value
    }

    func time(_ name: String) throws(HeliographError) -> Date? {
        guard let text = string(name) else { return nil }
        guard let date = APIJSON.parseTime(text) else {
            throw HeliographError(.invalidRequest, "\(name) must be an ISO 8601 time or Unix seconds; got \(text)")
        }
        return date
    }

    func bool(_ name: String) throws(HeliographError) -> Bool? {
        guard let text = string(name)?.lowercased() else { return nil }
        switch text {
        case "1", "true", "yes": return true
        case "0", "false", "no": return false
        default: throw HeliographError(.invalidRequest, "\(name) must be true or false; got \(text)")
        }
    }

    func deviceID(_ name: String) throws(HeliographError) -> DeviceID {
        try Self.validDevice(try requiredString(name))
    }

    static func validDevice(_ text: String) throws(HeliographError) -> DeviceID {
        let device = DeviceID(text)
        guard device.isValid else { throw HeliographError(.invalidRequest, "\(text) is not a valid device id") }
        return device
    }
}

extension Parameters {
    /// A path parameter as a device id, or a 400.
    func device(_ name: String = "device") throws(HeliographError) -> DeviceID {
        guard let text = self[name[...]] else { throw HeliographError(.invalidRequest, "missing path parameter \(name)") }
        return try QueryParameters.validDevice(String(text))
    }
}
