import HeliographCore
import struct Foundation.Data
import struct Foundation.URL
import class Foundation.FileManager

/// Secrets (passwords, tokens) can be written inline, but users should keep them out of the file.
/// For a secret key `password` under `mqtt`, the first of these that is set wins:
///
/// 1. `HELIOGRAPH_MQTT_PASSWORD`: the value, from the environment;
/// 2. `HELIOGRAPH_MQTT_PASSWORD_FILE`: a file holding the value, named in the environment;
/// 3. `password:` in the file;
/// 4. `password_file:` in the file: a path, or a bare name looked up first in systemd's
///    `$CREDENTIALS_DIRECTORY` (`LoadCredential=`/`SetCredentialEncrypted=`) then in the container
///    secrets directory `/run/secrets` (Docker/Podman/Kubernetes; `HELIOGRAPH_SECRETS_DIRECTORY` moves it);
/// 5. a credential or container secret named after the dotted key (`mqtt.password`), when present.
///
/// File contents are trimmed of surrounding whitespace (the trailing newline editors add). No
/// problem message ever contains the secret's value.
extension ConfigurationSection {
    /// Where container runtimes mount secrets.
    public static let defaultSecretsDirectory = "/run/secrets"
    /// Files larger than this are not secrets but a wrong path.
    public static let maximumSecretFileSize = 64 * 1_024

    /// Reads the secret key `name` (and its `<name>_file` companion); see the type's documentation.
    public func secret(_ name: String) -> Secret? {
        let fileKey = name + "_file"
        let valueVariable = Self.environmentName(for: key(name))
        let fileVariable = Self.environmentName(for: key(fileKey))
        let inFileValue = mapping?[name].map { $0.null == nil } ?? false
        let inFileReference = mapping?[fileKey].map { $0.null == nil } ?? false
        // Read both so neither is reported as an unknown key, then decide by precedence.
        let value = string(name)
        let reference = string(fileKey)
        if environment[valueVariable] != nil { return value.map { recordSecret($0, key: key(name), source: "$\(valueVariable)") } }
        if environment[fileVariable] != nil {
            return reference.flatMap { readSecretFile($0, key: key(fileKey), line: nil, variable: fileVariable) }
        }
        if inFileValue && inFileReference {
            problem(fileKey, "set either \(name) or \(fileKey), not both")
            return nil
        }
        if let value { return recordSecret(value, key: key(name), source: "the file (line \(keyLine(name).map(String.init) ?? "?"))") }
        if let reference { return readSecretFile(reference, key: key(fileKey), line: keyLine(fileKey), variable: nil) }
        // Nothing configured: a credential or container secret named after the key, if one exists.
        for directory in secretDirectories {
            let path = "\(directory)/\(key(name))"
            if FileManager.default.fileExists(atPath: path) { return readSecretFile(path, key: key(name), line: nil, variable: nil) }
        }
        return nil
    }

    /// `$CREDENTIALS_DIRECTORY` (when systemd set it), then the container secrets directory.
    var secretDirectories: [String] {
        var directories: [String] = []
        if let credentials = environment["CREDENTIALS_DIRECTORY"], !credentials.isEmpty { directories.append(credentials) }
        directories.append(environment["HELIOGRAPH_SECRETS_DIRECTORY"] ?? Self.defaultSecretsDirectory)
        return directories
    }

    /// Keeps the value for log redaction and where it came from (never the value) for `config check`.
    private func recordSecret(_ value: String, key: String, source: String) -> Secret {
        problems.secrets.insert(value)
        problems.secretSources[key] = source
        return Secret(value)
    }

    /// Reads a secret file; a bare name is a systemd credential or container secret.
    private func readSecretFile(_ reference: String, key: String, line: Int?, variable: String?) -> Secret? {
        let report = { (message: String) in
            self.problems.add(ConfigurationProblem(key: key, line: line, environmentVariable: variable, message: message))
        }
        var path = reference
        if !reference.contains("/") {
            guard let found = secretDirectories.map({ "\($0)/\(reference)" }).first(where: { FileManager.default.fileExists(atPath: $0) }) else {
                report("no credential or secret named '\(reference)' in \(secretDirectories.joined(separator: " or ")); give a path or load it (LoadCredential=, docker secrets)")
                return nil
            }
            path = found
        }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            report("cannot read the secret file \(path): it does not exist or is not accessible to this user")
            return nil
        }
        if let size = attributes[.size] as? Int, size > Self.maximumSecretFileSize {
            report("the secret file \(path) is \(size) bytes; a secret is one line (is this the right file?)")
            return nil
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            report("cannot read the secret file \(path): permission denied or not a regular file")
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            report("the secret file \(path) is not UTF-8 text")
            return nil
        }
        let value = text.trimmingWhitespace()
        guard !value.isEmpty else {
            report("the secret file \(path) is empty")
            return nil
        }
        return recordSecret(value, key: key.hasSuffix("_file") ? String(key.dropLast(5)) : key, source: variable.map { "\(path) (named by $\($0))" } ?? path)
    }
}
