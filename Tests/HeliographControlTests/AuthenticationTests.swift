import Foundation
import HeliographControl
import Testing

@Suite struct AuthenticationTests {
    static let hash = PasswordHash.make("correct horse", cost: 4)

    @Test func passwordsAreCheckedAgainstBcryptHashes() throws {
        #expect(PasswordHash.looksLikeBcrypt(Self.hash))
        #expect(!Self.hash.contains("correct horse"))
        let authenticator = try Authenticator(credentials: Credentials(users: ["alice": Self.hash]))
        #expect(authenticator.caller(user: "alice", password: "correct horse") == .user("alice"))
        #expect(authenticator.caller(user: "alice", password: "wrong") == nil)
        #expect(authenticator.caller(user: "mallory", password: "correct horse") == nil)
    }

    @Test func tokensMatchExactly() throws {
        let authenticator = try Authenticator(credentials: Credentials(tokens: ["ci": "0123456789abcdef0123"]))
        #expect(authenticator.caller(forToken: "0123456789abcdef0123") == .token("ci"))
        #expect(authenticator.caller(forToken: "0123456789abcdef012") == nil)
        #expect(authenticator.caller(forToken: "0123456789abcdef01234") == nil)
        #expect(authenticator.caller(forToken: "") == nil)
    }

    @Test func weakTokensAndPlainPasswordsAreConfigurationErrors() {
        #expect(throws: HeliographControlError.weakToken(name: "short")) { try Authenticator(credentials: Credentials(tokens: ["short": "abc"])) }
        #expect(throws: HeliographControlError.notABcryptHash(user: "bob")) { try Authenticator(credentials: Credentials(users: ["bob": "hunter2"])) }
    }

    @Test func sessionsExpireAndClose() async throws {
        let clock = ManualTime()
        let sessions = SessionStore(lifetime: .seconds(60), now: { clock.now })
        let session = await sessions.open(for: .user("alice"))
        #expect(session.token.count == 64)
        #expect(await sessions.caller(for: session.token) == .user("alice"))
        #expect(await sessions.caller(for: "guess") == nil)
        clock.advance(61)
        #expect(await sessions.caller(for: session.token) == nil)
        let second = await sessions.open(for: .user("alice"))
        #expect(second.token != session.token)
        await sessions.close(second.token)
        #expect(await sessions.caller(for: second.token) == nil)
    }

    @Test func rateLimiterRefillsAtItsInterval() {
        var limiter = RateLimiter(limit: .init(burst: 2, interval: 5))
        let start = Date(timeIntervalSince1970: 0)
        #expect(limiter.take("a", now: start) == nil)
        #expect(limiter.take("a", now: start) == nil)
        #expect(limiter.take("a", now: start) == 5)
        #expect(limiter.take("a", now: start.addingTimeInterval(2.5)) == 2.5)
        #expect(limiter.take("a", now: start.addingTimeInterval(5)) == nil)
        #expect(limiter.take("b", now: start) == nil)
    }
}
