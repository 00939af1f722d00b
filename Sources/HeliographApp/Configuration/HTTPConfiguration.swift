import HeliographConfigFile
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
///   max_connections: 512   # sockets held at once; at the limit the least recently active idle one makes room
///   idle_timeout: 60s      # a kept-alive connection with no request is closed after this
///   header_timeout: 10s    # a new connection must send its request head within this
///   allowed_origins:       # other sites whose pages may open the live WebSocket (own origin always may)
///     - https://ha.example.net
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
    public var maxConnections: Int
    public var idleTimeout: Duration
    public var headerTimeout: Duration
    public var allowedOrigins: [String]
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
        maxConnections: Int = 512,
        idleTimeout: Duration = .seconds(60),
        headerTimeout: Duration = .seconds(10),
        allowedOrigins: [String] = [],
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
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
        self.headerTimeout = headerTimeout
        self.allowedOrigins = allowedOrigins
        self.login = login
    }

    static let keys = [
        "enabled", "host", "port", "open_reading", "session_hours", "commands_per_minute", "tokens", "users", "max_connections", "idle_timeout",
        "header_timeout", "allowed_origins", "login",
    ]

    /// Reads the section, reporting each bad key as a problem.
    static func parse(_ section: ConfigurationSection) -> HTTPConfiguration {
        var http = HTTPConfiguration()
        http.enabled = section.bool("enabled") ?? http.enabled
        if let host = section.string("host") {
            if let reason = ListenAddress.problem(with: host) {
                section.problem("host", reason)
            } else {
                http.host = host
            }
        }
        http.port = section.int("port", in: 0...65_535) ?? http.port
        http.openReading = section.bool("open_reading") ?? http.openReading
        http.sessionHours = section.int("session_hours", in: 1...8_760) ?? http.sessionHours
        http.commandsPerMinute = section.int("commands_per_minute", in: 1...600) ?? http.commandsPerMinute
        http.maxConnections = section.int("max_connections", in: 8...100_000) ?? http.maxConnections
        http.idleTimeout = section.duration("idle_timeout", in: .seconds(1) ... .seconds(3_600)) ?? http.idleTimeout
        http.headerTimeout = section.duration("header_timeout", in: .milliseconds(100) ... .seconds(600)) ?? http.headerTimeout
        for origin in section.stringList("allowed_origins") ?? [] {
            let trimmed = origin.hasSuffix("/") ? String(origin.dropLast()) : origin
            if trimmed.hasPrefix("http://") || trimmed.hasPrefix("https://") {
                http.allowedOrigins.append(trimmed)
            } else {
                section.problem("allowed_origins", "an origin is a scheme and host like https://ha.example.net; got '\(origin)'")
            }
        }
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
