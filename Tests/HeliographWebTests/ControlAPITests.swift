import Foundation
import HeliographControl
import HeliographCore
import HeliographTesting
import HeliographWeb
import HeliographWebTesting
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct ControlAPITests {
    static let command = #"{"device": "inv1", "setting": "max_charge_current", "value": 60}"#

    @Test func commandsNeedAuthentication() async throws {
        let fixture = try await WebFixture()
        try await fixture.server.makeApplication().test(.router) { client in
            let anonymous = try await client.json("/api/v1/commands", method: .post, body: Self.command)
            #expect(anonymous.status == .unauthorized)
            let forged = try await client.json("/api/v1/commands", method: .post, headers: [.authorization: "Bearer nope"], body: Self.command)
            #expect(forged.status == .unauthorized)
            let legacy = try await client.json("/api/command", method: .post, body: Self.command)
            #expect(legacy.status == .unauthorized)
            #expect(fixture.driver.applied.isEmpty)
        }
    }

    @Test func tokenCommandIsAppliedReadBackAndAudited() async throws {
        let fixture = try await WebFixture()
        try await fixture.server.makeApplication().test(.router) { client in
            let answer = try await client.json("/api/v1/commands", method: .post, headers: bearer, body: Self.command)
            #expect(answer.status == .ok, "\(answer.text)")
            let result = try #require(answer.json as? [String: Any])
            #expect(result["result"] as? String == "applied")
            #expect(result["readBack"] as? String == "60")
            #expect(fixture.driver.applied == [SettingChange(device: "inv1", setting: "max_charge_current", value: .number(60))])
            let audit = try #require(try await client.json("/api/v1/audit", headers: bearer).json as? [[String: Any]])
            #expect(audit.first?["actor"] as? String == "token:ci")
            #expect(audit.first?["result"] as? String == "applied")
        }
    }

    @Test func deviceSettingsShowCurrentValuesRangesAndReadTimes() async throws {
        let fixture = try await WebFixture()
        try await fixture.server.makeApplication().test(.router) { client in
            let answer = try await client.json("/api/v1/devices/inv1/settings")
            #expect(answer.status == .ok, "\(answer.text)")
            let resource = try #require(answer.json as? [String: Any])
            #expect(resource["device"] as? String == "inv1")
            let settings = try #require(resource["settings"] as? [[String: Any]])
            #expect(settings.map { $0["id"] as? String } == ["output_source_priority", "max_charge_current", "buzzer"], "every allowed setting, in allow-list order")
            let priority = try #require(settings.first)
            #expect(priority["value"] as? String == "sbu" && priority["state"] as? String == "read")
            #expect(priority["options"] as? [String] == ["utility", "solar", "sbu"])
            let readAt = try #require(priority["readAt"] as? String)
            let current = try #require(settings[1]["value"] as? Double)
            #expect(current == 30 && settings[1]["min"] as? Double == 10 && settings[1]["max"] as? Double == 120 && settings[1]["step"] as? Double == 10)
            #expect(settings[2]["value"] as? Bool == true)

            // A write moves the value and its read time; the list view agrees with the device view.
            let command = try await client.json("/api/v1/commands", method: .post, headers: bearer, body: #"{"device": "inv1", "setting": "output_source_priority", "value": "solar"}"#)
            #expect(command.status == .ok)
            let after = try #require((try await client.json("/api/v1/devices/inv1/settings").json as? [String: Any])?["settings"] as? [[String: Any]])
            #expect(after[0]["value"] as? String == "solar")
            #expect(try #require(after[0]["readAt"] as? String) > readAt)
            let list = try #require(try await client.json("/api/v1/settings").json as? [[String: Any]])
            #expect((list.first?["settings"] as? [[String: Any]])?.first?["value"] as? String == "solar")

            #expect(try await client.json("/api/v1/devices/weather/settings").status == .notFound, "a device that cannot be controlled")
            #expect(try await client.json("/api/v1/devices/nobody/settings").status == .notFound)
        }
    }

    @Test func settingsNotReadYetAreUnknown() async throws {
        let store = InMemorySampleStore()
        let gate = CommandGate(drivers: ["inv2": RecordingSettingsDriver()], audit: InMemoryAuditLog())
        let server = try WebServer(configuration: WebConfiguration(host: "127.0.0.1", port: 0), dependencies: WebDependencies(store: store, feed: BroadcastLiveFeed(), gate: gate))
        try await server.makeApplication().test(.router) { client in
            let settings = try #require((try await client.json("/api/v1/devices/inv2/settings").json as? [String: Any])?["settings"] as? [[String: Any]])
            #expect(settings.count == 3)
            #expect(settings.allSatisfy { $0["state"] as? String == "unknown" && $0["value"] == nil && $0["readAt"] == nil })
        }
    }

    @Test func gateRefusalsMapToStatuses() async throws {
        let fixture = try await WebFixture()
        try await fixture.server.makeApplication().test(.router) { client in
            let outOfRange = try await client.json("/api/v1/commands", method: .post, headers: bearer, body: #"{"device": "inv1", "setting": "max_charge_current", "value": 500}"#)
            #expect(outOfRange.status == .unprocessableContent)
            #expect(((outOfRange.json as? [String: [String: Any]])?["error"]?["message"] as? String)?.contains("within 10.0...120.0") == true)
            let notAllowed = try await client.json("/api/v1/commands", method: .post, headers: bearer, body: #"{"device": "inv1", "setting": "reboot", "value": true}"#)
            #expect(notAllowed.status == .unprocessableContent)
            let unknown = try await client.json("/api/v1/commands", method: .post, headers: bearer, body: #"{"device": "weather", "setting": "buzzer", "value": true}"#)
            #expect(unknown.status == .notFound)
            let dryRun = try await client.json("/api/v1/commands", method: .post, headers: bearer, body: #"{"device": "inv1", "setting": "output_source_priority", "value": "sbu", "dryRun": true}"#)
            #expect((dryRun.json as? [String: Any])?["result"] as? String == "dry-run")
            fixture.driver.setBehaviour(.fail(HeliographError(.timeout, "no answer")))
            let timeout = try await client.json("/api/v1/commands", method: .post, headers: bearer, body: #"{"device": "inv1", "setting": "buzzer", "value": "on"}"#)
            #expect(timeout.status == .gatewayTimeout)
            #expect(fixture.driver.applied == [SettingChange(device: "inv1", setting: "buzzer", value: .toggle(true))])
            let audit = try #require(try await client.json("/api/v1/audit?device=inv1&limit=10", headers: bearer).json as? [[String: Any]])
            #expect(audit.map { $0["result"] as? String } == ["failed", "dry-run", "rejected", "rejected"])
        }
    }

    @Test func loginWithPasswordGivesASessionThatCanCommandAndLogOut() async throws {
        let fixture = try await WebFixture()
        try await fixture.server.makeApplication().test(.router) { client in
            let wrong = try await client.json("/api/v1/login", method: .post, body: #"{"user": "alice", "password": "moonlight"}"#)
            #expect(wrong.status == .unauthorized)
            let login = try await client.json("/api/v1/login", method: .post, body: #"{"user": "alice", "password": "sunshine"}"#)
            #expect(login.status == .ok)
            let token = try #require((login.json as? [String: Any])?["token"] as? String)
            let session: HTTPFields = [.authorization: "Bearer \(token)"]
            let whoami = try #require(try await client.json("/api/v1/session", headers: session).json as? [String: Any])
            #expect(whoami["caller"] as? String == "user:alice")
            let command = try await client.json("/api/v1/commands", method: .post, headers: session, body: #"{"device": "inv1", "setting": "buzzer", "value": false}"#)
            #expect(command.status == .ok)
            #expect(await fixture.audit.all.last?.actor == "user:alice")
            _ = try await client.json("/api/v1/logout", method: .post, headers: session)
            #expect(try await client.json("/api/v1/commands", method: .post, headers: session, body: Self.command).status == .unauthorized)
        }
    }

    @Test func closedReadingNeedsATokenButKeepsThePageAndLoginOpen() async throws {
        let fixture = try await WebFixture(openReading: false)
        try await fixture.server.makeApplication().test(.router) { client in
            let closed = try await client.json("/api/v1/devices").status
            let legacy = try await client.json("/api/data").status
            let withToken = try await client.json("/api/v1/devices", headers: bearer).status
            let page = try await client.json("/").status
            let session = try await client.json("/api/v1/session").status
            let health = try await client.json("/health").status
            #expect(closed == .unauthorized)
            #expect(legacy == .unauthorized)
            #expect(withToken == .ok)
            #expect(page == .ok)
            #expect(session == .ok)
            #expect(health == .ok)
        }
    }
}
