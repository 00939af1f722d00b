import Foundation
import HeliographCore
import Testing

@testable import HeliographWeb

@Suite("Device resource availability")
struct DeviceResourceTests {
    static let registered = RegisteredDevice(
        descriptor: DeviceDescriptor(kind: "pi30", id: "inv1", manufacturer: "Voltronic", model: "Axpert", fields: []),
        firstSeen: Date(timeIntervalSince1970: 1_800_000_000),
        lastSeen: Date(timeIntervalSince1970: 1_800_000_000)
    )

    @Test("the poller's verdict wins once the device was polled; before that, a recent sample decides")
    func pollerVerdictOrRecentSample() {
        let recently = Self.registered.lastSeen.addingTimeInterval(60)
        let longAfter = Self.registered.lastSeen.addingTimeInterval(3_600)
        var status = DeviceStatus(device: "inv1")
        status.lastError = "not polled yet"
        // Not polled yet: the poller has no verdict, the last sample decides and no error is shown.
        let unknown = DeviceResource(Self.registered, settings: [], health: status, now: recently)
        #expect(unknown.online && unknown.lastError == nil)
        #expect(!DeviceResource(Self.registered, settings: [], health: status, now: longAfter).online)
        status.availability = .unavailable
        status.lastError = "timeout after 5 s"
        let failing = DeviceResource(Self.registered, settings: [], health: status, now: recently)
        #expect(!failing.online && failing.lastError == "timeout after 5 s")
        status.availability = .online
        status.lastError = nil
        #expect(DeviceResource(Self.registered, settings: [], health: status, now: longAfter).online)
        #expect(DeviceResource(Self.registered, settings: [], health: nil, now: recently).online)
    }
}
