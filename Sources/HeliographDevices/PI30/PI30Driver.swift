import struct Foundation.Date
import HeliographCore
import HeliographPI30
import HeliographTransport
import Logging
import NIOCore

/// Polls and configures a Voltronic / MPP-Solar inverter speaking PI30 over serial or USB HID.
///
/// Every operation opens the transport, runs its exchanges one command at a time (each bounded by
/// `commandTimeout`) and closes it again, so a failure never leaves a half-read reply behind for
/// the next poll. A poll that timed out or got a damaged reply is tried again by `configuration.retry`.
public struct PI30Driver: PolledDriver, SettingsDriver {
    public let device: DeviceID
    public let configuration: Configuration
    private let transport: any ByteTransport
    /// Shared by copies of the driver: polls and setting changes take turns on the line.
    private let link = LinkLock()
    /// Stamps samples; the wall clock, or simulated time in the soak benchmark.
    let now: @Sendable () -> Date
    /// The settings last read (QPIRI, QFLAG), shared by copies of the driver.
    let readings = SettingReadings()

    public init(
        device: DeviceID,
        transport: any ByteTransport,
        configuration: Configuration = Configuration(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.device = device
        self.transport = transport
        self.configuration = configuration
        self.now = now
    }

    /// Reads serial number (QID), firmware (QVFW) and rated values (QPIRI).
    public func describe(logger: Logger) async throws -> DeviceDescriptor {
        try await session(logger: logger) { session in
            let serial = try await session.optional(.qid)
            let firmware = try await session.optional(.qvfw)
            let rated = try await session.ask(.qpiri)
            var model = "PI30"
            if case .ratedInformation(let info) = rated {
                model = "PI30 \(Int(info.acOutputRatingApparentPower)) VA \(Int(info.batteryRatingVoltage)) V"
            }
            var serialNumber: String?
            if case .serialNumber(let value)? = serial { serialNumber = value.serialNumber }
            var firmwareVersion: String?
            if case .firmwareVersion(let value)? = firmware { firmwareVersion = value.version }
            return DeviceDescriptor(
                kind: "pi30",
                id: device,
                manufacturer: "Voltronic Power",
                model: model,
                serial: serialNumber,
                firmware: firmwareVersion,
                fields: PI30Fields.all
            )
        }
    }

    /// Sends the configured queries (QPIGS, QMOD, QPIWS by default) and returns one sample; every
    /// `settingsInterval` also the settings queries (QPIRI, QFLAG), whose values go into the sample and
    /// into `currentSettings()` with the time their reply arrived.
    public func poll(logger: Logger) async throws -> [Sample] {
        let settingsDue = configuration.settingsInterval.map { readings.isDue(every: $0, now: now()) } ?? false
        let queries = configuration.pollQueries
        let extra = settingsDue ? Self.settingsQueries.filter { !queries.contains($0) } : []
        return try await configuration.retry.run(willRetry: { attempt, delay, error in
            logger.debug("retrying the poll", metadata: ["device.id": "\(device)", "attempt": "\(attempt)", "delay": "\(delay)", "error": "\(error)"])
        }) { try await session(logger: logger) { session in
            var sample = Sample(device: device, time: now(), values: [:])
            var round: SettingRound = []
            for command in queries {
                let response = try await session.ask(command)
                if response == .nak {
                    throw HeliographError(.deviceRejected, "\(command) answered NAK", device: device)
                }
                sample.merge(settingsReply(from: response, into: &round))
            }
            for command in extra {
                // A model without QFLAG answers NAK: its flags stay unknown, the poll goes on.
                guard let response = try await session.optional(command) else { continue }
                sample.merge(settingsReply(from: response, into: &round))
            }
            readings.record(round: round)
            if settingsDue || queries.contains(where: Self.settingsQueries.contains) { readings.roundCompleted(at: now()) }
            PI30Fields.combinePV(&sample.values)
            sample.time = now()
            return [sample]
        } }
    }

    /// The reply's fields; those that report a setting are added to `round` with the time of the
    /// reply, to be recorded together when the round ends.
    func settingsReply(from response: PI30Response, into round: inout SettingRound) -> [FieldID: FieldValue] {
        let values = PI30Fields.values(from: response)
        round.append((SettingReadings.values(of: settings, in: values), now()))
        return values
    }

    public func currentSettings() -> [String: SettingReading] { readings.all }

    /// Sends any command and returns its decoded reply with the raw frame, for `heliograph query`.
    public func query(_ command: PI30Command, logger: Logger) async throws -> PI30QueryResult {
        try await session(logger: logger) { session in
            let frame = try await session.exchange(command)
            let response = try PI30Response.decode(frame, for: command)
            return PI30QueryResult(command: command, response: response, frame: frame)
        }
    }

    /// Runs `body` with an open connection, attributing every error to this device.
    func session<Result: Sendable>(
        logger: Logger,
        _ body: (PI30Session) async throws -> Result
    ) async throws -> Result {
        do {
            return try await link.withLock { try await transport.withConnection { inbound, outbound in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    let inbox = PI30ReplyInbox()
                    let address = transport.address
                    group.addTask {
                        do {
                            for try await frame in inbound.decode(using: PI30ResponseDecoder()) {
                                inbox.deliver(frame)
                            }
                            inbox.finish(HeliographError(.deviceUnavailable, "\(address) closed while waiting for a reply"))
                        } catch {
                            inbox.finish(error)
                        }
                    }
                    defer { group.cancelAll() }
                    let session = PI30Session(
                        outbound: outbound,
                        inbox: inbox,
                        framing: configuration.framing,
                        timeout: configuration.commandTimeout,
                        address: address,
                        logger: logger
                    )
                    return try await body(session)
                }
            } }
        } catch let error as HeliographError {
            throw error.on(device)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw HeliographError(.deviceUnavailable, "lost \(transport.address)", device: device, underlying: error)
        }
    }
}

/// A decoded reply with the bytes it came from; encodes to JSON for `heliograph query --json`.
public struct PI30QueryResult: Sendable, Hashable, Encodable {
    public var command: PI30Command
    public var response: PI30Response
    /// The text between `(` and the CRC.
    public var payload: String
    /// The whole frame as received, hex.
    public var frameHex: String
    public var checksumForm: PI30ChecksumForm

    public init(command: PI30Command, response: PI30Response, frame: PI30Frame) {
        self.command = command
        self.response = response
        self.payload = frame.payload
        self.frameHex = frame.bytes.map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }.joined()
        self.checksumForm = frame.checksumForm
    }

    enum CodingKeys: String, CodingKey {
        case command, response, payload, frameHex = "frame_hex", checksumForm = "checksum_form"
    }
}
