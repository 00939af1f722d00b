import AsyncHTTPClient
import HeliographCore
import Logging
import NIOCore

/// Fetches one `WeatherReport` over HTTP. The transport only: decoding is `OpenMeteoDecoder`'s.
public struct OpenMeteoClient: Sendable {
    public var request: OpenMeteoRequest
    /// Longest a whole request (connect, answer, body) may take.
    public var timeout: Duration
    /// Bodies larger than this are refused (a 48-hour forecast is about 10 KB).
    public var maximumBodyBytes: Int
    private let http: HTTPClient

    /// - Parameter http: defaults to the process-wide shared client, which needs no shutdown.
    public init(request: OpenMeteoRequest, timeout: Duration = .seconds(10), maximumBodyBytes: Int = 4 << 20, http: HTTPClient = .shared) {
        self.request = request
        self.timeout = timeout
        self.maximumBodyBytes = maximumBodyBytes
        self.http = http
    }

    /// Asks once. Errors: `timeout`, `connectionFailed`, `unexpectedResponse` (HTTP status other than 200),
    /// `deviceRejected` (Open-Meteo's own error body), `malformedFrame` (not the documented JSON).
    public func fetch(logger: Logger) async throws -> WeatherReport {
        let url = request.url
        var outgoing = HTTPClientRequest(url: url)
        outgoing.method = .GET
        outgoing.headers.add(name: "Accept", value: "application/json")
        outgoing.headers.add(name: "User-Agent", value: "heliograph")
        let seconds = timeout.components.seconds
        let amount = TimeAmount.nanoseconds(seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
        let body: ByteBuffer
        let status: UInt
        do {
            let response = try await http.execute(outgoing, timeout: amount, logger: logger)
            status = response.status.code
            body = try await response.body.collect(upTo: maximumBodyBytes)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw HeliographError(.timeout, "Open-Meteo did not answer within \(timeout) (\(request.baseURL))", underlying: error)
        } catch let error as NIOTooManyBytesError {
            throw HeliographError(.malformedFrame, "Open-Meteo answer is larger than \(maximumBodyBytes) bytes", underlying: error)
        } catch {
            throw HeliographError(.connectionFailed, "cannot reach Open-Meteo at \(request.baseURL): \(error)", underlying: error)
        }
        let bytes = Array(buffer: body)
        guard status == 200 else {
            // Open-Meteo explains 400s in a JSON body; keep that reason when there is one.
            var reason = String(decoding: bytes.prefix(300), as: UTF8.self)
            do {
                _ = try OpenMeteoDecoder.decode(bytes)
            } catch let error {
                if error.code == .deviceRejected { reason = error.message }
            }
            throw HeliographError(.unexpectedResponse, "Open-Meteo answered HTTP \(status): \(reason)")
        }
        return try OpenMeteoDecoder.decode(bytes)
    }
}
