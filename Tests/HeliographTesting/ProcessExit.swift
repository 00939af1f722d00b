import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// True when the child `pid` has exited, whether or not it was reaped yet.
///
/// Foundation's `Process.isRunning` alone is not enough in a test process: if anything else there
/// reaps children with `waitpid(-1)`, Foundation never learns of the exit and reports the child
/// running for ever. A pid that is gone, or a zombie (state Z in /proc), has exited.
public func hasExited(_ pid: Int32) -> Bool {
    guard kill(pid, 0) == 0 else { return true }
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = status.lastIndex(of: ")")
    else { return false }
    return status[status.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
}
