#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks `http.host` before start-up: an IPv4 or IPv6 address, or a host name.
enum ListenAddress {
    /// Why `host` cannot be listened on, or nil when it is well formed.
    static func problem(with host: String) -> String? {
        if isIPv4(host) || isIPv6(host) { return nil }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        // All digits and dots is meant as an IPv4 address, so 192.168.1.300 is not taken as a name.
        if labels.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) {
            return "'\(host)' is not a valid IPv4 address (four numbers from 0 to 255)"
        }
        let validName = host.utf8.count <= 253 && labels.allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                && label.utf8.allSatisfy { $0 == UInt8(ascii: "-") || (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }
        }
        return validName
            ? nil : "'\(host)' is not an IP address or host name; use 0.0.0.0 (every interface), 127.0.0.1 (this machine only) or this machine's address"
    }

    private static func isIPv4(_ text: String) -> Bool {
        var address = in_addr()
        return inet_pton(AF_INET, text, &address) == 1
    }

    private static func isIPv6(_ text: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }
}
