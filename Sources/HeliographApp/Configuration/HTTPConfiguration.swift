import HeliographControl

/// The `http:` section: the web dashboard, REST API and WebSocket.
///
/// ```yaml
/// http:
///   enabled: true          # default true
///   host: 0.0.0.0          # default 0.0.0.0 (the LAN); 127.0.0.1 for this machine only
///   port: 8080             # default 8080
///   open_reading: true     # default true: reading needs no login; false: every API read needs one
///   session_hours: 12      # how long a login lasts
///   commands_per_minute: 10
///   tokens:                # API tokens by name (≥ 16 characters); HELIOGRAPH_HTTP_TOKENS_<NAME> overrides one;
///                          # `<name>_file: path-or-credential-name` reads it from a file (see Secret)
///     home-assistant: change-me-to-a-long-random-string
///   users:                 # bcrypt hashes, never passwords (htpasswd -nbBC 12 NAME PASSWORD)
///     admin: $2y$12$…
///   login: { … }           # limits on password logins, see `LoginConfiguration`
/// ```
public struct HTTPConfiguration: Sendable, Hashable {
    public var enabled: Bool
    public var host: String
    public var port: Int
    public var openReading: Bool
    public var sessionHours: Int
    public var commandsPerMinute: Int
    public var tokens: [String: String]
    public var users: [String: String]
    public var login: LoginConfiguration

    public init(
        enabled: Bool = true,
        host: String = "0.0.0.0",
        port: Int = 8080,
        openReading: Bool = true,
        sessionHours: Int = 12,
        commandsPerMinute: Int = 10,
        tokens: [String: String] = [:],
        users: [String: String] = [:],
        login: LoginConfiguration = LoginConfiguration()
    ) {
        self.enabled = enabled
        self.host = host
        self.port = port
        self.openReading = openReading
        self.sessionHours = sessionHours
        self.commandsPerMinute = commandsPerMinute
        self.tokens = tokens
        self.users = users
        self.login = login
    }

    static let keys = ["enabled", "host", "port", "open_reading", "session_hours", "commands_per_minute", "tokens", "users", "login"]

    /// Reads the section, reporting each bad key as a problem.
    static func parse(_ section: ConfigurationSection) -> HTTPConfiguration {
        var http = HTTPConfiguration()
        http.enabled = section.bool("enabled") ?? http.enabled
        http.host = section.string("host") ?? http.host
        http.port = section.int("port", in: 0...65_535) ?? http.port
        http.openReading = section.bool("open_reading") ?? http.openReading
        http.sessionHours = section.int("session_hours", in: 1...8_760) ?? http.sessionHours
        http.commandsPerMinute = section.int("commands_per_minute", in: 1...600) ?? http.commandsPerMinute
        let tokens = section.section("tokens")
        // `name: token` or `name_file: path` (see `ConfigurationSection.secret`).
        var tokenNames: [String] = []
        for key in tokens.keys {
            let name = key.hasSuffix("_file") ? String(key.dropLast(5)) : key
            if !tokenNames.contains(name) { tokenNames.append(name) }
        }
        for name in tokenNames {
            guard let secret = tokens.secret(name) else { continue }
            if secret.value.utf8.count < 16 {
                tokens.problem(name, "API tokens must be at least 16 characters")
            } else {
                http.tokens[name] = secret.value
            }
        }
        let users = section.section("users")
        for name in users.keys {
            guard let hash = users.string(name) else { continue }
            if let problem = PasswordHash.problem(with: hash) {
                let advice = PasswordHash.prefixes.contains(where: hash.hasPrefix) ? "this hash cannot be used to log in (\(problem))" : "store a bcrypt hash ($2y$…), never the password"
                users.problem(name, "\(advice); make one with htpasswd -nbBC 12 \(name) PASSWORD")
            } else {
                http.users[name] = hash
            }
        }
        http.login = LoginConfiguration.parse(section.section("login"))
        section.reportUnknownKeys(allowed: keys)
        return http
    }
}
