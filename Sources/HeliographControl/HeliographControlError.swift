import HeliographCore

/// Configuration mistakes in the control section, reported at start-up.
public enum HeliographControlError: Error, Sendable, Hashable, CustomStringConvertible {
    case weakToken(name: String)
    case notABcryptHash(user: String)
    /// Shaped like bcrypt (`$2a$`/`$2b$`/`$2y$`) but no password could ever log in with it.
    case unusableBcryptHash(user: String, reason: String)

    public var description: String {
        switch self {
        case .weakToken(let name): "API token \(name) is shorter than 16 characters"
        case .notABcryptHash(let user): "password of user \(user) is not a bcrypt hash ($2y$…, $2b$… or $2a$…); store a hash, never the password (e.g. `htpasswd -nbBC 12 \(user) PASSWORD`)"
        case .unusableBcryptHash(let user, let reason): "password hash of user \(user) cannot be used to log in: \(reason); make a new one with `htpasswd -nbBC 12 \(user) PASSWORD`"
        }
    }

    /// The same problem as a `HeliographError` with code `invalidConfiguration`.
    public var heliographError: HeliographError { HeliographError(.invalidConfiguration, description) }
}
