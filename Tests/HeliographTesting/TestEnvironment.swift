import Foundation

/// True under CI, where a missing tool or server must fail its test instead of skipping it.
public let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

/// True when python3 is installed and finds `module` (`paho.mqtt.client`, `selenium`); only looks
/// the module up, so the check is cheap.
public func pythonHas(_ module: String) -> Bool {
    let check = "import importlib.util, sys; sys.exit(importlib.util.find_spec('\(module)') is None)"
    guard let python = try? ChildProcess("python3", ["-c", check]) else { return false }
    return python.waitBlocking() == 0
}
