import Foundation
import HeliographCore
import HeliographDevices
import HeliographFleet
import HeliographMQTTCodec
import HeliographPowervault
import NIOCore

extension FuzzTargets {
    /// One packet of every type the decoder knows, as the encoder writes them.
    static let mqttPacketSeeds: [[UInt8]] = {
        let packets: [MQTTPacket] = [
            .connect(.init(clientID: "heliograph", username: "user", password: Array("secret".utf8), will: .init(topic: "heliograph/status", payload: ByteBuffer(string: "offline")))),
            .connAck(.init(sessionPresent: true, returnCode: .accepted)),
            .publish(.init(topic: "pv/PV3/PV001001DEV/bms/soc", payload: ByteBuffer(string: #"[{"measurement":"StateOfCharge","value":9700}]"#), qos: .atLeastOnce, retain: true, packetID: 7)),
            .publish(.init(topic: "sensors/kitchen/temperature", payload: ByteBuffer(string: "21.5"))),
            .pubAck(packetID: 7), .pubRec(packetID: 8), .pubRel(packetID: 8), .pubComp(packetID: 8),
            .subscribe(.init(packetID: 9, subscriptions: [.init(filter: "pv/#"), .init(filter: "sensors/+/temperature", qos: .atMostOnce)])),
            .subAck(.init(packetID: 9, returnCodes: [.granted(.atLeastOnce), .failure])),
            .unsubscribe(.init(packetID: 10, filters: ["pv/#"])),
            .unsubAck(packetID: 10), .pingReq, .pingResp, .disconnect,
        ]
        var seeds: [[UInt8]] = packets.compactMap { packet in
            var buffer = ByteBuffer()
            guard (try? packet.encode(into: &buffer)) != nil else { return nil }
            return Array(buffer.readableBytesView)
        }
        // A broker's usual burst: CONNACK, SUBACK, retained PUBLISHes, PINGRESP.
        seeds.append(seeds[1] + seeds[9] + seeds[2] + seeds[3] + seeds[13])
        return seeds
    }()

    static let mqttPackets = FuzzTarget(
        name: "mqtt-packets",
        summary: "MQTT 3.1.1 packets from a broker (MQTTPacketDecoder, random read sizes, small and default packet limits)",
        seeds: mqttPacketSeeds,
        dictionary: [[0x30], [0x32], [0x3D], [0x82], [0x90], [0x20, 0x02], [0xC0, 0x00], [0xFF, 0xFF, 0xFF, 0x7F], [0x00, 0x04], Array("MQTT".utf8), Array("#".utf8), Array("+/".utf8), [0xC3, 0x28], [0xED, 0xA0, 0x80]],
        lengthFields: [.init(offset: 1, .mqttVariable)],
        maximumLength: 2_048
    ) { input, random in
        var decoder = MQTTPacketDecoder(maximumPacketSize: random.pick([1 << 20, 4_096, 64]))
        return StreamFeeder.decode(&decoder, reads: StreamFeeder.chunks(input, &random))
    }

    /// The client's own inbound path: PUBLISHes over the limit are skipped as they stream in (never
    /// buffered), everything else decodes as `mqtt-packets` does. Seeds add a PUBLISH whose length
    /// field claims more than the limit, so the skipping state is reached and left mid-stream.
    static let mqttInbound = FuzzTarget(
        name: "mqtt-inbound",
        summary: "MQTT 3.1.1 packets as the client reads them (MQTTInboundDecoder: oversized PUBLISHes skipped while streaming, random read sizes and limits)",
        seeds: mqttPacketSeeds + [oversizedPublishSeed, oversizedPublishSeed + mqttPacketSeeds[13]],
        dictionary: [[0x30], [0x32], [0x34], [0x3D], [0x82], [0x90], [0x40, 0x02], [0x50, 0x02], [0xC0, 0x00], [0xFF, 0xFF, 0xFF, 0x7F], [0x00, 0x04]],
        lengthFields: [.init(offset: 1, .mqttVariable)],
        maximumLength: 4_096
    ) { input, random in
        var decoder = MQTTInboundDecoder(maximumPacketSize: random.pick([1 << 20, 256, 48]))
        return StreamFeeder.decode(&decoder, reads: StreamFeeder.chunks(input, &random))
    }

    /// A QoS 1 retained PUBLISH of 300 payload bytes: over the 256 and 48 byte limits above.
    static let oversizedPublishSeed: [UInt8] = {
        var buffer = ByteBuffer()
        let packet = MQTTPacket.publish(.init(topic: "home/big", payload: ByteBuffer(repeating: 0x41, count: 300), qos: .atLeastOnce, retain: true, packetID: 11))
        guard (try? packet.encode(into: &buffer)) != nil else { return [0x30, 0x00] }
        return Array(buffer.readableBytesView)
    }()

    /// What arrives in MQTT payloads: Powervault topics, generic sensors, fleet batches and descriptors.
    enum MQTTPayloadKind: UInt8, CaseIterable {
        case powervault, sensor, fleetBatch, fleetDevice
    }

    static let powervaultDecoder = PowervaultDecoder()
    static let sensorMapping = MQTTSensorMapping(
        filters: ["sensors/#", "home/+/state"],
        rules: ["meter/power": .init(field: FieldID("meter_power_w"), jsonKey: "power", scale: 0.001)]
    )

    /// Kind byte, topic, NUL, payload (see `mqttPayloadsBody`).
    static let mqttPayloadSeeds: [[UInt8]] = {
        func seed(_ kind: MQTTPayloadKind, _ topic: String, _ payload: [UInt8]) -> [UInt8] { [kind.rawValue] + Array(topic.utf8) + [0] + payload }
        var seeds = PowervaultSimulator.samplePayloads().map { seed(.powervault, $0.suffix, Array($0.payload.utf8)) }
        seeds += [
            seed(.powervault, "bms/soc", Array(#"{"module_addr":4,"StateOfCharge":8200}"#.utf8)),
            seed(.powervault, "pylontech/info", Array(#"[{"measurement":"Current","type":"Total","value":-10230}]"#.utf8)),
            seed(.sensor, "sensors/kitchen/temperature", Array("21.5".utf8)),
            seed(.sensor, "sensors/garden", Array(#"{"temperature":12.5,"humidity":81,"battery":"97","online":true}"#.utf8)),
            seed(.sensor, "home/boiler/state", Array("on".utf8)),
            seed(.sensor, "meter/power", Array(#"{"power":1234567,"unit":"mW"}"#.utf8)),
        ]
        let time = Date(timeIntervalSince1970: 1_750_000_000)
        let samples = (0..<3).map { offset in
            Sample(device: DeviceID("edge-pi30"), time: time.addingTimeInterval(Double(offset) * 10), values: [FieldID("pv_power_w"): .number(1_234.5), FieldID("mode"): .text("battery"), FieldID("grid_ok"): .flag(true)])
        }
        for message in SampleBatchMessage.messages(for: samples) {
            if let data = try? message.encoded() { seeds.append(seed(.fleetBatch, "edge-pi30", Array(data))) }
        }
        let descriptor = DeviceDescriptor(
            kind: "pi30", id: DeviceID("edge-pi30"), manufacturer: "Voltronic", model: "Axpert",
            fields: [FieldDescriptor.measurement("pv_power_w", "PV power", .watt, precision: 0, range: 0...20_000)]
        )
        if let data = try? JSONEncoder().encode(descriptor) { seeds.append(seed(.fleetDevice, "edge-pi30", Array(data))) }
        return seeds
    }()

    static let mqttPayloads = FuzzTarget(
        name: "mqtt-payloads",
        summary: "MQTT message payloads: Powervault P3 topics, generic sensor topics (numbers, text, JSON), fleet sample batches and device descriptors",
        seeds: mqttPayloadSeeds,
        dictionary: jsonDictionary,
        maximumLength: 4_096
    ) { input, _ in
        guard let first = input.first else { return false }
        let kind = MQTTPayloadKind(rawValue: first % UInt8(MQTTPayloadKind.allCases.count)) ?? .sensor
        let rest = input.dropFirst()
        let separator = rest.firstIndex(of: 0) ?? rest.startIndex
        let topic = String(decoding: rest[..<separator], as: UTF8.self)
        let payload = Array(rest[(separator == rest.startIndex ? separator : separator + 1)...])
        switch kind {
        case .powervault:
            return (try? powervaultDecoder.decode(suffix: topic, payload: payload)) != nil
        case .sensor:
            return (try? sensorMapping.decode(topic: topic, payload: ByteBuffer(bytes: payload))) != nil
        case .fleetBatch:
            return (try? SampleBatchMessage.decode(payload, topicDevice: DeviceID(topic))) != nil
        case .fleetDevice:
            return (try? JSONDecoder().decode(DeviceDescriptor.self, from: Data(payload))) != nil
        }
    }
}
