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
///   sessions_file: /var/lib/heliograph/sessions.json   # logins kept (hashed) across restarts; default beside the database
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
///   login: { … }           # limits on password logins, see `parseLogin(_:into:)`
/// ```
extension WebConfiguration {
    static let keys = [
        "enabled", "host", "port", "open_reading", "session_hours", "sessions_file", "commands_per_minute", "tokens", "users", "max_connections", "idle_timeout",
        "header_timeout", "allowed_origins", "login",
    ]

    /// Reads the section, reporting each bad key as a problem; absent keys keep their defaults.
    public static func parse(_ section: ConfigurationSection) -> WebConfiguration {
        var http = WebConfiguration()
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
        if let hours = section.int("session_hours", in: 1...8_760) { http.sessionLifetime = .seconds(hours * 3_600) }
        if let file = section.string("sessions_file") {
            if file.hasPrefix("/") { http.sessionsFile = file } else { section.problem("sessions_file", "must be an absolute path; got '\(file)'") }
        }
        http.commandsPerMinute = section.int("commands_per_minute", in: 1...600) ?? http.commandsPerMinute
        http.limits.maxConnections = section.int("max_connections", in: 8...100_000) ?? http.limits.maxConnections
        http.limits.idleTimeout = section.duration("idle_timeout", in: .seconds(1) ... .seconds(3_600)) ?? http.limits.idleTimeout
        http.limits.headerTimeout = section.duration("header_timeout", in: .milliseconds(100) ... .seconds(600)) ?? http.limits.headerTimeout
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
                http.credentials.tokens[name] = secret.value
            }
        }
        let users = section.section("users")
        for name in users.keys {
            guard let hash = users.string(name) else { continue }
            if let problem = PasswordHash.problem(with: hash) {
                let advice = PasswordHash.prefixes.contains(where: hash.hasPrefix) ? "this hash cannot be used to log in (\(problem))" : "store a bcrypt hash ($2y$…), never the password"
                users.problem(name, "\(advice); make one with htpasswd -nbBC 12 \(name) PASSWORD")
            } else {
                http.credentials.users[name] = hash
            }
        }
        parseLogin(section.section("login"), into: &http)
        section.reportUnknownKeys(allowed: keys)
        return http
    }

    /// The `http.login:` subsection: how password logins are limited. Every key is optional.
    ///
    /// ```yaml
    /// http:
    ///   login:
    ///     threads: 1             # bcrypt checks running at once, each on a thread of its own (1–8)
    ///     queue: 8               # checks waiting for a thread (0–256); beyond that 503 + Retry-After
    ///     max_wait: 2s           # a check that waited longer is answered 503 + Retry-After instead
    ///     per_client: 10         # attempts from one address at once (any user name) …
    ///     per_client_every: 6s   # … then one per this interval
    ///     per_user: 5            # failed attempts at one user name at once …
    ///     per_user_every: 12s    # … then one per this interval, for the addresses that failed
    ///     tracked: 4096          # addresses and names remembered per table (oldest forgotten first)
    /// ```
    static let loginKeys = ["threads", "queue", "max_wait", "per_client", "per_client_every", "per_user", "per_user_every", "tracked"]

    /// Reads `http.login:`, reporting each bad key as a problem.
    static func parseLogin(_ section: ConfigurationSection, into login: inout WebConfiguration) {
        var checks = login.passwordChecks
        checks.threads = section.int("threads", in: 1...8) ?? checks.threads
        checks.queue = section.int("queue", in: 0...256) ?? checks.queue
        checks.maximumWait = section.duration("max_wait", in: .milliseconds(10)...(.seconds(60))) ?? checks.maximumWait
        login.passwordChecks = checks
        var limits = login.loginLimits
        limits.perClient.burst = section.int("per_client", in: 1...100_000) ?? limits.perClient.burst
        limits.perClient.interval = section.duration("per_client_every", in: .milliseconds(1)...(.seconds(86_400))).map(seconds) ?? limits.perClient.interval
        limits.perUser.burst = section.int("per_user", in: 1...100_000) ?? limits.perUser.burst
        limits.perUser.interval = section.duration("per_user_every", in: .milliseconds(1)...(.seconds(86_400))).map(seconds) ?? limits.perUser.interval
        limits.trackedKeys = section.int("tracked", in: 16...1_000_000) ?? limits.trackedKeys
        login.loginLimits = limits
        section.reportUnknownKeys(allowed: loginKeys)
    }
}
