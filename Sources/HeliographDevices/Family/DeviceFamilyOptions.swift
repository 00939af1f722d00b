/// The type-specific part of one device's configuration (`PI30Options`, `DeyeOptions`, ...), already
/// checked. Each family defines its own; only that family's code reads it.
public protocol DeviceFamilyOptions: Sendable, Hashable {}

extension DeviceFamilyOptions {
    /// The options as `AnyHashable`, so two devices' options of different families compare unequal.
    var erased: AnyHashable { AnyHashable(self) }
}
