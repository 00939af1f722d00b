import Foundation
import HeliographControl
import HeliographTesting
import Testing

/// bcrypt is slow on purpose (slower still in a debug build): off the cooperative pool.
@Suite(.cpuBound) struct PasswordHashTests {
    /// Published bcrypt vectors (the crypt_blowfish test set; also checked with `htpasswd -vb`), cost 5.
    static let vectors: [(hash: String, password: String)] = [
        ("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U"),
        ("$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK", "U*U*"),
        ("$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a", "U*U*U"),
        ("$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy", ""),
        (
            "$2a$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui",
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789chars after 72 are ignored"
        ),
    ]

    @Test func knownVectorsVerifyUnderEveryPrefix() {
        for (hash, password) in Self.vectors {
            for prefix in ["$2a$", "$2b$", "$2y$"] {
                let variant = prefix + hash.dropFirst(4)
                #expect(PasswordHash.problem(with: variant) == nil, "\(variant)")
                #expect(PasswordHash.verify(password, hash: variant), "\(variant) with \(password)")
                #expect(!PasswordHash.verify(password + "x", hash: variant) || password.utf8.count >= 72, "\(variant) rejects a wrong password")
            }
        }
        // Only the first 72 bytes count, as the vector's password says.
        let long = Self.vectors[4]
        #expect(PasswordHash.verify(String(long.password.prefix(72)) + "anything", hash: long.hash))
    }

    @Test func hashesMadeByHtpasswdLogIn() throws {
        let hash = try htpasswdHash(user: "admin", password: "correct horse battery", cost: 5)
        #expect(hash.hasPrefix("$2y$05$"))
        #expect(PasswordHash.problem(with: hash) == nil)
        let authenticator = try Authenticator(credentials: Credentials(users: ["admin": hash]))
        #expect(authenticator.caller(user: "admin", password: "correct horse battery") == .user("admin"))
        #expect(authenticator.caller(user: "admin", password: "correct horse battery!") == nil)
        #expect(authenticator.caller(user: "admin", password: "correct horse battery\0!") == nil, "a NUL does not cut the password short")
    }

    @Test func hashesThatCannotVerifyAreRefused() throws {
        let good = "$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"
        let bad: [(String, String)] = [
            ("$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "starting with"),
            ("$2y$03$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "cost 3"),
            ("$2y$17$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "cost 17"),
            ("$2y$1x$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "two digits"),
            ("$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe_", "characters"),
            ("$2y$05$CCCCCCCCCCCCCCCCCCCCCCE5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "damaged"),
            ("$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeX", "damaged"),
            ("$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe", "60 characters"),
            ("hunter2", "60 characters"),
        ]
        #expect(PasswordHash.problem(with: good) == nil)
        for (hash, reason) in bad {
            let problem = try #require(PasswordHash.problem(with: hash), "\(hash) is refused")
            #expect(problem.contains(reason), "\(hash): \(problem)")
            #expect(!PasswordHash.verify("U*U", hash: hash))
        }
        #expect(throws: HeliographControlError.notABcryptHash(user: "bob")) { try Authenticator(credentials: Credentials(users: ["bob": "hunter2"])) }
        #expect(throws: HeliographControlError.self) { try Authenticator(credentials: Credentials(users: ["bob": bad[5].0])) }
    }

    /// The unknown-user path must not answer faster than the dearest real user, or timing lists the users.
    @Test func unknownUsersCostAsMuchAsTheDearestKnownUser() throws {
        let authenticator = try Authenticator(credentials: Credentials(users: [
            "alice": PasswordHash.make("a", cost: 4),
            "bob": PasswordHash.make("b", cost: 10),
        ]))
        func median(_ user: String) -> Duration {
            let clock = ContinuousClock()
            let times = (0..<5).map { _ in clock.measure { _ = authenticator.caller(user: user, password: "wrong") } }
            return times.sorted()[2]
        }
        let known = median("bob")
        let unknown = median("nobody-\(UUID())")
        // Cost 10 is 64 times cost 4; a decoy of the cheaper hash, or none, would be far below a third.
        #expect(unknown > known / 3, "unknown user took \(unknown), the cost-10 user \(known)")
    }
}
