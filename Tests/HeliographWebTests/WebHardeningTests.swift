import Foundation
import HeliographCore
import HeliographTesting
import HeliographWeb
import HeliographWebTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The web parts of issue 13: browser security headers, credentials on every state-changing or
/// sensitive call, no tokens in URLs of changes, non-finite command values, and the WebSocket's Origin.
@Suite struct WebHardeningTests {
    @Test("every answer carries CSP, frame, nosniff and referrer headers: pages, API, errors, unknown paths")
    func securityHeadersOnEveryResponse() async throws {
        let fixture = try await WebFixture()
        try await fixture.server.makeApplication().test(.router) { client in
            for (path, method) in [("/", HTTPRequest.Method.get), ("/app.js", .get), ("/api/v1/devices", .get), ("/no/such/page", .get), ("/api/v1/commands", .post), ("/health", .get)] {
                let answer = try await client.json(path, method: method)
                let csp = answer.headers[.contentSecurityPolicy] ?? ""
                #expect(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"), "\(path): \(csp)")
                #expect(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "\(path): \(csp)")
                #expect(answer.headers[HTTPField.Name("X-Frame-Options")!] == "DENY", "\(path)")
                #expect(answer.headers[.xContentTypeOptions] == "nosniff", "\(path)")
                #expect(answer.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer", "\(path)")
            }
        }
    }

    @Test("the embedded pages use no inline script, inline style attribute or event-handler attribute the policy would block")
    func pagesFitTheContentSecurityPolicy() async throws {
        let fixture = try await WebFixture()
        try await fixture.server.makeApplication().test(.router) { client in
            let html = try await client.json("/").text
            #expect(!html.contains("<script>") && !html.contains("style=") && !html.contains(" onclick="), "index.html")
            for script in ["/app.js", "/chart.js", "/energy.js"] {
                let text = try await client.json(script).text
                #expect(!text.contains("style=\""), "\(script) builds an inline style attribute")
                #expect(!text.contains("eval(") && !text.contains("new Function"), "\(script)")
            }
        }
    }

    @Test("POST /api/refresh and the audit log need a token or login; reading stays open")
    func refreshAndAuditNeedCredentials() async throws {
        let fixture = try await WebFixture(refresh: { 1 })
        try await fixture.server.makeApplication().test(.router) { client in
            let refresh = try await client.json("/api/refresh", method: .post)
            #expect(refresh.status == .unauthorized, "\(refresh.text)")
            #expect(try await client.json("/api/refresh", method: .post, headers: bearer).status == .ok)
            let audit = try await client.json("/api/v1/audit")
            #expect(audit.status == .unauthorized)
            #expect(audit.text.contains("reading the audit log needs"), "\(audit.text)")
            #expect(try await client.json("/api/v1/audit", headers: bearer).status == .ok)
            let login = try await client.json("/api/v1/login", method: .post, body: #"{"user": "alice", "password": "sunshine"}"#)
            let session = try #require((login.json as? [String: Any])?["token"] as? String)
            #expect(try await client.json("/api/v1/audit", headers: [.authorization: "Bearer \(session)"]).status == .ok)
            #expect(try await client.json("/api/v1/devices").status == .ok, "open reading is unchanged")
        }
    }

    @Test("a token in the query string is refused on changes and accepted on reads")
    func queryTokensOnlyForReading() async throws {
        let fixture = try await WebFixture(openReading: false, refresh: { 1 })
        try await fixture.server.makeApplication().test(.router) { client in
            let command = try await client.json("/api/v1/commands?token=\(WebFixture.token)", method: .post, body: ControlAPITests.command)
            #expect(command.status == .unauthorized)
            #expect(command.text.contains("accepted for reading only"), "\(command.text)")
            #expect(try await client.json("/api/command?token=\(WebFixture.token)", method: .post, body: ControlAPITests.command).status == .unauthorized)
            #expect(try await client.json("/api/refresh?token=\(WebFixture.token)", method: .post).status == .unauthorized)
            #expect(fixture.driver.applied.isEmpty)
            #expect(await fixture.audit.all.isEmpty, "refused before reaching the gate")
            // Reads (the WebSocket upgrade is a GET) still take it: browsers cannot set headers there.
            #expect(try await client.json("/api/v1/devices?token=\(WebFixture.token)").status == .ok)
            #expect(try await client.json("/api/v1/devices").status == .unauthorized)
            // The same token in a header works for the change.
            #expect(try await client.json("/api/v1/commands", method: .post, headers: bearer, body: ControlAPITests.command).status == .ok)
        }
    }

    @Test(
        "non-finite and non-numeric command values answer 422 with a reason and are audited as rejected",
        arguments: [#""NaN""#, #""Infinity""#, #""-Infinity""#, #""nan""#, #""inf""#, #""sixty""#]
    )
    func nonFiniteValuesAreRejected(value: String) async throws {
        let fixture = try await WebFixture()
        try await fixture.server.makeApplication().test(.router) { client in
            let body = #"{"device": "inv1", "setting": "max_charge_current", "value": \#(value)}"#
            for path in ["/api/v1/commands", "/api/command"] {
                let answer = try await client.json(path, method: .post, headers: bearer, body: body)
                #expect(answer.status == .unprocessableContent, "\(path) \(value): \(answer.text)")
                let message = try #require(((answer.json as? [String: [String: Any]])?["error"]?["message"]) as? String)
                #expect(message.contains("max_charge_current"), "\(message)")
                #expect(message.contains("finite") || message.contains("does not take"), "\(message)")
            }
            #expect(fixture.driver.applied.isEmpty)
            let audit = await fixture.audit.all
            #expect(audit.count == 2)
            #expect(audit.allSatisfy { $0.result == "rejected" && $0.actor == "token:ci" }, "\(audit)")
            let listed = try #require(try await client.json("/api/v1/audit", headers: bearer).json as? [[String: Any]])
            #expect(listed.count == 2, "the rejected entries read back from the audit log")
        }
    }

    @Test("the live WebSocket refuses a foreign Origin and accepts its own, a listed one, or none")
    func webSocketOrigin() async throws {
        let fixture = try await WebFixture(allowedOrigins: ["https://ha.example.net"])
        try await fixture.server.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            func upgrade(origin: String?) async throws -> Int? {
                let connection = try RawConnection(port: port)
                var request = "GET /api/v1/live HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                request += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                if let origin { request += "Origin: \(origin)\r\n" }
                connection.send(request + "\r\n")
                let status = RawConnection.status(of: await connection.readHead(timeout: .seconds(10)))
                // Stay a moment, as a real client would: leaving in the middle of the upgrade makes
                // Hummingbird log an error for the vanished client, which is noise here.
                try await Task.sleep(for: .milliseconds(300))
                return status
            }
            #expect(try await upgrade(origin: "http://evil.example") != 101)
            #expect(try await upgrade(origin: "http://127.0.0.1:\(port + 1)") != 101, "another port is another origin")
            #expect(try await upgrade(origin: "null") != 101)
            #expect(try await upgrade(origin: "http://127.0.0.1:\(port)") == 101)
            #expect(try await upgrade(origin: "https://ha.example.net") == 101)
            #expect(try await upgrade(origin: nil) == 101, "no Origin: not a browser")
            #expect(try await upgrade(origin: "ws://localhost") == 101, "a WebSocket library's Origin: not a browser page")
        }
    }
}

extension WebHardeningTests {
    @Test("a command body over 64 KiB is refused with 413, not read")
    func oversizedBodyIsRefused() async throws {
        let fixture = try await WebFixture()
        try await fixture.server.makeApplication().test(.router) { client in
            let padding = String(repeating: " ", count: 100 * 1_024)
            let answer = try await client.json("/api/v1/commands", method: .post, headers: bearer, body: "{" + padding + #""device": "inv1", "setting": "buzzer", "value": true}"#)
            #expect(answer.status == .contentTooLarge, "\(answer.status) \(answer.text.prefix(200))")
            #expect(fixture.driver.applied.isEmpty)
        }
    }
}
