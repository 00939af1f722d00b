import Foundation
import HeliographCore
import HeliographWeb
import HeliographWebTesting
import Hummingbird
import HummingbirdTesting
import Testing

/// The history API as the charts page uses it: calendar windows in the site's time zone, and the gaps
/// in each series, so a chart draws them as gaps.
@Suite struct HistoryWindowTests {
    /// 26 Jan 2026 in the server's time zone (the fixture's site zone), with data 10:00–11:00 and
    /// 13:00–14:00 only: the two hours between are missing.
    static func writeDayWithGap(_ fixture: WebFixture) async throws -> (midnight: Date, calendar: Calendar) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        let midnight = try #require(calendar.date(from: DateComponents(year: 2026, month: 1, day: 26)))
        var samples: [Sample] = []
        for minute in Array(600..<660) + Array(780..<840) {
            samples.append(Sample(device: "inv1", time: midnight.addingTimeInterval(Double(minute) * 60), values: ["pv_power_w": .number(Double(minute))]))
        }
        try await fixture.store.write(samples)
        return (midnight, calendar)
    }

    /// An API time (ISO 8601 with milliseconds).
    static func time(_ value: Any?) -> Date? {
        (value as? String).flatMap { try? Date($0, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) }
    }

    @Test func aDayWindowRunsFromLocalMidnightToMidnightAndNamesItsNeighbours() async throws {
        let fixture = try await WebFixture()
        let (midnight, calendar) = try await Self.writeDayWithGap(fixture)
        try await fixture.server.makeApplication().test(.router) { client in
            let answer = try await client.json("/api/v1/history?series=inv1/pv_power_w&period=day&date=2026-01-26")
            #expect(answer.status == .ok, "\(answer.text)")
            let history = try #require(answer.json as? [String: Any])
            #expect(Self.time(history["from"]) == midnight)
            #expect(Self.time(history["to"]) == calendar.date(byAdding: .day, value: 1, to: midnight))
            #expect(history["timeZone"] as? String == TimeZone.current.identifier)
            #expect(history["step"] as? String == "1m")
            #expect(history["bucketSeconds"] as? Double == 60)
            let period = try #require(history["period"] as? [String: String])
            #expect(period == ["kind": "day", "date": "2026-01-26", "previous": "2026-01-25", "next": "2026-01-27"])
            let series = try #require((history["series"] as? [[String: Any]])?.first)
            #expect((series["points"] as? [[Double]])?.count == 120)

            let week = try #require(try await client.json("/api/v1/history?series=inv1/pv_power_w&period=week&date=2026-01-28&points=150").json as? [String: Any])
            #expect((week["period"] as? [String: String])?["date"] == "2026-01-26")  // ISO weeks start on Monday
            #expect(week["step"] as? String == "1h")  // 168 hours reach 150 points; minutes are not needed
            let month = try #require(try await client.json("/api/v1/history?series=inv1/pv_power_w&period=month&date=2026-01-26").json as? [String: Any])
            #expect((month["period"] as? [String: String]) == ["kind": "month", "date": "2026-01-01", "previous": "2025-12-01", "next": "2026-02-01"])
        }
    }

    @Test func missingDataIsReportedAsGapsForRollupsAndRawPoints() async throws {
        let fixture = try await WebFixture()
        let (midnight, _) = try await Self.writeDayWithGap(fixture)
        let before = (midnight.timeIntervalSince1970 + 659 * 60) * 1_000, after = (midnight.timeIntervalSince1970 + 780 * 60) * 1_000
        try await fixture.server.makeApplication().test(.router) { client in
            for step in ["1m", "raw"] {
                let history = try #require(try await client.json("/api/v1/history?series=inv1/pv_power_w&period=day&date=2026-01-26&step=\(step)").json as? [String: Any])
                let series = try #require((history["series"] as? [[String: Any]])?.first)
                #expect(series["gaps"] as? [[Double]] == [[before, after]], "step \(step)")
            }
            // Hourly: the 11:00 and 12:00 buckets are empty, so the gap runs from the 10:00 bucket to the 13:00 one.
            let hourly = try #require(try await client.json("/api/v1/history?series=inv1/pv_power_w&period=day&date=2026-01-26&step=1h").json as? [String: Any])
            let hour = { (h: Double) in (midnight.timeIntervalSince1970 + h * 3_600) * 1_000 }
            let expected = [[hour(10), hour(13)]]
            #expect(((hourly["series"] as? [[String: Any]])?.first?["gaps"] as? [[Double]]) == expected)
            // A late poll or one empty bucket is no gap: minutes 600–659 and 661–700 join up.
            try await fixture.store.write((661..<700).map { Sample(device: "inv1", time: midnight.addingTimeInterval(Double($0) * 60), values: ["pv_power_w": 5]) })
            let joined = try #require(try await client.json("/api/v1/history?series=inv1/pv_power_w&period=day&date=2026-01-26&step=1m").json as? [String: Any])
            let later = (midnight.timeIntervalSince1970 + 699 * 60) * 1_000
            #expect(((joined["series"] as? [[String: Any]])?.first?["gaps"] as? [[Double]]) == [[later, after]])
        }
    }

    /// A device polled every 4 minutes fills one 1-minute bucket in four: that is its spacing, not a gap
    /// after every point (the demo's backfilled history is read so); a real outage still is one.
    @Test func aDevicePolledLessOftenThanOnceABucketHasGapsOnlyWhereReadingsStop() async throws {
        let fixture = try await WebFixture()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        let midnight = try #require(calendar.date(from: DateComponents(year: 2026, month: 1, day: 26)))
        let minutes = Array(stride(from: 600, to: 720, by: 4)) + Array(stride(from: 840, to: 900, by: 4))
        try await fixture.store.write(minutes.map { Sample(device: "inv1", time: midnight.addingTimeInterval(Double($0) * 60), values: ["pv_power_w": 7]) })
        let gap = [[716, 840].map { (midnight.timeIntervalSince1970 + Double($0) * 60) * 1_000 }]
        try await fixture.server.makeApplication().test(.router) { client in
            let history = try #require(try await client.json("/api/v1/history?series=inv1/pv_power_w&period=day&date=2026-01-26&step=1m").json as? [String: Any])
            let series = try #require((history["series"] as? [[String: Any]])?.first)
            #expect((series["points"] as? [[Double]])?.count == minutes.count)
            #expect(series["gaps"] as? [[Double]] == gap)
        }
    }
}
