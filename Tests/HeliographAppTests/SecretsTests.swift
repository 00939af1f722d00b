import Foundation
import HeliographConfigFile
import HeliographCore
import HeliographTesting
import Testing

@testable import HeliographApp

/// Secrets from environment variables, `<key>_file`, systemd credentials and container secrets.
@Suite("Configuration secrets", .serialized)
struct SecretsTests {
    let token = "s3cret-token-0123456789abcdef"

    func write(_ text: String, to directory: URL, _ name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Reads `http.tokens.scripts` from a config with an isolated secrets directory.
    func parseToken(_ yaml: String, environment: [String: String] = [:], secrets: URL) -> (String?, [ConfigurationProblem], Set<String>) {
        var env = environment
        env["HELIOGRAPH_SECRETS_DIRECTORY"] = env["HELIOGRAPH_SECRETS_DIRECTORY"] ?? secrets.path
        let (configuration, problems) = HeliographConfiguration.parse(yaml: yaml, environment: env)
        return (configuration?.http.credentials.tokens["scripts"], problems, configuration?.secrets ?? [])
    }

    @Test("a _file path is read and trimmed; the value is recorded for redaction")
    func filePath() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try write("  \(token)\n\n", to: directory, "token")
        let (value, problems, secrets) = parseToken("http:\n  tokens:\n    scripts_file: \(path)\n", secrets: directory)
        #expect(problems.isEmpty, "\(problems)")
        #expect(value == token)
        #expect(secrets == [token])
    }

    @Test("a bare name is a systemd credential first, then a container secret")
    func credentialsThenContainerSecrets() throws {
        let credentials = try makeTemporaryDirectory()
        let containerSecrets = try makeTemporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: credentials)
            try? FileManager.default.removeItem(at: containerSecrets)
        }
        _ = try write("from-container-secret-123456\n", to: containerSecrets, "api_token")
        let yaml = "http:\n  tokens:\n    scripts_file: api_token\n"
        let (fromContainer, problems1, _) = parseToken(yaml, secrets: containerSecrets)
        #expect(problems1.isEmpty, "\(problems1)")
        #expect(fromContainer == "from-container-secret-123456")

        _ = try write("from-systemd-credential-1234\n", to: credentials, "api_token")
        let (fromCredential, problems2, _) = parseToken(yaml, environment: ["CREDENTIALS_DIRECTORY": credentials.path], secrets: containerSecrets)
        #expect(problems2.isEmpty, "\(problems2)")
        #expect(fromCredential == "from-systemd-credential-1234")
        let sources = HeliographConfiguration.parse(yaml: yaml, environment: ["CREDENTIALS_DIRECTORY": credentials.path, "HELIOGRAPH_SECRETS_DIRECTORY": containerSecrets.path])
            .configuration?.secretSources
        #expect(sources == ["http.tokens.scripts": credentials.path + "/api_token"])
    }

    @Test("environment value beats environment file beats the file's value")
    func precedence() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try write("from-environment-file-123456", to: directory, "token")
        let yaml = "http:\n  tokens:\n    scripts: from-the-yaml-file-123456\n"
        #expect(parseToken(yaml, secrets: directory).0 == "from-the-yaml-file-123456")
        let fileEnvironment = ["HELIOGRAPH_HTTP_TOKENS_SCRIPTS_FILE": path]
        #expect(parseToken(yaml, environment: fileEnvironment, secrets: directory).0 == "from-environment-file-123456")
        var both = fileEnvironment
        both["HELIOGRAPH_HTTP_TOKENS_SCRIPTS"] = "from-environment-value-1234"
        let (value, problems, _) = parseToken(yaml, environment: both, secrets: directory)
        #expect(problems.isEmpty)
        #expect(value == "from-environment-value-1234")
    }

    @Test("an unset key is read from a credential named after the dotted key")
    func automaticCredential() throws {
        let credentials = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: credentials) }
        _ = try write("broker-password\n", to: credentials, "mqtt.password")
        let problems = ConfigurationSection.Problems()
        let root = ConfigurationSection(path: "", node: nil, environment: ["CREDENTIALS_DIRECTORY": credentials.path, "HELIOGRAPH_SECRETS_DIRECTORY": "/nonexistent"], problems: problems)
        #expect(root.section("mqtt").secret("password")?.value == "broker-password")
        #expect(root.section("mqtt").secret("username") == nil)
        #expect(problems.list.isEmpty)
    }

    @Test("bad secret settings are problems with their line, and never show the value")
    func problemsNeverShowTheValue() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let empty = try write("\n", to: directory, "empty")
        let short = try write("tiny-secret\n", to: directory, "short")
        let yaml = """
            http:
              tokens:
                both: \(token)
                both_file: \(short)
                missing_file: /nonexistent/token
                unknown_file: no_such_credential
                empty_file: \(empty)
                short_file: \(short)
                inline: tiny-inline
            """
        let (configuration, problems) = HeliographConfiguration.parse(yaml: yaml, environment: ["HELIOGRAPH_SECRETS_DIRECTORY": directory.path])
        let byKey = Dictionary(grouping: problems, by: \.key)
        #expect(byKey["http.tokens.both_file"]?.first?.message.contains("not both") == true)
        #expect(byKey["http.tokens.both_file"]?.first?.line == 4)
        #expect(byKey["http.tokens.missing_file"]?.first?.message.contains("/nonexistent/token") == true)
        #expect(byKey["http.tokens.unknown_file"]?.first?.message.contains("no credential or secret named 'no_such_credential'") == true)
        #expect(byKey["http.tokens.empty_file"]?.first?.message.contains("is empty") == true)
        #expect(byKey["http.tokens.short"]?.first?.message.contains("at least 16") == true)
        #expect(byKey["http.tokens.inline"]?.first?.message.contains("at least 16") == true)
        #expect(problems.count == 6, "\(problems)")
        #expect(configuration?.http.credentials.tokens.isEmpty == true)
        let text = problems.map(\.description).joined(separator: "\n")
        for value in [token, "tiny-secret", "tiny-inline"] { #expect(!text.contains(value), "\(text)") }
    }

    @Test("Secret prints as <redacted> however it is printed")
    func secretDescription() {
        let secret = Secret("hunter2-password")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("hunter2"))
    }

    @Test("config check and the running daemon never print a secret, even at trace level")
    func commandLineNeverPrintsSecrets() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fileToken = "file-token-\(UUID().uuidString)"
        let environmentToken = "env-token-\(UUID().uuidString)"
        let tokenPath = try write(fileToken + "\n", to: directory, "token")
        let config = directory.appendingPathComponent("heliograph.yaml")
        try """
            storage:
              path: \(directory.path)/history.sqlite
            logging:
              level: trace
              format: logfmt
            http:
              host: 127.0.0.1
              port: 0
              tokens:
                scripts_file: \(tokenPath)
                other: placeholder-overridden-by-env
            """.write(to: config, atomically: true, encoding: .utf8)
        let environment = ["HELIOGRAPH_HTTP_TOKENS_OTHER": environmentToken]

        let check = try await HeliographProcess.run(["config", "check", config.path], environment: environment)
        #expect(check.status == 0, "\(check.stderr)")
        // It tells where each secret came from, so a missing credential shows before the daemon starts.
        #expect(check.stdout.contains("secret http.tokens.other: from $HELIOGRAPH_HTTP_TOKENS_OTHER"), "\(check.stdout)")
        #expect(check.stdout.contains("secret http.tokens.scripts: from \(tokenPath)"), "\(check.stdout)")
        // A problem elsewhere in the file: the report still leaves the secrets out.
        let broken = directory.appendingPathComponent("broken.yaml")
        try (try String(contentsOf: config, encoding: .utf8) + "\n  sesion_hours: 3\n").write(to: broken, atomically: true, encoding: .utf8)
        let brokenCheck = try await HeliographProcess.run(["config", "check", broken.path], environment: environment)
        #expect(brokenCheck.status == 1)
        #expect(brokenCheck.stderr.contains("http.sesion_hours"), "\(brokenCheck.stderr)")

        let daemon = try HeliographProcess(["run", "--config", config.path], environment: environment)
        try await eventually(timeout: .seconds(60), "daemon starts serving") { daemon.stderr.contains("web server listening") }
        daemon.signal(SIGTERM)
        #expect(try await daemon.exitStatus() == 0, "\(daemon.stderr)")
        #expect(daemon.stderr.contains("level=info"), "\(daemon.stderr)")
        for output in [check.stdout, check.stderr, brokenCheck.stdout, brokenCheck.stderr, daemon.stdout, daemon.stderr] {
            #expect(!output.contains(fileToken))
            #expect(!output.contains(environmentToken))
        }
    }
}
