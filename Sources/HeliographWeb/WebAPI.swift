import Foundation
import HeliographControl
import HeliographCore
import Hummingbird
import HummingbirdWebSocket
import Logging
import Metrics
import Synchronization

/// The handlers behind every route; the `Routes+*.swift` files register them.
final class WebAPI: Sendable {
    let configuration: WebConfiguration
    let dependencies: WebDependencies
    let authenticator: Authenticator
    let sessions: SessionStore
    let started = Date()
    let requests = Atomic<Int>(0)
    let liveClients = Atomic<Int>(0)
    /// Every open connection, held under `configuration.limits.maxConnections`.
    let connections: ConnectionRegistry
    /// Login attempts per client address and per user name, so a password cannot be guessed at bcrypt speed.
    let loginLimiter: Mutex<LoginLimiter>
    /// Where bcrypt runs: threads of its own, never the concurrency pool the poller and store share.
    let passwordChecks: PasswordCheckThreads

    init(configuration: WebConfiguration, dependencies: WebDependencies, logger: Logger = Logger(label: "heliograph.web")) throws(HeliographError) {
        self.configuration = configuration
        self.dependencies = dependencies
        self.connections = ConnectionRegistry(limit: configuration.limits.maxConnections, logger: logger)
        do {
            self.authenticator = try Authenticator(credentials: configuration.credentials)
        } catch {
            throw error.heliographError
        }
        self.sessions = SessionStore(
            lifetime: configuration.sessionLifetime,
            file: configuration.sessionsFile.map { URL(fileURLWithPath: $0) },
            logger: logger
        )
        self.loginLimiter = Mutex(LoginLimiter(limits: configuration.loginLimits))
        self.passwordChecks = PasswordCheckThreads(limits: configuration.passwordChecks)
    }

    var store: any SampleStore { dependencies.store }

    /// Builds the router: security headers outermost so every answer carries them, then the error
    /// middleware so it wraps everything else, then the HTML page for unknown paths a browser asked
    /// for, then caller resolution, then routes.
    func makeRouter() -> Router<WebRequestContext> {
        let router = Router(context: WebRequestContext.self)
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: JSONErrorMiddleware())
        router.add(middleware: PageNotFoundMiddleware())
        router.add(middleware: CountingMiddleware(requests: self))
        router.add(middleware: CallerMiddleware(authenticator: authenticator, sessions: sessions, openReading: configuration.openReading))
        addPageRoutes(to: router)
        addDeviceRoutes(to: router)
        addHistoryRoutes(to: router)
        addEnergyRoutes(to: router)
        addControlRoutes(to: router)
        addCompatibilityRoutes(to: router)
        addHealthRoutes(to: router)
        addLiveRoutes(to: router)
        addAutomationRoutes(to: router)
        router.get("/openapi.json") { _, _ in Self.bytes(OpenAPIDocument.json, contentType: "application/json; charset=utf-8") }
        return router
    }

    // MARK: Shared helpers

    /// Runs a store query, recording its duration as `heliograph.store.query.duration{operation}`.
    func timed<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        let started = ContinuousClock.now
        defer {
            Metrics.Timer(label: "heliograph.store.query.duration", dimensions: [("operation", operation)]).record(duration: ContinuousClock.now - started)
        }
        return try await body()
    }

    /// The newest sample of every registered device, skipping devices with no data yet.
    func latestSamples() async throws -> [Sample] {
        try await latestReadings().map(\.readings.sample)
    }

    /// Every device's newest values, each with the time it was read, and the device's descriptor.
    func latestReadings() async throws -> [(descriptor: DeviceDescriptor, readings: LatestReadings)] {
        var result: [(descriptor: DeviceDescriptor, readings: LatestReadings)] = []
        for device in try await store.devices() {
            if let readings = try await store.latestReadings(device: device.descriptor.id) { result.append((device.descriptor, readings)) }
        }
        return result
    }

    func registered(_ id: DeviceID) async throws -> RegisteredDevice {
        guard let device = try await store.devices().first(where: { $0.descriptor.id == id }) else {
            throw HeliographError(.notFound, "no device \(id)")
        }
        return device
    }

    func resource(_ device: RegisteredDevice) -> DeviceResource {
        DeviceResource(
            device,
            settings: dependencies.gate?.allowList[device.descriptor.id] ?? [],
            health: dependencies.health?(device.descriptor.id),
            now: Date()
        )
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? APIJSON.encoder().encode(value)) ?? Data("null".utf8)
        return bytes(data, contentType: "application/json; charset=utf-8", status: status)
    }

    static func bytes(_ data: some Collection<UInt8>, contentType: String, cache: String = "no-cache", status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.cacheControl] = cache
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Counts requests for `/stats`.
struct CountingMiddleware<Context: RequestContext>: RouterMiddleware {
    let requests: WebAPI

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        requests.requests.add(1, ordering: .relaxed)
        return try await next(request, context)
    }
}
