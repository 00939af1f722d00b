import Foundation
// The process runner, the mosquitto launcher, ports and waiting live in the product-side
// HeliographProcesses (the soak benchmark ships in the binary and needs them); every test that
// imports HeliographTesting sees them as before.
@_exported import HeliographProcesses

/// Errors raised by the test helpers: the same type the process runner throws.
public typealias TestFailure = ProcessFailure

/// Locates `../shared/protocols/<name>` from the package root, the checked-in data files of
/// register maps and captured frames. Returns nil when the shared folder is absent.
public func sharedProtocolFile(_ name: String, file: StaticString = #filePath) -> URL? {
    var directory = URL(fileURLWithPath: "\(file)").deletingLastPathComponent()
    while directory.path != "/" {
        if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
            let candidate = directory.deletingLastPathComponent().appendingPathComponent("shared/protocols/\(name)")
            return FileManager.default.fileExists(atPath: candidate.path) ? candidate : nil
        }
        directory = directory.deletingLastPathComponent()
    }
    return nil
}
