import HeliographCore

/// Topic names and topic filters (MQTT §4.7), including shared subscriptions `$share/<group>/<filter>`.
///
/// Names are what PUBLISH carries (no wildcards); filters are what SUBSCRIBE carries. `+` matches
/// exactly one level, `#` the rest (including the parent level), and wildcards in the first level
/// never match topics starting with `$` (§4.7.2).
public struct TopicFilter: Sendable, Hashable, CustomStringConvertible {
    /// The filter as written, including any `$share/<group>/` prefix.
    public let rawValue: String
    /// The share group of a `$share/<group>/<filter>` subscription.
    public let shareGroup: String?
    /// The part that is matched against topic names (without the share prefix).
    public let matchFilter: String
    private let levels: [Substring]

    /// Validates `rawValue`, throwing `invalidRequest` for an illegal filter.
    public init(_ rawValue: String) throws {
        try MQTTString.validateForEncoding(rawValue, what: "topic filter")
        guard !rawValue.isEmpty else { throw HeliographError(.invalidRequest, "topic filter is empty") }
        var filter = rawValue
        var group: String?
        if rawValue.hasPrefix("$share/") {
            let rest = rawValue.dropFirst("$share/".count)
            guard let slash = rest.firstIndex(of: "/") else {
                throw HeliographError(.invalidRequest, "shared subscription \(rawValue) lacks a topic filter")
            }
            let name = rest[..<slash]
            guard !name.isEmpty, !name.contains("+"), !name.contains("#") else {
                throw HeliographError(.invalidRequest, "share group in \(rawValue) must be non-empty, without wildcards")
            }
            group = String(name)
            filter = String(rest[rest.index(after: slash)...])
            guard !filter.isEmpty else {
                throw HeliographError(.invalidRequest, "shared subscription \(rawValue) lacks a topic filter")
            }
        }
        let levels = filter.split(separator: "/", omittingEmptySubsequences: false)
        for (index, level) in levels.enumerated() {
            if level.contains("#") && (level != "#" || index != levels.count - 1) {
                throw HeliographError(.invalidRequest, "'#' must be the whole last level in \(rawValue)")
            }
            if level.contains("+") && level != "+" {
                throw HeliographError(.invalidRequest, "'+' must be a whole level in \(rawValue)")
            }
        }
        self.rawValue = rawValue
        self.shareGroup = group
        self.matchFilter = filter
        self.levels = levels
    }

    public var description: String { rawValue }

    /// True when a message published on `topic` is delivered to this filter.
    public func matches(_ topic: String) -> Bool {
        let topicLevels = topic.split(separator: "/", omittingEmptySubsequences: false)
        if topic.hasPrefix("$"), let first = levels.first, first == "+" || first == "#" { return false }
        var index = 0
        while index < levels.count {
            let level = levels[index]
            if level == "#" { return true }
            guard index < topicLevels.count else { return false }
            if level != "+" && level != topicLevels[index] { return false }
            index += 1
        }
        // "a/#" also matches "a": handled above only when the topic has more levels.
        return index == topicLevels.count
    }

    /// Throws `invalidRequest` unless `topic` is a legal topic name for PUBLISH.
    public static func validateTopicName(_ topic: String) throws {
        try MQTTString.validateForEncoding(topic, what: "topic name")
        guard !topic.isEmpty else { throw HeliographError(.invalidRequest, "topic name is empty") }
        guard !topic.contains("+") && !topic.contains("#") else {
            throw HeliographError(.invalidRequest, "topic name \(topic) contains a wildcard")
        }
    }
}
