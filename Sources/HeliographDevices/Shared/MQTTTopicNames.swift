/// Checks of MQTT topic names and filters written in the configuration.
enum MQTTTopicNames {
    /// One topic level (or, with `allowSlash`, an exact topic): no wildcards.
    static func isTopicLevel(_ text: String, allowSlash: Bool = false) -> Bool {
        !text.isEmpty && !text.contains("+") && !text.contains("#") && (allowSlash || !text.contains("/"))
    }

    /// A subscription filter: `+` and `#` only as whole levels, `#` last.
    static func isTopicFilter(_ text: String) -> Bool {
        let levels = text.split(separator: "/", omittingEmptySubsequences: false)
        guard !text.isEmpty else { return false }
        for (index, level) in levels.enumerated() {
            if level.contains("#") && (level != "#" || index != levels.count - 1) { return false }
            if level.contains("+") && level != "+" { return false }
        }
        return true
    }
}
