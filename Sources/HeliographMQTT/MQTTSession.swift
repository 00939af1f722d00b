import HeliographCore
import HeliographMQTTCodec
import NIOCore

/// The MQTT 3.1.1 client session as a pure state machine: events in, actions out, no I/O.
///
/// It owns everything that must survive a reconnect: the queue of unacknowledged QoS 1
/// messages (in publish order), the packets in flight, and the subscriptions to restore. The
/// runtime (`MQTTClient`) feeds it socket events and clock ticks and carries out the actions.
public struct MQTTSession: Sendable {
    /// Fixed session parameters.
    public struct Settings: Sendable {
        /// The CONNECT sent on every new connection.
        public var connect: MQTTPacket.Connect
        /// How long to wait for CONNACK and, once connected, for PINGRESP.
        public var responseTimeout: Duration
        /// Resend an unacknowledged PUBLISH (with DUP) after this long on the same connection.
        public var retransmitInterval: Duration
        /// How many QoS 1 messages may await PUBACK at once; order is kept regardless.
        public var maximumInflight: Int

        public init(connect: MQTTPacket.Connect, responseTimeout: Duration = .seconds(10), retransmitInterval: Duration = .seconds(20), maximumInflight: Int = 32) {
            self.connect = connect
            self.responseTimeout = responseTimeout
            self.retransmitInterval = retransmitInterval
            self.maximumInflight = max(1, maximumInflight)
        }

        var keepAlive: Duration { .seconds(Int(connect.keepAliveSeconds)) }
    }

    /// What the runtime must do.
    public enum Action: Sendable, Equatable {
        /// Write these packets, in order, on the current connection.
        case send([MQTTPacket])
        /// Hand a received message to the subscribers.
        case deliver(MQTTPacket.Publish)
        /// The broker acknowledged this outbox message; it may be forgotten.
        case acknowledged(sequence: UInt64)
        /// CONNACK accepted: the session is up.
        case connected(sessionPresent: Bool)
        /// A SUBSCRIBE request finished: the broker's codes, or nil when it will be sent on the next connect.
        case subscribeCompleted(token: UInt64, returnCodes: [MQTTPacket.SubAckReturnCode]?)
        /// Drop the connection (the runtime reconnects with backoff).
        case close(HeliographError)
    }

    /// Where the connection is.
    public enum Phase: Sendable, Hashable {
        case disconnected
        case awaitingConnAck
        case connected
    }

    private struct Inflight: Sendable {
        var entry: OutboxEntry
        var packetID: UInt16
        var sentAt: ContinuousClock.Instant?
    }

    public let settings: Settings
    public private(set) var phase: Phase = .disconnected
    private var queue: [OutboxEntry] = []
    private var queueHead = 0
    private var inflight: [Inflight] = []
    /// Filters to hold, with their QoS, in the order first subscribed.
    public private(set) var subscriptions: [MQTTPacket.Subscription] = []
    private var pendingSubscribes: [UInt16: [UInt64]] = [:]
    private var pendingUnsubscribes: Set<UInt16> = []
    private var incomingExactlyOnce: Set<UInt16> = []
    private var nextPacketID: UInt16 = 1
    private var phaseSince: ContinuousClock.Instant?
    private var lastSentAt: ContinuousClock.Instant?
    private var pingSentAt: ContinuousClock.Instant?

    public init(settings: Settings) {
        self.settings = settings
    }

    /// QoS 1 messages not yet acknowledged (queued or in flight).
    public var unacknowledgedCount: Int { inflight.count + queue.count - queueHead }

    // MARK: - Connection events

    /// A transport connection is open: send CONNECT.
    public mutating func connectionOpened(now: ContinuousClock.Instant) -> [Action] {
        phase = .awaitingConnAck
        phaseSince = now
        pingSentAt = nil
        lastSentAt = now
        return [.send([.connect(settings.connect)])]
    }

    /// The transport connection is gone. In-flight messages stay to be resent after reconnect;
    /// pending SUBSCRIBEs complete as deferred (the filters are restored on connect).
    public mutating func connectionClosed() -> [Action] {
        phase = .disconnected
        phaseSince = nil
        pingSentAt = nil
        incomingExactlyOnce.removeAll()
        pendingUnsubscribes.removeAll()
        let deferred = pendingSubscribes.values.flatMap { $0 }.sorted()
        pendingSubscribes.removeAll()
        for index in inflight.indices { inflight[index].sentAt = nil }
        return deferred.map { .subscribeCompleted(token: $0, returnCodes: nil) }
    }

    /// A packet arrived from the broker.
    public mutating func received(_ packet: MQTTPacket, now: ContinuousClock.Instant) -> [Action] {
        switch (phase, packet) {
        case (.awaitingConnAck, .connAck(let connAck)):
            guard connAck.returnCode == .accepted else {
                return [.close(HeliographError(connAck.returnCode == .badUsernameOrPassword || connAck.returnCode == .notAuthorized ? .unauthorized : .connectionFailed, "broker refused the connection: \(connAck.returnCode)"))]
            }
            phase = .connected
            phaseSince = now
            var packets: [MQTTPacket] = []
            // Resubscribe even when the broker kept our session: it is idempotent, and filters
            // added while offline would otherwise never reach the broker.
            if !subscriptions.isEmpty {
                let id = allocatePacketID()
                pendingSubscribes[id] = []
                packets.append(.subscribe(.init(packetID: id, subscriptions: subscriptions)))
            }
            for index in inflight.indices {
                inflight[index].sentAt = now
                packets.append(.publish(publishPacket(inflight[index], duplicate: true)))
            }
            packets += fillWindow(now: now)
            return [.connected(sessionPresent: connAck.sessionPresent)] + sendActions(packets, now: now)
        case (.awaitingConnAck, _):
            return [.close(HeliographError(.unexpectedResponse, "expected CONNACK, got packet type \(packet.typeCode)"))]
        case (.connected, .pubAck(let id)):
            guard let index = inflight.firstIndex(where: { $0.packetID == id }) else { return [] }
            let done = inflight.remove(at: index)
            return [.acknowledged(sequence: done.entry.sequence)] + sendActions(fillWindow(now: now), now: now)
        case (.connected, .publish(let publish)):
            switch publish.qos {
            case .atMostOnce:
                return [.deliver(publish)]
            case .atLeastOnce:
                return [.deliver(publish)] + sendActions([.pubAck(packetID: publish.packetID!)], now: now)
            case .exactlyOnce:
                let id = publish.packetID!
                let isNew = incomingExactlyOnce.insert(id).inserted
                return (isNew ? [.deliver(publish)] : []) + sendActions([.pubRec(packetID: id)], now: now)
            }
        case (.connected, .pubRel(let id)):
            incomingExactlyOnce.remove(id)
            return sendActions([.pubComp(packetID: id)], now: now)
        case (.connected, .subAck(let subAck)):
            guard let tokens = pendingSubscribes.removeValue(forKey: subAck.packetID) else { return [] }
            return tokens.map { .subscribeCompleted(token: $0, returnCodes: subAck.returnCodes) }
        case (.connected, .unsubAck(let id)):
            pendingUnsubscribes.remove(id)
            return []
        case (.connected, .pingResp):
            pingSentAt = nil
            return []
        case (.connected, .pubRec), (.connected, .pubComp):
            // We never publish with QoS 2, so these answer nothing of ours.
            return []
        case (.disconnected, _):
            return []
        case (.connected, _):
            return [.close(HeliographError(.unexpectedResponse, "broker sent a client-only packet (type \(packet.typeCode))"))]
        }
    }

    /// A PUBLISH over the size limit was skipped: acknowledge it like a delivered one, so the
    /// broker forgets it instead of resending it after every reconnect. Nothing is delivered.
    public mutating func discarded(_ publish: MQTTDiscardedPublish, now: ContinuousClock.Instant) -> [Action] {
        guard phase == .connected, let id = publish.packetID else { return [] }
        switch publish.qos {
        case .atMostOnce:
            return []
        case .atLeastOnce:
            return sendActions([.pubAck(packetID: id)], now: now)
        case .exactlyOnce:
            incomingExactlyOnce.insert(id)
            return sendActions([.pubRec(packetID: id)], now: now)
        }
    }

    /// The clock moved: check CONNACK and PINGRESP deadlines, keep-alive and retransmission.
    public mutating func tick(now: ContinuousClock.Instant) -> [Action] {
        switch phase {
        case .disconnected:
            return []
        case .awaitingConnAck:
            if let since = phaseSince, now - since >= settings.responseTimeout {
                return [.close(HeliographError(.timeout, "no CONNACK within \(settings.responseTimeout)"))]
            }
            return []
        case .connected:
            if let pingSentAt, now - pingSentAt >= settings.responseTimeout {
                return [.close(HeliographError(.timeout, "no PINGRESP within \(settings.responseTimeout)"))]
            }
            var packets: [MQTTPacket] = []
            for index in inflight.indices {
                if let sentAt = inflight[index].sentAt, now - sentAt >= settings.retransmitInterval {
                    inflight[index].sentAt = now
                    packets.append(.publish(publishPacket(inflight[index], duplicate: true)))
                }
            }
            if settings.connect.keepAliveSeconds > 0, pingSentAt == nil, packets.isEmpty,
                let lastSentAt, now - lastSentAt >= settings.keepAlive
            {
                pingSentAt = now
                packets.append(.pingReq)
            }
            return sendActions(packets, now: now)
        }
    }

    // MARK: - Requests from the application

    /// Queues a durable message (already in the outbox) and sends it when the window allows.
    public mutating func enqueue(_ entry: OutboxEntry, now: ContinuousClock.Instant) -> [Action] {
        queue.append(entry)
        guard phase == .connected else { return [] }
        return sendActions(fillWindow(now: now), now: now)
    }

    /// A QoS 0 message: sent now if connected, otherwise refused (at most once means no queue).
    public mutating func publishAtMostOnce(_ publish: MQTTPacket.Publish, now: ContinuousClock.Instant) throws -> [Action] {
        guard phase == .connected else {
            throw HeliographError(.connectionFailed, "not connected; QoS 0 message on \(publish.topic) dropped")
        }
        var packet = publish
        packet.qos = .atMostOnce
        packet.packetID = nil
        packet.duplicate = false
        return sendActions([.publish(packet)], now: now)
    }

    /// Adds filters to hold across reconnects; completes `token` on SUBACK, or at once when offline.
    public mutating func subscribe(_ filters: [MQTTPacket.Subscription], token: UInt64, now: ContinuousClock.Instant) -> [Action] {
        for filter in filters {
            if let index = subscriptions.firstIndex(where: { $0.filter == filter.filter }) {
                subscriptions[index].qos = max(subscriptions[index].qos, filter.qos)
            } else {
                subscriptions.append(filter)
            }
        }
        guard phase == .connected else { return [.subscribeCompleted(token: token, returnCodes: nil)] }
        let id = allocatePacketID()
        pendingSubscribes[id] = [token]
        return sendActions([.subscribe(.init(packetID: id, subscriptions: filters))], now: now)
    }

    /// Stops holding `filters` (no longer restored on reconnect) and tells the broker when connected.
    public mutating func unsubscribe(_ filters: [String], now: ContinuousClock.Instant) -> [Action] {
        subscriptions.removeAll { filters.contains($0.filter) }
        guard phase == .connected, !filters.isEmpty else { return [] }
        let id = allocatePacketID()
        pendingUnsubscribes.insert(id)
        return sendActions([.unsubscribe(.init(packetID: id, filters: filters))], now: now)
    }

    // MARK: - Helpers

    private mutating func sendActions(_ packets: [MQTTPacket], now: ContinuousClock.Instant) -> [Action] {
        guard !packets.isEmpty else { return [] }
        lastSentAt = now
        return [.send(packets)]
    }

    /// Moves queued messages into flight, oldest first, up to the window.
    private mutating func fillWindow(now: ContinuousClock.Instant) -> [MQTTPacket] {
        var packets: [MQTTPacket] = []
        while inflight.count < settings.maximumInflight, queueHead < queue.count {
            let entry = queue[queueHead]
            queueHead += 1
            let item = Inflight(entry: entry, packetID: allocatePacketID(), sentAt: now)
            inflight.append(item)
            packets.append(.publish(publishPacket(item, duplicate: false)))
        }
        if queueHead > 1024 && queueHead * 2 > queue.count {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
        return packets
    }

    private func publishPacket(_ item: Inflight, duplicate: Bool) -> MQTTPacket.Publish {
        .init(topic: item.entry.topic, payload: item.entry.payload, qos: .atLeastOnce, retain: item.entry.retain, duplicate: duplicate, packetID: item.packetID)
    }

    /// The next identifier not used by a message in flight or a pending (un)subscribe.
    private mutating func allocatePacketID() -> UInt16 {
        while true {
            let id = nextPacketID
            nextPacketID = nextPacketID == UInt16.max ? 1 : nextPacketID + 1
            if !inflight.contains(where: { $0.packetID == id }) && pendingSubscribes[id] == nil && !pendingUnsubscribes.contains(id) {
                return id
            }
        }
    }
}

extension MQTTSession.Action {
    /// Errors compare by code and message (HeliographError itself is not Equatable).
    public static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.send(let a), .send(let b)): a == b
        case (.deliver(let a), .deliver(let b)): a == b
        case (.acknowledged(let a), .acknowledged(let b)): a == b
        case (.connected(let a), .connected(let b)): a == b
        case (.subscribeCompleted(let t1, let c1), .subscribeCompleted(let t2, let c2)): t1 == t2 && c1 == c2
        case (.close(let a), .close(let b)): a.code == b.code && a.message == b.message
        default: false
        }
    }
}
