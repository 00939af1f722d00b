import Yams

/// Reads one mapping of the YAML file, checking types and collecting problems instead of stopping
/// at the first one. Every read looks at the environment first (see `environmentName(for:)`).
public final class ConfigurationSection {
    /// Collects problems across all sections of one file.
    public final class Problems {
        public var list: [ConfigurationProblem] = []
        /// Every secret value read (see `secret(_:)`), so logs can redact them.
        public var secrets: Set<String> = []
        /// Where each secret came from, by dotted key: an environment variable, the file, or a file path.
        public var secretSources: [String: String] = [:]
        public init() {}
        public func add(_ problem: ConfigurationProblem) { list.append(problem) }
    }

    public let path: String
    public let mapping: Node.Mapping?
    public let line: Int?
    public let environment: [String: String]
    public let problems: Problems
    private var readKeys: Set<String> = []

    public init(path: String, node: Node?, line: Int? = nil, environment: [String: String], problems: Problems) {
        self.path = path
        self.environment = environment
        self.problems = problems
        self.line = line ?? node?.mark?.line
        if let node, node.mapping == nil, node.null == nil {
            problems.add(ConfigurationProblem(key: path, line: node.mark?.line, message: "expected a mapping of keys to values"))
            self.mapping = nil
        } else {
            self.mapping = node?.mapping
        }
    }

    /// `HELIOGRAPH_` + the dotted key upper-cased, dots and dashes turned into underscores:
    /// `storage.path` → `HELIOGRAPH_STORAGE_PATH`, `devices.inverter-1.port` → `HELIOGRAPH_DEVICES_INVERTER_1_PORT`.
    public static func environmentName(for key: String) -> String {
        "HELIOGRAPH_" + key.uppercased().map { $0 == "." || $0 == "-" ? "_" : $0 }.map(String.init).joined()
    }

    public func key(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    /// Keys present in the file, in file order.
    public var keys: [String] { mapping?.keys.compactMap(\.string) ?? [] }

    public func node(_ name: String) -> Node? {
        readKeys.insert(name)
        return mapping?[name]
    }

    public func section(_ name: String) -> ConfigurationSection {
        ConfigurationSection(path: key(name), node: node(name), line: keyLine(name), environment: environment, problems: problems)
    }

    /// The line where `name:` is written, which is where a reader looks for it.
    public func keyLine(_ name: String) -> Int? {
        mapping?.first { $0.key.string == name }?.key.mark?.line
    }

    public func problem(_ name: String?, _ message: String, node: Node? = nil) {
        let fullKey = name.map(key) ?? path
        problems.add(ConfigurationProblem(key: fullKey, line: node?.mark?.line ?? name.flatMap(keyLine) ?? line, message: message))
    }

    /// A scalar value as text, from the environment when set, else from the file.
    private func scalar(_ name: String) -> (text: String, line: Int?, variable: String?)? {
        let variable = Self.environmentName(for: key(name))
        readKeys.insert(name)
        if let value = environment[variable] { return (value, nil, variable) }
        guard let node = mapping?[name] else { return nil }
        guard let scalar = node.scalar else {
            problems.add(ConfigurationProblem(key: key(name), line: node.mark?.line, message: "expected a single value, not a list or mapping"))
            return nil
        }
        if node.null != nil { return nil }
        return (scalar.string, keyLine(name) ?? node.mark?.line, nil)
    }

    private func report(_ name: String, _ value: (text: String, line: Int?, variable: String?), _ message: String) {
        problems.add(ConfigurationProblem(key: key(name), line: value.line, environmentVariable: value.variable, message: message))
    }

    public func string(_ name: String) -> String? {
        guard let value = scalar(name) else { return nil }
        if value.text.isEmpty {
            report(name, value, "must not be empty")
            return nil
        }
        return value.text
    }

    public func string(_ name: String, oneOf choices: [String]) -> String? {
        guard let value = scalar(name) else { return nil }
        guard choices.contains(value.text.lowercased()) else {
            report(name, value, "must be one of \(choices.joined(separator: ", ")); got '\(value.text)'")
            return nil
        }
        return value.text.lowercased()
    }

    public func int(_ name: String, in range: ClosedRange<Int>) -> Int? {
        guard let value = scalar(name) else { return nil }
        guard let number = Int(value.text.trimmingWhitespace()), range.contains(number) else {
            report(name, value, "must be a whole number from \(range.lowerBound) to \(range.upperBound); got '\(value.text)'")
            return nil
        }
        return number
    }

    /// A decimal number within `range`.
    public func double(_ name: String, in range: ClosedRange<Double>) -> Double? {
        guard let value = scalar(name) else { return nil }
        guard let number = Double(value.text.trimmingWhitespace()), number.isFinite, range.contains(number) else {
            report(name, value, "must be a number from \(range.lowerBound.formattedForProblem) to \(range.upperBound.formattedForProblem); got '\(value.text)'")
            return nil
        }
        return number
    }

    public func bool(_ name: String) -> Bool? {
        guard let value = scalar(name) else { return nil }
        switch value.text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default:
            report(name, value, "must be true or false; got '\(value.text)'")
            return nil
        }
    }

    /// A duration: a number of seconds (`10`, `0.5`) or a number with a unit (`500ms`, `10s`, `5m`, `1h`).
    public func duration(_ name: String, in range: ClosedRange<Duration>) -> Duration? {
        guard let value = scalar(name) else { return nil }
        guard let duration = Self.parseDuration(value.text), range.contains(duration) else {
            report(name, value, "must be a duration from \(range.lowerBound) to \(range.upperBound), like 10s, 500ms or 5m; got '\(value.text)'")
            return nil
        }
        return duration
    }

    /// A list of text values (a YAML sequence, or a comma-separated environment value).
    public func stringList(_ name: String) -> [String]? {
        let variable = Self.environmentName(for: key(name))
        readKeys.insert(name)
        if let value = environment[variable] {
            return value.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
        }
        guard let node = mapping?[name] else { return nil }
        guard let sequence = node.sequence else {
            if let scalar = node.scalar { return [scalar.string] }
            problem(name, "expected a list of values", node: node)
            return nil
        }
        var values: [String] = []
        for element in sequence {
            guard let scalar = element.scalar else {
                problem(name, "expected a list of plain values", node: element)
                return nil
            }
            values.append(scalar.string)
        }
        return values
    }

    /// Reports keys present in the file that nobody read: usually typos.
    public func reportUnknownKeys(allowed: [String]) {
        for name in keys where !readKeys.contains(name) {
            let suggestion = allowed.min { editDistance($0, name) < editDistance($1, name) }
            var message = "unknown key"
            if let suggestion, editDistance(suggestion, name) <= 3 { message += "; did you mean '\(suggestion)'?" }
            message += " (known: \(allowed.joined(separator: ", ")))"
            problem(name, message)
        }
    }

    public static func parseDuration(_ text: String) -> Duration? {
        let trimmed = text.trimmingWhitespace().lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3_600)]
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count).trimmingWhitespace()
            if let value = Double(number) { return milliseconds(value * scale * 1_000) }
        }
        return Double(trimmed).flatMap { milliseconds($0 * 1_000) }
    }

    /// Longest duration a configuration may give (about 31 700 years): `Int64(_:)` traps on larger
    /// values such as `1e20s`, and no interval or timeout is meant to be that long anyway.
    private static let longestMilliseconds = 1e15

    private static func milliseconds(_ value: Double) -> Duration? {
        guard value.isFinite, value >= 0, value <= longestMilliseconds else { return nil }
        return .milliseconds(Int64(value.rounded()))
    }
}

/// A duration as seconds, for the components that count time in `Double` seconds.
public func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

extension Double {
    /// `90` rather than `90.0` in messages.
    public var formattedForProblem: String { self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self) }
}

extension StringProtocol {
    public func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}

private func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
