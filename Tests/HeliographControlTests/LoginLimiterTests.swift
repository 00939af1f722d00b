import Foundation
import HeliographControl
import Testing

@Suite struct LoginLimiterTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// Tries `user` from `client` with a wrong password the way the login route does; true when admitted.
    func fail(_ limiter: inout LoginLimiter, client: String, user: String, at time: Date) -> Bool {
        guard limiter.admit(client: client, user: user, now: time) == nil else { return false }
        limiter.record(client: client, user: user, succeeded: false, now: time)
        return true
    }

    @Test func oneClientIsLimitedWhateverNamesItTries() {
        var limiter = LoginLimiter(limits: .init(perClient: .init(burst: 10, interval: 6), perUser: .init(burst: 5, interval: 12)))
        // Made-up names each have a fresh per-user bucket; the per-client limit still holds them.
        let admitted = (0..<100).filter { fail(&limiter, client: "192.0.2.7", user: "name-\($0)", at: start) }
        #expect(admitted.count == 10)
        let wait = limiter.admit(client: "192.0.2.7", user: "another", now: start)
        #expect(wait == 6)
        #expect(limiter.admit(client: "192.0.2.7", user: "another", now: start.addingTimeInterval(6)) == nil)
    }

    @Test func wrongTriesFromOneClientNeverLockOutAnotherClient() {
        var limiter = LoginLimiter(limits: .init(perClient: .init(burst: 1_000, interval: 1), perUser: .init(burst: 5, interval: 12)))
        let admitted = (0..<50).filter { _ in fail(&limiter, client: "192.0.2.66", user: "admin", at: start) }
        #expect(admitted.count == 5, "the attacker's guesses at admin stop after the per-user burst")
        #expect(limiter.admit(client: "192.0.2.66", user: "admin", now: start) == 12)

        // The owner, from another address, is let through and logs in.
        #expect(limiter.admit(client: "192.0.2.10", user: "admin", now: start) == nil)
        limiter.record(client: "192.0.2.10", user: "admin", succeeded: true, now: start)
        #expect(limiter.admit(client: "192.0.2.10", user: "admin", now: start) == nil)
        // A typo from there makes that address wait like the rest, for at most one interval, never for good.
        limiter.record(client: "192.0.2.10", user: "admin", succeeded: false, now: start)
        let wait = limiter.admit(client: "192.0.2.10", user: "admin", now: start.addingTimeInterval(1))
        #expect(wait != nil && wait! <= 12, "\(String(describing: wait))")
        #expect(limiter.admit(client: "192.0.2.10", user: "admin", now: start.addingTimeInterval(13)) == nil)
        // A fresh attacking address gets one guess, then waits too.
        #expect(fail(&limiter, client: "192.0.2.67", user: "admin", at: start.addingTimeInterval(13)))
        #expect(!fail(&limiter, client: "192.0.2.67", user: "admin", at: start.addingTimeInterval(13)))
        // Other users are not affected by guesses at admin.
        #expect(limiter.admit(client: "192.0.2.66", user: "alice", now: start) == nil)
    }

    @Test func unknownAndKnownNamesAreTreatedAlike() {
        var limiter = LoginLimiter()
        let known = (0..<20).filter { _ in fail(&limiter, client: "192.0.2.1", user: "admin", at: start) }.count
        let unknown = (0..<20).filter { _ in fail(&limiter, client: "192.0.2.2", user: "nobody-here", at: start) }.count
        #expect(known == unknown)
        #expect(known == 5)
    }

    /// Issue #13 item 6: 720 failed logins with 60 KB names used to keep every name (+35 MB).
    @Test func seven_hundred_twenty_sixty_kilobyte_names_take_a_bounded_amount_of_memory() {
        var limiter = LoginLimiter(limits: .init(perClient: .init(burst: 1_000, interval: 1), trackedKeys: 256))
        let filler = String(repeating: "x", count: 60 * 1_024)
        var names = 0
        for index in 0..<720 {
            // From one address and from a new address each time, so every table is filled.
            let time = start.addingTimeInterval(Double(index) * 0.01)
            if fail(&limiter, client: "192.0.2.1", user: "\(index)\(filler)", at: time) { names += 1 }
            if fail(&limiter, client: "10.0.\(index / 250).\(index % 250)", user: "\(index)-\(filler)", at: time) { names += 1 }
        }
        #expect(names == 1_440, "every attempt was admitted, so every name reached the tables")
        #expect(limiter.trackedKeys <= 3 * 256, "\(limiter.trackedKeys) entries")
        #expect(limiter.approximateBytes < 256 * 1_024, "\(limiter.approximateBytes) bytes for \(names) names of 60 KB")
        // Expired entries are forgotten: a day later one new attempt leaves only its own entries.
        _ = fail(&limiter, client: "192.0.2.9", user: "late", at: start.addingTimeInterval(86_400))
        for index in 0..<300 { _ = fail(&limiter, client: "192.0.3.\(index % 250)", user: "n\(index)", at: start.addingTimeInterval(86_400)) }
        #expect(limiter.trackedKeys <= 3 * 256)
    }

    @Test func rateLimiterForgetsRefilledBucketsAndCapsKeys() {
        var limiter = RateLimiter(limit: .init(burst: 2, interval: 5), maximumKeys: 100)
        let last = start.addingTimeInterval(0.999)
        for index in 0..<1_000 { _ = limiter.take("key-\(index)", now: start.addingTimeInterval(Double(index) / 1_000)) }
        #expect(limiter.trackedKeys <= 100)
        // The keys touched last are the ones kept: the last one still has its state (one token of two used).
        #expect(limiter.take("key-999", now: last) == nil)
        #expect(limiter.take("key-999", now: last) == 5)
        // Once refilled, buckets are worth nothing and go at the next sweep.
        for index in 0..<101 { _ = limiter.take("later-\(index)", now: start.addingTimeInterval(60)) }
        #expect(limiter.trackedKeys <= 100)
        #expect(limiter.wait(for: "key-999", now: start.addingTimeInterval(60)) == nil)
    }
}
