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

@Suite struct LiveFeedTests {
    @Test func newSamplesReachAConnectedWebSocket() async throws {
        let fixture = try await WebFixture()
        let received = Mutex<[String]>([])
        _ = try await fixture.server.makeApplication().test(.live) { client in
            try await client.ws("/api/v1/live") { inbound, _, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                let hello = try await messages.next()
                guard case .text(let helloText) = hello else { throw TestFailure("no hello") }
                received.withLock { $0.append(helloText) }
                // The server subscribed before sending hello, so a sample published now must arrive.
                let sent = Date()
                try await fixture.feed.write([Sample(device: "inv1", time: sent, values: ["pv_power_w": 2_500, "grid_power_w": -900])])
                guard case .text(let sampleText) = try await messages.next() else { throw TestFailure("no sample") }
                // How fast is for the browser test and the benchmarks to say; here: it arrives.
                received.withLock { $0.append(sampleText) }
            }
        }
        let messages = try received.withLock { $0 }.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(messages.count == 2)
        #expect(messages[0]["type"] as? String == "hello")
        #expect((messages[0]["samples"] as? [Any])?.count == 2)
        #expect(messages[1]["type"] as? String == "sample")
        #expect((messages[1]["sample"] as? [String: Any])?["device"] as? String == "inv1")
        let flow = try #require(messages[1]["flow"] as? [String: Any])
        #expect(flow["pvW"] as? Double == 2_500)
        #expect(flow["gridW"] as? Double == -900)
        #expect(flow["loadW"] as? Double == 500)  // merged with the newest stored values
        try await eventually("subscription released") { fixture.feed.subscriberCount == 0 }
    }
}
