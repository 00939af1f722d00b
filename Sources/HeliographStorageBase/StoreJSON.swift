import Foundation
import HeliographCore

/// The JSON both stores keep descriptors and audit entries in, so either reads what the other wrote.
package enum StoreJSON {
    /// Sorted keys; dates as seconds since 1970 with fractions, so an entry reads back as written.
    package static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .deferredToDate
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    package static func decode<T: Decodable>(_ type: T.Type, from json: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(json.utf8))
    }

    /// A registry row: the descriptor's JSON and the span (ms) the device was seen in.
    package static func registeredDevice(json: String, firstSeen: Int64, lastSeen: Int64) throws -> RegisteredDevice {
        RegisteredDevice(
            descriptor: try decode(DeviceDescriptor.self, from: json),
            firstSeen: Date(storageMilliseconds: firstSeen),
            lastSeen: Date(storageMilliseconds: lastSeen)
        )
    }

    /// The unit of `field` in a stored descriptor, nil when there is none or it cannot be read.
    package static func unit(of field: FieldID, inDescriptor json: String?) -> FieldDescriptor.Unit? {
        json.flatMap { try? decode(DeviceDescriptor.self, from: $0) }?.field(field)?.unit
    }
}
