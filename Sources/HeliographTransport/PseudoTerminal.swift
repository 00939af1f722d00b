#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import HeliographCore
import NIOCore
import NIOPosix

/// A pseudo-terminal pair: the primary end plays a device (simulators), the secondary path is what
/// a driver opens as if it were `/dev/ttyUSB0` or `/dev/hidraw0`.
///
/// The pair starts in raw mode. `keepSecondaryOpen` holds one secondary descriptor for the pty's
/// lifetime: without it, the primary reads EIO (hang-up) whenever no client has the path open.
public struct PseudoTerminal: Sendable {
    /// The primary (master) end; owned by whoever `takePrimary`s it.
    public let primaryDescriptor: CInt
    /// The path of the secondary end, e.g. `/dev/pts/7`.
    public let secondaryPath: String
    /// A descriptor of the secondary end held open by us, or -1.
    public let keepAliveDescriptor: CInt

    /// Opens a new pair in raw mode.
    public static func open() throws(HeliographError) -> PseudoTerminal {
        let (primary, name) = try openPrimary()
        let keepAlive: CInt
        do throws(HeliographError) {
            keepAlive = try PosixDevice.open(name)
            try PosixDevice.makeRaw(keepAlive, baud: 2_400, path: name)
        } catch {
            PosixDevice.close(primary)
            throw error
        }
        return PseudoTerminal(primaryDescriptor: primary, secondaryPath: name, keepAliveDescriptor: keepAlive)
    }

    /// Closes the held secondary descriptor; the primary belongs to whoever took it.
    public func closeKeepAlive() {
        if keepAliveDescriptor >= 0 { PosixDevice.close(keepAliveDescriptor) }
    }

    /// Closes both ends (when the primary was never handed to NIO).
    public func closeAll() {
        closeKeepAlive()
        PosixDevice.close(primaryDescriptor)
    }

    #if canImport(Darwin)
    private static func openPrimary() throws(HeliographError) -> (CInt, String) {
        let primary = posix_openpt(O_RDWR | O_NOCTTY)
        guard primary >= 0 else {
            throw HeliographError(.deviceUnavailable, "cannot open a pseudo-terminal: \(PosixDevice.errorText(errno))")
        }
        guard grantpt(primary) == 0, unlockpt(primary) == 0, let name = ptsname(primary) else {
            let reason = PosixDevice.errorText(errno)
            PosixDevice.close(primary)
            throw HeliographError(.deviceUnavailable, "cannot unlock the pseudo-terminal: \(reason)")
        }
        return (primary, String(cString: name))
    }
    #else
    // Glibc hides posix_openpt/unlockpt/ptsname behind feature macros Swift does not set, so this
    // does what they do on Linux: open the multiplexer, clear the lock, ask for the number.
    private static let getPTYNumber: UInt = 0x8004_5430  // TIOCGPTN = _IOR('T', 0x30, unsigned int)
    private static let setPTYLock: UInt = 0x4004_5431  // TIOCSPTLCK = _IOW('T', 0x31, int)

    private static func openPrimary() throws(HeliographError) -> (CInt, String) {
        let primary = try PosixDevice.open("/dev/ptmx")
        var unlock: CInt = 0
        var number: CUnsignedInt = 0
        guard ioctl(primary, setPTYLock, &unlock) == 0, ioctl(primary, getPTYNumber, &number) == 0 else {
            let reason = PosixDevice.errorText(errno)
            PosixDevice.close(primary)
            throw HeliographError(.deviceUnavailable, "cannot unlock the pseudo-terminal: \(reason)")
        }
        return (primary, "/dev/pts/\(number)")
    }
    #endif
}

extension PseudoTerminal {
    /// Hands the primary end to NIO as an async channel; NIO closes it when the channel closes.
    public func primaryChannel(
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(HeliographError) -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        try await PipeChannels.asyncChannel(descriptor: primaryDescriptor, path: secondaryPath, group: group) { _ in }
    }
}
