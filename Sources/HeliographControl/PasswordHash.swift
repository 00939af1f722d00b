import HummingbirdBcrypt

/// Making, checking and verifying bcrypt password hashes for the `users` config key.
///
/// `$2a$`, `$2b$` and `$2y$` name the same algorithm for every password a person types (they differ only in
/// how old implementations handled passwords longer than 255 bytes): `htpasswd -nbBC 12` writes `$2y$`,
/// OpenBSD and most libraries `$2b$`, older ones `$2a$`. All three are verified as `$2b$`, which caps the
/// password at 72 bytes without the length wrap-around of the OpenBSD `$2a$` code.
public enum PasswordHash {
    /// The prefixes accepted in the configuration.
    public static let prefixes = ["$2a$", "$2b$", "$2y$"]
    /// The dearest cost accepted: each step doubles the time, and cost 17 is over half a minute per login on a
    /// Raspberry Pi 4, long enough to hold a hashing thread for every attempt.
    public static let maximumCost = 16
    /// bcrypt's own base-64 alphabet (not RFC 4648's): the salt and the digest use only these characters.
    static let alphabet = Array("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// A new bcrypt hash of `password`; cost 12 is about a quarter second on a Raspberry Pi 4 class CPU.
    public static func make(_ password: String, cost: UInt8 = 12) -> String { Bcrypt.hash(password, cost: cost) }

    /// True for hashes `verify` can check (see `problem(with:)`).
    public static func looksLikeBcrypt(_ text: String) -> Bool { problem(with: text) == nil }

    /// Why `text` cannot be verified as a bcrypt hash, or nil when it can: `$2a$`/`$2b$`/`$2y$`, a two-digit
    /// cost from 04 to `maximumCost`, then 22 salt and 31 digest characters from bcrypt's alphabet. The last
    /// salt and digest characters carry only 4 and 2 significant bits; a hash whose spare bits are set could
    /// never equal the hash of any password, so it is refused here instead of failing every login.
    public static func problem(with text: String) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.count == 60, prefixes.contains(String(decoding: bytes[0..<4], as: UTF8.self)) else {
            return "not a bcrypt hash: expected 60 characters starting with $2a$, $2b$ or $2y$"
        }
        guard let tens = digit(bytes[4]), let ones = digit(bytes[5]), bytes[6] == UInt8(ascii: "$") else {
            return "the cost after the prefix must be two digits followed by $ (as in $2y$12$)"
        }
        let cost = tens * 10 + ones
        guard (4...maximumCost).contains(cost) else {
            return "cost \(cost) is outside 04...\(maximumCost) (12 is about a quarter second per login on a Raspberry Pi 4)"
        }
        let encoded = bytes[7...].map { alphabet.firstIndex(of: $0) }
        guard encoded.allSatisfy({ $0 != nil }) else { return "the salt and digest may only use the characters ./A-Za-z0-9" }
        let saltLast = encoded[21]!, digestLast = encoded[52]!
        guard saltLast % 16 == 0, digestLast % 4 == 0 else {
            return "the salt or digest is damaged (its last character has bits set that bcrypt never writes)"
        }
        return nil
    }

    /// True when `password` hashes to `hash`. Runs for as long as the hash's cost says (about a quarter second
    /// at cost 12): call it from a thread of its own, never from the Swift concurrency pool.
    /// Passwords containing NUL never match, because the C implementation would stop reading at the NUL.
    public static func verify(_ password: String, hash: String) -> Bool {
        guard problem(with: hash) == nil, !password.utf8.contains(0) else { return false }
        return Bcrypt.verify(password, hash: "$2b$" + hash.dropFirst(4))
    }

    /// The cost of a hash that passed `problem(with:)`, else 0.
    static func cost(of hash: String) -> Int {
        let bytes = Array(hash.utf8)
        guard problem(with: hash) == nil, let tens = digit(bytes[4]), let ones = digit(bytes[5]) else { return 0 }
        return tens * 10 + ones
    }

    private static func digit(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }
}
