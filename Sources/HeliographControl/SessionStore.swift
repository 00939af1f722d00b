import Crypto
import Foundation
import Logging

/// Login sessions: an opaque random token stands for a caller until it expires or is closed.
///
/// Only each token's SHA-256 is kept, in memory and in `file` when one is given: the file survives a
/// restart of the daemon (nobody is signed out by an update), and whoever reads it learns no token.
/// Expired sessions are dropped when read and whenever a session opens.
public actor SessionStore {
    /// One open session, as handed to the caller that signed in.
    public struct Session: Sendable, Hashable {
        public var token: String
        public var caller: Caller
        public var expires: Date
    }

    /// What is kept of a session: never the token itself.
    struct Stored: Sendable, Hashable, Codable {
        var tokenSHA256: String
        var caller: Caller
        var expires: Date
    }

    private var sessions: [String: Stored] = [:]
    private let lifetime: TimeInterval
    private let file: URL?
    private let logger: Logger
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - file: where sessions are kept across restarts (JSON, mode 0600); nil keeps them in memory only.
    ///     A file that cannot be read is logged and replaced: everyone signs in again, nothing else is lost.
    public init(
        lifetime: Duration = .seconds(12 * 3_600),
        file: URL? = nil,
        logger: Logger = Logger(label: "heliograph.sessions"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.lifetime = TimeInterval(lifetime.components.seconds)
        self.file = file
        self.logger = logger
        self.now = now
        if let file, FileManager.default.fileExists(atPath: file.path) {
            do {
                let stored = try JSONDecoder.sessions.decode([Stored].self, from: Data(contentsOf: file))
                let current = now()
                sessions = Dictionary(stored.filter { $0.expires > current }.map { ($0.tokenSHA256, $0) }) { first, _ in first }
            } catch {
                logger.warning("could not read the sessions file; everyone signs in again", metadata: ["file": "\(file.path)", "error": "\(error)"])
            }
        }
    }

    /// Opens a session for an authenticated caller.
    public func open(for caller: Caller) -> Session {
        purgeExpired()
        let token = Self.randomToken()
        let session = Session(token: token, caller: caller, expires: now().addingTimeInterval(lifetime))
        sessions[Self.hash(token)] = Stored(tokenSHA256: Self.hash(token), caller: caller, expires: session.expires)
        persist()
        return session
    }

    /// The caller of a live session.
    public func caller(for token: String) -> Caller? {
        let key = Self.hash(token)
        guard let session = sessions[key] else { return nil }
        guard session.expires > now() else {
            sessions[key] = nil
            persist()
            return nil
        }
        return session.caller
    }

    /// When the session ends, if it is open.
    public func expiry(of token: String) -> Date? {
        sessions[Self.hash(token)].flatMap { $0.expires > now() ? $0.expires : nil }
    }

    /// Signs the session out (logout); unknown tokens are ignored.
    public func close(_ token: String) {
        guard sessions.removeValue(forKey: Self.hash(token)) != nil else { return }
        persist()
    }

    /// How many sessions are open.
    public var count: Int { sessions.values.filter { $0.expires > now() }.count }

    private func purgeExpired() {
        let current = now()
        sessions = sessions.filter { $0.value.expires > current }
    }

    /// Writes every session to a temporary file readable by the owner only, then renames it over the
    /// old one, so a crash mid-write never leaves half a file.
    private func persist() {
        guard let file else { return }
        do {
            let data = try JSONEncoder.sessions.encode(sessions.values.sorted { $0.expires < $1.expires })
            let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString)")
            guard FileManager.default.createFile(atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteUnknown)
            }
            guard rename(temporary.path, file.path) == 0 else {
                try? FileManager.default.removeItem(at: temporary)
                throw CocoaError(.fileWriteUnknown)
            }
        } catch {
            // Sessions still work in memory; they just would not survive a restart.
            logger.warning("could not write the sessions file", metadata: ["file": "\(file.path)", "error": "\(error)"])
        }
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// 32 random bytes from the system's secure generator, as hex.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }
}

extension JSONEncoder {
    fileprivate static var sessions: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

extension JSONDecoder {
    fileprivate static var sessions: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
