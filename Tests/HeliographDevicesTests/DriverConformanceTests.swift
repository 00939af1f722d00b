import HeliographCore
import HeliographDevices
import HeliographPipeline
import HeliographTesting
import Logging
import Testing

/// Every registered device family, built through its `DeviceFamily` value exactly as the daemon
/// builds it, against its simulator (or the fake that stands in for one).
@Suite("Driver conformance of every registered device family")
struct DriverConformanceTests {
    static let registered = DeviceFamilies.all.map(\.name)
    static let covered = registered.filter { familyHarnesses[$0] != nil }

    @Test("every registered family has a harness here, or a stated reason why not", arguments: registered)
    func everyFamilyIsCovered(family: String) {
        #expect(familyHarnesses[family] != nil || familiesNotCovered[family] != nil, "add a FamilyHarness for \(family) (or say why not)")
    }

    @Test("a poll of the simulated device gives samples whose fields the driver declared", arguments: covered)
    func pollGivesDeclaredFields(family: String) async throws {
        try await withDevice(family, .simulated) { device in
            // Push families have nothing until the first message lands; request families answer the first poll.
            var samples: [Sample] = []
            let deadline = ContinuousClock.now.advanced(by: .seconds(20))
            while samples.isEmpty, ContinuousClock.now < deadline {
                do {
                    samples = try await poll(device)
                } catch let error as HeliographError where error.code == .deviceUnavailable && ContinuousClock.now < deadline {
                    // A push device before its first message (the publisher may not have run yet).
                }
                if samples.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
            }
            try #require(!samples.isEmpty, "no sample from \(family) within 20 s")
            let declared = try await declaredDevices(device)
            for sample in samples {
                let descriptor = try #require(declared[sample.device], "sample for \(sample.device), which the driver never described")
                let fields = Set(descriptor.fields.map(\.id))
                #expect(!sample.values.isEmpty, "\(sample.device): an empty sample")
                let undeclared = sample.values.keys.filter { !fields.contains($0) }
                #expect(undeclared.isEmpty, "\(sample.device) sent fields it did not declare: \(undeclared.map(\.rawValue).sorted())")
            }
        }
    }

    @Test("a silent device gives an error within the poll timeout, not a hang and not a sample", arguments: covered)
    func silentDeviceTimesOut(family: String) async throws {
        let harness = try #require(familyHarnesses[family])
        try await withDevice(family, .silent) { device in
            let started = ContinuousClock.now
            let error = try await pollError(device)
            #expect(error.code == harness.silentError, "\(family): \(error)")
            // A hang, not a slow machine: the whole unit run shares two cores, where 2 s of 50 ms
            // waits once took 7 s and a 3 s timeout 14 s at load 9; a driver that ignores its timeout
            // takes forever.
            #expect(ContinuousClock.now - started < device.timeout + .seconds(30), "\(family) took \(ContinuousClock.now - started)")
        }
    }

    @Test("garbage from the device gives a clear error and no sample", arguments: covered)
    func garbageGivesAClearError(family: String) async throws {
        let harness = try #require(familyHarnesses[family])
        try await withDevice(family, .garbage) { device in
            let error = try await pollError(device)
            #expect(harness.garbageErrors.contains(error.code), "\(family): \(error)")
            #expect(!error.message.isEmpty)
        }
    }

    // MARK: Helpers

    /// Builds the device through its registered family, runs its service (if any) and hands it to `body`.
    private func withDevice(_ family: String, _ behaviour: DeviceBehaviour, _ body: @escaping @Sendable (PolledDevice) async throws -> Void) async throws {
        let harness = try #require(familyHarnesses[family])
        try await harness.run(behaviour) { configuration, context in
            let device = try DeviceFamilies.makeDevice(configuration, context: context)
            let service = device.service.map { service in Task { try await service.run() } }
            defer { service?.cancel() }
            try await body(device)
            service?.cancel()
            _ = await service?.result
        }
    }

    /// One poll bounded by the device's timeout, as the poller does it.
    private func poll(_ device: PolledDevice) async throws -> [Sample] {
        try await withTimeout(device.timeout, "poll \(device.device)") { try await device.driver.poll(logger: quietLogger) }
    }

    /// The error of one poll; records an issue when the poll gave samples instead.
    private func pollError(_ device: PolledDevice) async throws -> HeliographError {
        do {
            let samples = try await poll(device)
            throw TestFailure("expected an error, got \(samples.count) sample(s): \(samples.map(\.values))")
        } catch let error as HeliographError {
            return error
        }
    }

    /// Every device the driver described: itself, and the ones it discovered behind it.
    private func declaredDevices(_ device: PolledDevice) async throws -> [DeviceID: DeviceDescriptor] {
        var descriptors = [device.device: try await withTimeout(device.timeout, "describe") { try await device.driver.describe(logger: quietLogger) }]
        if let discovering = device.driver as? any DeviceDiscoveringDriver {
            for descriptor in await discovering.discoveredDevices() { descriptors[descriptor.id] = descriptor }
        }
        return descriptors
    }
}
