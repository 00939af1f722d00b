import HeliographCore

/// Configuration mistakes in the control section, reported at start-up.
public enum HeliographControlError: Error, Sendable, Hashable, CustomStringConvertible {
    case weakToken(name: String)
    case notABcryptHash(user: String)

    public var description: String {
        switch self {
        case .weakToken(let name): "API token \(name) is shorter than 16 characters"
        case .notABcryptHash(let user): "password of user \(user) is not a bcrypt hash ($2b$…); store a hash, never the password (e.g. `htpasswd -nbBC 12 \(user) PASSWORD`)"
        }
    }

    /// The same problem as a `HeliographError` with code `invalidConfiguration`.
    public var heliographError: HeliographError { HeliographError(.invalidConfiguration, description) }
}
