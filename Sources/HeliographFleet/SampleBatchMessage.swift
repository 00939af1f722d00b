import Foundation
import HeliographCore

/// The payload of `<base>/<device>/samples`: samples of one device with their exact times, as JSON.
///
/// ```json
/// {"v":1,"device":"inverter","samples":[{"t":1764300000123,"values":{"battery_voltage_v":52.1,"mode":"Line","grid_on":true}}]}
/// ```
/// `t` is milliseconds since 1970 (what the stores keep); values are bare JSON numbers, booleans
/// (flags) and strings (text). Numbers that JSON cannot carry (NaN, ±∞) are left out; validation has
/// dropped them before any sink anyway. Pure value type: no I/O.
public struct SampleBatchMessage: Sendable, Hashable {
    public static let version = 1
    /// Most samples per message, so a message stays far below broker packet limits (about 4 KB per
    /// sample of 100 fields: 200 samples ≈ 800 KB at most).
    public static let maximumSamples = 200

    public var device: DeviceID
    public var samples: [Sample]

    public init(device: DeviceID, samples: [Sample]) {
        self.device = device
        self.samples = samples
    }

    /// Splits samples into messages per device of at most `maximumSamples`, keeping their order.
    public static func messages(for samples: [Sample]) -> [SampleBatchMessage] {
        var order: [DeviceID] = []
        var byDevice: [DeviceID: [Sample]] = [:]
        for sample in samples {
            if byDevice[sample.device] == nil { order.append(sample.device) }
            byDevice[sample.device, default: []].append(sample)
        }
        return order.flatMap { device in
            let all = byDevice[device] ?? []
            return stride(from: 0, to: all.count, by: maximumSamples).map {
                SampleBatchMessage(device: device, samples: Array(all[$0..<min($0 + maximumSamples, all.count)]))
            }
        }
    }

    public func encoded() throws -> Data {
        let wire = Wire(
            v: Self.version,
            device: device.rawValue,
            samples: samples.map { sample in
                Wire.Entry(
                    t: Int64((sample.time.timeIntervalSince1970 * 1_000).rounded()),
                    values: sample.values.reduce(into: [:]) { values, entry in
                        if case .number(let number) = entry.value, !number.isFinite { return }
                        values[entry.key.rawValue] = entry.value
                    }
                )
            }
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(wire)
    }

    /// Decodes a payload; `topicDevice` is the device named by the topic, which must match.
    /// - Throws: `HeliographError` `.malformedFrame` with the first bytes of the payload.
    public static func decode(_ payload: some Collection<UInt8>, topicDevice: DeviceID? = nil) throws -> SampleBatchMessage {
        let bytes = Array(payload)
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(bytes))
        } catch {
            throw HeliographError(.malformedFrame, "sample batch is not valid JSON of the expected shape: \(error)", bytes: Array(bytes.prefix(64)))
        }
        guard wire.v == version else {
            throw HeliographError(.malformedFrame, "sample batch version \(wire.v) is not supported (expected \(version))", bytes: Array(bytes.prefix(64)))
        }
        let device = DeviceID(wire.device)
        guard device.isValid else { throw HeliographError(.malformedFrame, "sample batch names an invalid device id '\(wire.device)'", bytes: Array(bytes.prefix(64))) }
        if let topicDevice, topicDevice != device {
            throw HeliographError(.malformedFrame, "sample batch for \(device) arrived on the topic of \(topicDevice)", device: topicDevice)
        }
        let samples = wire.samples.map { entry in
            Sample(
                device: device,
                time: Date(timeIntervalSince1970: Double(entry.t) / 1_000),
                values: Dictionary(uniqueKeysWithValues: entry.values.map { (FieldID($0.key), $0.value) })
            )
        }
        return SampleBatchMessage(device: device, samples: samples)
    }

    private struct Wire: Codable {
        struct Entry: Codable {
            var t: Int64
            var values: [String: FieldValue]
        }

        var v: Int
        var device: String
        var samples: [Entry]
    }
}
