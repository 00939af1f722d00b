/// How a driver retries inside one poll: how many attempts, how long each may wait for an answer,
/// and how long it waits between them (exponential backoff with jitter).
///
/// Every driver that asks a device has exactly one policy, and the device's poll timeout must hold
/// all of it (`longestDuration`): otherwise the poller cancels the poll before the later attempts
/// run and the retries are dead code. Configuration derives the poll timeout from the policy, or
/// refuses settings that cannot hold it. Once a poll has failed, the poller's own backoff takes over.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts per poll, including the first (1 = no retry).
    public var attempts: Int
    /// How long one attempt waits for each answer (a silent device fails the attempt after this).
    public var attemptTimeout: Duration
    /// The wait before the second attempt; each later wait doubles, up to `maximumDelay`.
    public var initialDelay: Duration
    public var maximumDelay: Duration
    /// Each wait is multiplied by a random factor in 1 ± jitter, so devices do not retry in step.
    public var jitter: Double

    public init(
        attempts: Int = 1,
        attemptTimeout: Duration,
        initialDelay: Duration = .milliseconds(200),
        maximumDelay: Duration = .seconds(2),
        jitter: Double = 0.2
    ) {
        self.attempts = max(1, attempts)
        self.attemptTimeout = attemptTimeout
        self.initialDelay = initialDelay
        self.maximumDelay = max(initialDelay, maximumDelay)
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The same timeout, one attempt: for writes, which are never repeated behind the caller's back.
    public var once: RetryPolicy {
        var policy = self
        policy.attempts = 1
        return policy
    }

    /// The wait before attempt `attempt + 1` (attempts count from 1), without jitter.
    public func nominalDelay(after attempt: Int) -> Duration {
        var delay = initialDelay
        for _ in 1..<max(1, attempt) { delay = min(delay * 2, maximumDelay) }
        return delay
    }

    /// The wait before attempt `attempt + 1`, with jitter.
    public func delay(after attempt: Int) -> Duration {
        nominalDelay(after: attempt) * Double.random(in: (1 - jitter)...(1 + jitter))
    }

    /// The longest a poll at a silent device can take under this policy: every attempt waits its
    /// full timeout and every wait between them draws the largest jitter.
    public var longestDuration: Duration {
        var total = attemptTimeout * attempts
        for attempt in stride(from: 1, to: attempts, by: 1) { total += nominalDelay(after: attempt) * (1 + jitter) }
        return total
    }

    /// This policy if it fits in `budget`; else the same attempts and waits with each attempt's
    /// timeout shrunk to an equal share of what the waits leave (never grown); nil when that share
    /// would be below `shortestAttempt`.
    public func fitted(within budget: Duration, shortestAttempt: Duration = .milliseconds(100)) -> RetryPolicy? {
        guard longestDuration > budget else { return self }
        let waits = longestDuration - attemptTimeout * attempts
        let share = (budget - waits) / attempts
        guard share >= shortestAttempt else { return nil }
        var fitted = self
        fitted.attemptTimeout = share
        return fitted
    }

    /// Runs `attempt` up to `attempts` times, waiting between tries, while it fails with an error
    /// `isTransient` accepts. The last error is thrown, marked with the attempts made when more than one.
    ///
    /// - Parameters:
    ///   - isTransient: which errors are worth another attempt (timeouts, dropped connections, …).
    ///   - willRetry: told the failed attempt's number, the wait before the next one and the error; for logging.
    public func run<Result: Sendable>(
        retryingOn isTransient: (HeliographError) -> Bool = \.isTransient,
        willRetry: (_ attempt: Int, _ delay: Duration, _ error: HeliographError) -> Void = { _, _, _ in },
        _ attempt: () async throws -> Result
    ) async throws -> Result {
        var number = 1
        while true {
            do {
                return try await attempt()
            } catch var error as HeliographError where isTransient(error) {
                guard number < attempts else {
                    if attempts > 1 { error.message += " (after \(attempts) attempts)" }
                    throw error
                }
                let delay = delay(after: number)
                willRetry(number, delay, error)
                number += 1
                try await Task.sleep(for: delay)
            }
        }
    }
}

extension RetryPolicy: CustomStringConvertible {
    /// E.g. `3 attempts × 3 s, backoff 0.2 s…2 s ±20 % (up to 9.72 s)`.
    public var description: String {
        guard attempts > 1 else { return "1 attempt × \(attemptTimeout.readable)" }
        return "\(attempts) attempts × \(attemptTimeout.readable), backoff \(initialDelay.readable)…\(maximumDelay.readable) "
            + "±\(Int((jitter * 100).rounded())) % (up to \(longestDuration.readable))"
    }
}

extension HeliographError {
    /// Timeouts, connection trouble and damaged frames: another attempt may well succeed. A refusal
    /// or a bad configuration would only fail again.
    public var isTransient: Bool {
        [.timeout, .connectionFailed, .checksumMismatch, .malformedFrame].contains(code)
    }
}
