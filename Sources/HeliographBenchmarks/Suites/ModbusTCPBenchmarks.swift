import HeliographCore
import HeliographModbus
import NIOCore

/// Benchmarks of the Modbus TCP codec, run by `heliograph bench`.
public enum ModbusTCPBenchmarks {
    /// Decodes a stream of 20-register read responses (a Hoymiles port block each) and their registers.
    public static func decodeReadResponses(frames: Int = 100_000) throws -> BenchmarkMeasurement {
        var stream = ByteBuffer()
        for index in 0..<1_000 {
            let frame = ModbusTCPFrame(
                transactionID: UInt16(index),
                unit: 1,
                response: .registers(function: .readHoldingRegisters, values: (0..<20).map { UInt16($0 * 257) })
            )
            frame.encode(into: &stream)
        }
        let request = ModbusRequest.readHoldingRegisters(address: 0x1000, count: 20)
        var checksum = 0
        var measurement = try BenchmarkMeasurement.measure("modbus-tcp.decode.read-response", operations: frames / 1_000) {
            var input = stream
            var decoder = ModbusTCPFrameDecoder()
            while let frame = try decoder.decode(buffer: &input) {
                checksum &+= Int(try frame.response().registers(for: request)[1])
            }
        }
        measurement.operations = (frames / 1_000) * 1_000
        measurement.extra["checksum"] = Double(checksum % 1_000)
        return measurement
    }

    /// Encodes read requests.
    public static func encodeRequests(frames: Int = 100_000) -> BenchmarkMeasurement {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(64)
        return BenchmarkMeasurement.measure("modbus-tcp.encode.read-request", operations: frames) {
            buffer.clear()
            ModbusTCPFrame(transactionID: 7, unit: 1, request: .readHoldingRegisters(address: 0x1000, count: 20)).encode(into: &buffer)
        }
    }
}
