import CompressNIO
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization

/// A stand-in for an InfluxDB 2.x server that records every write request and answers with the
/// statuses it is told to (then 204), to check headers, query, body and retry behaviour.
final class RecordingInfluxServer: Sendable {
    struct Recorded: Sendable {
        var path: String
        var query: [String: String]
        var headers: [String: String]
        /// The body after gzip decoding (when `Content-Encoding: gzip`), as text.
        var text: String
        var status: Int
        var lines: [String] { text.split(separator: "\n").map(String.init) }
    }

    private let state = Mutex<(requests: [Recorded], script: [Int])>(([], []))

    /// Statuses to answer the next requests with, in order; afterwards 204.
    func answer(_ statuses: [Int]) { state.withLock { $0.script = statuses } }
    var requests: [Recorded] { state.withLock { $0.requests } }
    /// Lines of the accepted (2xx) requests, in arrival order.
    var acceptedLines: [String] { requests.filter { (200..<300).contains($0.status) }.flatMap(\.lines) }

    func makeApplication() -> some ApplicationProtocol {
        let router = Router()
        router.post("/api/v2/write") { request, _ -> Response in
            var body = try await request.body.collect(upTo: 64 << 20)
            let gzip = request.headers[.contentEncoding] == "gzip"
            let text = gzip ? String(buffer: try body.decompress(with: .gzip())) : String(buffer: body)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            var query: [String: String] = [:]
            for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
            let status = self.state.withLock { state -> Int in
                let status = state.script.isEmpty ? 204 : state.script.removeFirst()
                state.requests.append(Recorded(path: request.uri.path, query: query, headers: headers, text: text, status: status))
                return status
            }
            return Response(status: .init(code: status), body: .init(byteBuffer: ByteBuffer(string: status == 204 ? "" : #"{"code":"x","message":"scripted \#(status)"}"#)))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }
}
