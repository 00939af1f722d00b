import HeliographControl

/// Settings of the web server.
///
/// Config keys (under `http`): `host` (String, default `0.0.0.0`: the LAN), `port` (Int, default 8080;
/// 0 picks a free port), `open_reading` (Bool, default true: pages and read-only API need no login),
/// `session_hours` (Int, default 12), `sessions_file` (String, default `sessions.json` beside the database), `auth.tokens` (name → secret), `auth.users` (name → bcrypt hash),
/// `max_connections`, `idle_timeout`, `header_timeout` (see `ConnectionLimits`), `allowed_origins`.
/// `login.*` (how many password checks run and wait, and the per-client and per-user attempt limits).
public struct WebConfiguration: Sendable, Hashable {
    /// `http.enabled`: false runs the daemon without the web server.
    public var enabled: Bool
    public var host: String
    public var port: Int
    /// When false, every API read also needs a token or a login (the pages still load, then ask to log in).
    public var openReading: Bool
    public var sessionLifetime: Duration
    /// Where login sessions are kept (hashed) across restarts; nil keeps them in memory only. The daemon
    /// puts them beside its database unless `http.sessions_file` says otherwise.
    public var sessionsFile: String?
    public var credentials: Credentials
    /// How often the page polls `/api/v1/latest` when its WebSocket is down.
    public var fallbackPollSeconds: Int
    /// Connection count and timeouts that keep idle or slow clients from starving the daemon.
    public var limits: ConnectionLimits
    /// Origins (`https://ha.example.net`) besides the server's own whose pages may open the live
    /// WebSocket; a browser sends `Origin`, and a foreign one is refused.
    public var allowedOrigins: [String]
    /// Attempts per client address and per user name (`LoginLimiter`).
    public var loginLimits: LoginLimiter.Limits
    /// Threads and queue for bcrypt checks (`PasswordCheckThreads`).
    public var passwordChecks: PasswordCheckThreads.Limits
    /// `http.commands_per_minute`: the daemon's CommandGate limit for setting changes (web and MQTT alike);
    /// read with the web server's keys, where users look for it.
    public var commandsPerMinute: Int

    public init(
        enabled: Bool = true,
        host: String = "0.0.0.0",
        port: Int = 8080,
        openReading: Bool = true,
        sessionLifetime: Duration = .seconds(12 * 3_600),
        sessionsFile: String? = nil,
        credentials: Credentials = Credentials(),
        fallbackPollSeconds: Int = 5,
        limits: ConnectionLimits = ConnectionLimits(),
        allowedOrigins: [String] = [],
        loginLimits: LoginLimiter.Limits = LoginLimiter.Limits(),
        passwordChecks: PasswordCheckThreads.Limits = PasswordCheckThreads.Limits(),
        commandsPerMinute: Int = 10
    ) {
        self.enabled = enabled
        self.host = host
        self.port = port
        self.openReading = openReading
        self.sessionLifetime = sessionLifetime
        self.sessionsFile = sessionsFile
        self.credentials = credentials
        self.fallbackPollSeconds = fallbackPollSeconds
        self.limits = limits
        self.allowedOrigins = allowedOrigins
        self.loginLimits = loginLimits
        self.passwordChecks = passwordChecks
        self.commandsPerMinute = commandsPerMinute
    }
}
