import Foundation
import HeliographAutomation
import HeliographCore
import HeliographPipeline
import HeliographTesting
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

@Suite struct HeartbeatTests {
    /// A healthchecks.io stand-in recording each ping's path and body.
    final class PingRecorder: Sendable {
        let pings = Mutex<[(path: String, body: String)]>([])

        func makeApplication() -> some ApplicationProtocol {
            let router = Router()
            router.post("/ping/{check}/fail") { request, _ -> HTTPResponse.Status in
                let body = try await request.body.collect(upTo: 1 << 20)
                self.pings.withLock { $0.append((request.uri.path, String(buffer: body))) }
                return .ok
            }
            router.post("/ping/{check}") { request, _ -> HTTPResponse.Status in
                let body = try await request.body.collect(upTo: 1 << 20)
                self.pings.withLock { $0.append((request.uri.path, String(buffer: body))) }
                return .ok
            }
            return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        }
    }

    final class ProblemList: Sendable {
        private let list = Mutex<[String]>([])
        var current: [String] { list.withLock { $0 } }
        func set(_ problems: [String]) { list.withLock { $0 = problems } }
    }

    @Test func pingsWhenHealthyAndFailsWithTheProblems() async throws {
        let recorder = PingRecorder()
        let problems = ProblemList()
        try await recorder.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            let heartbeat = Heartbeat(
                configuration: HeartbeatConfiguration(url: URL(string: "http://127.0.0.1:\(port)/ping/abc-123/")!, interval: .milliseconds(50)),
                logger: Logger(label: "test")
            ) { problems.current }
            await heartbeat.beat()
            problems.set(["inverter: unavailable: timeout", "storage: disk gone"])
            await heartbeat.beat()
        }
        let pings = recorder.pings.withLock { $0 }
        #expect(pings.map(\.path) == ["/ping/abc-123", "/ping/abc-123/fail"])
        #expect(pings.first?.body == "ok")
        #expect(pings.last?.body == "inverter: unavailable: timeout\nstorage: disk gone")
    }

    @Test func problemsNameAFailingStore() async throws {
        let store = InMemorySampleStore()
        let bus = SampleBus(sinks: [], logger: Logger(label: "test"))
        let poller = Poller(devices: [], bus: bus, store: store, logger: Logger(label: "test"))
        #expect(await Heartbeat.problems(poller: poller, store: store, window: .seconds(60)).isEmpty)
        await store.failReads(with: HeliographError(.storageFailure, "disk gone"))
        #expect(await Heartbeat.problems(poller: poller, store: store, window: .seconds(60)).first?.hasPrefix("storage:") == true)
    }
}
