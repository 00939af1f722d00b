import HeliographCore
import HeliographDevices

/// How the fake behind a device behaves during one conformance test.
enum DeviceBehaviour: String, Sendable, CustomStringConvertible {
    /// The family's simulator (or the fake standing in for one).
    case simulated
    /// Something that takes the request (or the subscription) and never answers.
    case silent
    /// Something that answers with bytes the family cannot read.
    case garbage

    var description: String { rawValue }
}

/// What the conformance suite needs to run one registered family against its fakes.
struct FamilyHarness: Sendable {
    typealias Body = @Sendable (DeviceConfiguration, DeviceContext) async throws -> Void

    /// The error a silent device gives. Request/answer families time out; push families (MQTT) have
    /// no request that could time out, so their silence is "unavailable".
    var silentError: HeliographError.Code = .timeout
    /// Errors that count as a clear answer to garbage. Undecodable MQTT messages are skipped and
    /// counted, so a push device that sends only garbage reads as one that sent nothing usable.
    var garbageErrors: Set<HeliographError.Code> = [.malformedFrame, .checksumMismatch, .unexpectedResponse, .deviceRejected]
    /// Starts the fake for `behaviour`, runs `body` with a device configured to reach it, and stops the fake.
    var run: @Sendable (DeviceBehaviour, _ body: Body) async throws -> Void
}

/// The retry policy of request/answer families in this suite: two attempts of 5 s each, the poll
/// timeout derived from it (11 s) as the daemon derives it. Shorter than Open-Meteo's default
/// (2 × 10 s), so a silent device takes seconds, yet a retry really happens. Not shorter: the suite
/// starts with the whole unit run, when ~400 tests begin at once on two cores and the process can
/// stall for 5 s (trivial tests then report 5.4 s); 2 s attempts timed out there.
let conformanceRetry = RetryPolicy(attempts: 2, attemptTimeout: .seconds(5))

/// The harness of every registered family that has one, by family name.
let familyHarnesses: [String: FamilyHarness] = [
    "pi30": .pi30,
    "deye": .deye,
    "hoymiles": .hoymiles,
    "open-meteo": .openMeteo,
    "powervault": .powervault,
    "mqtt-sensors": .mqttSensors,
]

/// Registered families the suite deliberately does not run, each with the reason.
let familiesNotCovered: [String: String] = [
    "simulated-weather": "nothing stands behind it to fall silent or send garbage: it computes the weather itself (DemoHistoryTests reads it)",
]
