import ArgumentParser
import HeliographCore

import class Foundation.FileHandle

/// Prints to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

extension CommandLine {
    /// Runs a command body and turns a `HeliographError` into a plain message and exit status 1,
    /// instead of a stack of Swift error descriptions.
    static func reportingErrors(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as HeliographError {
            printError("error: \(error)")
            throw ExitCode.failure
        }
    }
}

import struct Foundation.Data

/// Prints a line to standard output and flushes it, so a pipe (a test, `tee`) sees it at once.
func say(_ text: String) {
    print(text)
    fflush(nil)  // all streams; avoids touching the C global `stdout`
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
