import Foundation
import HeliographCore
import HeliographDevices
import HeliographHoymiles
import HeliographModbus
import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

@Suite struct HoymilesLifecycleTests {
    @Test func simulatorAndDriverStopOnGracefulShutdown() async throws {
        let clock = ManualClock(utc(2026, 6, 1, 12))
        try await testGracefulShutdown { trigger in
            let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
            let simulator = HoymilesDTUSimulator(now: { clock.now }, onReady: { portContinuation.yield($0) })
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await simulator.run() }
                var iterator = ports.makeAsyncIterator()
                let port = try #require(await iterator.next())
                let driver = HoymilesDTUDriver(configuration: .init(device: "dtu", host: "127.0.0.1", port: port, retry: RetryPolicy(attemptTimeout: .seconds(10))), now: { clock.now })
                group.addTask { try await driver.run() }
                let samples = try await driver.poll(logger: Logger(label: "test"))
                #expect(samples.count == 4)
                trigger.triggerGracefulShutdown()
                // Both run() calls must return by themselves; the group would otherwise never finish.
                try await group.waitForAll()
                let error = await #expect(throws: HeliographError.self) { try await driver.poll(logger: Logger(label: "test")) }
                #expect(error?.code == .deviceUnavailable)
            }
        }
    }

    @Test func aClientRunsOnlyOnce() async throws {
        let client = ModbusTCPClient(transport: FailingTransport())
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await client.run() }
                _ = try? await client.send(unit: 1, request: .readHoldingRegisters(address: 0, count: 1), timeout: .milliseconds(200))
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        let error = await #expect(throws: HeliographError.self) { try await client.run() }
        #expect(error?.code == .invalidConfiguration)
        let scoped = await #expect(throws: HeliographError.self) { try await client.withRunning { _ in 1 } }
        #expect(scoped?.code == .invalidConfiguration)
    }
}
