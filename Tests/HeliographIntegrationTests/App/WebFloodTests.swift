#if canImport(Glibc)
import Glibc
#endif
import Foundation
import HeliographTesting
import Testing

/// The real daemon (PI30 simulator on a pty, SQLite store, web server) against idle, slow and
/// oversized web clients, with its descriptors limited as the systemd unit limits them.
@Suite("web server under a connection flood", .serialized)
struct WebFloodTests {
    /// Starts the simulator and the daemon; returns both and the daemon's web port.
    func startDaemon(in directory: URL, http: String, openFileLimit: Int? = nil) async throws -> (simulator: HeliographProcess, daemon: HeliographProcess, port: Int) {
        let link = directory.appendingPathComponent("pi30").path
        let simulator = try HeliographProcess(["simulate", "pi30", "--pty", "--link", link])
        try await eventually(timeout: .seconds(30), "simulator prints its pty") { simulator.stdout.contains("serving on /dev/") }
        let config = directory.appendingPathComponent("heliograph.yaml")
        try """
            storage:
              path: \(directory.path)/history.sqlite
            devices:
              inverter:
                type: pi30
                port: \(link)
                interval: 500ms
                timeout: 3s
            logging:
              level: info
            http:
              host: 127.0.0.1
              port: 0
            \(http)
            """.write(to: config, atomically: true, encoding: .utf8)
        let daemon = try HeliographProcess(["run", "--config", config.path], openFileLimit: openFileLimit)
        try await eventually(timeout: .seconds(60), "daemon serves") { daemon.stderr.contains("web server listening") }
        let port = try #require(daemon.stderr.firstMatch(of: /http\.port=(\d+)/).flatMap { Int($0.1) }, "\(daemon.stderr)")
        return (simulator, daemon, port)
    }

    /// SIGTERM to both; the daemon must stop cleanly.
    func stop(_ daemon: HeliographProcess, _ simulator: HeliographProcess) async throws {
        daemon.signal(SIGTERM)
        #expect(try await daemon.exitStatus() == 0, "\(daemon.stderr.suffix(2_000))")
        simulator.signal(SIGTERM)
        _ = try await simulator.exitStatus()
    }

    /// `GET path` on a new connection: status, body, and how long it took.
    func get(_ path: String, port: Int) async throws -> (status: Int?, body: String, took: Duration) {
        let started = ContinuousClock.now
        let answer = await (try RawConnection(port: port)).exchange("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", timeout: .seconds(10))
        let body = answer.range(of: "\r\n\r\n").map { String(answer[$0.upperBound...]) } ?? ""
        return (RawConnection.status(of: answer), body, ContinuousClock.now - started)
    }

    func statistics(port: Int) async throws -> [String: Any] {
        let answer = try await get("/api/v1/stats", port: port)
        return try #require(try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any], "\(answer)")
    }

    @Test("1 100 idle connections (daemon limited to 1 024 descriptors): /health answers fast and polling keeps storing throughout")
    func idleConnectionFlood() async throws {
        // The test itself holds the 1 100 sockets.
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < 4_096 {
            limit.rlim_cur = min(limit.rlim_max, 4_096)
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        try #require(limit.rlim_cur >= 2_048, "the test needs 2 048 descriptors for its sockets; the hard limit is \(limit.rlim_max)")
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Default max_connections (512); the header timeout long enough that eviction, not the timeout, frees room.
        let (simulator, daemon, port) = try await startDaemon(in: directory, http: "  header_timeout: 5m", openFileLimit: 1_024)
        try await eventually(timeout: .seconds(30), "first samples stored") { (try await statistics(port: port)["points"] as? Int ?? 0) > 0 }
        let pointsBefore = try await statistics(port: port)["points"] as? Int ?? 0

        var idle: [RawConnection] = []
        var latencies: [Duration] = []
        var failures: [String] = []
        let clock = ContinuousClock()
        let floodStarted = clock.now
        // 11 batches of 100 idle sockets, a /health after each, then /health every 200 ms for 5 s more.
        for _ in 0..<11 {
            for _ in 0..<100 { idle.append(try RawConnection(port: port, waitForConnect: false)) }
            let health = try await get("/health", port: port)
            latencies.append(health.took)
            if health.status != 200 { failures.append("\(String(describing: health.status)) \(health.body.prefix(80))") }
        }
        // Keep asking for /health, every 200 ms, for at least 5 s and until the daemon has taken in every
        // socket (those beyond its accept backlog connect on the kernel's SYN retries), at most 40 s.
        let holdAtLeast = clock.now.advanced(by: .seconds(5))
        let giveUp = clock.now.advanced(by: .seconds(40))
        var evicted = 0
        while clock.now < giveUp, clock.now < holdAtLeast || evicted < 1_100 - 512 {
            let health = try await get("/health", port: port)
            latencies.append(health.took)
            if health.status != 200 { failures.append("\(String(describing: health.status)) \(health.body.prefix(80))") }
            evicted = (try await statistics(port: port)["connections"] as? [String: Any])?["evicted"] as? Int ?? 0
            try await Task.sleep(for: .milliseconds(200))
        }
        let floodTook = clock.now - floodStarted
        let stats = try await statistics(port: port)
        let pointsAfter = stats["points"] as? Int ?? 0
        let connections = try #require(stats["connections"] as? [String: Any], "\(stats)")
        let slowest = latencies.max() ?? .zero
        let sorted = latencies.sorted()
        print("idle flood: \(idle.count) sockets held \(floodTook); /health median \(sorted[sorted.count / 2]), slowest \(slowest) over \(latencies.count) requests; points \(pointsBefore) → \(pointsAfter); connections \(connections)")

        #expect(failures.isEmpty, "\(failures)")
        #expect(slowest < .seconds(2), "slowest /health took \(slowest)")
        // 500 ms polls for over 5 s: several samples of many fields each, stored while the sockets were held.
        #expect(pointsAfter > pointsBefore + 50, "points \(pointsBefore) → \(pointsAfter)")
        #expect((connections["peak"] as? Int ?? .max) <= 512, "\(connections)")
        #expect((connections["evicted"] as? Int ?? 0) >= 1_100 - 512, "\(connections)")
        let limitLines = daemon.stderr.split(separator: "\n").filter { $0.contains("web connection limit reached") }
        #expect(limitLines.count == 1, "logged once per burst: \(limitLines)")
        #expect(!daemon.stderr.contains("Too many open files") && !daemon.stderr.contains("unable to open database"), "\(daemon.stderr.suffix(2_000))")
        let errorLines = daemon.stderr.split(separator: "\n").filter { $0.contains("Z error ") }
        #expect(errorLines.isEmpty, "no error lines, let alone one per closed socket: \(errorLines.prefix(5))")

        idle.removeAll()
        try await stop(daemon, simulator)
    }

    @Test("slowloris and a 1 MB request head against the daemon are closed within the header timeout")
    func slowClientsAreClosed() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (simulator, daemon, port) = try await startDaemon(in: directory, http: "  header_timeout: 2s")

        let slow = try RawConnection(port: port)
        let closedAfter = await slow.trickleHeaderLines(every: .milliseconds(250), atMost: 60)
        let elapsed = try #require(closedAfter, "slowloris still open after 15 s")
        #expect(elapsed < .seconds(5), "slowloris held \(elapsed) with a 2 s header timeout")

        let big = try RawConnection(port: port)
        let bigStarted = ContinuousClock.now
        _ = big.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + String(repeating: "b", count: 1 << 20) + "\r\n\r\n")
        #expect(await big.readUntilClosed(timeout: .seconds(5)).closed)
        #expect(ContinuousClock.now - bigStarted < .seconds(3))

        let health = try await get("/health", port: port)
        #expect(health.status == 200)
        try await stop(daemon, simulator)
    }

    @Test("a port in use fails start-up with one `error: http: …` line; a bad http.host is a config check problem with its line")
    func listenProblemsAreClear() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Hold a port the way another program would.
        let holderConfig = directory.appendingPathComponent("holder.yaml")
        try "storage:\n  path: \(directory.path)/holder.sqlite\nhttp:\n  host: 127.0.0.1\n  port: 0\n".write(to: holderConfig, atomically: true, encoding: .utf8)
        let holder = try HeliographProcess(["run", "--config", holderConfig.path])
        try await eventually(timeout: .seconds(60), "first daemon serves") { holder.stderr.contains("web server listening") }
        let port = try #require(holder.stderr.firstMatch(of: /http\.port=(\d+)/).flatMap { Int($0.1) })
        let config = directory.appendingPathComponent("second.yaml")
        try "storage:\n  path: \(directory.path)/second.sqlite\nhttp:\n  host: 127.0.0.1\n  port: \(port)\n".write(to: config, atomically: true, encoding: .utf8)
        let second = try await HeliographProcess.run(["run", "--config", config.path], timeout: .seconds(60))
        #expect(second.status == 1)
        let errorLines = second.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }
        #expect(errorLines == ["error: http: connection failed: cannot listen on 127.0.0.1:\(port): the port is already in use (another heliograph, or another program); stop it or change http.port"], "\(second.stderr)")
        #expect(!second.stderr.contains("Error: IOError"), "no raw NIO error from the argument parser: \(second.stderr)")
        holder.signal(SIGTERM)
        _ = try await holder.exitStatus()

        try "devices: {}\nhttp:\n  port: 8080\n  host: 192.168.1.300\n".write(to: config, atomically: true, encoding: .utf8)
        let check = try await HeliographProcess.run(["config", "check", config.path])
        #expect(check.status == 1)
        #expect(check.stderr.contains("http.host (line 4): '192.168.1.300' is not a valid IPv4 address"), "\(check.stderr)")
        try "devices: {}\nhttp:\n  host: my server\n".write(to: config, atomically: true, encoding: .utf8)
        let spaced = try await HeliographProcess.run(["config", "check", config.path])
        #expect(spaced.status == 1)
        #expect(spaced.stderr.contains("http.host (line 3): 'my server' is not an IP address or host name"), "\(spaced.stderr)")
    }
}
