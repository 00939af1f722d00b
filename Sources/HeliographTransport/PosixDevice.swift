#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import HeliographCore

/// Opening and configuring character devices (serial ports, hidraw nodes, pty ends).
enum PosixDevice {
    /// Opens `path` read-write without making it our controlling terminal.
    ///
    /// Any failure (missing node, unplugged adapter, permissions, not a character device) is
    /// `.deviceUnavailable` with the reason, so the poller reports it and retries later.
    static func open(_ path: String) throws(HeliographError) -> CInt {
        let descriptor = path.withCString { openDescriptor($0, O_RDWR | O_NOCTTY | O_CLOEXEC) }
        guard descriptor >= 0 else {
            let code = errno
            let hint = code == EACCES ? " (check permissions or the udev rule)" : ""
            throw HeliographError(.deviceUnavailable, "cannot open \(path): \(errorText(code))\(hint)")
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFCHR else {
            closeDescriptor(descriptor)
            throw HeliographError(.deviceUnavailable, "\(path) is not a character device")
        }
        return descriptor
    }

    /// Raw 8N1 mode, no flow control, no echo, no CR/LF translation; `baud` when given.
    static func makeRaw(_ descriptor: CInt, baud: Int?, path: String) throws(HeliographError) {
        var settings = termios()
        guard tcgetattr(descriptor, &settings) == 0 else {
            throw HeliographError(.deviceUnavailable, "cannot read terminal settings of \(path): \(errorText(errno))")
        }
        cfmakeraw(&settings)
        settings.c_cflag |= tcflag_t(CLOCAL | CREAD)
        settings.c_cflag &= ~tcflag_t(PARENB | CSTOPB | CSIZE)
        settings.c_cflag |= tcflag_t(CS8)
        settings.c_iflag &= ~tcflag_t(IXON | IXOFF | IXANY)
        withUnsafeMutableBytes(of: &settings.c_cc) { bytes in
            bytes[Int(VMIN)] = 1
            bytes[Int(VTIME)] = 0
        }
        if let baud {
            guard let speed = speed(for: baud) else {
                throw HeliographError(.invalidConfiguration, "unsupported baud rate \(baud) for \(path)")
            }
            cfsetispeed(&settings, speed)
            cfsetospeed(&settings, speed)
        }
        guard tcsetattr(descriptor, TCSANOW, &settings) == 0 else {
            throw HeliographError(.deviceUnavailable, "cannot configure \(path): \(errorText(errno))")
        }
    }

    /// Drops whatever a previous session left unread (a stale reply) or unsent.
    static func flush(_ descriptor: CInt) {
        _ = tcflush(descriptor, TCIOFLUSH)
    }

    static func close(_ descriptor: CInt) { closeDescriptor(descriptor) }

    static func isTerminal(_ descriptor: CInt) -> Bool { isatty(descriptor) == 1 }

    static func errorText(_ code: CInt) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }

    static func speed(for baud: Int) -> speed_t? {
        switch baud {
        case 1_200: speed_t(B1200)
        case 2_400: speed_t(B2400)
        case 4_800: speed_t(B4800)
        case 9_600: speed_t(B9600)
        case 19_200: speed_t(B19200)
        case 38_400: speed_t(B38400)
        case 57_600: speed_t(B57600)
        case 115_200: speed_t(B115200)
        default: nil
        }
    }
}

// Free functions, because inside `PosixDevice` the names `open` and `close` mean its own methods.
private func openDescriptor(_ path: UnsafePointer<CChar>, _ flags: CInt) -> CInt {
    open(path, flags, 0)
}

private func closeDescriptor(_ descriptor: CInt) {
    _ = close(descriptor)
}
