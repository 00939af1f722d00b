/// Checks API tokens and user passwords against the configured `Credentials`.
public struct Authenticator: Sendable {
    public let credentials: Credentials
    /// Verified against for unknown users so that a wrong user name costs as long as a wrong password.
    private let decoyHash: String

    public init(credentials: Credentials) throws(HeliographControlError) {
        for (name, secret) in credentials.tokens where secret.utf8.count < 16 {
            throw HeliographControlError.weakToken(name: name)
        }
        for (name, hash) in credentials.users.sorted(by: { $0.key < $1.key }) {
            if let problem = PasswordHash.problem(with: hash) {
                throw PasswordHash.prefixes.contains(where: hash.hasPrefix)
                    ? HeliographControlError.unusableBcryptHash(user: name, reason: problem)
                    : HeliographControlError.notABcryptHash(user: name)
            }
        }
        self.credentials = credentials
        // The dearest configured hash, so an unknown name never answers sooner than any real one.
        self.decoyHash = credentials.users.values.max { (PasswordHash.cost(of: $0), $0) < (PasswordHash.cost(of: $1), $1) }
            ?? PasswordHash.make("decoy", cost: 4)
    }

    /// The caller that owns this API token, if any. Compares in constant time.
    public func caller(forToken presented: String) -> Caller? {
        var match: Caller?
        for (name, secret) in credentials.tokens.sorted(by: { $0.key < $1.key }) where constantTimeEqual(secret, presented) {
            match = .token(name)
        }
        return match
    }

    /// The user, if the password matches the stored bcrypt hash. An unknown user name is checked against a
    /// decoy hash of the highest configured cost, so the time taken does not tell which names exist.
    /// Blocks for the hash's cost (about a quarter second at cost 12): run it on `PasswordCheckThreads`.
    public func caller(user: String, password: String) -> Caller? {
        guard let hash = credentials.users[user] else {
            _ = PasswordHash.verify(password, hash: decoyHash)
            return nil
        }
        return PasswordHash.verify(password, hash: hash) ? .user(user) : nil
    }
}

/// Compares without an early exit, so the time taken does not reveal how much of a secret matched.
func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
    let left = Array(lhs.utf8)
    let right = Array(rhs.utf8)
    var difference = UInt8(left.count == right.count ? 0 : 1)
    for index in 0..<max(left.count, right.count) {
        difference |= (index < left.count ? left[index] : 0) ^ (index < right.count ? right[index] : 0)
    }
    return difference == 0
}
