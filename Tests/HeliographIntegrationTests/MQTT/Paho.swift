import Foundation
import HeliographCore
import HeliographTesting
import Synchronization

/// paho-mqtt (Python) as an independent MQTT client: a subscriber that prints what it receives,
/// and a one-shot publisher. Proves our bytes against someone else's implementation.
enum Paho {
    static let python = findExecutable("python3")
    /// True when python3 can import paho.mqtt.
    static let isInstalled = pythonHas("paho.mqtt.client")
    static let isUsable = isInstalled || isCI

    static let script = #"""
        import os, sys
        import paho.mqtt.client as mqtt
        import paho.mqtt.publish as publish

        mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
        auth = {"username": os.environ["MQTT_USER"], "password": os.environ.get("MQTT_PASSWORD")} if os.environ.get("MQTT_USER") else None
        tls = {"ca_certs": os.environ["MQTT_CA"]} if os.environ.get("MQTT_CA") else None

        if mode == "publish":
            # publish <host> <port> <topic> <payload> <qos> <retain>
            publish.single(sys.argv[4], sys.argv[5], qos=int(sys.argv[6]), retain=sys.argv[7] == "1",
                           hostname=host, port=port, auth=auth, tls=tls, client_id="")
            print("PUBLISHED", flush=True)
            sys.exit(0)

        # subscribe <host> <port> <filter> <client id> <clean|keep>
        topic, client_id, clean = sys.argv[4], sys.argv[5], sys.argv[6] == "clean"
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=clean)
        if auth:
            client.username_pw_set(auth["username"], auth["password"])
        if tls:
            client.tls_set(ca_certs=tls["ca_certs"])
        client.reconnect_delay_set(min_delay=0.1, max_delay=0.5)

        def on_connect(c, userdata, flags, reason_code, properties):
            c.subscribe(topic, qos=1)

        def on_subscribe(c, userdata, mid, reason_codes, properties):
            print("SUBSCRIBED", flush=True)

        def on_message(c, userdata, message):
            print("MSG\t%s\t%d\t%d\t%s" % (message.topic, message.qos, 1 if message.retain else 0, message.payload.decode()), flush=True)

        client.on_connect = on_connect
        client.on_subscribe = on_subscribe
        client.on_message = on_message
        client.connect(host, port, keepalive=10)
        client.loop_forever(retry_first_connection=True)
        """#

    static func scriptFile() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("heliograph-paho-\(getpid()).py")
        try script.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static func environment(user: String?, password: String?, caFile: String?) -> [String: String] {
        var environment: [String: String] = [:]
        if let user { environment["MQTT_USER"] = user }
        if let password { environment["MQTT_PASSWORD"] = password }
        if let caFile { environment["MQTT_CA"] = caFile }
        return environment
    }

    /// One message paho received.
    struct Message: Sendable, Equatable {
        var topic: String
        var qos: Int
        var retain: Bool
        var payload: String
    }

    /// A paho subscriber process; `ready()` returns after its SUBACK.
    final class Subscriber: Sendable {
        let process: ChildProcess

        init(port: Int, filter: String, clientID: String = "paho-\(UInt32.random(in: 0...UInt32.max))", cleanSession: Bool = true,
             user: String? = nil, password: String? = nil, caFile: String? = nil) throws {
            guard let python = Paho.python, Paho.isInstalled else {
                throw TestFailure("paho-mqtt is not installed; run scripts/test-deps.d/mqtt.sh (pip install paho-mqtt)")
            }
            process = try ChildProcess(
                python, [try Paho.scriptFile(), "subscribe", "127.0.0.1", "\(port)", filter, clientID, cleanSession ? "clean" : "keep"],
                environment: Paho.environment(user: user, password: password, caFile: caFile).merging(["PYTHONUNBUFFERED": "1"]) { $1 })
        }

        /// Received messages, in arrival order; waits for the first SUBACK before yielding any.
        func messages() -> AsyncStream<Message> {
            let lines = process.lines
            return AsyncStream { continuation in
                let task = Task {
                    for await line in lines {
                        let fields = line.split(separator: "\t", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
                        if fields.count == 5, fields[0] == "MSG" {
                            continuation.yield(Message(topic: fields[1], qos: Int(fields[2]) ?? -1, retain: fields[3] == "1", payload: fields[4]))
                        } else if fields.first == "SUBSCRIBED" {
                            continuation.yield(Message(topic: "", qos: -1, retain: false, payload: "SUBSCRIBED"))
                        }
                    }
                    continuation.finish()
                }
                continuation.onTermination = { _ in task.cancel() }
            }
        }

        func stop() async { try? await process.stop() }

        /// A subscriber that is stopped when the test ends.
        static func start(in resources: TestResources, port: Int, filter: String, clientID: String = "paho-\(UInt32.random(in: 0...UInt32.max))",
                          cleanSession: Bool = true, user: String? = nil, password: String? = nil, caFile: String? = nil) throws -> Subscriber {
            let subscriber = try Subscriber(port: port, filter: filter, clientID: clientID, cleanSession: cleanSession, user: user, password: password, caFile: caFile)
            resources.onCleanup { await subscriber.stop() }
            return subscriber
        }
    }

    /// Publishes one message with paho and waits until it is sent.
    static func publish(port: Int, topic: String, payload: String, qos: Int = 1, retain: Bool = false,
                        user: String? = nil, password: String? = nil, caFile: String? = nil) async throws {
        guard let python, isInstalled else { throw TestFailure("paho-mqtt is not installed") }
        let process = try ChildProcess(
            python, [try scriptFile(), "publish", "127.0.0.1", "\(port)", topic, payload, "\(qos)", retain ? "1" : "0"],
            environment: environment(user: user, password: password, caFile: caFile))
        var published = false
        for await line in process.lines where line == "PUBLISHED" { published = true }
        guard published else { throw TestFailure("paho publish failed: \(process.stderr)") }
    }
}

/// Reads from an async iterator until `count` items matched, failing after `timeout`.
func collect<Element: Sendable>(
    _ stream: AsyncStream<Element>, count: Int, timeout: Duration = .seconds(20), where predicate: @escaping @Sendable (Element) -> Bool = { _ in true }
) async throws -> [Element] {
    try await withTimeout(timeout, "waiting for \(count) messages") {
        var found: [Element] = []
        for await element in stream where predicate(element) {
            found.append(element)
            if found.count == count { break }
        }
        guard found.count == count else { throw TestFailure("stream ended after \(found.count) of \(count)") }
        return found
    }
}

/// Everything a paho subscriber received, kept in order, so a test can wait for a message that
/// may already have arrived (retained state published before the message the test waited for).
final class MessageLog: Sendable {
    private final class Storage: Sendable {
        let messages = Mutex<[Paho.Message]>([])
    }

    private let storage = Storage()
    private let task: Task<Void, Never>

    init(_ stream: AsyncStream<Paho.Message>) {
        let storage = self.storage
        task = Task {
            for await message in stream { storage.messages.withLock { $0.append(message) } }
        }
    }

    deinit { task.cancel() }

    var all: [Paho.Message] { storage.messages.withLock { $0 } }

    /// The first message matching `predicate` after the first `skipping` messages, waiting up to `timeout`.
    @discardableResult
    func first(after skipping: Int = 0, timeout: Duration = .seconds(20), _ what: String, where predicate: @escaping @Sendable (Paho.Message) -> Bool) async throws -> Paho.Message {
        try await eventually(timeout: timeout, what) { self.all.dropFirst(skipping).contains(where: predicate) }
        return all.dropFirst(skipping).first(where: predicate)!
    }
}
