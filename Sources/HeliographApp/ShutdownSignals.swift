#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes sure SIGTERM and SIGINT reach the daemon.
///
/// A process inherits its parent's blocked-signal mask and ignored signals across `exec`. Parents
/// that block them for their own threads (test runners, some process supervisors and shells'
/// background jobs) would hand the daemon a SIGTERM it never sees: it would neither drain its
/// buffers nor stop until killed. Found by the outage drills, whose daemon ignored SIGTERM.
public enum ShutdownSignals {
    /// Unblocks SIGTERM and SIGINT on the calling thread (threads it starts inherit that, and the
    /// kernel delivers a process-wide signal to any thread not blocking it) and restores their
    /// default action, before the service group installs its handlers. Call first thing.
    public static func restore() {
        var set = sigset_t()
        sigemptyset(&set)
        for number in [SIGTERM, SIGINT] {
            sigaddset(&set, number)
            // An inherited "ignore" would survive; the service group installs its own handling later.
            _ = signal(number, SIG_DFL)
        }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// True when `signal` is blocked on the calling thread.
    public static func isBlocked(_ signal: Int32) -> Bool {
        var current = sigset_t()
        pthread_sigmask(SIG_BLOCK, nil, &current)
        return sigismember(&current, signal) == 1
    }
}
