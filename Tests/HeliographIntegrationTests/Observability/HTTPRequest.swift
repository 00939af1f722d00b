import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// GET or POST over plain HTTP; status and body, or nil when nothing answers.
func httpRequest(_ url: String, method: HTTPMethod = .GET, form: String? = nil) async -> (status: Int, body: String)? {
    var request = HTTPClientRequest(url: url)
    request.method = method
    if let form {
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: form))
    }
    guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(5)),
        let body = try? await response.body.collect(upTo: 16 << 20)
    else { return nil }
    return (Int(response.status.code), String(buffer: body))
}
