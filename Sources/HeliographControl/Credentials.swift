/// Who may change settings: named API tokens and users with bcrypt password hashes.
///
/// Config keys (under `http.auth`): `tokens` (name → secret, at least 16 characters) and
/// `users` (name → bcrypt hash, e.g. from `htpasswd -nbBC 12 NAME PASSWORD`). Plain passwords are never stored.
public struct Credentials: Sendable, Hashable {
    /// Token name → secret.
    public var tokens: [String: String]
    /// User name → bcrypt hash (`$2y$…`, `$2b$…` or `$2a$…`).
    public var users: [String: String]

    public init(tokens: [String: String] = [:], users: [String: String] = [:]) {
        self.tokens = tokens
        self.users = users
    }

    /// True when nobody can authenticate, so every change is refused.
    public var isEmpty: Bool { tokens.isEmpty && users.isEmpty }
}
