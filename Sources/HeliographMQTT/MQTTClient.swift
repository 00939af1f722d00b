import Foundation
import HeliographCore
import HeliographMQTTCodec
import Logging
import Metrics
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import Synchronization

/// MQTT 3.1.1 client over SwiftNIO, run as a `Service`.
///
/// `run()` keeps one connection to the broker (plain or TLS), reconnecting with exponential
/// backoff and restoring subscriptions. QoS 1 messages go through a disk outbox first, so those
/// published while the broker is away are delivered in order once it returns, and survive a
/// restart of the process. Protocol decisions live in `MQTTSession`; this type only carries out
/// its actions. Everything mutable is confined to the task inside `run()`; callers talk to it
/// through an event stream.
public final class MQTTClient: Service, Sendable {
    public let configuration: Configuration
    private let logger: Logger
    private let eventLoopGroup: any EventLoopGroup
    private let events: AsyncStream<Event>
    private let eventSink: AsyncStream<Event>.Continuation
    private let calls = Mutex(PendingCalls())
    private let observers = Mutex(StateObservers())
    private let hasRun = Atomic<Bool>(false)
    private let metrics = ClientMetrics()

    /// Creates a client; nothing happens until `run()`.
    public init(configuration: Configuration, logger: Logger, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "mqtt.broker"] = "\(configuration.host):\(configuration.port)"
        logger[metadataKey: "mqtt.client_id"] = "\(configuration.clientID)"
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        (events, eventSink) = AsyncStream.makeStream(of: Event.self)
    }

    // MARK: - Public API

    /// Publishes a message. QoS 1 returns once the message is durably in the outbox (it is then
    /// delivered in order, across reconnects and restarts); QoS 0 returns once written and fails
    /// when not connected. QoS 2 is not supported.
    public func publish(topic: String, payload: ByteBuffer, qos: QoS = .atLeastOnce, retain: Bool = false) async throws {
        try TopicFilter.validateTopicName(topic)
        guard qos != .exactlyOnce else { throw HeliographError(.invalidRequest, "QoS 2 publishing is not supported") }
        guard payload.readableBytes + topic.utf8.count + 4 <= MQTTPacket.maximumRemainingLength else {
            throw HeliographError(.invalidRequest, "payload of \(payload.readableBytes) bytes is above the MQTT limit")
        }
        try await call { .publish(id: $0, topic: topic, payload: payload, qos: qos, retain: retain) }
    }

    /// Publishes UTF-8 text.
    public func publish(topic: String, payload: String, qos: QoS = .atLeastOnce, retain: Bool = false) async throws {
        try await publish(topic: topic, payload: ByteBuffer(string: payload), qos: qos, retain: retain)
    }

    /// Subscribes to topic filters (wildcards and `$share/<group>/...` allowed) and returns the
    /// messages that match them. Returns after the broker's SUBACK when connected, or at once when
    /// offline (the filters are sent on connect). The subscription is restored after every
    /// reconnect and dropped when the stream's consumer goes away.
    public func subscribe(_ filters: [String], qos: QoS = .atLeastOnce, bufferSize: Int = 10_000) async throws -> AsyncStream<MQTTMessage> {
        guard !filters.isEmpty else { throw HeliographError(.invalidRequest, "subscribe needs a topic filter") }
        let parsed = try filters.map { try TopicFilter($0) }
        let (stream, continuation) = AsyncStream.makeStream(of: MQTTMessage.self, bufferingPolicy: .bufferingNewest(bufferSize))
        let sink = eventSink
        do {
            try await call { id in
                continuation.onTermination = { _ in sink.yield(.removeSubscriber(id: id)) }
                return .subscribe(id: id, filters: parsed, qos: qos, messages: continuation)
            }
        } catch {
            continuation.finish()
            throw error
        }
        return stream
    }

    /// Returns once every QoS 1 message published so far has been acknowledged by the broker.
    public func waitUntilDelivered() async throws {
        try await call { .waitUntilDelivered(id: $0) }
    }

    /// Received messages skipped since start because they were over `maximumPacketSize`.
    public var oversizedMessagesDiscarded: Int { metrics.oversizedCount.load(ordering: .relaxed) }

    /// The current connection state.
    public var connectionState: MQTTConnectionState { observers.withLock { $0.state } }

    /// Connection state changes, starting with the current state.
    public func connectionStates() -> AsyncStream<MQTTConnectionState> {
        let (stream, continuation) = AsyncStream.makeStream(of: MQTTConnectionState.self)
        let id = observers.withLock { observers -> UInt64 in
            observers.nextID += 1
            observers.continuations[observers.nextID] = continuation
            continuation.yield(observers.state)
            if observers.finished { continuation.finish() }
            return observers.nextID
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.observers.withLock { $0.continuations.removeValue(forKey: id) }
        }
        return stream
    }

    // MARK: - Service

    public func run() async throws {
        guard !hasRun.exchange(true, ordering: .relaxed) else {
            throw HeliographError(.invalidRequest, "an MQTTClient can be run only once")
        }
        defer { finishAll() }
        try configuration.validate()
        let sslContext = try makeSSLContext()
        var loop = LoopState(
            session: MQTTSession(settings: .init(
                connect: configuration.connectPacket, responseTimeout: configuration.responseTimeout,
                retransmitInterval: configuration.retransmitInterval, maximumInflight: configuration.maximumInflight)),
            outbox: try DiskOutbox(directory: configuration.outboxDirectory, syncPolicy: configuration.outboxSyncPolicy, capacity: configuration.outboxCapacity))
        if loop.outbox.discardedBytesOnOpen > 0 {
            logger.warning("MQTT outbox had a torn or corrupt tail; dropped it", metadata: ["outbox.discarded_bytes": "\(loop.outbox.discardedBytesOnOpen)"])
        }
        let restored = loop.outbox.pendingEntries
        for entry in restored { _ = loop.session.enqueue(entry, now: .now) }
        if !restored.isEmpty {
            logger.info("MQTT outbox restored unacknowledged messages", metadata: ["outbox.pending": "\(restored.count)"])
        }

        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.maintainConnection(sslContext: sslContext) }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(100))
                    self.eventSink.yield(.tick)
                }
            }
            await withGracefulShutdownHandler {
                for await event in self.events {
                    if case .shutdown = event { break }
                    await self.handle(event, &loop)
                }
            } onGracefulShutdown: {
                self.eventSink.yield(.shutdown)
            }
            // Only a graceful stop says goodbye; cancellation drops the link like a crash would.
            if !Task.isCancelled { await sayGoodbye(&loop) }
            group.cancelAll()
        }
        for subscriber in loop.subscribers.values { subscriber.messages.finish() }
    }

    // MARK: - Event loop (confined to run())

    enum Event: Sendable {
        case publish(id: UInt64, topic: String, payload: ByteBuffer, qos: QoS, retain: Bool)
        case subscribe(id: UInt64, filters: [TopicFilter], qos: QoS, messages: AsyncStream<MQTTMessage>.Continuation)
        case removeSubscriber(id: UInt64)
        case waitUntilDelivered(id: UInt64)
        case channelUp(connection: UInt64, Connection)
        case packet(connection: UInt64, MQTTPacket)
        case discarded(connection: UInt64, MQTTDiscardedPublish)
        case channelDown(connection: UInt64, reason: String?)
        case tick
        case shutdown
    }

    struct Connection: Sendable {
        var outbound: NIOAsyncChannelOutboundWriter<MQTTPacket>
        var channel: any Channel
    }

    private struct Subscriber {
        var filters: [TopicFilter]
        var messages: AsyncStream<MQTTMessage>.Continuation
    }

    private struct LoopState {
        var session: MQTTSession
        var outbox: DiskOutbox
        var connection: (id: UInt64, link: Connection)?
        var subscribers: [UInt64: Subscriber] = [:]
        var deliveryWaiters: [UInt64] = []
    }

    private func handle(_ event: Event, _ loop: inout LoopState) async {
        let now = ContinuousClock.now
        switch event {
        case .publish(let id, let topic, let payload, let qos, let retain):
            if qos == .atMostOnce {
                do {
                    let actions = try loop.session.publishAtMostOnce(.init(topic: topic, payload: payload, retain: retain), now: now)
                    metrics.published.increment()
                    complete(id, .success(()))
                    await perform(actions, &loop)
                } catch {
                    metrics.dropped.increment()
                    complete(id, .failure(error))
                }
                return
            }
            do {
                let entry = try loop.outbox.append(topic: topic, payload: payload, qos: qos, retain: retain)
                metrics.published.increment()
                complete(id, .success(()))
                await perform(loop.session.enqueue(entry, now: now), &loop)
            } catch {
                metrics.dropped.increment()
                complete(id, .failure(error))
            }
        case .subscribe(let id, let filters, let qos, let messages):
            loop.subscribers[id] = Subscriber(filters: filters, messages: messages)
            let actions = loop.session.subscribe(filters.map { .init(filter: $0.rawValue, qos: qos) }, token: id, now: now)
            await perform(actions, &loop)
        case .removeSubscriber(let id):
            guard let removed = loop.subscribers.removeValue(forKey: id) else { return }
            let stillUsed = Set(loop.subscribers.values.flatMap { $0.filters.map(\.rawValue) })
            let unused = removed.filters.map(\.rawValue).filter { !stillUsed.contains($0) }
            await perform(loop.session.unsubscribe(unused, now: now), &loop)
        case .waitUntilDelivered(let id):
            if loop.outbox.pendingCount == 0 { complete(id, .success(())) } else { loop.deliveryWaiters.append(id) }
        case .channelUp(let connection, let link):
            loop.connection = (connection, link)
            await perform(loop.session.connectionOpened(now: now), &loop)
        case .packet(let connection, let packet):
            guard loop.connection?.id == connection else { return }
            await perform(loop.session.received(packet, now: now), &loop)
        case .discarded(let connection, let publish):
            guard loop.connection?.id == connection else { return }
            metrics.discardedOversized()
            // One line per message: the connection stays up, so a retained one is seen once per subscribe.
            logger.warning("MQTT message over the size limit discarded; the connection stays up", metadata: [
                "mqtt.topic": "\(publish.topic)", "mqtt.bytes": "\(publish.length)", "mqtt.limit": "\(configuration.maximumPacketSize)",
                "mqtt.qos": "\(publish.qos.rawValue)", "mqtt.retain": "\(publish.retain)",
            ])
            await perform(loop.session.discarded(publish, now: now), &loop)
        case .channelDown(let connection, let reason):
            if loop.connection?.id == connection {
                loop.connection = nil
                await perform(loop.session.connectionClosed(), &loop)
            }
            logger.debug("MQTT connection closed", metadata: ["mqtt.reason": "\(reason ?? "closed by peer")"])
            publishState(.disconnected(reason: reason))
        case .tick:
            await perform(loop.session.tick(now: now), &loop)
        case .shutdown:
            break
        }
    }

    private func perform(_ actions: [MQTTSession.Action], _ loop: inout LoopState) async {
        for action in actions {
            switch action {
            case .send(let packets):
                guard let link = loop.connection?.link else { continue }
                do {
                    try await link.outbound.write(contentsOf: packets)
                } catch {
                    // The channel is closing; channelDown follows and the session resends what matters.
                    logger.debug("MQTT write failed", metadata: ["error": "\(error)"])
                }
            case .deliver(let publish):
                let message = MQTTMessage(topic: publish.topic, payload: publish.payload, qos: publish.qos, retain: publish.retain)
                metrics.received.increment()
                for subscriber in loop.subscribers.values where subscriber.filters.contains(where: { $0.matches(publish.topic) }) {
                    if case .dropped = subscriber.messages.yield(message) { metrics.inboundDropped.increment() }
                }
            case .acknowledged(let sequence):
                do { try loop.outbox.acknowledge(sequence) } catch {
                    logger.error("MQTT outbox could not record an acknowledgement", metadata: ["error": "\(error)"])
                }
                if loop.outbox.pendingCount == 0 {
                    for id in loop.deliveryWaiters { complete(id, .success(())) }
                    loop.deliveryWaiters.removeAll()
                }
            case .connected(let sessionPresent):
                metrics.connected()
                logger.info("MQTT connected", metadata: ["mqtt.session_present": "\(sessionPresent)", "outbox.pending": "\(loop.outbox.pendingCount)"])
                publishState(.connected(sessionPresent: sessionPresent))
                if let birth = configuration.birth, let more = try? loop.session.publishAtMostOnce(.init(topic: birth.topic, payload: birth.payload, retain: birth.retain), now: .now) {
                    await perform(more, &loop)
                }
            case .subscribeCompleted(let token, let returnCodes):
                guard let returnCodes, let index = returnCodes.firstIndex(of: .failure) else {
                    complete(token, .success(()))
                    continue
                }
                let filter = loop.subscribers[token]?.filters[safe: index]?.rawValue ?? "?"
                complete(token, .failure(HeliographError(.unauthorized, "broker refused the subscription to \(filter)")))
                loop.subscribers.removeValue(forKey: token)?.messages.finish()
            case .close(let error):
                logger.info("MQTT closing the connection", metadata: ["error": "\(error)"])
                if let link = loop.connection?.link { link.channel.close(promise: nil) }
                loop.connection = nil
                let more = loop.session.connectionClosed()
                await perform(more, &loop)
                publishState(.disconnected(reason: error.description))
            }
        }
    }

    /// On graceful shutdown: announce ourselves offline (DISCONNECT suppresses the will) and leave cleanly.
    private func sayGoodbye(_ loop: inout LoopState) async {
        guard let link = loop.connection?.link, loop.session.phase == .connected else { return }
        var packets: [MQTTPacket] = []
        if let will = configuration.will {
            packets.append(.publish(.init(topic: will.topic, payload: will.payload, retain: will.retain)))
        }
        packets.append(.disconnect)
        // The broker closes after DISCONNECT; give it a second so the packets are not cut off,
        // then close ourselves. Scheduling the close bounds the wait without relying on
        // cancellation (EventLoopFuture.get() ignores it).
        let channel = link.channel
        channel.eventLoop.scheduleTask(in: .seconds(1)) { channel.close(promise: nil) }
        try? await link.outbound.write(contentsOf: packets)
        try? await channel.closeFuture.get()
        loop.connection = nil
    }

    // MARK: - Connection

    /// Connects, hands the link to the event loop, forwards packets, and reconnects with backoff.
    private func maintainConnection(sslContext: NIOSSLContext?) async {
        var delay = configuration.reconnectMinimumDelay
        var connectionID: UInt64 = 0
        while !Task.isCancelled {
            connectionID += 1
            let id = connectionID
            publishState(.connecting)
            var established = false
            do {
                let channel = try await openChannel(sslContext: sslContext)
                established = try await channel.executeThenClose { inbound, outbound in
                    eventSink.yield(.channelUp(connection: id, Connection(outbound: outbound, channel: channel.channel)))
                    var accepted = false
                    for try await message in inbound {
                        switch message {
                        case .packet(let packet):
                            if case .connAck(let ack) = packet, ack.returnCode == .accepted { accepted = true }
                            eventSink.yield(.packet(connection: id, packet))
                        case .discarded(let publish):
                            eventSink.yield(.discarded(connection: id, publish))
                        }
                    }
                    return accepted
                }
                eventSink.yield(.channelDown(connection: id, reason: nil))
            } catch {
                logger.debug("MQTT connection failed", metadata: ["error": "\(error)"])
                eventSink.yield(.channelDown(connection: id, reason: "\(error)"))
            }
            if established { delay = configuration.reconnectMinimumDelay }
            let jittered = delay * Double.random(in: 0.8...1.2)
            try? await Task.sleep(for: jittered)
            delay = min(delay * 2, configuration.reconnectMaximumDelay)
        }
    }

    private func openChannel(sslContext: NIOSSLContext?) async throws -> NIOAsyncChannel<MQTTInbound, MQTTPacket> {
        let serverName = configuration.tls.flatMap { $0.serverName } ?? (isIPAddress(configuration.host) ? nil : configuration.host)
        let maximumPacketSize = configuration.maximumPacketSize
        let timeout = TimeAmount.milliseconds(Int64(configuration.responseTimeout / .milliseconds(1)))
        return try await ClientBootstrap(group: eventLoopGroup)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(MQTTInboundDecoder(maximumPacketSize: maximumPacketSize)))
                    try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(MQTTPacketEncoder()))
                    return try NIOAsyncChannel<MQTTInbound, MQTTPacket>(wrappingChannelSynchronously: channel)
                }
            }
    }

    private func makeSSLContext() throws -> NIOSSLContext? {
        guard let tls = configuration.tls else { return nil }
        do {
            var settings = TLSConfiguration.makeClientConfiguration()
            if let caFile = tls.caFile { settings.trustRoots = .file(caFile) }
            if tls.insecureSkipVerify {
                settings.certificateVerification = .none
                logger.warning("MQTT TLS certificate verification is disabled")
            }
            if let certificateFile = tls.certificateFile, let privateKeyFile = tls.privateKeyFile {
                settings.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) }
                settings.privateKey = .privateKey(try NIOSSLPrivateKey(file: privateKeyFile, format: .pem))
            }
            return try NIOSSLContext(configuration: settings)
        } catch {
            throw HeliographError(.invalidConfiguration, "MQTT TLS settings are unusable", underlying: error)
        }
    }

    private func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }

    // MARK: - Calls and state broadcast

    private struct PendingCalls {
        var finished = false
        var nextID: UInt64 = 0
        var waiting: [UInt64: CheckedContinuation<Void, any Error>] = [:]
        /// Calls cancelled before or while waiting; their completion is ignored.
        var cancelled: Set<UInt64> = []
    }

    private struct StateObservers {
        var state: MQTTConnectionState = .disconnected(reason: nil)
        var finished = false
        var nextID: UInt64 = 0
        var continuations: [UInt64: AsyncStream<MQTTConnectionState>.Continuation] = [:]
    }

    /// Registers a continuation, sends the event, and waits for the event loop to `complete` it.
    /// Cancelling the caller stops the wait (a QoS 1 message already in the outbox stays there).
    private func call(_ makeEvent: (UInt64) -> Event) async throws {
        let id = calls.withLock { calls -> UInt64 in
            calls.nextID += 1
            return calls.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let accepted = calls.withLock { calls -> Bool in
                    guard !calls.finished, !calls.cancelled.contains(id) else { return false }
                    calls.waiting[id] = continuation
                    return true
                }
                guard accepted else {
                    continuation.resume(throwing: Task.isCancelled ? CancellationError() : HeliographError(.connectionFailed, "the MQTT client has stopped"))
                    return
                }
                eventSink.yield(makeEvent(id))
            }
        } onCancel: {
            let waiting = calls.withLock { calls in
                calls.cancelled.insert(id)
                return calls.waiting.removeValue(forKey: id)
            }
            waiting?.resume(throwing: CancellationError())
        }
        _ = calls.withLock { $0.cancelled.remove(id) }
    }

    private func complete(_ id: UInt64, _ result: Result<Void, any Error>) {
        calls.withLock { $0.waiting.removeValue(forKey: id) }?.resume(with: result)
    }

    private func publishState(_ state: MQTTConnectionState) {
        observers.withLock { observers in
            guard observers.state != state, !observers.finished else { return }
            observers.state = state
            for continuation in observers.continuations.values { continuation.yield(state) }
        }
    }

    /// After run(): fail outstanding calls and end every stream.
    private func finishAll() {
        eventSink.finish()
        let waiting = calls.withLock { calls in
            calls.finished = true
            defer { calls.waiting.removeAll() }
            return calls.waiting
        }
        for continuation in waiting.values {
            continuation.resume(throwing: HeliographError(.connectionFailed, "the MQTT client has stopped"))
        }
        publishState(.disconnected(reason: "stopped"))
        let continuations = observers.withLock { observers in
            observers.finished = true
            return observers.continuations.values
        }
        for continuation in continuations { continuation.finish() }
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

/// The client's swift-metrics instruments, built once: `heliograph.mqtt.published` (messages
/// accepted), `heliograph.mqtt.dropped` (refused: QoS 0 while offline, outbox full),
/// `heliograph.mqtt.received`, `heliograph.mqtt.inbound_dropped` (a subscriber's buffer was full;
/// the oldest message went), `heliograph.mqtt.oversized_discarded` (received messages over
/// `maximumPacketSize`, skipped) and `heliograph.mqtt.reconnects` (connections after the first).
private final class ClientMetrics: Sendable {
    let published = Counter(label: "heliograph.mqtt.published")
    let dropped = Counter(label: "heliograph.mqtt.dropped")
    let received = Counter(label: "heliograph.mqtt.received")
    let inboundDropped = Counter(label: "heliograph.mqtt.inbound_dropped")
    let reconnects = Counter(label: "heliograph.mqtt.reconnects")
    private let oversized = Counter(label: "heliograph.mqtt.oversized_discarded")
    private let connections = Atomic<Int>(0)
    /// Mirrors `oversized`, readable without a metrics backend.
    let oversizedCount = Atomic<Int>(0)

    func discardedOversized() {
        oversized.increment()
        oversizedCount.add(1, ordering: .relaxed)
    }

    func connected() {
        if connections.wrappingAdd(1, ordering: .relaxed).oldValue > 0 { reconnects.increment() }
    }
}
