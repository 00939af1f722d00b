#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// Reads a child process's pipe to end of file on a thread of its own, with plain blocking reads.
///
/// Why not `FileHandle.readabilityHandler`: on Linux it runs on dispatch sources, and a handle
/// closed while its source is still armed has crashed the whole test process inside libdispatch
/// (`_dispatch_event_loop_drain`), and its end-of-file callback can go missing under load. A
/// thread per pipe that owns the handle until EOF has neither problem.
public final class PipeReader: Sendable {
    private struct State {
        var finished = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Starts reading `handle` at once; `onData` gets every chunk in order, and `onEnd` the end of
    /// file, on the reader thread.
    public init(_ handle: FileHandle, onData: @escaping @Sendable (Data) -> Void, onEnd: @escaping @Sendable () -> Void = {}) {
        let descriptor = handle.fileDescriptor
        let thread = Thread { [self] in
            // The handle is captured so its descriptor stays open until the last read returns.
            withExtendedLifetime(handle) {
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                    if count > 0 {
                        onData(Data(buffer[0..<count]))
                    } else if count < 0 && errno == EINTR {
                        continue
                    } else {
                        break
                    }
                }
            }
            onEnd()
            let waiters = state.withLock { state in
                state.finished = true
                defer { state.waiters.removeAll() }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
        thread.name = "PipeReader fd \(descriptor)"
        thread.start()
    }

    /// True once end of file was reached (the writer and all its copies are closed).
    public var isFinished: Bool { state.withLock { $0.finished } }

    /// Returns once end of file was reached.
    public func finished() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.finished { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
}

/// A pipe for a child's stdin, stdout or stderr whose two descriptors are close-on-exec.
///
/// `Foundation.Pipe` descriptors are inherited by every child that any concurrently running test
/// spawns; such a grandchild keeps the write end open and the reader never sees end of file.
/// Here only the child that gets the descriptor through `dup2` (which clears the flag) inherits it
/// (`ChildProcess` also closes everything above stderr in its children).
public struct ChildPipe: Sendable {
    public let reading: FileHandle
    public let writing: FileHandle

    public init() throws {
        var descriptors: [CInt] = [0, 0]
        guard makePipe(&descriptors) == 0 else {
            throw ProcessFailure("pipe2 failed: \(String(cString: strerror(errno)))")
        }
        reading = FileHandle(fileDescriptor: descriptors[0], closeOnDealloc: true)
        writing = FileHandle(fileDescriptor: descriptors[1], closeOnDealloc: true)
    }
}

#if os(Linux)
// Glibc declares pipe2 only under _GNU_SOURCE, which Swift's Glibc module does not set; creating
// both ends close-on-exec atomically is the point, so bind the symbol directly.
@_silgen_name("pipe2")
private func linuxPipe2(_ descriptors: UnsafeMutablePointer<CInt>, _ flags: CInt) -> CInt

private func makePipe(_ descriptors: inout [CInt]) -> CInt {
    descriptors.withUnsafeMutableBufferPointer { linuxPipe2($0.baseAddress!, O_CLOEXEC) }
}
#else
private func makePipe(_ descriptors: inout [CInt]) -> CInt {
    let result = pipe(&descriptors)
    if result == 0 { for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) } }
    return result
}
#endif
