import HeliographConfigFile
import HeliographCore
import HeliographPostgres

import struct Foundation.Data
import struct Foundation.URL

extension HeliographConfiguration.Storage {
    /// Reads the `storage:` section: `backend`, `path` (SQLite), `url` and `password_file` (PostgreSQL),
    /// `retention_days`. Problems name the key and line; a PostgreSQL URL is checked here, not at start.
    static func parse(_ section: ConfigurationSection) -> Self {
        var storage = Self()
        if let backend = section.string("backend", oneOf: Backend.allCases.map(\.rawValue)) {
            storage.backend = Backend(rawValue: backend) ?? .sqlite
        }
        storage.path = section.string("path") ?? storage.path
        storage.retentionDays = section.int("retention_days", in: 1...36_500)
        storage.url = section.string("url")
        storage.passwordFile = section.string("password_file")
        switch storage.backend {
        case .postgres:
            if let url = storage.url {
                do {
                    _ = try PostgresStore.Configuration(url: url)
                } catch {
                    section.problem("url", error.message)
                }
            } else {
                section.problem("backend", "backend postgres needs storage.url (postgres://user@host:5432/database)")
            }
            if let file = storage.passwordFile {
                do {
                    _ = try readPassword(file)
                } catch {
                    section.problem("password_file", error.message)
                }
            }
        case .sqlite:
            if storage.url != nil { section.problem("url", "only used with backend: postgres") }
            if storage.passwordFile != nil { section.problem("password_file", "only used with backend: postgres") }
        }
        section.reportUnknownKeys(allowed: ["backend", "path", "retention_days", "url", "password_file"])
        return storage
    }

    /// The first line of a password file, without its line break.
    static func readPassword(_ path: String) throws(HeliographError) -> String {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path)), let text = String(data: data, encoding: .utf8) else {
            throw HeliographError(.invalidConfiguration, "cannot read the password file \(path)")
        }
        var password = String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
        if password.hasSuffix("\r") { password.removeLast() }
        guard !password.isEmpty else { throw HeliographError(.invalidConfiguration, "the password file \(path) is empty") }
        return password
    }
}
