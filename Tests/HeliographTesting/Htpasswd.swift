import Foundation

/// The bcrypt hash `htpasswd -nbBC cost user password` prints (a `$2y$` hash, as the README tells users to
/// make). apache2-utils is installed by scripts/test-deps.d/login.sh; without it the test fails saying so.
public func htpasswdHash(user: String, password: String, cost: Int) throws -> String {
    guard let executable = ["/usr/bin/htpasswd", "/usr/local/bin/htpasswd"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        throw TestFailure("htpasswd is missing: scripts/test-deps.d/login.sh installs apache2-utils")
    }
    let child = try ChildProcess(executable, ["-nbBC", "\(cost)", user, password])
    guard let status = child.waitBlocking(timeout: .seconds(60)) else { throw TestFailure("htpasswd did not finish in 60 s") }
    // The exit is seen first; the output pipe reaches end of file right after.
    let deadline = ContinuousClock.now + .seconds(10)
    while !child.outputFinished, ContinuousClock.now < deadline { usleep(1_000) }
    let line = child.stdout.split(separator: "\n").first ?? ""
    guard status == 0, line.hasPrefix("\(user):") else { throw TestFailure("htpasswd failed: \(line) \(child.stderr)") }
    return String(line.dropFirst(user.count + 1))
}
