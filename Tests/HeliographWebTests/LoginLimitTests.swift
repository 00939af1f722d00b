import Foundation
import HeliographControl
import HeliographTesting
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeliographWeb
import HeliographWebTesting

/// Issue #13 items 2 and 6 over real loopback sockets: per-client and per-user login limits, bounded
/// limiter memory, and the global limit on password checks.
@Suite(.serialized) struct LoginLimitTests {
    static func body(user: String, password: String) -> String {
        let json = try! JSONSerialization.data(withJSONObject: ["user": user, "password": password])
        return String(decoding: json, as: UTF8.self)
    }

    @Test func oneClientIsLimitedWith429AndRetryAfterAndTheNameIsNotEchoed() async throws {
        // The default burst (10), refilled slowly enough that twelve bcrypt checks on a loaded
        // machine never earn an eleventh attempt back.
        let fixture = try await WebFixture(loginLimits: .init(perClient: .init(burst: 10, interval: 600)))
        try await fixture.server.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            let name = "mallory-" + String(repeating: "m", count: 60_000)
            var statuses: [Int] = []
            var last: RawHTTP.Reply?
            for index in 0..<12 {
                last = try await RawHTTP.send("/api/v1/login", body: Self.body(user: "\(index)\(name)", password: "guess"), port: port)
                statuses.append(last!.status)
            }
            #expect(statuses == Array(repeating: 401, count: 10) + [429, 429], "per client: 10 attempts at once, whatever the names")
            let refused = try #require(last)
            #expect(Int(refused.header("Retry-After") ?? "") ?? 0 >= 1, "\(refused.head)")
            #expect(refused.body.contains("too many login attempts"))
            #expect(!refused.body.contains("mmmmmmmm"), "the name is not repeated back")
        }
    }

    @Test func wrongTriesFromOneClientNeverLockOutTheRightPasswordFromAnother() async throws {
        let fixture = try await WebFixture(loginLimits: .init(perClient: .init(burst: 100, interval: 1), perUser: .init(burst: 5, interval: 60)))
        try await fixture.server.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            var attacker: [Int] = []
            for _ in 0..<10 {
                attacker.append(try await RawHTTP.send("/api/v1/login", body: Self.body(user: "alice", password: "guess"), port: port, from: "127.0.0.1").status)
            }
            #expect(attacker == Array(repeating: 401, count: 5) + Array(repeating: 429, count: 5), "five wrong tries at alice, then refused")

            let owner = try await RawHTTP.send("/api/v1/login", body: Self.body(user: "alice", password: "sunshine"), port: port, from: "127.0.0.2")
            #expect(owner.status == 200, "the right password from another address logs in: \(owner.body)")
            #expect(owner.body.contains("\"token\""))
            let stillLocked = try await RawHTTP.send("/api/v1/login", body: Self.body(user: "alice", password: "sunshine"), port: port, from: "127.0.0.1")
            #expect(stillLocked.status == 429, "the guessing address itself stays limited")
        }
    }

    /// Issue #13 item 6: 720 logins with 60 KB names used to grow the limiter by about 35 MB.
    @Test func sevenHundredTwentyLoginsWith60KBNamesKeepTheLimiterSmall() async throws {
        let fixture = try await WebFixture(loginLimits: .init(perClient: .init(burst: 10_000, interval: 1), trackedKeys: 256))
        try await fixture.server.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            let filler = String(repeating: "n", count: 60 * 1_024 - 100)
            var statuses: [Int: Int] = [:]
            for index in 0..<720 {
                let reply = try await RawHTTP.send("/api/v1/login", body: Self.body(user: "\(index)-\(filler)", password: "guess"), port: port)
                statuses[reply.status, default: 0] += 1
            }
            #expect(statuses == [401: 720], "every attempt reached the password check: \(statuses)")
            let (entries, bytes) = fixture.server.api.loginLimiter.withLock { ($0.trackedKeys, $0.approximateBytes) }
            #expect(entries <= 3 * 256, "\(entries) entries")
            #expect(bytes < 256 * 1_024, "\(bytes) bytes kept for 720 names of 60 KB (43 MB)")
        }
    }

    /// More concurrent logins than threads and queue places: the excess is answered 503 + Retry-After at
    /// once, without hashing, and the server keeps answering other requests.
    @Test func aLoginFloodIsAnswered503WithRetryAfterWhileHealthAnswers() async throws {
        let hash = try await onOwnThread { PasswordHash.make("sunshine", cost: 11) }
        let fixture = try await WebFixture(
            loginLimits: .init(perClient: .init(burst: 1_000, interval: 1)),
            passwordChecks: .init(threads: 1, queue: 1, maximumWait: .seconds(5)),
            passwordHash: hash
        )
        try await fixture.server.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            let clock = ContinuousClock()
            let replies = try await withThrowingTaskGroup(of: (RawHTTP.Reply, Duration).self) { group in
                for index in 0..<16 {
                    group.addTask {
                        let started = clock.now
                        let reply = try await RawHTTP.send("/api/v1/login", body: Self.body(user: "user\(index % 3)", password: "guess"), port: port)
                        return (reply, clock.now - started)
                    }
                }
                let started = clock.now
                let health = try await RawHTTP.send("/health", method: "GET", port: port)
                let healthTime = clock.now - started
                #expect(health.status == 200)
                #expect(healthTime < .seconds(2), "/health took \(healthTime) during the flood")
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let busy = replies.filter { $0.0.status == 503 }
            #expect(!busy.isEmpty, "statuses \(replies.map(\.0.status))")
            #expect(replies.allSatisfy { [401, 503].contains($0.0.status) })
            #expect(busy.allSatisfy { Int($0.0.header("Retry-After") ?? "") ?? 0 >= 1 })
            #expect(replies.contains { $0.0.status == 401 }, "the admitted attempts were checked")
        }
    }
}
