#if canImport(Glibc)
import Glibc
#endif
import AsyncHTTPClient
import Foundation
import HeliographTesting
import NIOCore
import Synchronization

/// Helpers for tests against servers we did not write (Prometheus, promtool).

/// A GET over plain HTTP: status, body and content type.
func httpGet(_ url: String) async throws -> (status: Int, body: String, contentType: String?) {
    let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
    let body = try await response.body.collect(upTo: 32 << 20)
    return (Int(response.status.code), String(buffer: body), response.headers.first(name: "Content-Type"))
}

/// Runs a tool to completion, stdin from a file; status and combined output.
func runTool(_ executable: String, _ arguments: [String], stdin: URL? = nil) async throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let stdin { process.standardInput = try FileHandle(forReadingFrom: stdin) }
    let output = TextCollector()
    let collect: @Sendable (Data) -> Void = { chunk in output.append(chunk) }
    var readers: (stdout: PipeReader, stderr: PipeReader)?
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do { readers = try launch(process, stdout: collect, stderr: collect) } catch { continuation.resume(throwing: error) }
    }
    await readers?.stdout.finished()
    await readers?.stderr.finished()
    return (status, output.text)
}

/// A port on 127.0.0.1 that was free a moment ago (for servers that cannot report the one they picked).
func freeLocalPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw TestFailure("socket() failed") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
    }
    guard ok else { throw TestFailure("cannot bind a local port") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A server run as a child process for one test; killed when the test lets go of it.
final class ChildServer: Sendable {
    let process: Process
    private let output = TextCollector()
    private let readers: (stdout: PipeReader, stderr: PipeReader)

    init(_ executable: String, _ arguments: [String]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = self.output
        let append: @Sendable (Data) -> Void = { data in output.append(data) }
        readers = try launch(process, stdout: append, stderr: append)
    }

    var log: String { output.text }

    func kill() {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGTERM) }
    }

    deinit {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
    }
}

/// Collects a child's output from its reader threads.
final class TextCollector: Sendable {
    private let data = Mutex(Data())

    func append(_ chunk: Data) { data.withLock { $0.append(chunk) } }
    var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }
}
