import HTTPTypes
import Foundation
import HeliographControl
import HeliographCore
import Hummingbird

/// Works out who is calling from `Authorization: Bearer <token>` (an API token or a login session),
/// `X-API-Key`, or `?token=` (browsers cannot set headers on a WebSocket), and enforces the read policy.
///
/// `?token=` is accepted on reads only (GET/HEAD, which is what the WebSocket upgrade is): a token in a
/// URL ends up in browser history, proxy logs and `Referer` headers, so a request that changes
/// something must carry it in a header.
struct CallerMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    let authenticator: Authenticator
    let sessions: SessionStore
    let openReading: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if Self.headerToken(request) == nil, Self.queryToken(request) != nil, !Self.isRead(request.method) {
            throw HeliographError(.unauthorized, "a token in the URL is accepted for reading only; send it as Authorization: Bearer … (or X-API-Key)")
        }
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
        headerToken(request) ?? queryToken(request)
    }

    /// `Authorization: Bearer …` or `X-API-Key`.
    static func headerToken(_ request: Request) -> String? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return String(parts[1]).trimmingCharacters(in: .whitespaces) }
        }
        if let key = request.headers[HTTPField.Name("X-API-Key")!], !key.isEmpty { return key }
        return nil
    }

    static func queryToken(_ request: Request) -> String? {
        guard let token = request.uri.queryParameters["token"], !token.isEmpty else { return nil }
        return String(token)
    }

    /// Methods that change nothing, so a token in their URL is tolerated.
    static func isRead(_ method: HTTPRequest.Method) -> Bool {
        method == .get || method == .head
    }

    /// Paths open even when reading is closed: the page shell, login, health probes and the API description.
    /// `/stats` and `/metrics` carry readings, so they need a token then (Prometheus sends one with `authorization`).
    static func isPublic(_ path: String) -> Bool {
        !path.hasPrefix("/api") && path != "/stats" && path != "/metrics" || path == "/api/v1/login" || path == "/api/v1/session"
    }
}

extension WebRequestContext {
    /// The caller, or a 401 explaining how to authenticate for `purpose`.
    func requireCaller(for purpose: String = "changing settings") throws(HeliographError) -> Caller {
        guard let caller else {
            throw HeliographError(.unauthorized, "\(purpose) needs an API token (Authorization: Bearer …) or a login")
        }
        return caller
    }
}
