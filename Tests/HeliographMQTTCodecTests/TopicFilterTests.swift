import HeliographCore
import HeliographMQTTCodec
import Testing

@Suite("MQTT topic filters")
struct TopicFilterTests {
    @Test("matching follows MQTT §4.7", arguments: [
        ("a/b/c", "a/b/c", true), ("a/b/c", "a/b", false), ("a/+/c", "a/x/c", true), ("a/+/c", "a/x/y/c", false),
        ("a/+", "a/", true), ("+/+", "/x", true), ("+", "/x", false),
        ("a/#", "a", true), ("a/#", "a/b/c", true), ("a/#", "ab", false), ("#", "a/b", true),
        ("#", "$SYS/broker/uptime", false), ("+/broker/uptime", "$SYS/broker/uptime", false),
        ("$SYS/#", "$SYS/broker/uptime", true), ("$share/group/a/+", "a/b", true), ("$share/group/a/+", "a/b/c", false),
        ("heliograph/+/state", "heliograph/inv1/state", true), ("A/b", "a/b", false),
    ])
    func matching(filter: String, topic: String, expected: Bool) throws {
        #expect(try TopicFilter(filter).matches(topic) == expected)
    }

    @Test("illegal filters are refused", arguments: ["", "a/#/b", "a#", "a/b+", "+a", "$share/g", "$share//a", "$share/g+/a", "$share/g/", "a\u{0}"])
    func illegal(filter: String) {
        #expect(throws: HeliographError.self) { try TopicFilter(filter) }
    }

    @Test("shared subscriptions expose group and inner filter")
    func shared() throws {
        let filter = try TopicFilter("$share/ingest/heliograph/#")
        #expect(filter.shareGroup == "ingest")
        #expect(filter.matchFilter == "heliograph/#")
        #expect(try TopicFilter("a/b").shareGroup == nil)
    }

    @Test("topic names may not hold wildcards or be empty", arguments: ["", "a/+", "#", "a/#"])
    func illegalTopicNames(topic: String) {
        #expect(throws: HeliographError.self) { try TopicFilter.validateTopicName(topic) }
    }
}
