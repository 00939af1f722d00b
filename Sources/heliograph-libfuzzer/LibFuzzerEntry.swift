import HeliographFuzzing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if HELIOGRAPH_LIBFUZZER
/// libFuzzer's entry point: one input through the target named by `HELIOGRAPH_FUZZ_TARGET`.
///
/// Build (release, coverage-instrumented, libFuzzer supplies `main`):
///
///     swift build -c release --product heliograph-libfuzzer -Xswiftc -sanitize=fuzzer -Xswiftc -DHELIOGRAPH_LIBFUZZER
///     HELIOGRAPH_FUZZ_TARGET=pi30-serial .build/release/heliograph-libfuzzer -max_total_time=600 corpus/
@_cdecl("LLVMFuzzerTestOneInput")
public func heliographFuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    LibFuzzerHarness.run(bytes)
    return 0
}
#else
/// Without libFuzzer this program only says how to build it.
@main
struct LibFuzzerStub {
    static func main() {
        print("heliograph-libfuzzer: build it with -Xswiftc -sanitize=fuzzer -Xswiftc -DHELIOGRAPH_LIBFUZZER (see README, Fuzzing)")
        print("targets: \(FuzzTargets.all.map(\.name).joined(separator: ", "))")
    }
}
#endif

/// Picks the target once and runs inputs through it as `heliograph fuzz` does; libFuzzer does the mutating.
enum LibFuzzerHarness {
    static let target: FuzzTarget = {
        let name = getenv("HELIOGRAPH_FUZZ_TARGET").map { String(cString: $0) } ?? "pi30-serial"
        guard let target = FuzzTargets.named(name) else {
            fatalError("HELIOGRAPH_FUZZ_TARGET=\(name) is not one of \(FuzzTargets.all.map(\.name).joined(separator: ", "))")
        }
        return target
    }()

    static func run(_ bytes: [UInt8]) {
        // Read sizes and other choices come from the input itself, so libFuzzer's replays are exact.
        var random = FuzzRandom(hashing: bytes)
        _ = target.body(bytes, &random)
    }
}
