import HeliographConfigFile
import HeliographCore

/// A device's `retry:` section and its poll timeout, settled together so the timeout always holds
/// every attempt (otherwise the poller cancels the poll first and the retries never run).
///
/// ```yaml
/// devices:
///   inverter:
///     type: deye
///     timeout: 11s            # optional; derived from retry: when not given
///     retry:
///       attempts: 3           # per poll, including the first (1–10)
///       request_timeout: 3s   # how long each request waits for its answer
///       backoff: 200ms        # wait before the 2nd attempt; doubles up to max_backoff, ±20 % jitter
///       max_backoff: 2s
/// ```
///
/// - No `timeout`: it is derived, `RetryPolicy.longestDuration` plus `margin`, rounded up to a second.
/// - `timeout` without `retry.request_timeout`: the request timeout shrinks to fit (never grows).
/// - Both, and they do not fit: a problem on `timeout` that says what would.
struct DeviceRetry: Sendable, Hashable {
    var policy: RetryPolicy
    var pollTimeout: Duration

    static let keys = ["attempts", "request_timeout", "backoff", "max_backoff"]
    /// Room in a derived timeout for connecting, decoding and the poller's own work.
    static let margin: Duration = .milliseconds(500)
    /// Below this a request timeout is useless for any real device.
    static let shortestRequestTimeout: Duration = .milliseconds(100)

    /// Reads `retry:` from a device `section` over the driver's `default`, against the device's `timeout`
    /// (nil when the file gives none). Nil, with a problem recorded, when they cannot fit.
    static func parse(_ section: ConfigurationSection, default defaultPolicy: RetryPolicy, timeout: Duration?) -> DeviceRetry? {
        let retry = section.section("retry")
        var policy = defaultPolicy
        // A `retry:` that is not a mapping is reported by the section itself; every read is then nil.
        policy.attempts = retry.int("attempts", in: 1...10) ?? policy.attempts
        let requestTimeout = retry.duration("request_timeout", in: shortestRequestTimeout...(.seconds(600)))
        policy.initialDelay = retry.duration("backoff", in: .zero...(.seconds(60))) ?? policy.initialDelay
        policy.maximumDelay = max(policy.initialDelay, retry.duration("max_backoff", in: .zero...(.seconds(600))) ?? policy.maximumDelay)
        retry.reportUnknownKeys(allowed: keys)
        policy.attemptTimeout = requestTimeout ?? policy.attemptTimeout
        guard let timeout else { return DeviceRetry(policy: policy, pollTimeout: derivedTimeout(policy)) }
        if requestTimeout == nil, let fitted = policy.fitted(within: timeout, shortestAttempt: shortestRequestTimeout) {
            return DeviceRetry(policy: fitted, pollTimeout: timeout)
        }
        if policy.longestDuration <= timeout { return DeviceRetry(policy: policy, pollTimeout: timeout) }
        section.problem(
            "timeout",
            "\(timeout.readable) cannot hold the retries: \(policy); "
                + "raise timeout to at least \(wholeSeconds(policy.longestDuration).readable), or lower retry.attempts or retry.request_timeout"
        )
        return nil
    }

    /// The poll timeout that holds every attempt of `policy`: its longest duration plus `margin`, in whole seconds.
    static func derivedTimeout(_ policy: RetryPolicy) -> Duration {
        wholeSeconds(policy.longestDuration + margin)
    }

    /// `duration` rounded up to a whole second, so derived timeouts read well in `config check`.
    static func wholeSeconds(_ duration: Duration) -> Duration {
        let seconds = duration.components.seconds + (duration.components.attoseconds > 0 ? 1 : 0)
        return .seconds(seconds)
    }
}
