import Foundation
import HeliographCore
import HeliographWeb
import HeliographWebTesting
import Hummingbird
import HummingbirdTesting
import Testing

/// Numbers leave the API at their field's resolution: no `231.10000000000002`, no `-0`.
@Suite struct NumberFormattingTests {
    @Test func latestHistoryAndCSVRoundToTheFieldsResolution() async throws {
        let fixture = try await WebFixture()
        let time = WebFixture.now.addingTimeInterval(-5)
        // pv1_power_w has one decimal, grid_power_w none; −0.3 W rounds to a zero that must not be negative.
        try await fixture.store.write([Sample(device: "inv1", time: time, values: ["pv1_power_w": .number(2_311 * 0.1), "grid_power_w": .number(-0.3)])])
        try await fixture.server.makeApplication().test(.router) { client in
            for path in ["/api/v1/devices/inv1/latest", "/api/v1/latest", "/api/data"] {
                let text = try await client.json(path).text
                #expect(text.contains(#""pv1_power_w":231.1"#), "\(path): \(text.prefix(400))")
                #expect(text.contains(#""grid_power_w":0"#), "\(path): \(text.prefix(400))")
                #expect(!text.contains("231.10000000000002"), "\(path)")
                #expect(text.firstMatch(of: /:-0(\.0+)?[,}\]]/) == nil, "\(path): a negative zero in \(text.prefix(600))")
            }
            let from = Int(time.timeIntervalSince1970) - 1
            let history = try await client.json("/api/v1/history?series=inv1/pv1_power_w,inv1/grid_power_w&from=\(from)&step=raw").text
            #expect(history.contains("231.1]") && history.contains(",0]"), "\(history)")
            #expect(!history.contains("231.10000000000002") && history.firstMatch(of: /-0(\.0+)?\]/) == nil, "\(history)")
            let csv = try await client.json("/api/v1/history?series=inv1/pv1_power_w,inv1/grid_power_w&from=\(from)&step=raw&format=csv").text
            #expect(csv.split(separator: "\n").last?.hasSuffix(",231.1,0") == true, "\(csv)")
        }
    }
}
