import Foundation
import HeliographTesting

extension HeliographProcess {
    /// Starts `heliograph simulate pi30 --pty --link <directory>/pi30` and waits until it serves; returns the
    /// process and the link, which a daemon's config names as the device's port.
    static func pi30Simulator(in directory: URL) async throws -> (process: HeliographProcess, link: String) {
        let link = directory.appendingPathComponent("pi30").path
        let simulator = try HeliographProcess(["simulate", "pi30", "--pty", "--link", link])
        try await eventually(timeout: .seconds(30), "simulator prints its pty") { simulator.stdout.contains("serving on /dev/") }
        return (simulator, link)
    }
}
