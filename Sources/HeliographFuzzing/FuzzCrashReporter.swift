import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Prints how to replay the input that was running when the process dies on a signal.
///
/// A Swift runtime trap (overflow, out-of-range index, force-unwrap of nil) ends the process with
/// SIGILL or SIGTRAP, memory errors with SIGSEGV or SIGBUS, `fatalError` paths may abort. The handler
/// writes one prepared line plus the input index with `write(2)` from preallocated memory (nothing
/// else is async-signal-safe), then hands the signal to the handler that was there before (the
/// Swift backtracer, or the default action).
enum FuzzCrashReporter {
    private static let signals: [Int32] = [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE]
    /// Index of the input now running; -1 when none.
    static let currentIndex = Atomic<Int>(-1)
    private static let installed = Mutex(false)

    // Written before any handler can run (install/arm), only read inside the handler.
    nonisolated(unsafe) private static var message = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 512)
    nonisolated(unsafe) private static var messageLength = 0
    nonisolated(unsafe) private static var digits = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 32)
    nonisolated(unsafe) private static var previous = UnsafeMutableBufferPointer<sigaction>.allocate(capacity: 65)

    /// Installs the handlers once per process.
    static func install() {
        installed.withLock { done in
            guard !done else { return }
            done = true
            _ = currentIndex.load(ordering: .relaxed)
            for number in signals {
                var action = sigaction()
                #if canImport(Glibc)
                action.__sigaction_handler.sa_handler = { signal in FuzzCrashReporter.report(signal) }
                #else
                action.__sigaction_u.__sa_handler = { signal in FuzzCrashReporter.report(signal) }
                #endif
                sigemptyset(&action.sa_mask)
                var old = sigaction()
                sigaction(number, &action, &old)
                previous[Int(number)] = old
            }
        }
    }

    /// Prepares the line printed when an input of `target` kills the process.
    static func arm(target: String, seed: UInt64) {
        let text = Array(
            "\nheliograph fuzz: the process died on a signal in target \(target), seed \(seed); replay with: heliograph fuzz \(target) --seed \(seed) --inputs 1 --start "
                .utf8)
        messageLength = min(text.count, message.count)
        for offset in 0..<messageLength { message[offset] = text[offset] }
    }

    private static func report(_ number: Int32) {
        let index = currentIndex.load(ordering: .relaxed)
        if index >= 0, messageLength > 0 {
            _ = write(2, message.baseAddress, messageLength)
            var cursor = digits.count - 1
            digits[cursor] = 0x0A
            var rest = index
            repeat {
                cursor -= 1
                digits[cursor] = 0x30 + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            _ = write(2, digits.baseAddress! + cursor, digits.count - cursor)
        }
        // Restoring the previous handler and re-raising lets the backtracer (or the default
        // action) finish the process as it would have without us.
        sigaction(number, &previous[Int(number)], nil)
        raise(number)
    }
}
