import Foundation

/// The independent implementations the drivers and simulators are checked against (issue 18):
/// mppsolar, pysolarmanv5 and hoymiles_modbus, driven by the scripts in `Peers/`.
///
/// `scripts/test-deps.d/peers.sh` installs them from PyPI into a virtualenv of their own
/// (`~/.cache/heliograph/peers`), since mppsolar pins paho-mqtt 1.x and the MQTT tests use 2.x;
/// `HELIOGRAPH_PEERS_PYTHON` names another interpreter that has them.
public enum IndependentPeers {
    /// The Python that has the peer libraries.
    public static var python: String {
        if let python = ProcessInfo.processInfo.environment["HELIOGRAPH_PEERS_PYTHON"], !python.isEmpty { return python }
        let home = ProcessInfo.processInfo.environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        return home + "/.cache/heliograph/peers/bin/python"
    }

    /// True when `python` exists (the libraries themselves are checked by running the scripts).
    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: python) }

    /// A script of `Peers/`, by name without `.py`.
    public static func script(_ name: String) -> URL {
        Bundle.module.url(forResource: "Peers/\(name)", withExtension: "py")!
    }
}
