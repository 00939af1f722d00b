import Foundation

/// Login sessions: an opaque random token stands for a user until it expires or is closed.
public actor SessionStore {
    /// One open session.
    public struct Session: Sendable, Hashable, Codable {
        public var token: String
        public var caller: Caller
        public var expires: Date
    }

    private var sessions: [String: Session] = [:]
    private let lifetime: TimeInterval
    private let now: @Sendable () -> Date

    public init(lifetime: Duration = .seconds(12 * 3_600), now: @escaping @Sendable () -> Date = { Date() }) {
        self.lifetime = TimeInterval(lifetime.components.seconds)
        self.now = now
    }

    /// Opens a session for an authenticated caller.
    public func open(for caller: Caller) -> Session {
        purgeExpired()
        let token = Self.randomToken()
        let session = Session(token: token, caller: caller, expires: now().addingTimeInterval(lifetime))
        sessions[token] = session
        return session
    }

    /// The caller of a live session.
    public func caller(for token: String) -> Caller? {
        guard let session = sessions[token] else { return nil }
        guard session.expires > now() else {
            sessions[token] = nil
            return nil
        }
        return session.caller
    }

    public func close(_ token: String) { sessions[token] = nil }

    private func purgeExpired() {
        let current = now()
        sessions = sessions.filter { $0.value.expires > current }
    }

    /// 32 random bytes from the system's secure generator, as hex.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }
}
