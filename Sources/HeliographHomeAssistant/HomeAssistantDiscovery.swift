import Foundation
import HeliographCore

/// Builds Home Assistant MQTT discovery messages (device-based: one retained message per device
/// on `<prefix>/device/<node>/config`, listing every field as a component).
///
/// Rules followed (shared/protocols/06): node and object ids only `[a-zA-Z0-9_-]`; `device` has
/// `identifiers`, `origin` has `name`; each component has `platform` and `unique_id`; both
/// `default_entity_id` and the deprecated `object_id` are sent so old and new HA agree; energy
/// counters are never `measurement`; `enum` sensors need `options`, which fields do not declare,
/// so text fields go out without a device class.
public struct HomeAssistantDiscovery: Sendable {
    /// Topic naming shared by the discovery payload and the publishing sink.
    public struct Topics: Sendable, Hashable {
        /// Root of our own topics, e.g. `heliograph`.
        public var base: String
        /// HA's discovery prefix (configurable in HA; `homeassistant` by default).
        public var discoveryPrefix: String
        /// Retained `online`/`offline` of the publishing daemon (its MQTT birth and will).
        public var availability: String

        public init(base: String = "heliograph", discoveryPrefix: String = "homeassistant", availability: String? = nil) {
            self.base = base
            self.discoveryPrefix = discoveryPrefix
            self.availability = availability ?? "\(base)/availability"
        }

        /// Retained JSON object of the latest sample.
        public func state(_ device: DeviceID) -> String { "\(base)/\(device.rawValue)/state" }
        /// Retained plain value of one field.
        public func field(_ device: DeviceID, _ field: FieldID) -> String { "\(base)/\(device.rawValue)/\(field.rawValue)" }
        /// Retained discovery message of one device.
        public func discovery(_ device: DeviceID) -> String { "\(discoveryPrefix)/device/\(HomeAssistantDiscovery.nodeID(device))/config" }
        /// Where HA announces its own restarts.
        public var homeAssistantStatus: String { "\(discoveryPrefix)/status" }
    }

    public var topics: Topics
    /// Software version reported in the `origin` block.
    public var softwareVersion: String?

    public init(topics: Topics = Topics(), softwareVersion: String? = nil) {
        self.topics = topics
        self.softwareVersion = softwareVersion
    }

    /// Devices of this kind (the daemon's own health) get entities in HA's diagnostic category.
    public static let diagnosticsKind = "heliograph-daemon"

    /// `heliograph_<device>` with anything outside `[a-zA-Z0-9_-]` replaced by `_`.
    public static func nodeID(_ device: DeviceID) -> String { sanitize("heliograph_\(device.rawValue)") }

    static func sanitize(_ text: String) -> String {
        String(text.unicodeScalars.map { scalar in
            ("0"..."9").contains(scalar) || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_" || scalar == "-"
                ? Character(scalar) : "_"
        })
    }

    /// The discovery payload for `device` as a JSON object; `settings` become `select`, `number`
    /// and `switch` entities (see `component(for:of:)`).
    public func payload(for device: DeviceDescriptor, settings: [SettingDescriptor] = []) -> [String: Any] {
        let node = Self.nodeID(device.id)
        var deviceBlock: [String: Any] = [
            "identifiers": [node],
            "name": device.name,
            "manufacturer": device.manufacturer,
            "model": device.model,
        ]
        if let serial = device.serial { deviceBlock["serial_number"] = serial }
        if let firmware = device.firmware { deviceBlock["sw_version"] = firmware }
        var origin: [String: Any] = ["name": "heliograph"]
        if let softwareVersion { origin["sw_version"] = softwareVersion }

        var components: [String: Any] = [:]
        for field in device.fields {
            let objectID = Self.sanitize(field.id.rawValue)
            let uniqueID = "\(node)_\(objectID)"
            var component: [String: Any] = [
                "unique_id": uniqueID,
                "object_id": uniqueID,
                "name": field.name,
            ]
            switch field.kind {
            case .flag:
                component["platform"] = "binary_sensor"
                component["default_entity_id"] = "binary_sensor.\(uniqueID)"
                component["value_template"] = "{{ 'ON' if value_json.\(field.id.rawValue) else 'OFF' }}"
            case .number:
                component["platform"] = "sensor"
                component["default_entity_id"] = "sensor.\(uniqueID)"
                component["value_template"] = "{{ value_json.\(field.id.rawValue) }}"
                if !field.unit.rawValue.isEmpty { component["unit_of_measurement"] = field.unit.rawValue }
                if let deviceClass = field.deviceClass, deviceClass != .enumeration { component["device_class"] = deviceClass.rawValue }
                if let stateClass = Self.stateClass(field) { component["state_class"] = stateClass }
                component["suggested_display_precision"] = field.precision
            case .text:
                component["platform"] = "sensor"
                component["default_entity_id"] = "sensor.\(uniqueID)"
                component["value_template"] = "{{ value_json.\(field.id.rawValue) }}"
            }
            if device.kind == Self.diagnosticsKind { component["entity_category"] = "diagnostic" }
            components[objectID] = component
        }
        for setting in settings {
            let (key, component) = component(for: setting, of: device.id)
            components[key] = component
        }
        return [
            "device": deviceBlock,
            "origin": origin,
            "availability_topic": topics.availability,
            "state_topic": topics.state(device.id),
            "components": components,
        ]
    }

    /// The payload serialised (sorted keys, so it is stable across runs).
    public func payloadData(for device: DeviceDescriptor, settings: [SettingDescriptor] = []) throws -> Data {
        try JSONSerialization.data(withJSONObject: payload(for: device, settings: settings), options: [.sortedKeys])
    }

    /// Energy counters are never `measurement` (HA flags that as impossible).
    static func stateClass(_ field: FieldDescriptor) -> String? {
        guard let stateClass = field.stateClass else { return nil }
        if field.deviceClass == .energy && stateClass == .measurement { return FieldDescriptor.StateClass.totalIncreasing.rawValue }
        return stateClass.rawValue
    }
}
