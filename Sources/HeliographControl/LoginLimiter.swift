import Foundation

/// How many password guesses the login accepts, per client address and per user name. Pure value; the
/// caller passes the time.
///
/// - **Per client** (remote address): every attempt, whatever the name, takes a token, so one machine
///   cannot guess at bcrypt speed, nor spread guesses over made-up names.
/// - **Per user** (user name, known or not): every *failed* attempt takes a token. When the user's bucket is
///   empty, only clients that have themselves failed for that name recently are refused. A client with a
///   clean record is always let through, so wrong tries from one client never lock out a correct password
///   from another; an attacker gets one guess per fresh address, and each address then waits like the rest.
///
/// Unknown names take exactly the same path as known ones, so the answers do not tell which names exist.
/// Memory is bounded: names are kept only as 128-bit keyed hashes (a 60 KB name costs what `bob` costs),
/// addresses are cut to 64 bytes, and each table keeps at most `trackedKeys` entries, forgetting the ones
/// whose limits have expired first, then the oldest.
public struct LoginLimiter: Sendable {
    /// The limits, from `http.login` in the configuration.
    public struct Limits: Sendable, Hashable {
        /// Attempts from one address: ten at once, then one every six seconds.
        public var perClient: RateLimiter.Limit
        /// Failed attempts at one user name: five at once, then one every twelve seconds.
        public var perUser: RateLimiter.Limit
        /// Entries each table keeps at most (addresses; user names; address and name pairs).
        public var trackedKeys: Int

        public init(
            perClient: RateLimiter.Limit = .init(burst: 10, interval: 6),
            perUser: RateLimiter.Limit = .init(burst: 5, interval: 12),
            trackedKeys: Int = 4_096
        ) {
            self.perClient = perClient
            self.perUser = perUser
            self.trackedKeys = max(16, trackedKeys)
        }
    }

    public let limits: Limits
    private var clients: RateLimiter
    private var users: RateLimiter
    /// Address and user name pairs with a recent failure → time of the last one.
    private var failures: [String: Date] = [:]

    public init(limits: Limits = Limits()) {
        self.limits = limits
        self.clients = RateLimiter(limit: limits.perClient, maximumKeys: limits.trackedKeys)
        self.users = RateLimiter(limit: limits.perUser, maximumKeys: limits.trackedKeys)
    }

    /// Decides whether `client` may try a password for `user` now. Returns nil to go ahead (taking the
    /// client's token), or how many seconds to wait.
    public mutating func admit(client: String, user: String, now: Date) -> TimeInterval? {
        let clientKey = Self.clientKey(client)
        let userKey = Self.userKey(user)
        if hasFailed(pair: clientKey + " " + userKey, now: now), let wait = users.wait(for: userKey, now: now) {
            return wait
        }
        return clients.take(clientKey, now: now)
    }

    /// Records the outcome of an admitted attempt: a failure takes a token from the user's bucket and marks
    /// the client as having failed for that name; a success clears the mark.
    public mutating func record(client: String, user: String, succeeded: Bool, now: Date) {
        let clientKey = Self.clientKey(client)
        let userKey = Self.userKey(user)
        let pair = clientKey + " " + userKey
        guard !succeeded else {
            failures[pair] = nil
            return
        }
        _ = users.take(userKey, now: now)
        failures[pair] = now
        if failures.count > limits.trackedKeys { forgetOldFailures(now: now) }
    }

    /// Entries held over all three tables.
    public var trackedKeys: Int { clients.trackedKeys + users.trackedKeys + failures.count }

    /// What the tables take in memory, roughly: bounded by `trackedKeys` × a few hundred bytes.
    public var approximateBytes: Int {
        let failureSlot = MemoryLayout<String>.stride + MemoryLayout<Date>.stride
        let failureBytes = failures.capacity * failureSlot + failures.keys.reduce(0) { $0 + $1.utf8.count }
        return clients.approximateBytes + users.approximateBytes + failureBytes
    }

    /// A mark lasts until the user's bucket would be full again, after which it no longer matters.
    private func hasFailed(pair: String, now: Date) -> Bool {
        guard let last = failures[pair] else { return false }
        return now.timeIntervalSince(last) < limits.perUser.refillTime
    }

    private mutating func forgetOldFailures(now: Date) {
        let lifetime = limits.perUser.refillTime
        failures = failures.filter { now.timeIntervalSince($0.value) < lifetime }
        guard failures.count > limits.trackedKeys else { return }
        let keep = failures.sorted { $0.value > $1.value }.prefix(limits.trackedKeys * 3 / 4)
        failures = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
    }

    /// Remote addresses are at most 45 characters; anything longer is cut rather than trusted.
    static func clientKey(_ client: String) -> String { String(decoding: client.utf8.prefix(64), as: UTF8.self) }

    /// A 128-bit hash of the name under this process's random hashing seed: fixed size, and not reversible
    /// to the names people typed (which may be mistyped passwords).
    static func userKey(_ user: String) -> String {
        var first = Hasher()
        first.combine(0 as UInt8)
        first.combine(user)
        var second = Hasher()
        second.combine(1 as UInt8)
        second.combine(user)
        return String(UInt64(bitPattern: Int64(first.finalize())), radix: 36) + "." + String(UInt64(bitPattern: Int64(second.finalize())), radix: 36)
    }
}
