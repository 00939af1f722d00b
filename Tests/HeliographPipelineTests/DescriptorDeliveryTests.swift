import Foundation
import HeliographCore
import HeliographTesting
import Synchronization
import Testing

@testable import HeliographPipeline

/// A sink that logs, in order, the descriptors it is handed and the samples it writes.
final class DescribingSink: SampleSink, Sendable {
    enum Event: Sendable, Hashable {
        case described(DeviceID, model: String)
        case wrote(DeviceID)
    }

    let name = "describing"
    private let log = Mutex<[Event]>([])

    var events: [Event] { log.withLock { $0 } }

    func describe(_ device: DeviceDescriptor) async {
        log.withLock { $0.append(.described(device.id, model: device.model)) }
    }

    func write(_ samples: [Sample]) async throws {
        log.withLock { log in log += samples.map { .wrote($0.device) } }
    }
}

@Suite("Descriptors travel with the samples")
struct DescriptorDeliveryTests {
    static func descriptor(_ id: DeviceID, model: String) -> DeviceDescriptor {
        DeviceDescriptor(kind: "test", id: id, manufacturer: "Test", model: model, fields: [CommonFields.pvPower])
    }

    @Test("the bus hands a sink each descriptor before the samples published after it, a new one replacing the old")
    func busDeliversDescriptorsFirst() async throws {
        let sink = DescribingSink()
        let plain = RecordingSink()
        let bus = SampleBus(sinks: [sink, plain], configuration: .init(batchSize: 100, flushInterval: .milliseconds(20)), logger: quietLogger)
        try await withRunningServices([bus]) {
            bus.publish(Self.descriptor("inverter", model: "First"))
            bus.publish([sample(0)])
            try await eventually(timeout: patience, "the first sample was written") { sink.events.contains(.wrote("inverter")) }
            bus.publish(Self.descriptor("inverter", model: "Second"))
            bus.publish([sample(1)])
            try await eventually(timeout: patience, "the second sample was written") { sink.events.filter { $0 == .wrote("inverter") }.count == 2 }
        }
        #expect(sink.events == [.described("inverter", model: "First"), .wrote("inverter"), .described("inverter", model: "Second"), .wrote("inverter")])
        // A sink that does not use descriptors still gets every sample.
        #expect(plain.samples == [sample(0), sample(1)])
    }

    @Test("the poller publishes a device's descriptor when it is described, ahead of its first samples")
    func pollerPublishesTheDescriptor() async throws {
        let sink = DescribingSink()
        let driver = ScriptedDriver(device: "inv", script: [.reading(["pv_power_w": 500])])
        let bus = SampleBus(sinks: [sink], configuration: .init(batchSize: 1, flushInterval: .milliseconds(20)), logger: quietLogger)
        let poller = Poller(devices: [PolledDevice(driver: driver, interval: .milliseconds(50))], bus: bus, store: nil, logger: quietLogger)
        try await withRunningServices([bus, poller]) {
            try await eventually(timeout: patience, "three samples written") { sink.events.filter { $0 == .wrote("inv") }.count >= 3 }
        }
        let events = sink.events
        #expect(events.first == .described("inv", model: "Scripted"))
        #expect(events.filter { $0 == .described("inv", model: "Scripted") }.count == 1, "described once: \(events)")
    }
}
