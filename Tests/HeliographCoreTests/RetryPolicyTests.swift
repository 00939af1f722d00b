import HeliographCore
import Synchronization
import Testing

@Suite("Retry policy")
struct RetryPolicyTests {
    @Test("the longest duration counts every attempt's timeout and every wait at its largest jitter")
    func longestDuration() {
        let policy = RetryPolicy(attempts: 3, attemptTimeout: .seconds(3), initialDelay: .milliseconds(200), maximumDelay: .seconds(2), jitter: 0.2)
        // 3 × 3 s + (0.2 s + 0.4 s) × 1.2
        #expect(policy.longestDuration.readable == "9.72 s")
        #expect(RetryPolicy(attemptTimeout: .seconds(4)).longestDuration == .seconds(4))
        #expect(policy.nominalDelay(after: 1) == .milliseconds(200))
        #expect(policy.nominalDelay(after: 5) == .seconds(2), "waits double up to the maximum")
        for attempt in 1...4 {
            let delay = policy.delay(after: attempt)
            #expect(delay >= policy.nominalDelay(after: attempt) * 0.8 && delay <= policy.nominalDelay(after: attempt) * 1.2)
        }
    }

    @Test("fitting into a budget shrinks each attempt's timeout equally, or refuses when too little is left")
    func fitted() throws {
        let policy = RetryPolicy(attempts: 3, attemptTimeout: .seconds(3), jitter: 0.2)
        #expect(policy.fitted(within: .seconds(10)) == policy)
        let fitted = try #require(policy.fitted(within: .seconds(5)))
        #expect(fitted.attempts == 3)
        #expect(fitted.longestDuration <= .seconds(5))
        #expect(fitted.longestDuration > .milliseconds(4_990))
        #expect(policy.fitted(within: .seconds(1)) == nil, "0.72 s of waits leave under 100 ms per attempt")
    }

    @Test("transient failures are tried again up to the attempts; the last error names how many were made")
    func retriesTransient() async throws {
        let policy = RetryPolicy(attempts: 3, attemptTimeout: .seconds(1), initialDelay: .milliseconds(1), maximumDelay: .milliseconds(2))
        let calls = Mutex(0)
        let value = try await policy.run {
            let call = calls.withLock { $0 += 1; return $0 }
            if call < 3 { throw HeliographError(.timeout, "lost") }
            return call
        }
        #expect(value == 3)

        let failed = await alwaysFailing(policy, HeliographError(.connectionFailed, "refused"))
        #expect(failed.thrown?.message == "refused (after 3 attempts)")
        #expect(failed.attempts == 3)
    }

    @Test("a refusal is not transient: one attempt, the error untouched")
    func refusalNotRetried() async {
        let policy = RetryPolicy(attempts: 3, attemptTimeout: .seconds(1), initialDelay: .milliseconds(1))
        let failed = await alwaysFailing(policy, HeliographError(.deviceRejected, "NAK"))
        #expect(failed.thrown?.message == "NAK")
        #expect(failed.attempts == 1)
    }

    /// Runs an attempt that always throws `error` under `policy`: what came out and how many attempts ran.
    func alwaysFailing(_ policy: RetryPolicy, _ error: HeliographError) async -> (thrown: HeliographError?, attempts: Int) {
        let calls = Mutex(0)
        do {
            _ = try await policy.run { () async throws -> Int in
                calls.withLock { $0 += 1 }
                throw error
            }
            return (nil, calls.withLock { $0 })
        } catch {
            return (error as? HeliographError, calls.withLock { $0 })
        }
    }

    @Test("durations read as seconds to the millisecond")
    func readable() {
        #expect(Duration.seconds(5).readable == "5 s")
        #expect(Duration.milliseconds(200).readable == "0.2 s")
        #expect(Duration.milliseconds(150).readable == "0.15 s")
        #expect(Duration.milliseconds(15_720).readable == "15.72 s")
    }
}
