import Foundation
import Testing

@testable import HeliographControl

/// Sessions kept across restarts: only hashes on disk, expiry and logout honoured by the next run.
@Suite struct SessionPersistenceTests {
    static func scratchFile() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sessions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("sessions.json")
    }

    @Test func tokensAreKeptAsTheirSHA256() {
        // FIPS 180-2's "abc" vector: the file holds what any sha256sum would print for the token.
        #expect(SessionStore.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func sessionsSurviveARestartAsHashesOnly() async throws {
        let file = try Self.scratchFile()
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let clock = ManualTime()
        let first = SessionStore(lifetime: .seconds(3_600), file: file, now: { clock.now })
        let alice = await first.open(for: .user("alice"))
        let script = await first.open(for: .token("scripts"))

        let onDisk = try String(contentsOf: file, encoding: .utf8)
        #expect(!onDisk.contains(alice.token) && !onDisk.contains(script.token), "no token is written, only its hash")
        #expect(onDisk.contains(SessionStore.hash(alice.token)))
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600, "readable by the daemon's user only")

        // A new store on the same file: the daemon restarted.
        let second = SessionStore(lifetime: .seconds(3_600), file: file, now: { clock.now })
        #expect(await second.caller(for: alice.token) == .user("alice"))
        #expect(await second.expiry(of: alice.token) == alice.expires)
        await second.close(alice.token)
        #expect(await second.caller(for: script.token) == .token("scripts"))

        // Logout and expiry carry over to the next run too.
        clock.advance(1_800)
        let third = SessionStore(lifetime: .seconds(3_600), file: file, now: { clock.now })
        #expect(await third.caller(for: alice.token) == nil, "signed out before the restart")
        #expect(await third.caller(for: script.token) == .token("scripts"))
        clock.advance(1_801)
        #expect(await third.caller(for: script.token) == nil, "expired")
        let fourth = SessionStore(lifetime: .seconds(3_600), file: file, now: { clock.now })
        #expect(await fourth.count == 0)
    }

    @Test func aDamagedFileSignsEveryoneOutButBreaksNothing() async throws {
        let file = try Self.scratchFile()
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        try Data("{not json".utf8).write(to: file)
        let store = SessionStore(file: file)
        #expect(await store.count == 0)
        let session = await store.open(for: .user("bob"))
        let reopened = SessionStore(file: file)
        #expect(await reopened.caller(for: session.token) == .user("bob"), "the damaged file was replaced by a good one")
    }

    @Test func anUnwritableFileKeepsSessionsInMemory() async throws {
        let store = SessionStore(file: URL(fileURLWithPath: "/proc/heliograph-cannot-write-here/sessions.json"))
        let session = await store.open(for: .user("carol"))
        #expect(await store.caller(for: session.token) == .user("carol"))
    }
}
