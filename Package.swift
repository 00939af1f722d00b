// swift-tools-version:6.1
import PackageDescription

/// Swift 6 mode everywhere, plus `any` spelled out for existentials (STYLE.md §1.10).
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let nioPosix = Target.Dependency.product(name: "NIOPosix", package: "swift-nio")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let serviceLifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")

/// The dashboard's files, compiled into the binary (`PackageResources`) so no file or CDN is needed at run time.
let webResources: [Resource] = ["index.html", "app.css", "lcars.css", "router.js", "app.js", "chart-axis.js", "chart.js", "field-picker.js", "charts-page.js", "energy.js", "energy.css", "favicon.svg"].map {
    .embedInCode("Resources/Public/\($0)")
}

let package = Package(
    name: "heliograph",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "heliograph", targets: ["heliograph"]),
        .library(name: "HeliographCore", targets: ["HeliographCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        // Hummingbird's request and response types, which the web module names itself.
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.0"..<"5.0.0"),
    ],
    targets: [
        // Domain values and seams; no I/O.
        .target(name: "HeliographCore", dependencies: [logging], swiftSettings: strictSettings),

        // Byte transports: TCP, serial (termios), USB HID (/dev/hidraw*), pseudo-terminals.
        .target(name: "HeliographTransport", dependencies: ["HeliographCore", nioCore, nioPosix, logging, serviceLifecycle], swiftSettings: strictSettings),

        // Pure codecs: bytes in, messages out. NIOCore only.
        .target(name: "HeliographPI30", dependencies: ["HeliographCore", nioCore], swiftSettings: strictSettings),
        .target(name: "HeliographModbus", dependencies: ["HeliographCore", nioCore], swiftSettings: strictSettings),
        .target(
            name: "HeliographSolarman",
            dependencies: ["HeliographCore", "HeliographModbus", nioCore],
            resources: [.copy("RegisterMaps")],
            swiftSettings: strictSettings
        ),
        .target(name: "HeliographHoymiles", dependencies: ["HeliographCore", "HeliographModbus"], swiftSettings: strictSettings),
        .target(name: "HeliographMQTTCodec", dependencies: ["HeliographCore", nioCore], swiftSettings: strictSettings),
        // Powervault P3 MQTT payloads → fields (pure).
        .target(name: "HeliographPowervault", dependencies: ["HeliographCore"], swiftSettings: strictSettings),

        // MQTT 3.1.1/5 client on NIO, and the `mqtt:` section it is configured from.
        .target(
            name: "HeliographMQTT",
            dependencies: [
                "HeliographConfigFile", "HeliographCore", "HeliographMQTTCodec", nioCore, nioPosix,
                .product(name: "NIOSSL", package: "swift-nio-ssl"), logging, serviceLifecycle, .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),

        // MQTT publishing: the sample sink (state JSON, per-field topics, Home Assistant discovery), the daemon's
        // own diagnostics device, and the retained `weather/<field>` topics.
        .target(
            name: "HeliographHomeAssistant",
            dependencies: [
                "HeliographCore", "HeliographEnergy", "HeliographMQTT", "HeliographMQTTCodec", "HeliographPipeline", "HeliographWeather", nioCore, logging, serviceLifecycle,
            ],
            swiftSettings: strictSettings
        ),

        // Validation, derived values, fan-out with a bounded buffer per sink, the poll schedule.
        .target(name: "HeliographPipeline", dependencies: ["HeliographCore", logging, serviceLifecycle, .product(name: "Metrics", package: "swift-metrics")], swiftSettings: strictSettings),

        // What both history stores share: retention, rollup tiers and buckets, batch grouping, daily energy, the maintenance loop.
        .target(name: "HeliographStorageBase", dependencies: ["HeliographCore", logging, serviceLifecycle], swiftSettings: strictSettings),

        // Energy accounting: the six flows per device and for the site (counter, integrated power or the
        // balance), periods in the site's time zone, ratios and the `tariff:` section. Pure values over the stores' points.
        .target(name: "HeliographEnergy", dependencies: ["HeliographCore", "HeliographConfigFile", "HeliographStorageBase"], swiftSettings: strictSettings),

        // SQLite history: head rows, compressed chunks, rollups, retention, daily energy.
        .target(
            name: "HeliographSQLite",
            dependencies: ["HeliographCore", "HeliographStorageBase", .product(name: "GRDB", package: "GRDB.swift"), logging, serviceLifecycle],
            swiftSettings: strictSettings
        ),

        // PostgreSQL history for fleets: time-partitioned points (or TimescaleDB hypertables), rollups, retention.
        .target(
            name: "HeliographPostgres",
            dependencies: [
                "HeliographCore", "HeliographStorageBase", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"), logging, serviceLifecycle,
            ],
            swiftSettings: strictSettings
        ),

        // Prometheus exposition: swift-metrics instruments under Prometheus names, one gauge family per field.
        .target(
            name: "HeliographPrometheus",
            dependencies: [
                "HeliographCore", "HeliographConfigFile", "HeliographEnergy", .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CoreMetrics", package: "swift-metrics"), logging, serviceLifecycle,
            ],
            swiftSettings: strictSettings
        ),

        // InfluxDB sink: line protocol, gzip batches over HTTP (v1 and v2 APIs), a disk spool for outages.
        .target(
            name: "HeliographInfluxDB",
            dependencies: [
                "HeliographCore", "HeliographConfigFile", nioCore, logging, serviceLifecycle, .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: strictSettings
        ),

        // Fleets over MQTT: edge nodes publish lossless sample batches, central nodes ingest them.
        .target(
            name: "HeliographFleet",
            dependencies: [
                "HeliographCore", "HeliographConfigFile", "HeliographMQTT", "HeliographMQTTCodec", nioCore, logging, serviceLifecycle,
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),

        // The one guarded door for setting changes: allow-list, ranges, authentication, rate limit, audit, read-back.
        .target(
            name: "HeliographControl",
            dependencies: [
                "HeliographCore", .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"), logging,
            ],
            swiftSettings: strictSettings
        ),

        // Web dashboard, REST API + OpenAPI, WebSocket live feed; the UI is embedded in the binary.
        .target(
            name: "HeliographWeb",
            dependencies: [
                "HeliographCore", "HeliographConfigFile", "HeliographControl", "HeliographEnergy", "HeliographTransport", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"), nioCore, logging, serviceLifecycle,
                .product(name: "Metrics", package: "swift-metrics"), .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                // gzip of the dashboard's files and their content hashes, computed once at start.
                .product(name: "CompressNIO", package: "compress-nio"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["Resources/README.md"],
            resources: webResources,
            swiftSettings: strictSettings
        ),

        // Open-Meteo weather (pure decoder + HTTP transport), NOAA sun position, expected PV output.
        .target(
            name: "HeliographWeather",
            dependencies: ["HeliographCore", "HeliographConfigFile", .product(name: "AsyncHTTPClient", package: "async-http-client"), nioCore, logging, serviceLifecycle],
            swiftSettings: strictSettings
        ),

        // Reading the YAML configuration: typed values, environment overrides, secrets, line-numbered problems.
        .target(name: "HeliographConfigFile", dependencies: ["HeliographCore", "Yams"], swiftSettings: strictSettings),

        // Device families as plug-ins, one folder each (PI30/, Deye/, Hoymiles/, ...): options and their parser,
        // driver (joins a codec to a transport and owns retries), simulator and its `simulate` command.
        // Family/DeviceFamilies.swift registers them.
        .target(
            name: "HeliographDevices",
            dependencies: [
                "HeliographCore", "HeliographConfigFile", "HeliographPipeline", "HeliographTransport", "HeliographPI30", "HeliographModbus",
                "HeliographSolarman", "HeliographHoymiles", "HeliographMQTT", "HeliographMQTTCodec", "HeliographPowervault", "HeliographWeather",
                nioCore, nioPosix, logging, serviceLifecycle, .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),

        // Smart load switching and alerts: pure rule engines, and the services that apply them; the heartbeat
        // (dead man's switch) ping to a healthchecks.io-style monitor.
        .target(
            name: "HeliographAutomation",
            dependencies: [
                "HeliographCore", "HeliographConfigFile", "HeliographPipeline", .product(name: "AsyncHTTPClient", package: "async-http-client"), nioCore, logging,
                serviceLifecycle,
            ],
            swiftSettings: strictSettings
        ),

        // Process-wide logging: the `logging:` section and its parser, the line formats (text, logfmt, json,
        // journald), redaction, the swift-log bootstrap. Its own module because Core cannot read configuration
        // (HeliographConfigFile depends on Core) and the CLI tools log without the composition root.
        .target(name: "HeliographLogging", dependencies: ["HeliographConfigFile", logging], swiftSettings: strictSettings),

        // Composition root: configuration → ServiceGroup.
        .target(
            name: "HeliographApp",
            dependencies: [
                "HeliographCore", "HeliographConfigFile", "HeliographDevices", "HeliographEnergy", "HeliographPipeline", "HeliographSQLite", "HeliographPostgres",
                "HeliographFleet", "HeliographControl", "HeliographWeb", "HeliographWeather", "HeliographAutomation", "HeliographMQTT",
                "HeliographMQTTCodec", "HeliographHomeAssistant", "HeliographPrometheus", "HeliographInfluxDB", "HeliographLogging", "CHeliographMalloc", "Yams", nioCore, logging,
                serviceLifecycle, .product(name: "CoreMetrics", package: "swift-metrics"), .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings
        ),

        // The bodies of the CLI's tools: scan, demo, query (PI30), backup. The executable only parses arguments.
        .target(
            name: "HeliographTools",
            dependencies: [
                "HeliographApp", "HeliographAutomation", "HeliographCore", "HeliographDevices", "HeliographPI30",
                "HeliographSQLite", "HeliographWeather", logging, serviceLifecycle,
            ],
            swiftSettings: strictSettings
        ),

        // Every `heliograph bench` suite (codec decode speed, storage, ingest, InfluxDB encoding) and the soak,
        // which runs the whole daemon; kept out of the library targets.
        .target(
            name: "HeliographBenchmarks",
            dependencies: [
                "HeliographApp", "HeliographCore", "HeliographPipeline", "HeliographDevices", "HeliographMQTT", "HeliographMQTTCodec", "HeliographWeb",
                "HeliographPI30", "HeliographModbus", "HeliographSolarman", "HeliographHoymiles", "HeliographInfluxDB", "HeliographSQLite",
                "HeliographPostgres", "HeliographStorageBase", .product(name: "GRDB", package: "GRDB.swift"),
                // The one mosquitto launcher (ChildProcess, posix_spawn) the tests use too.
                "HeliographProcesses", "CHeliographMalloc", nioCore, logging, serviceLifecycle,
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            ],
            swiftSettings: strictSettings
        ),

        // Fuzzing engine: every decoder of outside bytes as a target, mutation, hang and memory watch (`heliograph fuzz`).
        .target(
            name: "HeliographFuzzing",
            dependencies: [
                "HeliographCore", "HeliographPI30", "HeliographModbus", "HeliographSolarman", "HeliographHoymiles", "HeliographMQTTCodec",
                "HeliographPowervault", "HeliographFleet", "HeliographDevices", "HeliographWeb", "HeliographApp", nioCore,
            ],
            swiftSettings: strictSettings
        ),

        .executableTarget(
            name: "heliograph",
            dependencies: [
                "HeliographApp", "HeliographTools", "HeliographBenchmarks", "HeliographFuzzing", "HeliographCore", "HeliographDevices", "HeliographLogging", "HeliographSolarman", "HeliographTransport",
                logging, .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),

        // libFuzzer entry point for the same targets; a stub unless built with -sanitize=fuzzer -DHELIOGRAPH_LIBFUZZER (README, Fuzzing).
        .executableTarget(name: "heliograph-libfuzzer", dependencies: ["HeliographFuzzing"], swiftSettings: strictSettings),

        // Running programs as children (posix_spawn, clean signal state, no inherited descriptors), the
        // mosquitto launcher, free ports, waiting. Product-side because `heliograph bench soak` starts a
        // broker; the tests get it through HeliographTesting, which re-exports it.
        .target(name: "HeliographProcesses", swiftSettings: strictSettings),

        // glibc's allocator from Swift (mallinfo2, malloc_info, mallopt, malloc_trim): Swift's Glibc
        // module leaves <malloc.h> out. The soak reads what malloc holds; the daemon trims with it.
        .target(name: "CHeliographMalloc"),

        // Shared test helpers: fixture loading, the shared test servers, in-memory fakes. Linked by test targets only.
        .target(name: "HeliographTesting", dependencies: ["HeliographCore", "HeliographProcesses", logging], path: "Tests/HeliographTesting", swiftSettings: strictSettings),

        // The web tests' fixture (a store, a gate and a server with known data), shared by the web unit tests and
        // the integration tests that drive the server with outside programs (Chromium, schemathesis).
        .target(
            name: "HeliographWebTesting",
            dependencies: [
                "HeliographControl", "HeliographCore", "HeliographTesting", "HeliographWeb", logging, .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            path: "Tests/HeliographWebTesting",
            swiftSettings: strictSettings
        ),
        // The Hoymiles DTU fixture (shared/protocols vectors) and the pymodbus DTU stand-in serving it.
        .target(name: "HeliographHoymilesTesting", path: "Tests/HeliographHoymilesTesting", resources: [.copy("Fixtures"), .copy("Peers")], swiftSettings: strictSettings),

        // The process runner's and the test helpers' own tests: child processes (what they inherit, how their exit is seen), ports.
        .testTarget(name: "HeliographTestingTests", dependencies: ["HeliographProcesses"], swiftSettings: strictSettings),
        .testTarget(name: "HeliographCoreTests", dependencies: ["HeliographCore"], swiftSettings: strictSettings),
        // The MQTT client's parts without a broker: the session state machine, the disk outbox, its configuration.
        .testTarget(
            name: "HeliographMQTTTests",
            dependencies: ["HeliographMQTT", "HeliographMQTTCodec", "HeliographCore", "HeliographTesting", nioCore],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "HeliographInfluxDBTests", dependencies: ["HeliographInfluxDB", "HeliographCore"], swiftSettings: strictSettings),
        .testTarget(name: "HeliographLoggingTests", dependencies: ["HeliographLogging", logging], swiftSettings: strictSettings),
        // The transports on their own: ptys, serial (termios), HID report framing, the systemd notifier.
        .testTarget(
            name: "HeliographTransportTests",
            dependencies: [
                "HeliographTransport", "HeliographCore", "HeliographTesting", nioCore, .product(name: "NIOEmbedded", package: "swift-nio"), logging,
            ],
            swiftSettings: strictSettings
        ),
        // Powervault P3 and MQTT sensor payloads decoded to fields, and the decoder's fuzz regressions.
        .testTarget(name: "HeliographPowervaultTests", dependencies: ["HeliographPowervault", "HeliographCore", "HeliographDevices", nioCore], swiftSettings: strictSettings),
        .testTarget(name: "HeliographPI30Tests", dependencies: ["HeliographPI30", "HeliographTransport", "HeliographDevices", "HeliographTesting", .product(name: "NIOTestUtils", package: "swift-nio"), .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"), "HeliographCore", logging, nioCore], resources: [.copy("Fixtures")], swiftSettings: strictSettings),
        .testTarget(name: "HeliographPipelineTests", dependencies: ["HeliographPipeline", "HeliographTesting", logging, serviceLifecycle, "HeliographCore"], swiftSettings: strictSettings),
        .testTarget(name: "HeliographSQLiteTests", dependencies: ["HeliographSQLite", "HeliographStorageBase", "HeliographTesting", .product(name: "GRDB", package: "GRDB.swift"), "HeliographCore", logging], swiftSettings: strictSettings),
        .testTarget(name: "HeliographMQTTCodecTests", dependencies: ["HeliographMQTTCodec", "HeliographCore", .product(name: "NIOTestUtils", package: "swift-nio"), nioCore, "HeliographTesting"], swiftSettings: strictSettings),
        .testTarget(
            name: "HeliographSolarmanTests",
            dependencies: [
                "HeliographSolarman", "HeliographModbus", "HeliographTransport", "HeliographDevices",
                "HeliographPipeline", "HeliographTesting", nioCore, nioPosix, logging, serviceLifecycle,
                .product(name: "NIOTestUtils", package: "swift-nio"), "HeliographCore",
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "HeliographControlTests", dependencies: ["HeliographControl", "HeliographTesting", "HeliographCore"], swiftSettings: strictSettings),
        .testTarget(
            name: "HeliographWebTests",
            dependencies: [
                "HeliographWeb", "HeliographWebTesting", "HeliographControl", "HeliographEnergy", "HeliographTesting", "HeliographSQLite",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"), "HeliographCore", .product(name: "Hummingbird", package: "hummingbird"), logging,
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "CompressNIO", package: "compress-nio"), nioCore,
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HeliographModbusTests",
            dependencies: [
                "HeliographModbus", "HeliographDevices", "HeliographTransport", "HeliographTesting",
                nioCore, .product(name: "NIOTestUtils", package: "swift-nio"), "HeliographCore",
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HeliographHoymilesTests",
            dependencies: [
                "HeliographHoymiles", "HeliographModbus", "HeliographDevices", "HeliographTransport",
                "HeliographTesting", "HeliographHoymilesTesting", nioCore, .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"), "HeliographCore",
                logging, serviceLifecycle,
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HeliographWeatherTests",
            dependencies: [
                "HeliographWeather", "HeliographCore", "HeliographTesting", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"), logging,
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HeliographAutomationTests",
            dependencies: [
                "HeliographAutomation", "HeliographCore", "HeliographPipeline", "HeliographTesting", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"), logging, .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // Tests that need real servers and programs: PostgreSQL, mosquitto, InfluxDB, Prometheus (promtool),
        // paho, pymodbus, Chromium and schemathesis, the heliograph binary, the drills and the soak. scripts/test.sh starts the shared servers
        // first and passes their addresses (HELIOGRAPH_TEST_MQTT, HELIOGRAPH_TEST_POSTGRES); one
        // `swift test --filter HeliographIntegrationTests` runs them all.
        .testTarget(
            name: "HeliographIntegrationTests",
            dependencies: [
                "HeliographApp", "HeliographAutomation", "HeliographBenchmarks", "HeliographTools", "HeliographCore", "HeliographDevices", "HeliographEnergy", "HeliographFleet",
                "HeliographHomeAssistant", "HeliographInfluxDB", "HeliographLogging", "HeliographMQTT", "HeliographMQTTCodec", "HeliographPipeline",
                "HeliographPostgres", "HeliographPrometheus", "HeliographSQLite", "HeliographTransport", "HeliographWeb",
                "HeliographTesting", "HeliographWebTesting", "HeliographHoymilesTesting", "HeliographHoymiles", "HeliographModbus", nioCore, nioPosix, logging, serviceLifecycle,
                .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"), .product(name: "CoreMetrics", package: "swift-metrics"), "HeliographControl", "HeliographPI30", "HeliographSolarman", "HeliographWeather", "Yams",
            ],
            swiftSettings: strictSettings
        ),
        // Every registered device family through its simulator (or a loopback fake): the driver conformance suite.
        .testTarget(
            name: "HeliographDevicesTests",
            dependencies: [
                "HeliographDevices", "HeliographCore", "HeliographMQTT", "HeliographMQTTCodec", "HeliographPipeline", "HeliographTransport", "HeliographTesting",
                nioCore, nioPosix, logging, serviceLifecycle, .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strictSettings
        ),
        // The composition root's own tests: configuration parsing and validation, secrets, logging setup; no server.
        .testTarget(
            name: "HeliographAppTests",
            dependencies: [
                "HeliographApp", "HeliographAutomation", "HeliographConfigFile", "HeliographControl", "HeliographCore", "HeliographDevices",
                "HeliographEnergy", "HeliographFleet", "HeliographInfluxDB", "HeliographLogging", "HeliographMQTT", "HeliographPrometheus",
                "HeliographTesting", "HeliographWeather", "HeliographWeb",
            ],
            swiftSettings: strictSettings
        ),
        // The benchmark suites run small and report what they measured.
        .testTarget(name: "HeliographBenchmarksTests", dependencies: ["HeliographBenchmarks"], swiftSettings: strictSettings),
        .testTarget(name: "HeliographFuzzingTests", dependencies: ["HeliographFuzzing", "HeliographCore", "HeliographTesting"], swiftSettings: strictSettings),
        .testTarget(name: "HeliographEnergyTests", dependencies: ["HeliographEnergy", "HeliographConfigFile", "HeliographDevices", "HeliographStorageBase", "HeliographSQLite", "HeliographCore", "Yams", "HeliographTesting"], swiftSettings: strictSettings),
        .testTarget(name: "HeliographHomeAssistantTests", dependencies: ["HeliographHomeAssistant", "HeliographMQTT", "HeliographMQTTCodec", "HeliographCore", "HeliographTesting", nioCore, logging], swiftSettings: strictSettings),
    ]
)
