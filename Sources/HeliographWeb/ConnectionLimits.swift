/// How many connections the web server keeps and how long a quiet one may stay.
///
/// A browser on the LAN needs a handful of connections; these limits stop idle or slow clients
/// (slowloris, a TLS client on the plain port, a flood of idle sockets) from using up the daemon's
/// file descriptors, which the pollers, the database and MQTT need as much as the web server does.
public struct ConnectionLimits: Sendable, Hashable {
    /// Connections held open at once. At the limit, a new connection closes the least recently
    /// active idle one to make room (so `/health` and the dashboard keep answering during a flood);
    /// when every connection is busy with a request, the new one is closed instead.
    public var maxConnections: Int
    /// How long a kept-alive connection may sit with no request before it is closed.
    public var idleTimeout: Duration
    /// How long a new connection has to deliver its first request head (method, path, headers).
    public var headerTimeout: Duration
    /// The largest request head accepted; a bigger one is answered 431 and closed.
    public var maxHeaderBytes: Int

    public init(maxConnections: Int = 512, idleTimeout: Duration = .seconds(60), headerTimeout: Duration = .seconds(10), maxHeaderBytes: Int = 32 * 1024) {
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
        self.headerTimeout = headerTimeout
        self.maxHeaderBytes = maxHeaderBytes
    }
}
