import HeliographCore
import HeliographTransport
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The web dashboard, REST API and live WebSocket as one `Service`.
public struct WebServer: Service {
    let api: WebAPI
    private let logger: Logger
    private let onServerRunning: @Sendable (Int) async -> Void

    /// - Parameter onServerRunning: called with the bound port once the server listens (port 0 picks one).
    public init(
        configuration: WebConfiguration,
        dependencies: WebDependencies,
        logger: Logger = Logger(label: "heliograph.web"),
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws(HeliographError) {
        self.api = try WebAPI(configuration: configuration, dependencies: dependencies, logger: logger)
        self.logger = logger
        self.onServerRunning = onServerRunning
    }

    /// The Hummingbird application, for tests (`app.test(.router)`) and for `run()`.
    public func makeApplication() -> some ApplicationProtocol {
        makeApplication(unserved: UnservedConnections())
    }

    /// - Parameter unserved: holds connections accepted but not yet handed to a task (see `run`).
    func makeApplication(unserved: UnservedConnections<HTTP1WebSocketUpgradeChannel.Value>) -> some ApplicationProtocol {
        let router = api.makeRouter()
        let onRunning = onServerRunning
        let logger = logger
        return Application(
            router: router,
            server: Self.guardedServer(webSocketRouter: router, limits: api.configuration.limits, registry: api.connections, unserved: unserved),
            configuration: .init(address: .hostname(api.configuration.host, port: api.configuration.port), serverName: "heliograph"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("web server listening", metadata: ["http.port": "\(port)"])
                await onRunning(port)
            },
            logger: logger
        )
    }

    /// HTTP/1 with WebSocket upgrade, each connection counted and guarded (`GuardedChildChannel`);
    /// keep-alive connections close after the idle timeout and request heads are size-limited.
    static func guardedServer(
        webSocketRouter: Router<WebRequestContext>,
        limits: ConnectionLimits,
        registry: ConnectionRegistry,
        unserved: UnservedConnections<HTTP1WebSocketUpgradeChannel.Value>
    ) -> HTTPServerBuilder {
        let webSocketResponder = webSocketRouter.buildResponder()
        let headLimit = HTTP1Channel.Configuration.DecoderConfiguration(maxHeaderFieldSize: limits.maxHeaderBytes, maxHeaderListSize: limits.maxHeaderBytes)
        let http1 = HTTP1Channel.Configuration(idleTimeout: TimeAmount(limits.idleTimeout), httpDecoderConfiguration: headLimit)
        return HTTPServerBuilder { responder in
            GuardedChildChannel(
                inner: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder, configuration: .init(http1: http1)),
                limits: limits,
                registry: registry,
                unserved: unserved
            )
        }
    }

    /// The routes that serve the dashboard's pages and files rather than the API, as `GET /path`.
    public static var dashboardRoutes: Set<String> { Set(WebAPI.pagePaths.map { "GET \($0)" }) }

    /// Every route the router serves, as `METHOD /path` (for the OpenAPI consistency test).
    public func routeList() -> [String] {
        api.makeRouter().routes.map { "\($0.method) \($0.path)" }
    }

    /// Counts of the connection guard, for tests and `/stats`.
    public var connectionStatistics: ConnectionStatistics { api.connections.statistics }

    /// Serves until shutdown. A failure to listen (the port in use, an address this machine does
    /// not have) is reported as one `HeliographError` naming `http.host`/`http.port`, not NIO's text.
    public func run() async throws {
        // However the server ends (graceful shutdown, cancellation, an error), connections accepted
        // in its last moments are closed here rather than dropped.
        let unserved = UnservedConnections<HTTP1WebSocketUpgradeChannel.Value>()
        defer { unserved.closeAll() }
        do {
            try await makeApplication(unserved: unserved).run()
        } catch let error as IOError {
            throw Self.listenError(error, host: api.configuration.host, port: api.configuration.port)
        } catch let error as SocketAddressError {
            throw HeliographError(.invalidConfiguration, "cannot listen on \(api.configuration.host):\(api.configuration.port): \(error); check http.host", device: "http")
        }
    }

    static func listenError(_ error: IOError, host: String, port: Int) -> HeliographError {
        let address = "\(host):\(port)"
        switch error.errnoCode {
        case EADDRINUSE:
            return HeliographError(.connectionFailed, "cannot listen on \(address): the port is already in use (another heliograph, or another program); stop it or change http.port", device: "http")
        case EADDRNOTAVAIL:
            return HeliographError(.connectionFailed, "cannot listen on \(address): this machine has no such address; check http.host", device: "http")
        case EACCES:
            return HeliographError(.connectionFailed, "cannot listen on \(address): permission denied (ports below 1024 need privileges); change http.port", device: "http")
        default:
            return HeliographError(.connectionFailed, "cannot listen on \(address): \(error.description)", device: "http")
        }
    }
}
