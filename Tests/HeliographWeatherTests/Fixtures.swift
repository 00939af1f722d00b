import Foundation

/// Open-Meteo answers written after Open-Meteo's documented `/v1/forecast` format (current + hourly).
enum Fixture {
    static func bytes(_ name: String) throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Fixtures/\(name).json"])
        }
        return Array(try Data(contentsOf: url))
    }
}

/// 2026-06-21 00:00 UTC plus hours.
func june21(hour: Double) -> Date { Date(timeIntervalSince1970: 1_782_000_000 + hour * 3_600) }
