import Foundation
import HeliographControl
import HeliographCore
import Hummingbird

extension WebAPI {
    /// `POST /api/v1/login`: a user name and password, or an API token alone (`{"token": "…"}`); either
    /// opens a session. Limits first (per client address, then per user name), then bcrypt on the
    /// password threads, then a session. Refusals answer at once, without hashing: 429 when this client has
    /// tried too often, 503 when every password thread and queue place is taken; both with `Retry-After`.
    /// A wrong password or token is a 401 that says which of the two was wrong.
    func login(_ request: Request, context: WebRequestContext) async throws -> Response {
        let login = try await request.decode(as: LoginRequest.self, context: context)
        let client = context.clientAddress ?? "unknown"
        if let token = login.token?.trimmingCharacters(in: .whitespaces), !token.isEmpty {
            return try await tokenLogin(token, client: client)
        }
        guard let user = login.user, !user.isEmpty, let password = login.password, !password.isEmpty else {
            throw HeliographError(.invalidRequest, "sign in with a user name and password, or with an API token alone")
        }
        if let wait = loginLimiter.withLock({ $0.admit(client: client, user: user, now: Date()) }) {
            return Self.refused(.tooManyAttempts(retryAfter: wait))
        }
        let caller: Caller?
        do {
            let authenticator = self.authenticator
            caller = try await passwordChecks.run { authenticator.caller(user: user, password: password) }
        } catch {
            context.logger.debug("login refused: password checks busy", metadata: ["http.client": "\(client)"])
            return Self.refused(error)
        }
        loginLimiter.withLock { $0.record(client: client, user: user, succeeded: caller != nil, now: Date()) }
        guard let caller else {
            throw HeliographError(.unauthorized, "wrong user name or password")
        }
        let session = await sessions.open(for: caller)
        return Self.json(sessionResource(caller: caller, token: session.token, expires: session.expires))
    }

    /// Signs in with an API token: the same per-client limit as passwords (a token is a secret to guess too),
    /// then a session for the token's name, so the page can sign out without forgetting the token.
    private func tokenLogin(_ token: String, client: String) async throws -> Response {
        if let wait = loginLimiter.withLock({ $0.admit(client: client, user: Self.tokenLoginName, now: Date()) }) {
            return Self.refused(.tooManyAttempts(retryAfter: wait))
        }
        let caller = authenticator.caller(forToken: token)
        loginLimiter.withLock { $0.record(client: client, user: Self.tokenLoginName, succeeded: caller != nil, now: Date()) }
        guard let caller else {
            throw HeliographError(.unauthorized, "this API token is not valid; tokens are the secrets under http.tokens, matched exactly")
        }
        let session = await sessions.open(for: caller)
        return Self.json(sessionResource(caller: caller, token: session.token, expires: session.expires))
    }

    /// The name token sign-ins are limited under (no user name can contain a NUL).
    static let tokenLoginName = "\u{0}token"

    /// The JSON error for a refused attempt, with `Retry-After`. Never repeats the user name, which may be
    /// anything up to the 64 KB body limit.
    static func refused(_ refusal: LoginRefusal) -> Response {
        let seconds = refusal.retryAfterSeconds
        var response =
            switch refusal {
            case .tooManyAttempts:
                JSONErrorMiddleware<WebRequestContext>.response(
                    .tooManyRequests, code: HeliographError.Code.rateLimited.description, message: "too many login attempts; retry in \(seconds) s")
            case .busy:
                JSONErrorMiddleware<WebRequestContext>.response(
                    .serviceUnavailable, code: "busy", message: "too many logins at once; retry in \(seconds) s")
            }
        response.headers[.retryAfter] = "\(seconds)"
        return response
    }
}
