import Foundation
import HeliographTesting

#if canImport(Glibc)
import Glibc
#endif

/// A small tmpfs mounted for one test, so the disk really fills: the kernel answers ENOSPC to every
/// process writing there, as on a full SD card. Needs the right to mount (root in this sandbox);
/// `isUsable` probes once.
final class SmallFilesystem: Sendable {
    let mountPoint: URL
    private let ballast: URL

    /// True when this process may mount a tmpfs (tried once on a scratch directory).
    static let canMount: Bool = {
        guard let directory = try? makeTemporaryDirectory("tmpfs-probe") else { return false }
        defer { try? FileManager.default.removeItem(at: directory) }
        guard mount("tmpfs", directory.path, "tmpfs", 0, "size=1m") == 0 else { return false }
        umount(directory.path)
        return true
    }()

    /// Mounts a tmpfs of `megabytes` on a fresh directory.
    init(megabytes: Int) throws {
        mountPoint = try makeTemporaryDirectory("small-fs")
        ballast = mountPoint.appendingPathComponent("ballast")
        guard mount("tmpfs", mountPoint.path, "tmpfs", 0, "size=\(megabytes)m,mode=0755") == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: mountPoint)
            throw TestFailure("mount -t tmpfs -o size=\(megabytes)m failed: \(reason)")
        }
    }

    /// Free bytes left for ordinary writers.
    var freeBytes: Int {
        var status = statvfs()
        guard statvfs(mountPoint.path, &status) == 0 else { return 0 }
        return Int(status.f_bavail) * Int(status.f_bsize)
    }

    /// Fills every free byte with a ballast file (written until ENOSPC, as another program filling
    /// the disk would) and returns its size.
    @discardableResult
    func fill() throws -> Int {
        let descriptor = open(ballast.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard descriptor >= 0 else { throw TestFailure("cannot create the ballast: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let chunk = [UInt8](repeating: 0xA5, count: 64 << 10)
        var total = 0
        var size = chunk.count
        while size > 0 {
            let written = chunk.withUnsafeBytes { write(descriptor, $0.baseAddress, size) }
            if written > 0 {
                total += written
            } else if errno == ENOSPC {
                size /= 2  // top up the last partial chunk byte-exactly
            } else if errno != EINTR {
                throw TestFailure("writing the ballast failed: \(String(cString: strerror(errno)))")
            }
        }
        return total
    }

    /// Deletes the ballast: the space is back.
    func free() throws {
        try FileManager.default.removeItem(at: ballast)
    }

    /// Unmounts (lazily, in case a killed process still held a file) and removes the mount point.
    func unmount() {
        umount2(mountPoint.path, Int32(MNT_DETACH))
        try? FileManager.default.removeItem(at: mountPoint)
    }
}
