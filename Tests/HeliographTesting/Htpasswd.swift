import Foundation

/// The bcrypt hash `htpasswd -nbBC cost user password` prints (a `$2y$` hash, as the README tells users to
/// make). apache2-utils is installed by scripts/test-deps.d/login.sh; without it the test fails saying so.
public func htpasswdHash(user: String, password: String, cost: Int) throws -> String {
    guard let executable = ["/usr/bin/htpasswd", "/usr/local/bin/htpasswd"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        throw TestFailure("htpasswd is missing: scripts/test-deps.d/login.sh installs apache2-utils")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = ["-nbBC", "\(cost)", user, password]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let line = String(decoding: output, as: UTF8.self).split(separator: "\n").first ?? ""
    guard process.terminationStatus == 0, line.hasPrefix("\(user):") else { throw TestFailure("htpasswd failed: \(line)") }
    return String(line.dropFirst(user.count + 1))
}
