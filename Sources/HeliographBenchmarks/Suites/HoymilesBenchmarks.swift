import Foundation
import HeliographCore
import HeliographHoymiles

/// Benchmarks of the Hoymiles decoding path, run by `heliograph bench`.
public enum HoymilesBenchmarks {
    /// Decodes port blocks from registers, groups them and builds samples, for a DTU with 25 four-port inverters.
    public static func decodeAndTrack(scans: Int = 2_000) throws -> BenchmarkMeasurement {
        let registers: [[UInt16]] = (0..<100).map { index in
            let serial = HoymilesSerialNumber(bytes: [0x11, 0x61, 0x80, 0x01, 0x23, UInt8(index / 4)])
            return HoymilesPortBlock(
                serial: serial, portNumber: UInt8(index % 4 + 1), pvVoltageRaw: 350, pvCurrentRaw: 812, gridVoltageRaw: 2_301,
                gridFrequencyRaw: 4_999, pvPowerRaw: 2_845, todayProductionWh: 1_234, totalProductionWh: 987_654, temperatureRaw: 312,
                operatingStatus: 3, linkStatus: 1
            ).registers
        }
        var tracker = HoymilesProductionTracker(dailyReset: HoymilesDailyReset(hour: 0, timeZone: TimeZone(identifier: "UTC")!))
        let start = Date(timeIntervalSince1970: 1_780_000_000)
        var scan = 0
        var measurement = try BenchmarkMeasurement.measure("hoymiles.decode-track.100-ports", operations: scans) {
            let blocks = try registers.map { try HoymilesPortBlock(registers: $0) }
            let time = start.addingTimeInterval(Double(scan) * 60)
            let inverters = tracker.update(HoymilesInverterReading.group(blocks), at: time)
            _ = inverters.map { HoymilesSamples.inverterSample(dtu: "dtu", $0, at: time) }
            scan += 1
        }
        measurement.extra["ports_per_scan"] = 100
        return measurement
    }
}
