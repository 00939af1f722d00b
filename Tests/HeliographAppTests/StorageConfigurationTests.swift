import Foundation
import HeliographApp
import HeliographCore
import HeliographTesting
import Testing

@Suite("Storage configuration")
struct StorageConfigurationTests {
    @Test func sqliteIsTheDefault() throws {
        let (configuration, problems) = HeliographConfiguration.parse(yaml: "storage:\n  path: /tmp/h.sqlite\n")
        #expect(problems.isEmpty)
        #expect(configuration?.storage.backend == .sqlite)
    }

    @Test func postgresWithURLAndPasswordFile() throws {
        let directory = try makeTemporaryDirectory("storage-config")
        defer { try? FileManager.default.removeItem(at: directory) }
        let passwordFile = directory.appendingPathComponent("pw")
        try "s3cret\n".write(to: passwordFile, atomically: true, encoding: .utf8)
        let yaml = """
            storage:
              backend: postgres
              url: postgres://ingest@db.example:5433/fleet?sslmode=require
              password_file: \(passwordFile.path)
              retention_days: 90
            """
        let (configuration, problems) = HeliographConfiguration.parse(yaml: yaml)
        #expect(problems.isEmpty, "\(problems)")
        let storage = try #require(configuration?.storage)
        #expect(storage.backend == .postgres)
        #expect(storage.url == "postgres://ingest@db.example:5433/fleet?sslmode=require")
        #expect(storage.passwordFile == passwordFile.path)
        #expect(storage.retentionDays == 90)
    }

    @Test func problemsNameTheKey() {
        let cases: [(yaml: String, key: String, says: String)] = [
            ("storage:\n  backend: postgres\n", "storage.backend", "needs storage.url"),
            ("storage:\n  backend: postgres\n  url: mysql://x/y\n", "storage.url", "postgres://"),
            ("storage:\n  backend: postgres\n  url: postgres://h/d?sslmode=sometimes\n", "storage.url", "sslmode"),
            ("storage:\n  backend: postgres\n  url: postgres://h/d\n  password_file: /nonexistent/pw\n", "storage.password_file", "cannot read"),
            ("storage:\n  backend: oracle\n", "storage.backend", "sqlite"),
            ("storage:\n  url: postgres://h/d\n", "storage.url", "only used with backend: postgres"),
        ]
        for entry in cases {
            let problems = HeliographConfiguration.parse(yaml: entry.yaml).problems
            #expect(problems.contains { $0.key == entry.key && $0.message.contains(entry.says) }, "\(entry.yaml) → \(problems)")
        }
    }

    @Test func environmentSelectsPostgres() {
        let (configuration, problems) = HeliographConfiguration.parse(
            yaml: "storage:\n  path: x.sqlite\n",
            environment: ["HELIOGRAPH_STORAGE_BACKEND": "postgres", "HELIOGRAPH_STORAGE_URL": "postgres://u@h:5432/d"]
        )
        #expect(problems.isEmpty, "\(problems)")
        #expect(configuration?.storage.backend == .postgres)
        #expect(configuration?.storage.url == "postgres://u@h:5432/d")
    }
}
