import Foundation
import HeliographApp
import HeliographTesting
import HeliographWeb
import Testing
import Yams

/// The files under packaging/, the Dockerfile and compose file: checked with the real tools where
/// this machine has them (systemd-analyze, shellcheck, hadolint), statically otherwise. Docker itself
/// cannot run here, so images are not built in tests.
@Suite("Packaging", .serialized)
struct PackagingTests {
    static let root: URL = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) { directory.deleteLastPathComponent() }
        return directory
    }()

    static func file(_ path: String) throws -> String { try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8) }

    /// Runs a tool (looked up on PATH); returns its status and stdout+stderr.
    static func run(_ arguments: [String], environment: [String: String] = [:], in directory: URL = root) async throws -> (status: Int32, output: String) {
        let result = try await ChildProcess.run(arguments[0], Array(arguments.dropFirst()), environment: environment, directory: directory)
        return (result.status, result.output)
    }

    static func toolExists(_ name: String) -> Bool { findExecutable(name) != nil }

    /// Stages an installation with packaging/install.sh and the built debug binary.
    static func stageInstall(into destination: URL) async throws -> (status: Int32, output: String) {
        try await run(
            ["sh", "packaging/install.sh"],
            environment: ["DESTDIR": destination.path, "PREFIX": "/usr/local", "HELIOGRAPH_BINARY": try HeliographProcess.executable.path]
        )
    }

    // MARK: systemd

    @Test("the unit has the required hardening and passes systemd-analyze verify and security")
    func systemdUnit() async throws {
        let unit = try Self.file("packaging/systemd/heliograph.service")
        let directives = Set(unit.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.hasPrefix("#") && $0.contains("=") })
        for required in [
            "DynamicUser=yes", "ProtectSystem=strict", "NoNewPrivileges=yes", "MemoryMax=128M", "Restart=on-failure", "StateDirectory=heliograph",
            "SupplementaryGroups=heliograph dialout", "DevicePolicy=closed", "Type=notify", "WatchdogSec=60s", "DeviceAllow=char-hidraw rw", "CapabilityBoundingSet=",
        ] {
            #expect(directives.contains(required), "missing \(required)")
        }
        // The web server's connection cap must fit in the descriptor limit with room for everything else.
        let descriptors = try #require(directives.first { $0.hasPrefix("LimitNOFILE=") }.flatMap { Int($0.dropFirst("LimitNOFILE=".count)) }, "LimitNOFILE missing")
        #expect(descriptors >= WebConfiguration().limits.maxConnections + 512, "LimitNOFILE=\(descriptors) leaves too little above http.max_connections")
        try #require(Self.toolExists("systemd-analyze"), "systemd-analyze missing: scripts/test-deps.d/ops.sh installs Debian's systemd")

        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let staged = try await Self.stageInstall(into: directory)
        #expect(staged.status == 0, "\(staged.output)")
        // verify checks that ExecStart exists: point it at the staged binary, in a copy.
        let installed = try String(contentsOf: directory.appendingPathComponent("etc/systemd/system/heliograph.service"), encoding: .utf8)
        let checked = directory.appendingPathComponent("heliograph.service")
        try installed.replacingOccurrences(of: "/usr/local/bin/heliograph", with: directory.path + "/usr/local/bin/heliograph")
            .write(to: checked, atomically: true, encoding: .utf8)
        let verify = try await Self.run(["systemd-analyze", "verify", checked.path], environment: ["SYSTEMD_LOG_COLOR": "0"])
        #expect(verify.status == 0, "\(verify.output)")
        // verify only warns about unknown keys and sections: those are typos here.
        #expect(!verify.output.contains("Unknown"), "\(verify.output)")
        #expect(!verify.output.contains("heliograph.service:"), "\(verify.output)")

        // Exposure 0–10 (×10 here): 2.5 or less is systemd's "OK" band with margin.
        let security = try await Self.run(["systemd-analyze", "security", "--offline=yes", "--threshold=25", checked.path])
        #expect(security.status == 0, "\(security.output)")
        #expect(security.output.contains("Overall exposure level for heliograph.service"), "\(security.output)")
    }

    @Test("systemd-analyze verify does catch a broken unit (so the check above can fail)")
    func systemdVerifyCatchesErrors() async throws {
        try #require(Self.toolExists("systemd-analyze"))
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let broken = directory.appendingPathComponent("heliograph.service")
        try Self.file("packaging/systemd/heliograph.service").replacingOccurrences(of: "/usr/local/bin/heliograph", with: "/nonexistent/heliograph")
            .replacingOccurrences(of: "MemoryMax=", with: "MemoryMaxx=")
            .write(to: broken, atomically: true, encoding: .utf8)
        let verify = try await Self.run(["systemd-analyze", "verify", broken.path])
        #expect(verify.status != 0)
        #expect(verify.output.contains("Unknown key 'MemoryMaxx'"), "\(verify.output)")
    }

    // MARK: udev

    /// One udev rule line as (key, operator, value) triples; nil when a token does not parse.
    static func parseUdevRule(_ line: String) -> [(key: String, op: String, value: String)]? {
        var rest = Substring(line)
        var tokens: [(String, String, String)] = []
        let operators = ["==", "!=", "+=", "-=", ":=", "="]
        while true {
            rest = rest.drop { $0 == " " || $0 == "\t" }
            if rest.isEmpty { return tokens.isEmpty ? nil : tokens }
            let key = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "{" || $0 == "}" || $0 == "-" }
            guard !key.isEmpty else { return nil }
            rest = rest.dropFirst(key.count)
            guard let op = operators.first(where: { rest.hasPrefix($0) }) else { return nil }
            rest = rest.dropFirst(op.count)
            guard rest.first == "\"", let close = rest.dropFirst().firstIndex(of: "\"") else { return nil }
            tokens.append((String(key), op, String(rest[rest.index(after: rest.startIndex)..<close])))
            rest = rest[rest.index(after: close)...].drop { $0 == " " }
            if rest.first == "," { rest = rest.dropFirst() } else if !rest.isEmpty { return nil }
        }
    }

    @Test("the udev rule gives 0665:5161 hidraw nodes to the heliograph group, never to everyone")
    func udevRule() throws {
        let rules = try Self.file("packaging/udev/60-heliograph.rules").split(separator: "\n").map(String.init)
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.hasPrefix("#") }
        #expect(rules.count == 1)
        let tokens = try #require(Self.parseUdevRule(rules[0]), "rule does not parse: \(rules[0])")
        func value(_ key: String, _ op: String) -> String? { tokens.first { $0.key == key && $0.op == op }?.value }
        #expect(value("SUBSYSTEM", "==") == "hidraw")
        #expect(value("ATTRS{idVendor}", "==") == "0665")
        #expect(value("ATTRS{idProduct}", "==") == "5161")
        #expect(value("GROUP", "=") == "heliograph")
        let mode = try #require(value("MODE", "="))
        #expect(mode == "0660", "group read-write, nothing for others")
        #expect(!tokens.contains { $0.key == "MODE" && $0.value.hasSuffix("6") })
        // The unit grants the same group.
        #expect(try Self.file("packaging/systemd/heliograph.service").contains("SupplementaryGroups=heliograph"))
        // The parser rejects what udev rejects.
        #expect(Self.parseUdevRule(#"SUBSYSTEM=="hidraw" GROUP="x""#) == nil, "missing comma")
        #expect(Self.parseUdevRule(#"SUBSYSTEM=="hidraw", GROUP=heliograph"#) == nil, "unquoted value")
    }

    // MARK: install script

    @Test("install.sh stages binary, unit, rule and config under DESTDIR, and keeps an edited config")
    func installScript() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try await Self.stageInstall(into: directory)
        #expect(first.status == 0, "\(first.output)")
        func mode(_ path: String) throws -> Int {
            try (FileManager.default.attributesOfItem(atPath: directory.path + path)[.posixPermissions] as? Int) ?? -1
        }
        #expect(try mode("/usr/local/bin/heliograph") == 0o755)
        #expect(try mode("/etc/systemd/system/heliograph.service") == 0o644)
        #expect(try mode("/etc/udev/rules.d/60-heliograph.rules") == 0o644)
        #expect(try mode("/etc/heliograph/heliograph.yaml") == 0o640)
        #expect(try mode("/etc/heliograph/secrets") == 0o700)
        #expect(try mode("/usr/local/share/heliograph/heliograph.example.yaml") == 0o644)
        let unit = try String(contentsOfFile: directory.path + "/etc/systemd/system/heliograph.service", encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/local/bin/heliograph run --config /etc/heliograph/heliograph.yaml"))

        // The installed binary accepts the installed example configuration.
        let check = try await Self.run([directory.path + "/usr/local/bin/heliograph", "config", "check", directory.path + "/etc/heliograph/heliograph.yaml"])
        #expect(check.status == 0, "\(check.output)")

        // A second run (an upgrade) replaces the binary but not the user's configuration.
        let config = directory.appendingPathComponent("etc/heliograph/heliograph.yaml")
        try "site:\n  name: Edited\n".write(to: config, atomically: true, encoding: .utf8)
        let second = try await Self.stageInstall(into: directory)
        #expect(second.status == 0, "\(second.output)")
        #expect(second.output.contains("Keeping the existing"))
        #expect(try String(contentsOf: config, encoding: .utf8) == "site:\n  name: Edited\n")

        let prefixed = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: prefixed) }
        let opt = try await Self.run(
            ["sh", "packaging/install.sh"],
            environment: ["DESTDIR": prefixed.path, "PREFIX": "/opt/heliograph", "HELIOGRAPH_BINARY": try HeliographProcess.executable.path]
        )
        #expect(opt.status == 0, "\(opt.output)")
        #expect(FileManager.default.isExecutableFile(atPath: prefixed.path + "/opt/heliograph/bin/heliograph"))
        #expect(try String(contentsOfFile: prefixed.path + "/etc/systemd/system/heliograph.service", encoding: .utf8).contains("ExecStart=/opt/heliograph/bin/heliograph run"))

        let relative = try await Self.run(["sh", "packaging/install.sh"], environment: ["DESTDIR": prefixed.path, "PREFIX": "opt", "HELIOGRAPH_BINARY": "/bin/true"])
        #expect(relative.status != 0)
        #expect(relative.output.contains("PREFIX must be an absolute path"))
    }

    @Test("install.sh passes shellcheck")
    func shellcheck() async throws {
        try #require(Self.toolExists("shellcheck"), "shellcheck missing: scripts/test-deps.d/ops.sh installs it")
        let result = try await Self.run(["shellcheck", "--shell=sh", "packaging/install.sh"])
        #expect(result.status == 0, "\(result.output)")
    }

    // MARK: containers (static: no docker daemon here)

    @Test("compose file: Heliograph, Mosquitto and PostgreSQL, with files that exist and a config that checks")
    func composeFile() async throws {
        let composeDirectory = Self.root.appendingPathComponent("packaging/compose")
        let compose = try #require(try Yams.load(yaml: try Self.file("packaging/compose/compose.yaml")) as? [String: Any])
        let services = try #require(compose["services"] as? [String: Any])
        #expect(Set(services.keys) == ["heliograph", "mosquitto", "postgres"])
        let heliograph = try #require(services["heliograph"] as? [String: Any])
        let build = try #require(heliograph["build"] as? [String: Any])
        let context = composeDirectory.appendingPathComponent(try #require(build["context"] as? String)).standardizedFileURL
        #expect(FileManager.default.fileExists(atPath: context.appendingPathComponent(build["dockerfile"] as? String ?? "Dockerfile").path))
        #expect(FileManager.default.fileExists(atPath: context.appendingPathComponent("Package.swift").path))
        #expect((heliograph["depends_on"] as? [String: Any])?.keys.sorted() == ["mosquitto", "postgres"])
        #expect(heliograph["mem_limit"] as? String == "128m")
        let postgres = try #require(services["postgres"] as? [String: Any])
        #expect((postgres["environment"] as? [String: Any])?["POSTGRES_PASSWORD_FILE"] as? String == "/run/secrets/postgres_password")
        #expect(postgres["healthcheck"] != nil)

        // Every bind-mounted file is in the repository; the Heliograph config mounted passes config check.
        for case let service as [String: Any] in services.values {
            for case let volume as String in service["volumes"] as? [Any] ?? [] where volume.hasPrefix("./") {
                let source = String(volume.split(separator: ":")[0])
                #expect(FileManager.default.fileExists(atPath: composeDirectory.appendingPathComponent(source).path), "\(source)")
            }
        }
        let check = try await Self.run([try HeliographProcess.executable.path, "config", "check", composeDirectory.appendingPathComponent("heliograph.yaml").path])
        #expect(check.status == 0, "\(check.output)")
    }

    @Test("Dockerfile: multi-stage, non-root runtime, copies what exists; hadolint when installed")
    func dockerfile() async throws {
        let text = try Self.file("Dockerfile")
        let instructions = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        let stages = instructions.filter { $0.hasPrefix("FROM ") }
        #expect(stages.count == 2)
        #expect(stages.first?.hasSuffix(" AS build") == true)
        #expect(stages.last?.contains("slim") == true)
        #expect(instructions.contains("COPY --from=build /out/heliograph /usr/local/bin/heliograph"))
        let user = try #require(instructions.last { $0.hasPrefix("USER ") })
        #expect(!user.contains("root") && user != "USER 0")
        for copy in instructions where copy.hasPrefix("COPY ") && !copy.contains("--from") {
            let source = copy.split(separator: " ")[1]
            if source != "." { #expect(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(String(source)).path), "\(copy)") }
        }
        #expect(text.contains("HEALTHCHECK") && text.contains("/health"))
        if Self.toolExists("hadolint") {
            let lint = try await Self.run(["hadolint", "--no-color", "Dockerfile"])
            #expect(lint.status == 0, "\(lint.output)")
        }
    }
}
