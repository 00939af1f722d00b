/// Why a child process could not be started, set up or waited for; the description says what and
/// includes the child's output where it helps. Tests know it as `TestFailure` (HeliographTesting).
public struct ProcessFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
