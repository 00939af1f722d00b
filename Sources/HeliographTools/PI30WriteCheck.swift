import HeliographCore
import HeliographDevices
import HeliographPI30

/// What `heliograph query` checks before it sends a command that is not a query.
///
/// A query (every PI30 query starts with `Q`) goes out as typed. Anything else changes the inverter,
/// so it is refused unless the user passed `--allow-write`, and even then only a setter the
/// CommandGate offers, with a value inside the same allow-list ranges and steps (`PI30Driver.settings`),
/// is sent: the command line is no back door around the gate's checks.
public enum PI30WriteCheck {
    /// True for a command that only reads.
    public static func isQuery(_ command: PI30Command) -> Bool {
        command.text.first.map { $0 == "Q" || $0 == "q" } ?? false
    }

    /// Throws `.settingRejected` for a write that is not allowed; returns quietly for a query or an allowed write.
    /// - Parameter settings: the allow-list the CommandGate would apply (the driver's `settings`).
    public static func check(_ command: PI30Command, allowWrite: Bool, settings: [SettingDescriptor]) throws(HeliographError) {
        if isQuery(command) { return }
        guard allowWrite else {
            throw HeliographError(
                .settingRejected,
                "\(command) is not a query (queries start with Q) and would change the inverter; pass --allow-write to send it"
            )
        }
        guard let setter = PI30Setter(command), let changes = PI30Driver.changes(for: setter) else {
            throw HeliographError(
                .settingRejected,
                "\(command) is not a setter the CommandGate allows (POPnn, PCPnn, PBCVnn.n, PBDVnn.n, MCHGC0nn, MNCHGC0nnn, MUCHGC0nn, PE/PD with allowed flags)"
            )
        }
        for change in changes {
            guard let descriptor = settings.first(where: { $0.id == change.setting }) else {
                throw HeliographError(.settingRejected, "\(command) changes \(change.setting), which is not an allowed setting")
            }
            do {
                _ = try descriptor.validate(change.value)
            } catch {
                throw HeliographError(.settingRejected, "\(command) refused: \(error.message)")
            }
        }
    }
}
