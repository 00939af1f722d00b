import Foundation
import Testing

@testable import HeliographBenchmarks

@Suite struct ProcessResourcesTests {
    @Test func readsResidentMemoryAndThreadsFromStatus() throws {
        let status = "Name:\theliograph\nVmHWM:\t   90000 kB\nVmRSS:\t   81234 kB\nThreads:\t17\nSigQ:\t0/63471\n"
        let parsed = try ProcessResources.parse(status: status)
        #expect(parsed.residentKilobytes == 81_234)
        #expect(parsed.threads == 17)
        #expect(throws: (any Error).self) { try ProcessResources.parse(status: "Name:\tx\n") }
    }

    @Test func seesDescriptorsOpenAndCloseInThisProcess() throws {
        let before = try ProcessResources.current()
        #expect(before.residentKilobytes > 0)
        #expect(before.threads >= 1)
        let files = (0..<20).map { _ in open("/dev/null", O_RDONLY) }
        defer { files.forEach { close($0) } }
        #expect(files.allSatisfy { $0 >= 0 })
        let during = try ProcessResources.current()
        // Other tests open and close descriptors meanwhile; twenty more of ours stand out regardless.
        #expect(during.openFiles >= before.openFiles + 20 - 10)
    }
}
