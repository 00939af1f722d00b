/// A password, token or key. Printing it (description, debug description, reflection, string
/// interpolation, `dump`) shows `<redacted>`; only `value` gives the text.
///
/// The configuration layer hands secrets around in this type (MQTT password, API tokens, database
/// passwords) so that logging a configuration value cannot leak one.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret text. Read it only to hand it to the peer that needs it; never log or print it.
    public var value: String

    public init(_ value: String) { self.value = value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    /// Hides the value from `dump` and other reflection.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
