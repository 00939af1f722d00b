import Foundation
import HeliographCore
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
