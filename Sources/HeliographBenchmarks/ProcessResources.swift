import Foundation
import HeliographCore

/// What this process holds right now, read from `/proc/self` (Linux): resident memory, open file
/// descriptors and threads. The soak benchmark samples it to tell a steady state from a leak.
public struct ProcessResources: Sendable, Hashable, Codable {
    /// Resident set size (`VmRSS`), in kB.
    public var residentKilobytes: Int
    /// Entries of `/proc/self/fd` (the listing's own descriptor included, the same every time).
    public var openFiles: Int
    /// Threads (`Threads:` in `/proc/self/status`).
    public var threads: Int
    /// Of `threads`, libdispatch's worker threads (`com.apple.root.*-qos*`): a pool that grows on
    /// demand (serial queues such as GRDB's writer and readers, the Swift concurrency pool) and
    /// retires threads idle for a few seconds, so its size follows the load, not a leak.
    public var dispatchWorkerThreads: Int
    /// What malloc holds (nil where the allocator is not glibc's): tells live allocations from
    /// memory the allocator keeps, which `residentKilobytes` counts alike.
    public var malloc: MallocFigures?

    public init(residentKilobytes: Int, openFiles: Int, threads: Int, dispatchWorkerThreads: Int = 0, malloc: MallocFigures? = nil) {
        self.residentKilobytes = residentKilobytes
        self.openFiles = openFiles
        self.threads = threads
        self.dispatchWorkerThreads = dispatchWorkerThreads
        self.malloc = malloc
    }

    /// Threads that are not libdispatch workers (event loops, the main thread): a fixed set.
    public var fixedThreads: Int { threads - dispatchWorkerThreads }

    public var residentMegabytes: Double { Double(residentKilobytes) / 1_024 }

    /// Reads the figures of the running process, malloc's included.
    /// - Throws: `HeliographError` `.notFound` when `/proc` is not mounted or does not look like Linux's.
    public static func current() throws -> ProcessResources {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let parsed = try parse(status: status)
        let openFiles = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
        let workers = threadNames().filter { isDispatchWorker($0.key) }.values.reduce(0, +)
        return ProcessResources(
            residentKilobytes: parsed.residentKilobytes, openFiles: openFiles, threads: parsed.threads, dispatchWorkerThreads: min(workers, parsed.threads),
            malloc: MallocFigures.current()
        )
    }

    /// The process's threads by name (`/proc/self/task/*/comm`) with how many carry each, so a
    /// growing thread count can be told apart: a pool filling to its size, or a leak of one kind.
    public static func threadNames() -> [String: Int] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        var names: [String: Int] = [:]
        for task in tasks {
            guard let comm = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8) else { continue }
            names[comm.trimmingCharacters(in: .whitespacesAndNewlines), default: 0] += 1
        }
        return names
    }

    /// libdispatch names its workers after their root queue (`com.apple.root.default-qos.overcommit`),
    /// which `comm` cuts to 15 characters (`-qos.overcommit`, `oot.default-qos`).
    static func isDispatchWorker(_ name: String) -> Bool {
        name.contains("qos")
    }

    /// `VmRSS` (kB) and `Threads` from the text of `/proc/<pid>/status`.
    static func parse(status: String) throws -> (residentKilobytes: Int, threads: Int) {
        var resident: Int?
        var threads: Int?
        for line in status.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count >= 2 else { continue }
            switch parts[0] {
            case "VmRSS:": resident = Int(parts[1])
            case "Threads:": threads = Int(parts[1])
            default: continue
            }
        }
        guard let resident, let threads else {
            throw HeliographError(.notFound, "/proc/self/status has no VmRSS or Threads line (the soak benchmark needs Linux)")
        }
        return (resident, threads)
    }
}
