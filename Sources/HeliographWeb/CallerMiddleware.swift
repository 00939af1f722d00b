import HTTPTypes
import Foundation
import HeliographControl
import HeliographCore
import Hummingbird

/// Works out who is calling from `Authorization: Bearer <token>` (an API token or a login session),
/// `X-API-Key`, or `?token=` (browsers cannot set headers on a WebSocket), and enforces the read policy.
struct CallerMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    let authenticator: Authenticator
    let sessions: SessionStore
    let openReading: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let presented = Self.presentedToken(request) {
            guard let caller = await resolve(presented) else {
                throw HeliographError(.unauthorized, "the token or session is not valid (expired or unknown)")
            }
            context.caller = caller
        }
        if !openReading, context.caller == nil, !Self.isPublic(request.uri.path) {
            throw HeliographError(.unauthorized, "reading needs a token or a login on this server")
        }
        return try await next(request, context)
    }

    func resolve(_ token: String) async -> Caller? {
        if let caller = authenticator.caller(forToken: token) { return caller }
        return await sessions.caller(for: token)
    }

    static func presentedToken(_ request: Request) -> String? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return String(parts[1]).trimmingCharacters(in: .whitespaces) }
        }
        if let key = request.headers[HTTPField.Name("X-API-Key")!], !key.isEmpty { return key }
        if let token = request.uri.queryParameters["token"], !token.isEmpty { return String(token) }
        return nil
    }

    /// Paths open even when reading is closed: the page shell, login, health probes and the API description.
    /// `/stats` and `/metrics` carry readings, so they need a token then (Prometheus sends one with `authorization`).
    static func isPublic(_ path: String) -> Bool {
        !path.hasPrefix("/api") && path != "/stats" && path != "/metrics" || path == "/api/v1/login" || path == "/api/v1/session"
    }
}

extension WebRequestContext {
    /// The caller, or a 401 explaining how to authenticate.
    func requireCaller() throws(HeliographError) -> Caller {
        guard let caller else {
            throw HeliographError(.unauthorized, "changing settings needs an API token (Authorization: Bearer …) or a login")
        }
        return caller
    }
}
