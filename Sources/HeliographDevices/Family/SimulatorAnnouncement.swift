import class Foundation.FileHandle
import struct Foundation.Data

/// Writes a simulator's line to standard output unbuffered: scripts and tests read it while the
/// simulator keeps running.
func announce(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
