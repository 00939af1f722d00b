import Foundation
import HeliographControl
import HeliographCore
import Hummingbird

extension WebAPI {
    /// `POST /api/v1/login`: limits first (per client address, then per user name), then bcrypt on the
    /// password threads, then a session. Refusals answer at once, without hashing: 429 when this client has
    /// tried too often, 503 when every password thread and queue place is taken; both with `Retry-After`.
    func login(_ request: Request, context: WebRequestContext) async throws -> Response {
        let login = try await request.decode(as: LoginRequest.self, context: context)
        let client = context.clientAddress ?? "unknown"
        if let wait = loginLimiter.withLock({ $0.admit(client: client, user: login.user, now: Date()) }) {
            return Self.refused(.tooManyAttempts(retryAfter: wait))
        }
        let caller: Caller?
        do {
            let authenticator = self.authenticator
            caller = try await passwordChecks.run { authenticator.caller(user: login.user, password: login.password) }
        } catch {
            context.logger.debug("login refused: password checks busy", metadata: ["http.client": "\(client)"])
            return Self.refused(error)
        }
        loginLimiter.withLock { $0.record(client: client, user: login.user, succeeded: caller != nil, now: Date()) }
        guard let caller else {
            throw HeliographError(.unauthorized, "wrong user name or password")
        }
        let session = await sessions.open(for: caller)
        return Self.json(sessionResource(caller: caller, token: session.token, expires: session.expires))
    }

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
