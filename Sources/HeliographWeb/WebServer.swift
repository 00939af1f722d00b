import HeliographCore
import Hummingbird
import HummingbirdWebSocket
import Logging
import ServiceLifecycle

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
        self.api = try WebAPI(configuration: configuration, dependencies: dependencies)
        self.logger = logger
        self.onServerRunning = onServerRunning
    }

    /// The Hummingbird application, for tests (`app.test(.router)`) and for `run()`.
    public func makeApplication() -> some ApplicationProtocol {
        let router = api.makeRouter()
        let onRunning = onServerRunning
        let logger = logger
        return Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: router),
            configuration: .init(address: .hostname(api.configuration.host, port: api.configuration.port), serverName: "heliograph"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("web server listening", metadata: ["http.port": "\(port)"])
                await onRunning(port)
            },
            logger: logger
        )
    }

    /// Every route the router serves, as `METHOD /path` (for the OpenAPI consistency test).
    public func routeList() -> [String] {
        api.makeRouter().routes.map { "\($0.method) \($0.path)" }
    }

    public func run() async throws {
        try await makeApplication().run()
    }
}
