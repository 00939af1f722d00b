#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AsyncHTTPClient
import Foundation
import HeliographTesting
import NIOCore
import NIOHTTP1
import Synchronization

/// A port on 127.0.0.1 that was free a moment ago: bound to port 0, read back, released. For
/// servers (influxd, prometheus) that cannot report the port they picked themselves.
func freePort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw TestFailure("socket() failed") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw TestFailure("bind() failed") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    guard named == 0 else { throw TestFailure("getsockname() failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A server we did not write (influxd, prometheus) run as a child process for one test.
final class ServerProcess: Sendable {
    let process: Process
    private let output = TextCollector()
    private let readers: (stdout: PipeReader, stderr: PipeReader)

    init(_ executable: String, _ arguments: [String], directory: URL? = nil) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let output = self.output
        let append: @Sendable (Data) -> Void = { data in output.append(data) }
        readers = try launch(process, stdout: append, stderr: append)
    }

    var log: String { output.text }

    /// SIGTERM, then waits for the process and its output to end.
    func stop(timeout: Duration = .seconds(30)) async throws {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        try await eventually(timeout: timeout, "\(process.executableURL?.lastPathComponent ?? "server") exits") { !self.process.isRunning }
        await readers.stdout.finished()
        await readers.stderr.finished()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

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

/// Collects a child's output from its reader threads.
final class TextCollector: Sendable {
    private let data = Mutex(Data())

    func append(_ chunk: Data) { data.withLock { $0.append(chunk) } }
    var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }
}
