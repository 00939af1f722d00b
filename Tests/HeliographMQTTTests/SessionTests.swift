import HeliographCore
import HeliographMQTT
import HeliographMQTTCodec
import NIOCore
import Testing

/// The session state machine with no I/O: events in, actions out.
@Suite("MQTT session state machine")
struct SessionTests {
    let start = ContinuousClock.now

    func makeSession(keepAlive: UInt16 = 10, inflight: Int = 2) -> MQTTSession {
        MQTTSession(settings: .init(
            connect: .init(clientID: "t", keepAliveSeconds: keepAlive), responseTimeout: .seconds(5),
            retransmitInterval: .seconds(20), maximumInflight: inflight))
    }

    func entry(_ sequence: UInt64) -> OutboxEntry {
        OutboxEntry(sequence: sequence, topic: "t/\(sequence)", payload: ByteBuffer(string: "\(sequence)"))
    }

    func sentPackets(_ actions: [MQTTSession.Action]) -> [MQTTPacket] {
        actions.flatMap { action -> [MQTTPacket] in
            if case .send(let packets) = action { return packets }
            return []
        }
    }

    func publishes(_ actions: [MQTTSession.Action]) -> [MQTTPacket.Publish] {
        sentPackets(actions).compactMap { if case .publish(let p) = $0 { return p } else { return nil } }
    }

    func connect(_ session: inout MQTTSession, sessionPresent: Bool = false, at offset: Duration = .zero) -> [MQTTSession.Action] {
        let opened = session.connectionOpened(now: start + offset)
        #expect(sentPackets(opened) == [.connect(session.settings.connect)])
        return session.received(.connAck(.init(sessionPresent: sessionPresent, returnCode: .accepted)), now: start + offset)
    }

    @Test("queued messages go out in order after CONNACK, limited by the in-flight window")
    func queuedThenConnected() {
        var session = makeSession(inflight: 2)
        for sequence in 1...3 { #expect(session.enqueue(entry(UInt64(sequence)), now: start).isEmpty) }
        let actions = connect(&session)
        #expect(actions.first == .connected(sessionPresent: false))
        #expect(publishes(actions).map(\.topic) == ["t/1", "t/2"])
        #expect(publishes(actions).allSatisfy { $0.qos == .atLeastOnce && !$0.duplicate && $0.packetID != nil })
        let ackFirst = session.received(.pubAck(packetID: publishes(actions)[0].packetID!), now: start)
        #expect(ackFirst.first == .acknowledged(sequence: 1))
        #expect(publishes(ackFirst).map(\.topic) == ["t/3"])
        #expect(session.unacknowledgedCount == 2)
    }

    @Test("unacknowledged messages are resent with DUP after a reconnect, before newer ones")
    func retransmitAfterReconnect() {
        var session = makeSession(inflight: 2)
        _ = connect(&session)
        let first = publishes(session.enqueue(entry(1), now: start))
        _ = session.enqueue(entry(2), now: start)
        _ = session.enqueue(entry(3), now: start)
        _ = session.connectionClosed()
        #expect(session.phase == .disconnected)
        let again = publishes(connect(&session, at: .seconds(1)))
        #expect(again.map(\.topic) == ["t/1", "t/2"])
        #expect(again.allSatisfy { $0.duplicate })
        #expect(again[0].packetID == first[0].packetID, "same packet identifier on resend")
        // PUBACK for an unknown id is ignored; for a known one frees the window for t/3.
        #expect(session.received(.pubAck(packetID: 999), now: start).isEmpty)
        let next = session.received(.pubAck(packetID: again[0].packetID!), now: start)
        #expect(publishes(next).map(\.topic) == ["t/3"])
    }

    @Test("a PUBLISH unacknowledged for the retransmit interval is resent on the same connection")
    func retransmitOnTimer() {
        var session = makeSession(keepAlive: 0)
        _ = connect(&session)
        let sent = publishes(session.enqueue(entry(1), now: start))
        #expect(publishes(session.tick(now: start + .seconds(19))).isEmpty)
        let resent = publishes(session.tick(now: start + .seconds(20)))
        #expect(resent.count == 1)
        #expect(resent[0].duplicate && resent[0].packetID == sent[0].packetID)
    }

    @Test("keep-alive sends PINGREQ after silence and closes when PINGRESP does not come")
    func keepAlive() {
        var session = makeSession(keepAlive: 10)
        _ = connect(&session)
        #expect(session.tick(now: start + .seconds(9)).isEmpty)
        #expect(sentPackets(session.tick(now: start + .seconds(10))) == [.pingReq])
        #expect(session.tick(now: start + .seconds(12)).isEmpty, "one ping outstanding at a time")
        let timeout = session.tick(now: start + .seconds(15))
        guard case .close(let error) = timeout.first else {
            Issue.record("expected close, got \(timeout)")
            return
        }
        #expect(error.code == .timeout)
        // With an answer in time the connection stays.
        var healthy = makeSession(keepAlive: 10)
        _ = connect(&healthy)
        _ = healthy.tick(now: start + .seconds(10))
        #expect(healthy.received(.pingResp, now: start + .seconds(11)).isEmpty)
        #expect(sentPackets(healthy.tick(now: start + .seconds(21))) == [.pingReq])
    }

    @Test("no CONNACK within the response timeout closes the connection")
    func connAckTimeout() {
        var session = makeSession()
        _ = session.connectionOpened(now: start)
        #expect(session.tick(now: start + .seconds(4)).isEmpty)
        guard case .close(let error) = session.tick(now: start + .seconds(5)).first else {
            Issue.record("expected close")
            return
        }
        #expect(error.code == .timeout)
    }

    @Test("a refused CONNACK closes with unauthorized for bad credentials")
    func refused() {
        var session = makeSession()
        _ = session.connectionOpened(now: start)
        let actions = session.received(.connAck(.init(sessionPresent: false, returnCode: .badUsernameOrPassword)), now: start)
        guard case .close(let error) = actions.first else {
            Issue.record("expected close, got \(actions)")
            return
        }
        #expect(error.code == .unauthorized)
        #expect(session.phase == .awaitingConnAck)
    }

    @Test("subscriptions complete on SUBACK and are restored after reconnect")
    func resubscribe() {
        var session = makeSession()
        let offline = session.subscribe([.init(filter: "a/#", qos: .atLeastOnce)], token: 7, now: start)
        #expect(offline == [.subscribeCompleted(token: 7, returnCodes: nil)], "offline subscribe completes as deferred")
        let connected = connect(&session)
        guard case .subscribe(let restored) = sentPackets(connected).first else {
            Issue.record("expected SUBSCRIBE on connect, got \(connected)")
            return
        }
        #expect(restored.subscriptions == [.init(filter: "a/#", qos: .atLeastOnce)])
        #expect(session.received(.subAck(.init(packetID: restored.packetID, returnCodes: [.granted(.atLeastOnce)])), now: start).isEmpty)

        let online = session.subscribe([.init(filter: "$share/g/b", qos: .atMostOnce)], token: 8, now: start)
        guard case .subscribe(let request) = sentPackets(online).first else {
            Issue.record("expected SUBSCRIBE")
            return
        }
        let done = session.received(.subAck(.init(packetID: request.packetID, returnCodes: [.granted(.atMostOnce)])), now: start)
        #expect(done == [.subscribeCompleted(token: 8, returnCodes: [.granted(.atMostOnce)])])

        _ = session.unsubscribe(["a/#"], now: start)
        _ = session.connectionClosed()
        guard case .subscribe(let again) = sentPackets(connect(&session)).first else {
            Issue.record("expected SUBSCRIBE after reconnect")
            return
        }
        #expect(again.subscriptions.map(\.filter) == ["$share/g/b"])
    }

    @Test("incoming QoS 1 is delivered and acknowledged; QoS 2 is delivered once")
    func incoming() {
        var session = makeSession()
        _ = connect(&session)
        let qos1 = MQTTPacket.Publish(topic: "x", payload: ByteBuffer(string: "1"), qos: .atLeastOnce, packetID: 5)
        #expect(session.received(.publish(qos1), now: start) == [.deliver(qos1), .send([.pubAck(packetID: 5)])])
        let qos2 = MQTTPacket.Publish(topic: "x", payload: ByteBuffer(string: "2"), qos: .exactlyOnce, packetID: 6)
        #expect(session.received(.publish(qos2), now: start) == [.deliver(qos2), .send([.pubRec(packetID: 6)])])
        var duplicate = qos2
        duplicate.duplicate = true
        #expect(session.received(.publish(duplicate), now: start) == [.send([.pubRec(packetID: 6)])])
        #expect(session.received(.pubRel(packetID: 6), now: start) == [.send([.pubComp(packetID: 6)])])
    }

    @Test("a discarded oversized PUBLISH is acknowledged (QoS 1 PUBACK, QoS 2 PUBREC) but never delivered")
    func discardedIsAcknowledged() {
        var session = makeSession()
        let qos1 = MQTTDiscardedPublish(topic: "big", qos: .atLeastOnce, retain: true, packetID: 9, length: 2_000_000)
        #expect(session.discarded(qos1, now: start) == [], "nothing to answer before CONNACK")
        _ = connect(&session)
        #expect(session.discarded(qos1, now: start) == [.send([.pubAck(packetID: 9)])])
        #expect(session.discarded(.init(topic: "big", qos: .atMostOnce, retain: false, packetID: nil, length: 2_000_000), now: start) == [])
        let qos2 = MQTTDiscardedPublish(topic: "big", qos: .exactlyOnce, retain: false, packetID: 10, length: 2_000_000)
        #expect(session.discarded(qos2, now: start) == [.send([.pubRec(packetID: 10)])])
        #expect(session.received(.pubRel(packetID: 10), now: start) == [.send([.pubComp(packetID: 10)])])
    }

    @Test("a broker sending client-only packets is disconnected; QoS 0 needs a connection")
    func protocolViolations() throws {
        var session = makeSession()
        #expect(throws: HeliographError.self) { try session.publishAtMostOnce(.init(topic: "a", payload: ByteBuffer()), now: start) }
        _ = session.connectionOpened(now: start)
        guard case .close = session.received(.pingResp, now: start).first else {
            Issue.record("expected close before CONNACK")
            return
        }
        var connected = makeSession()
        _ = connect(&connected)
        guard case .close = connected.received(.subscribe(.init(packetID: 1, subscriptions: [.init(filter: "a")])), now: start).first else {
            Issue.record("expected close on SUBSCRIBE from broker")
            return
        }
        let sent = try connected.publishAtMostOnce(.init(topic: "a", payload: ByteBuffer(string: "x"), retain: true), now: start)
        #expect(sent == [.send([.publish(.init(topic: "a", payload: ByteBuffer(string: "x"), retain: true))])])
    }
}
