import HeliographConfigFile
import HeliographControl

/// The `http.login:` subsection: how password logins are limited. Every key is optional.
///
/// ```yaml
/// http:
///   login:
///     threads: 1             # bcrypt checks running at once, each on a thread of its own (1–8)
///     queue: 8               # checks waiting for a thread (0–256); beyond that 503 + Retry-After
///     max_wait: 2s           # a check that waited longer is answered 503 + Retry-After instead
///     per_client: 10         # attempts from one address at once (any user name) …
///     per_client_every: 6s   # … then one per this interval
///     per_user: 5            # failed attempts at one user name at once …
///     per_user_every: 12s    # … then one per this interval, for the addresses that failed
///     tracked: 4096          # addresses and names remembered per table (oldest forgotten first)
/// ```
public struct LoginConfiguration: Sendable, Hashable {
    public var limits: LoginLimiter.Limits
    public var passwordChecks: PasswordCheckThreads.Limits

    public init(limits: LoginLimiter.Limits = LoginLimiter.Limits(), passwordChecks: PasswordCheckThreads.Limits = PasswordCheckThreads.Limits()) {
        self.limits = limits
        self.passwordChecks = passwordChecks
    }

    static let keys = ["threads", "queue", "max_wait", "per_client", "per_client_every", "per_user", "per_user_every", "tracked"]

    /// Reads the section, reporting each bad key as a problem.
    static func parse(_ section: ConfigurationSection) -> LoginConfiguration {
        var login = LoginConfiguration()
        var checks = login.passwordChecks
        checks.threads = section.int("threads", in: 1...8) ?? checks.threads
        checks.queue = section.int("queue", in: 0...256) ?? checks.queue
        checks.maximumWait = section.duration("max_wait", in: .milliseconds(10)...(.seconds(60))) ?? checks.maximumWait
        login.passwordChecks = checks
        var limits = login.limits
        limits.perClient.burst = section.int("per_client", in: 1...100_000) ?? limits.perClient.burst
        limits.perClient.interval = section.duration("per_client_every", in: .milliseconds(1)...(.seconds(86_400))).map(seconds) ?? limits.perClient.interval
        limits.perUser.burst = section.int("per_user", in: 1...100_000) ?? limits.perUser.burst
        limits.perUser.interval = section.duration("per_user_every", in: .milliseconds(1)...(.seconds(86_400))).map(seconds) ?? limits.perUser.interval
        limits.trackedKeys = section.int("tracked", in: 16...1_000_000) ?? limits.trackedKeys
        login.limits = limits
        section.reportUnknownKeys(allowed: keys)
        return login
    }
}
