import Foundation
import HeliographCore
import HTTPTypes
import Hummingbird

/// The JSON body of every error response: `{"error": {"status": 404, "code": "not found", "message": "…"}}`.
struct APIErrorBody: Codable, Sendable {
    struct Detail: Codable, Sendable {
        var status: Int
        var code: String
        var message: String
        var device: String?
    }

    var error: Detail
}

extension HeliographError.Code {
    /// The HTTP status a `HeliographError` with this code is reported with.
    var httpStatus: HTTPResponse.Status {
        switch self {
        case .invalidRequest: .badRequest
        case .notFound: .notFound
        case .unauthorized: .unauthorized
        case .settingRejected: .unprocessableContent
        case .rateLimited: .tooManyRequests
        case .timeout: .gatewayTimeout
        case .deviceUnavailable: .serviceUnavailable
        case .connectionFailed, .deviceRejected, .unexpectedResponse, .malformedFrame, .checksumMismatch: .badGateway
        default: .internalServerError
        }
    }
}

/// Turns every error thrown below it into a JSON error with the right status, so a bad request never
/// produces an HTML page, an empty body or a dropped connection.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HeliographError {
            if error.code.httpStatus.code >= 500 {
                context.logger.warning("request failed", metadata: ["http.path": "\(request.uri.path)", "error": "\(error)"])
            }
            return Self.response(error.code.httpStatus, code: error.code.description, message: error.message, device: error.device)
        } catch let error as any HTTPResponseError {
            let message = (error as? HTTPError)?.body ?? error.status.reasonPhrase
            return Self.response(error.status, code: error.status.reasonPhrase.lowercased(), message: message)
        } catch let error as DecodingError {
            return Self.response(.badRequest, code: "invalid request", message: "request body is not valid: \(Self.describe(error))")
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            context.logger.error("unexpected error", metadata: ["http.path": "\(request.uri.path)", "error": "\(error)"])
            return Self.response(.internalServerError, code: "internal error", message: "internal error")
        }
    }

    static func response(_ status: HTTPResponse.Status, code: String, message: String, device: DeviceID? = nil) -> Response {
        let body = APIErrorBody(error: .init(status: status.code, code: code, message: message, device: device?.rawValue))
        let data = (try? APIJSON.encoder().encode(body)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "missing field \(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            context.codingPath.isEmpty ? context.debugDescription : "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        @unknown default: "\(error)"
        }
    }
}
