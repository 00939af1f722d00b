import HeliographCore

/// One thing wrong with a configuration: which key, where, and what.
public struct ConfigurationProblem: Sendable, Hashable, CustomStringConvertible {
    /// Dotted key, e.g. `devices.inverter.baud`.
    public var key: String
    /// 1-based line in the file, when the value came from the file.
    public var line: Int?
    /// The environment variable the value came from, when it did.
    public var environmentVariable: String?
    public var message: String

    public init(key: String, line: Int? = nil, environmentVariable: String? = nil, message: String) {
        self.key = key
        self.line = line
        self.environmentVariable = environmentVariable
        self.message = message
    }

    public var description: String {
        var location = key.isEmpty ? "(file)" : key
        if let line { location += " (line \(line))" }
        if let environmentVariable { location += " (from $\(environmentVariable))" }
        return "\(location): \(message)"
    }
}

extension HeliographError {
    /// One error listing every configuration problem.
    public static func configuration(_ problems: [ConfigurationProblem], source: String) -> HeliographError {
        let list = problems.map { "  - \($0)" }.joined(separator: "\n")
        let noun = problems.count == 1 ? "problem" : "problems"
        return HeliographError(.invalidConfiguration, "\(source) has \(problems.count) \(noun):\n\(list)")
    }
}
