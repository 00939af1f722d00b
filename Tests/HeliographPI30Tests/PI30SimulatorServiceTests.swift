import Foundation
import HeliographCore
import HeliographDevices
import ServiceLifecycleTestKit
import Testing

@Suite("PI30 simulator service lifecycle")
struct PI30SimulatorServiceTests {
    @Test("graceful shutdown stops serving and removes the symlink")
    func gracefulShutdown() async throws {
        let link = FileManager.default.temporaryDirectory.appendingPathComponent("heliograph-pi30-\(UUID().uuidString)").path
        try await testGracefulShutdown { trigger in
            let (paths, continuation) = AsyncStream<String>.makeStream()
            let service = PI30SimulatorService(configuration: .init(symlinkPath: link), logger: quietLogger) { path in
                continuation.yield(path)
            }
            async let running: Void = service.run()
            var iterator = paths.makeAsyncIterator()
            let path = try #require(await iterator.next())
            #expect(path.hasPrefix("/dev/pts/"))
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == path)
            let sample = try await PI30Driver(device: "inverter", path: link).poll(logger: quietLogger)
            #expect(sample.count == 1)

            trigger.triggerGracefulShutdown()
            try await running
            #expect(!FileManager.default.fileExists(atPath: link))
            await #expect(throws: HeliographError.self) {
                try await service.run()
            }
        }
    }
}
