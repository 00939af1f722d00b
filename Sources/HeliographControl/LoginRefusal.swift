import Foundation

/// Why a login attempt was not even checked; both carry the seconds for `Retry-After`.
public enum LoginRefusal: Error, Sendable, Hashable {
    /// Too many attempts from this address, or failed attempts at this name from this address (HTTP 429).
    case tooManyAttempts(retryAfter: TimeInterval)
    /// Every password-checking thread and queue place is taken (HTTP 503).
    case busy(retryAfter: TimeInterval)

    /// Whole seconds to wait, at least one.
    public var retryAfterSeconds: Int {
        switch self {
        case .tooManyAttempts(let seconds), .busy(let seconds): max(1, Int(seconds.rounded(.up)))
        }
    }
}
