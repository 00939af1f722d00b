import HeliographApp
import HeliographCore
import HeliographDevices
import Testing

/// Every request-sending device type's poll timeout holds all of its retries (issue 14, item 6).
@Suite("Device retry policy and poll timeout")
struct DeviceRetryConfigurationTests {
    /// A Deye inverter `roof` with a 5 s poll timeout; a test may append more of its keys (indented by four).
    static let roofWithFiveSecondTimeout = """
        devices:
          roof:
            type: deye
            host: 192.0.2.10
            timeout: 5s
        """

    func devices(_ yaml: String) -> (devices: [DeviceConfiguration], problems: [String]) {
        let (configuration, problems) = HeliographConfiguration.parse(yaml: yaml)
        return (configuration?.devices ?? [], problems.map(\.description))
    }

    @Test("with no timeout, each type's poll timeout is derived from its driver's policy and holds every attempt")
    func derivedDefaults() throws {
        let (devices, problems) = devices("""
            devices:
              serial:
                type: pi30
                port: /dev/ttyUSB0
              roof:
                type: deye
                host: 192.0.2.10
              dtu:
                type: hoymiles
                host: 192.0.2.11
              weather:
                type: open-meteo
                latitude: 51.5
                longitude: -0.1
              sensors:
                type: mqtt-sensors
                topics: [home/#]
            mqtt:
              host: broker.lan
            """)
        #expect(problems == [])
        let byID = Dictionary(uniqueKeysWithValues: devices.map { ($0.id.rawValue, $0) })
        let expected: [String: RetryPolicy] = [
            "serial": PI30Driver.defaultRetry, "roof": DeyeDriver.defaultRetry, "dtu": HoymilesDTUDriver.defaultRetry,
        ]
        for (id, policy) in expected {
            let device = try #require(byID[id])
            #expect(device.retry == policy)
            #expect(device.timeout >= policy.longestDuration, "\(id): \(device.timeout) < \(policy.longestDuration)")
            #expect(device.timeout <= policy.longestDuration + .milliseconds(1_500), "\(id): derived timeout far above the policy")
        }
        // Three attempts of 3 s with up to 0.24 s and 0.48 s between them: 9.72 s, plus room, whole seconds.
        #expect(byID["roof"]?.timeout == .seconds(11))
        #expect(try #require(byID["weather"]?.retry).attempts == 2)
        #expect(try #require(byID["weather"]).timeout >= byID["weather"]!.retry!.longestDuration)
        // MQTT sources send no requests: no policy, the plain default timeout.
        #expect(byID["sensors"]?.retry == nil)
        #expect(byID["sensors"]?.timeout == .seconds(5))
    }

    @Test("retry: settings are read and the poll timeout derived from them")
    func explicitRetry() throws {
        let (devices, problems) = devices("""
            devices:
              roof:
                type: deye
                host: 192.0.2.10
                retry:
                  attempts: 4
                  request_timeout: 1500ms
                  backoff: 100ms
                  max_backoff: 300ms
            """)
        #expect(problems == [])
        let device = try #require(devices.first)
        let retry = try #require(device.retry)
        #expect(retry.attempts == 4)
        #expect(retry.attemptTimeout == .milliseconds(1_500))
        #expect(retry.initialDelay == .milliseconds(100))
        #expect(retry.maximumDelay == .milliseconds(300))
        // 4 × 1.5 s + (0.1 + 0.2 + 0.3) × 1.2 = 6.72 s, plus room: 8 s.
        #expect(retry.longestDuration > .milliseconds(6_719) && retry.longestDuration < .milliseconds(6_721))
        #expect(device.timeout == .seconds(8))
    }

    @Test("a timeout alone shrinks the request timeout so every attempt still fits")
    func timeoutOnly() throws {
        let (devices, problems) = devices(Self.roofWithFiveSecondTimeout)
        #expect(problems == [])
        let device = try #require(devices.first)
        let retry = try #require(device.retry)
        #expect(device.timeout == .seconds(5))
        #expect(retry.attempts == DeyeDriver.defaultRetry.attempts)
        #expect(retry.attemptTimeout < DeyeDriver.defaultRetry.attemptTimeout)
        #expect(retry.longestDuration <= .seconds(5))
        #expect(retry.longestDuration >= .milliseconds(4_990))
    }

    @Test("config check refuses a timeout that cannot hold the retries, and says what would")
    func impossible() {
        let (devices, problems) = devices(Self.roofWithFiveSecondTimeout + """

                retry:
                  attempts: 3
                  request_timeout: 5s
              serial:
                type: pi30
                port: /dev/ttyUSB0
                timeout: 150ms
            """)
        #expect(devices.isEmpty)
        #expect(problems.count == 2)
        let deye = problems.first { $0.hasPrefix("devices.roof.timeout (line 5): ") }
        #expect(
            deye == "devices.roof.timeout (line 5): 5 s cannot hold the retries: 3 attempts × 5 s, backoff 0.2 s…2 s ±20 % (up to 15.72 s); "
                + "raise timeout to at least 16 s, or lower retry.attempts or retry.request_timeout",
            "\(problems)"
        )
        // Shrinking the request timeout would leave less than 100 ms per attempt: refused too.
        #expect(problems.contains { $0.hasPrefix("devices.serial.timeout (line 12): 0.15 s cannot hold the retries") }, "\(problems)")
    }

    @Test("retry keys are checked like every other key")
    func badKeys() {
        let (_, problems) = devices("""
            devices:
              roof:
                type: deye
                host: 192.0.2.10
                retry:
                  atempts: 2
                  request_timeout: 10ms
              sensors:
                type: mqtt-sensors
                topics: [home/#]
                retry:
                  attempts: 2
            """)
        #expect(problems.contains { $0.hasPrefix("devices.roof.retry.atempts (line 6): unknown key; did you mean 'attempts'?") }, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("devices.roof.retry.request_timeout (line 7): ") }, "\(problems)")
        // MQTT sources send no requests, so they have nothing to retry.
        #expect(problems.contains { $0.hasPrefix("devices.sensors.retry (line 11): unknown key") }, "\(problems)")
    }
}
