#if canImport(Glibc)
import Glibc
#endif
import Foundation
import HeliographProcesses
import Testing

/// `ChildProcess` (HeliographProcesses), the one way tests and the soak benchmark start programs: what a child inherits, how its end is seen,
/// and the case that hung the whole test run under `Foundation.Process`.
@Suite(.timeLimit(.minutes(2)))
struct ChildProcessTests {
    @Test("a child's exit is seen while another child that closed its inherited descriptors keeps running")
    func exitSeenBesideLongLivedChild() async throws {
        // What the python3 shims in front of PostgreSQL and mosquitto did: close every inherited
        // descriptor, then become a long-lived server. Under Foundation.Process this parked its
        // manager thread in waitpid for that server, and no later child was ever seen to exit.
        let server = try ChildProcess("python3", ["-c", "import os, time; os.closerange(3, 65536); time.sleep(60)"])
        defer { server.signal(SIGKILL) }
        let clock = ContinuousClock()
        let started = clock.now
        let result = try await ChildProcess.run("sh", ["-c", "echo done"], timeout: .seconds(20))
        #expect(result.status == 0)
        #expect(result.stdout == "done\n")
        #expect(clock.now - started < .seconds(20))
        #expect(server.isRunning)
    }

    @Test("children start with no blocked signals and default handlers, even from a task")
    func cleanSignalState() async throws {
        // Tasks run on threads that block nearly every signal; a child inheriting that mask
        // ignored SIGTERM (mosquitto) or never saw its own children exit (sh's wait).
        let result = try await ChildProcess.run("sh", ["-c", "grep -E '^Sig(Blk|Ign):' /proc/self/status"])
        let masks = Dictionary(uniqueKeysWithValues: result.stdout.split(separator: "\n").map { line in
            let parts = line.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
            return (parts[0], UInt64(parts[1], radix: 16) ?? .max)
        })
        #expect(masks["SigBlk"] == 0, "\(result.stdout)")
        let ignored = try #require(masks["SigIgn"])
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGCHLD] {
            #expect(ignored & (1 << UInt64(signal - 1)) == 0, "signal \(signal) ignored: \(result.stdout)")
        }
    }

    @Test("a descriptor the test process left inheritable does not reach the child")
    func noInheritedDescriptors() async throws {
        let descriptor = open("/dev/null", O_RDONLY)  // deliberately without O_CLOEXEC
        try #require(descriptor > 2)
        defer { close(descriptor) }
        let result = try await ChildProcess.run("sh", ["-c", "if [ -e /proc/$$/fd/\(descriptor) ]; then echo inherited; else echo closed; fi"])
        #expect(result.stdout == "closed\n")
    }

    @Test("exit status, signals, separate and combined output, stdin from a pipe or a file")
    func statusAndStreams() async throws {
        let failed = try await ChildProcess.run("sh", ["-c", "echo out; echo err >&2; exit 3"])
        #expect(failed.status == 3)
        #expect(failed.stdout == "out\n")
        #expect(failed.stderr == "err\n")
        #expect(failed.output.contains("out\n") && failed.output.contains("err\n"))

        let killed = try ChildProcess("sleep", ["60"])
        killed.signal(SIGKILL)
        #expect(try await killed.exitStatus(timeout: .seconds(20)) == 128 + SIGKILL)

        let echo = try ChildProcess("sh", ["-c", "while read -r line; do echo \"got $line\"; done"], input: .pipe)
        try echo.write("one\ntwo\n")
        echo.closeInput()
        var lines: [String] = []
        for await line in echo.lines { lines.append(line) }
        #expect(lines == ["got one", "got two"])
        #expect(try await echo.exitStatus(timeout: .seconds(20)) == 0)

        let directory = try makeTemporaryDirectory("child-process")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("input.txt")
        try "from a file\n".write(to: file, atomically: true, encoding: .utf8)
        let cat = try await ChildProcess.run("cat", input: .file(file))
        #expect(cat.stdout == "from a file\n")
        let pwd = try await ChildProcess.run("pwd", directory: directory)
        #expect(pwd.stdout.trimmingCharacters(in: .newlines).hasSuffix(directory.lastPathComponent))
    }

    @Test("a child that outlives its timeout is killed and the run fails with its output")
    func timeoutKills() async throws {
        let error = await #expect(throws: ProcessFailure.self) {
            _ = try await ChildProcess.run("sh", ["-c", "echo started; exec sleep 60"], timeout: .milliseconds(500))
        }
        #expect(error?.description.contains("started") == true)
    }

    @Test("a program that is not installed is a clear error")
    func missingProgram() throws {
        let error = #expect(throws: ProcessFailure.self) {
            _ = try ChildProcess("heliograph-no-such-tool")
        }
        #expect(error?.description.contains("not installed") == true)
    }

    @Test("freePort gives a port nothing listens on; accepts sees a listener")
    func ports() async throws {
        let port = try freePort()
        #expect((1...65_535).contains(port))
        #expect(!accepts(port: port))
        let listener = try ChildProcess("python3", ["-c", "import socket, sys, time; s = socket.socket(); s.bind(('127.0.0.1', \(port))); s.listen(); print('listening', flush=True); time.sleep(60)"])
        defer { listener.signal(SIGKILL) }
        for await line in listener.lines where line == "listening" { break }
        #expect(accepts(port: port))
    }
}
