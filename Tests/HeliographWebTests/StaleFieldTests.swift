import Foundation
import HeliographCore
import HeliographTesting
import HeliographWeb
import HeliographWebTesting
import Hummingbird
import HummingbirdTesting
import HummingbirdWSTesting
import Synchronization
import Testing

/// A field the validator dropped from the newest sample must not pass as read at that sample's time.
@Suite struct StaleFieldTests {
    /// The fixture's last inverter sample is a minute old; a newer one arrives without SOC and mode
    /// (the validator dropped SOC as implausible; the mode query failed).
    static func fixtureWithDroppedFields() async throws -> (WebFixture, newest: Date, previous: Date) {
        let fixture = try await WebFixture()
        let previous = WebFixture.now.addingTimeInterval(-60)
        let newest = WebFixture.now.addingTimeInterval(-10)
        try await fixture.store.write([Sample(device: "inv1", time: newest, values: ["pv_power_w": 2_000, "grid_power_w": -100])])
        return (fixture, newest, previous)
    }

    static func milliseconds(_ text: Any?) -> Int? {
        guard let text = text as? String,
              let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        else { return nil }
        return Int((date.timeIntervalSince1970 * 1_000).rounded())
    }

    static func milliseconds(_ date: Date) -> Int { Int((date.timeIntervalSince1970 * 1_000).rounded()) }

    /// The fresh field carries the sample's time, the dropped ones their own time and their age.
    static func expectFieldTimes(_ resource: [String: Any], newest: Date, previous: Date) throws {
        // Times travel as ISO 8601 with milliseconds: equal to within the last millisecond.
        func same(_ text: Any?, _ date: Date) -> Bool { milliseconds(text).map { abs($0 - milliseconds(date)) <= 1 } ?? false }
        #expect(same(resource["time"], newest))
        let times = try #require(resource["fieldTimes"] as? [String: Any])
        #expect(same(times["pv_power_w"], newest))
        #expect(same(times["battery_soc_pct"], previous))
        #expect(same(times["operating_mode"], previous))
        let stale = try #require(resource["stale"] as? [String: Double])
        #expect(Set(stale.keys) == ["battery_soc_pct", "battery_power_w", "load_power_w", "pv1_power_w", "pv2_power_w", "operating_mode"])
        #expect(stale["battery_soc_pct"].map { abs($0 - 50) < 0.01 } == true)
    }

    @Test func latestEndpointsGiveEveryFieldItsOwnTime() async throws {
        let (fixture, newest, previous) = try await Self.fixtureWithDroppedFields()
        try await fixture.server.makeApplication().test(.router) { client in
            let one = try #require(try await client.json("/api/v1/devices/inv1/latest").json as? [String: Any])
            try Self.expectFieldTimes(one, newest: newest, previous: previous)
            let all = try #require(try await client.json("/api/v1/latest").json as? [[String: Any]])
            try Self.expectFieldTimes(try #require(all.first { $0["device"] as? String == "inv1" }), newest: newest, previous: previous)
            // A device whose fields were all read together has nothing stale.
            let weather = try #require(all.first { $0["device"] as? String == "weather" })
            #expect((weather["stale"] as? [String: Any])?.isEmpty == true)
        }
    }

    @Test func liveHelloGivesEveryFieldItsOwnTime() async throws {
        let (fixture, newest, previous) = try await Self.fixtureWithDroppedFields()
        let hello = Mutex<String?>(nil)
        _ = try await fixture.server.makeApplication().test(.live) { client in
            try await client.ws("/api/v1/live") { inbound, _, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                guard case .text(let text) = try await messages.next() else { throw TestFailure("no hello") }
                hello.withLock { $0 = text }
            }
        }
        let text = try #require(hello.withLock { $0 })
        let message = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let samples = try #require(message["samples"] as? [[String: Any]])
        try Self.expectFieldTimes(try #require(samples.first { $0["device"] as? String == "inv1" }), newest: newest, previous: previous)
    }
}
