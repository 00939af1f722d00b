import AsyncHTTPClient
import Foundation
import NIOCore

/// Helpers for tests against servers we did not write (Prometheus).

/// A GET over plain HTTP: status, body and content type.
func httpGet(_ url: String) async throws -> (status: Int, body: String, contentType: String?) {
    let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
    let body = try await response.body.collect(upTo: 32 << 20)
    return (Int(response.status.code), String(buffer: body), response.headers.first(name: "Content-Type"))
}
