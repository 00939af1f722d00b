import HeliographCore
import HeliographSolarman
import Logging
import NIOCore
import NIOPosix

/// Finds Solarman logger sticks on the LAN: broadcasts the discovery probe on UDP 48899 and
/// collects `IP,MAC,SERIAL` replies until the timeout. Newer logger firmwares do not answer, so a
/// logger may exist even if none is found.
public enum SolarmanScanner {
    /// Sends the probe to `address` (broadcast or unicast) and returns each logger that answered, once.
    public static func scan(
        address: String = "255.255.255.255",
        port: Int = SolarmanDiscovery.port,
        bindHost: String = "0.0.0.0",
        timeout: Duration = .seconds(1),
        logger: Logger = Logger(label: "heliograph.scan.solarman")
    ) async throws -> [SolarmanDiscovery.Reply] {
        let target: SocketAddress
        do {
            target = try SocketAddress.makeAddressResolvingHost(address, port: port)
        } catch {
            throw HeliographError(.invalidConfiguration, "cannot resolve scan address \(address)", underlying: error)
        }
        let channel: NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>
        do {
            channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.socketOption(.so_broadcast), value: 1)
                .bind(host: bindHost, port: 0) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw HeliographError(.connectionFailed, "cannot open a UDP socket on \(bindHost) for discovery", underlying: error)
        }
        return try await channel.executeThenClose { inbound, outbound in
            for probe in [SolarmanDiscovery.probe, SolarmanDiscovery.alternativeProbe] {
                try await outbound.write(AddressedEnvelope(remoteAddress: target, data: ByteBuffer(bytes: probe)))
            }
            return await withTaskGroup(of: [SolarmanDiscovery.Reply]?.self) { group in
                // Collects until cancelled by the timer (the inbound stream ends on cancellation).
                group.addTask {
                    var found: [SolarmanDiscovery.Reply] = []
                    do {
                        for try await envelope in inbound {
                            let bytes = Array(envelope.data.readableBytesView)
                            guard let reply = SolarmanDiscovery.parseReply(bytes) else {
                                logger.debug("ignored discovery reply", metadata: ["reply.bytes": "\(bytes.count)"])
                                continue
                            }
                            if !found.contains(reply) { found.append(reply) }
                        }
                    } catch {
                        logger.debug("discovery socket ended", metadata: ["error": "\(error)"])
                    }
                    return found
                }
                group.addTask {
                    try? await Task.sleep(for: timeout)
                    return nil
                }
                var found: [SolarmanDiscovery.Reply] = []
                while let result = await group.next() {
                    if let replies = result { found = replies } else { group.cancelAll() }
                }
                return found
            }
        }
    }
}
