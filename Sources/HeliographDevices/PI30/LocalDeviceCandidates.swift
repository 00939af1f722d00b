import Foundation

/// A USB-HID device that looks like a Voltronic inverter's HID-to-serial bridge.
public struct HIDInverterCandidate: Sendable, Hashable {
    /// The device node, e.g. `/dev/hidraw0`.
    public var path: String
    /// `HID_NAME` from sysfs, e.g. `Cypress Semiconductor USB to Serial`.
    public var name: String?
    /// `HID_PHYS`: the USB port it sits on, stable across reboots while the cable stays put.
    public var physicalPort: String?
}

/// A USB serial adapter or CDC-ACM device.
public struct SerialPortCandidate: Sendable, Hashable {
    /// The kernel's node, e.g. `/dev/ttyUSB0` (its number can change between boots).
    public var path: String
    /// A `/dev/serial/by-id/…` link to it, when udev made one: stable, so configs should use it.
    public var stablePath: String?

    /// The path to put in a configuration.
    public var configurationPath: String { stablePath ?? path }
}

/// Finds local inverter candidates from sysfs and /dev. Both roots are parameters so tests can
/// build a fake tree in a temporary directory.
public struct LocalDeviceFinder: Sendable {
    /// USB vendor and product id of the HID bridge in Voltronic/Axpert/MPP Solar inverters.
    public static let voltronicVendorID: UInt32 = 0x0665
    public static let voltronicProductID: UInt32 = 0x5161

    /// Normally `/sys`.
    public var sysfsRoot: String
    /// Normally `/dev`.
    public var deviceRoot: String

    public init(sysfsRoot: String = "/sys", deviceRoot: String = "/dev") {
        self.sysfsRoot = sysfsRoot
        self.deviceRoot = deviceRoot
    }

    /// Every hidraw node whose HID device reports vendor 0665, product 5161, by node name.
    public func hidInverters() -> [HIDInverterCandidate] {
        let classDirectory = sysfsRoot + "/class/hidraw"
        let nodes = (try? FileManager.default.contentsOfDirectory(atPath: classDirectory)) ?? []
        return nodes.filter { $0.hasPrefix("hidraw") }.sorted(by: Self.naturalOrder).compactMap { node in
            guard let text = try? String(contentsOfFile: "\(classDirectory)/\(node)/device/uevent", encoding: .utf8) else { return nil }
            let properties = Self.ueventProperties(text)
            guard let id = properties["HID_ID"].flatMap(Self.parseHIDID),
                id.vendor == Self.voltronicVendorID, id.product == Self.voltronicProductID
            else { return nil }
            return HIDInverterCandidate(
                path: "\(deviceRoot)/\(node)",
                name: properties["HID_NAME"].flatMap { $0.isEmpty ? nil : $0 },
                physicalPort: properties["HID_PHYS"].flatMap { $0.isEmpty ? nil : $0 }
            )
        }
    }

    /// `/dev/ttyUSB*` and `/dev/ttyACM*`, each with its `/dev/serial/by-id` link when there is one.
    public func serialPorts() -> [SerialPortCandidate] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: deviceRoot)) ?? []
        let stableLinks = stableLinksByTarget()
        return entries.filter { $0.hasPrefix("ttyUSB") || $0.hasPrefix("ttyACM") }.sorted(by: Self.naturalOrder).map { node in
            SerialPortCandidate(path: "\(deviceRoot)/\(node)", stablePath: stableLinks[node])
        }
    }

    /// Maps a node name (`ttyUSB0`) to its by-id link; links are relative (`../../ttyUSB0`) or absolute.
    private func stableLinksByTarget() -> [String: String] {
        let directory = deviceRoot + "/serial/by-id"
        let links = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var result: [String: String] = [:]
        for link in links.sorted() {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\(link)") else { continue }
            let node = URL(fileURLWithPath: target).lastPathComponent
            if result[node] == nil { result[node] = "\(directory)/\(link)" }
        }
        return result
    }

    /// `KEY=value` lines of a sysfs uevent file.
    static func ueventProperties(_ text: String) -> [String: String] {
        var properties: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            guard let equals = line.firstIndex(of: "=") else { continue }
            properties[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return properties
    }

    /// `HID_ID=0003:00000665:00005161` → bus, vendor, product (hexadecimal).
    static func parseHIDID(_ text: String) -> (bus: UInt32, vendor: UInt32, product: UInt32)? {
        let parts = text.split(separator: ":")
        guard parts.count == 3, let bus = UInt32(parts[0], radix: 16), let vendor = UInt32(parts[1], radix: 16),
            let product = UInt32(parts[2], radix: 16)
        else { return nil }
        return (bus, vendor, product)
    }

    /// `ttyUSB2` before `ttyUSB10`.
    static func naturalOrder(_ a: String, _ b: String) -> Bool {
        let (prefixA, numberA) = split(a)
        let (prefixB, numberB) = split(b)
        return prefixA != prefixB ? prefixA < prefixB : numberA < numberB
    }

    private static func split(_ name: String) -> (String, Int) {
        let digits = name.reversed().prefix { $0.isNumber }
        return (String(name.dropLast(digits.count)), Int(String(digits.reversed())) ?? -1)
    }
}
