import Foundation
import HeliographCore
import HeliographTesting
import HeliographWeb
import HeliographWebTesting
import Hummingbird
import HummingbirdTesting
import Testing

/// Signing in on the page: a token alone is enough, a wrong token or password says which, and a session
/// outlives a restart of the web service until it expires or signs out.
@Suite struct SignInTests {
    @Test func aTokenAloneSignsIn() async throws {
        let fixture = try await WebFixture()
        try await fixture.server.makeApplication().test(.router) { client in
            let login = try await client.json("/api/v1/login", method: .post, body: #"{"token": "\#(WebFixture.token)"}"#)
            #expect(login.status == .ok, "\(login.text)")
            let answer = try #require(login.json as? [String: Any])
            #expect(answer["caller"] as? String == "token:ci")
            let session = try #require(answer["token"] as? String)
            #expect(session != WebFixture.token, "a session of its own, so signing out does not need the token revoked")
            #expect(answer["expires"] != nil)
            let headers: HTTPFields = [.authorization: "Bearer \(session)"]
            let whoami = try #require(try await client.json("/api/v1/session", headers: headers).json as? [String: Any])
            #expect(whoami["caller"] as? String == "token:ci" && whoami["expires"] != nil)
            let command = try await client.json("/api/v1/commands", method: .post, headers: headers, body: #"{"device": "inv1", "setting": "buzzer", "value": false}"#)
            #expect(command.status == .ok)
            _ = try await client.json("/api/v1/logout", method: .post, headers: headers)
            #expect(try await client.json("/api/v1/session", headers: headers).status == .unauthorized, "signed out")
        }
    }

    @Test func wrongTokenOrPasswordSaysWhich() async throws {
        let fixture = try await WebFixture()
        try await fixture.server.makeApplication().test(.router) { client in
            let token = try await client.json("/api/v1/login", method: .post, body: #"{"token": "not-the-token-0123456789"}"#)
            #expect(token.status == .unauthorized)
            #expect(Self.message(token.json)?.contains("API token is not valid") == true, "\(token.text)")
            let password = try await client.json("/api/v1/login", method: .post, body: #"{"user": "alice", "password": "moonlight"}"#)
            #expect(password.status == .unauthorized)
            #expect(Self.message(password.json) == "wrong user name or password")
            let nothing = try await client.json("/api/v1/login", method: .post, body: #"{"user": "alice"}"#)
            #expect(nothing.status == .badRequest)
            #expect(Self.message(nothing.json)?.contains("user name and password, or with an API token") == true)
            let empty = try await client.json("/api/v1/login", method: .post, body: #"{"token": "  "}"#)
            #expect(empty.status == .badRequest)
        }
    }

    @Test func tokenGuessesAreRateLimitedLikePasswords() async throws {
        let fixture = try await WebFixture(loginLimits: .init(perClient: .init(burst: 2, interval: 60)))
        try await fixture.server.makeApplication().test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<3 {
                statuses.append(try await client.json("/api/v1/login", method: .post, body: #"{"token": "guess-guess-guess-guess"}"#).status)
            }
            #expect(statuses == [.unauthorized, .unauthorized, .tooManyRequests])
        }
    }

    @Test func sessionsSurviveARestartOfTheWebService() async throws {
        let directory = try makeTemporaryDirectory("web-sessions")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("sessions.json").path
        let before = try await WebFixture(sessionsFile: file)
        let token = try await before.server.makeApplication().test(.router) { client in
            let login = try await client.json("/api/v1/login", method: .post, body: #"{"user": "alice", "password": "sunshine"}"#)
            return try #require((login.json as? [String: Any])?["token"] as? String)
        }
        #expect(!(try String(contentsOfFile: file, encoding: .utf8)).contains(token), "the file holds hashes, not tokens")

        // A new web service on the same file, as after a daemon restart.
        let after = try await WebFixture(sessionsFile: file)
        try await after.server.makeApplication().test(.router) { client in
            let headers: HTTPFields = [.authorization: "Bearer \(token)"]
            let whoami = try #require(try await client.json("/api/v1/session", headers: headers).json as? [String: Any])
            #expect(whoami["caller"] as? String == "user:alice", "still signed in after the restart")
            #expect(try await client.json("/api/v1/commands", method: .post, headers: headers, body: #"{"device": "inv1", "setting": "buzzer", "value": true}"#).status == .ok)
            _ = try await client.json("/api/v1/logout", method: .post, headers: headers)
        }
        let third = try await WebFixture(sessionsFile: file)
        try await third.server.makeApplication().test(.router) { client in
            let status = try await client.json("/api/v1/session", headers: [.authorization: "Bearer \(token)"]).status
            #expect(status == .unauthorized, "logout outlives the restart")
        }
    }

    static func message(_ json: Any?) -> String? {
        ((json as? [String: Any])?["error"] as? [String: Any])?["message"] as? String
    }
}
