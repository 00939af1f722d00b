import HummingbirdBcrypt

/// Checks API tokens and user passwords against the configured `Credentials`.
public struct Authenticator: Sendable {
    public let credentials: Credentials
    /// Verified against for unknown users so that a wrong user name costs as long as a wrong password.
    private let decoyHash: String

    public init(credentials: Credentials) throws(HeliographControlError) {
        for (name, secret) in credentials.tokens where secret.utf8.count < 16 {
            throw HeliographControlError.weakToken(name: name)
        }
        for (name, hash) in credentials.users where !PasswordHash.looksLikeBcrypt(hash) {
            throw HeliographControlError.notABcryptHash(user: name)
        }
        self.credentials = credentials
        self.decoyHash = credentials.users.values.sorted().first ?? Bcrypt.hash("decoy", cost: 4)
    }

    /// The caller that owns this API token, if any. Compares in constant time.
    public func caller(forToken presented: String) -> Caller? {
        var match: Caller?
        for (name, secret) in credentials.tokens.sorted(by: { $0.key < $1.key }) where constantTimeEqual(secret, presented) {
            match = .token(name)
        }
        return match
    }

    /// The user, if the password matches the stored bcrypt hash.
    public func caller(user: String, password: String) -> Caller? {
        guard let hash = credentials.users[user] else {
            _ = Bcrypt.verify(password, hash: decoyHash)
            return nil
        }
        return Bcrypt.verify(password, hash: hash) ? .user(user) : nil
    }
}

/// Making and recognising bcrypt password hashes for the `users` config key.
public enum PasswordHash {
    /// A new bcrypt hash of `password`; cost 12 is about a quarter second on a Raspberry Pi 4 class CPU.
    public static func make(_ password: String, cost: UInt8 = 12) -> String { Bcrypt.hash(password, cost: cost) }

    /// True for strings shaped like `$2a$`/`$2b$`/`$2y$` bcrypt hashes.
    public static func looksLikeBcrypt(_ text: String) -> Bool {
        let parts = text.split(separator: "$", omittingEmptySubsequences: true)
        return parts.count == 3 && ["2a", "2b", "2y"].contains(parts[0]) && parts[1].count == 2 && parts[2].count == 53
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
