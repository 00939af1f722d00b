import Foundation
import HeliographCore
import HeliographWeb
import HeliographWebTesting
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@Suite struct APITests {
    @Test func devicesListFieldsAndSettings() async throws {
        let fixture = try await WebFixture()
        try await fixture.server.makeApplication().test(.router) { client in
            let (status, json, _, _) = try await client.json("/api/v1/devices")
            #expect(status == .ok)
            let devices = try #require(json as? [[String: Any]])
            #expect(devices.map { $0["id"] as? String } == ["inv1", "weather"])
            let inverter = devices[0]
            #expect(inverter["name"] as? String == "Garage inverter")
            #expect(inverter["online"] as? Bool == true)
            #expect((inverter["fields"] as? [[String: Any]])?.contains { $0["id"] as? String == "battery_soc_pct" && $0["unit"] as? String == "%" } == true)
            let settings = try #require(inverter["settings"] as? [[String: Any]])
            #expect(settings.first { $0["id"] as? String == "max_charge_current" }?["max"] as? Double == 120)

            let missing = try await client.json("/api/v1/devices/ghost")
            #expect(missing.status == .notFound)
            #expect((missing.json as? [String: [String: Any]])?["error"]?["message"] as? String == "no device ghost")
            let invalid = try await client.json("/api/v1/devices/BAD%20ID")
            #expect(invalid.status == .badRequest)
        }
    }

    @Test func latestMergesTheNewestValuesAndFlowSumsRoles() async throws {
        let fixture = try await WebFixture()
        try await fixture.server.makeApplication().test(.router) { client in
            let latest = try await client.json("/api/v1/devices/inv1/latest")
            let values = try #require((latest.json as? [String: Any])?["values"] as? [String: Any])
            #expect(values["pv_power_w"] as? Double == 1_119)
            #expect(values["operating_mode"] as? String == "Battery")
            let flow = try #require(try await client.json("/api/v1/flow").json as? [String: Any])
            #expect(flow["pvW"] as? Double == 1_119)
            #expect(flow["gridW"] as? Double == -200)
            #expect(flow["batteryW"] as? Double == 300)
            #expect(flow["loadW"] as? Double == 500)
            let all = try #require(try await client.json("/api/v1/latest").json as? [[String: Any]])
            #expect(all.count == 2)
        }
    }

    @Test func historyServesRawAndAggregatedSeriesAndCSV() async throws {
        let fixture = try await WebFixture()
        try await fixture.server.makeApplication().test(.router) { client in
            let from = Int(WebFixture.now.timeIntervalSince1970) - 3 * 3_600
            let raw = try await client.json("/api/v1/history?device=inv1&fields=pv_power_w,battery_soc_pct&from=\(from)&step=raw")
            #expect(raw.status == .ok)
            let series = try #require((raw.json as? [String: Any])?["series"] as? [[String: Any]])
            #expect(series.count == 2)
            #expect((series[0]["points"] as? [[Double]])?.count == 120)
            #expect(series[0]["unit"] as? String == "W")

            let hourly = try await client.json("/api/v1/history?series=inv1/pv_power_w&from=\(from)&step=1h")
            let buckets = try #require(((hourly.json as? [String: Any])?["series"] as? [[String: Any]])?.first?["points"] as? [[Double]])
            #expect((2...3).contains(buckets.count))
            #expect(buckets.allSatisfy { $0.count == 5 && $0[2] <= $0[1] && $0[1] <= $0[3] })  // min ≤ mean ≤ max

            let csv = try await client.json("/api/v1/history?series=inv1/pv_power_w,inv1/pv2_power_w&from=\(from)&step=raw&format=csv")
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            let lines = csv.text.split(separator: "\n")
            #expect(lines.first == "time,inv1/pv_power_w,inv1/pv2_power_w")
            #expect(lines.count == 121)
            #expect(lines.last?.hasSuffix(",1119,519") == true)
        }
    }

    @Test(arguments: [
        "/api/v1/history",
        "/api/v1/history?series=inv1",
        "/api/v1/history?series=inv1/pv_power_w&from=yesterday",
        "/api/v1/history?series=inv1/pv_power_w&from=2030-01-01T00:00:00Z&to=2029-01-01T00:00:00Z",
        "/api/v1/history?series=inv1/pv_power_w&step=5m",
        "/api/v1/history?series=inv1/pv_power_w&from=2020-01-01&step=raw",
        "/api/v1/history?series=inv1/pv_power_w&format=xml",
        "/api/v1/history?series=inv1/pv_power_w&period=fortnight",
        "/api/v1/history?series=inv1/pv_power_w&period=day&date=2026-02-30",
        "/api/v1/history?series=inv1/pv_power_w&period=day&date=26.01.2026",
        "/api/v1/history?series=inv1/pv_power_w&period=day&from=2026-01-26T00:00:00Z",
        "/api/v1/history?series=inv1/pv_power_w&date=2026-01-26",
        "/api/v1/history?series=inv1/pv_power_w&points=5",
        "/api/v1/audit?limit=0",
        "/api/v1/audit?limit=ten",
        "/api/historical?hours=-1",
        "/api/inverters/9231/history?limit=99999",
        "/api/v1/energy/daily",
    ])
    func badQueriesAreJSON400s(_ uri: String) async throws {
        let fixture = try await WebFixture()
        try await fixture.server.makeApplication().test(.router) { client in
            // With a token, so the audit log's own check (a signed-in caller) is passed and the query is what fails.
            let answer = try await client.json(uri, headers: bearer)
            #expect(answer.status == .badRequest, "\(uri): \(answer.text)")
            let error = try #require((answer.json as? [String: [String: Any]])?["error"])
            #expect(error["status"] as? Int == 400)
            #expect((error["message"] as? String)?.isEmpty == false)
        }
    }

    @Test func unknownRoutesAndBrokenBodiesAreJSONErrors() async throws {
        let fixture = try await WebFixture()
        try await fixture.server.makeApplication().test(.router) { client in
            let missing = try await client.json("/api/v1/nothing")
            #expect(missing.status == .notFound)
            #expect((missing.json as? [String: Any])?["error"] != nil)
            let broken = try await client.json("/api/v1/commands", method: .post, headers: bearer, body: "{\"device\": ")
            #expect(broken.status == .badRequest)
            #expect((broken.json as? [String: Any])?["error"] != nil)
            let wrongType = try await client.json("/api/v1/commands", method: .post, headers: bearer, body: #"{"device": 5, "setting": "buzzer", "value": true}"#)
            #expect(wrongType.status == .badRequest)
        }
    }

    @Test func seedEndpointsAnswerFromTheStore() async throws {
        let fixture = try await WebFixture()
        try await fixture.server.makeApplication().test(.router) { client in
            let data = try #require(try await client.json("/api/data").json as? [String: Any])
            #expect((data["devices"] as? [String: Any])?.keys.sorted() == ["inv1", "weather"])
            #expect((data["flow"] as? [String: Any])?["pvW"] as? Double == 1_119)
            let inverters = try #require(try await client.json("/api/inverters").json as? [[String: Any]])
            #expect(inverters.map { $0["serial"] as? String } == ["9231"])
            let one = try await client.json("/api/inverters/9231")
            #expect((one.json as? [String: Any])?["powerW"] as? Double == 1_119)
            #expect(try await client.json("/api/inverters/0000").status == .notFound)
            let ports = try #require(try await client.json("/api/inverters/9231/ports").json as? [[String: Any]])
            #expect(ports.map { $0["port"] as? Int } == [1, 2])
            #expect((ports[1]["values"] as? [String: Double])?["power_w"] == 519)
            #expect((try await client.json("/api/ports").json as? [Any])?.count == 2)
            let history = try #require(try await client.json("/api/inverters/9231/history?limit=5").json as? [String: Any])
            let rows = try #require(history["rows"] as? [[String: Double]])
            #expect(rows.count == 5)
            #expect(rows[0]["pv_power_w"] == 1_119)
            let production = try #require(try await client.json("/api/production/current").json as? [String: Any])
            #expect(production["powerW"] as? Double == 1_119)
            #expect(production["inverters"] as? Int == 1)
            let house = try #require(try await client.json("/api/house").json as? [String: [[String: Any]]])
            #expect(house["weather"]?.first?["device"] as? String == "weather")
            let historical = try #require(try await client.json("/api/historical?hours=3").json as? [String: Any])
            #expect((historical["series"] as? [Any])?.count == 5)
            #expect(try await client.json("/health").status == .ok)
            #expect(try await client.json("/ready").status == .ok)
            let stats = try #require(try await client.json("/stats").json as? [String: Any])
            #expect(stats["devices"] as? Int == 2)
            #expect(try await client.json("/api/refresh", method: .post, headers: bearer).status == .ok)
        }
    }

    @Test func refreshAsksThePollersAndSaysHowManyDevices() async throws {
        let requests = Mutex(0)
        let fixture = try await WebFixture(refresh: {
            requests.withLock { $0 += 1 }
            return 2
        })
        try await fixture.server.makeApplication().test(.router) { client in
            // Polling out of schedule takes the same credentials as a command.
            #expect(try await client.json("/api/refresh", method: .post).status == .unauthorized)
            let answer = try await client.json("/api/refresh", method: .post, headers: bearer)
            #expect(answer.status == .ok)
            let body = try #require(answer.json as? [String: Any])
            #expect(body["status"] as? String == "accepted")
            #expect(body["message"] as? String == "a poll of 2 devices was requested")
        }
        #expect(requests.withLock { $0 } == 1)
        // Without a poller behind it the endpoint says so rather than pretending.
        try await WebFixture().server.makeApplication().test(.router) { client in
            let body = try #require(try await client.json("/api/refresh", method: .post, headers: bearer).json as? [String: Any])
            #expect(body["status"] as? String == "ignored")
        }
    }

    @Test func readyReportsAFailingStoreAs503() async throws {
        let fixture = try await WebFixture()
        await fixture.store.failReads(with: HeliographError(.storageFailure, "disk gone"))
        try await fixture.server.makeApplication().test(.router) { client in
            #expect(try await client.json("/ready").status == .serviceUnavailable)
            #expect(try await client.json("/health").status == .ok)
            let devices = try await client.json("/api/v1/devices")
            #expect(devices.status == .internalServerError)
            #expect((devices.json as? [String: [String: Any]])?["error"]?["message"] as? String == "disk gone")
        }
    }

    @Test func pagesAndAssetsAreServedFromTheBinary() async throws {
        let fixture = try await WebFixture()
        try await fixture.server.makeApplication().test(.router) { client in
            let page = try await client.json("/")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.text.contains("<script src=\"/assets/app."))
            #expect(!page.text.contains("https://"))  // no CDN
            for asset in ["/app.js", "/chart-axis.js", "/chart.js", "/field-picker.js", "/charts-page.js", "/energy.js", "/energy.css", "/router.js", "/app.css", "/lcars.css", "/favicon.svg"] {
                let answer = try await client.json(asset)
                #expect(answer.status == .ok, "\(asset)")
                #expect(answer.text.count > 100, "\(asset)")
            }
        }
    }
}
