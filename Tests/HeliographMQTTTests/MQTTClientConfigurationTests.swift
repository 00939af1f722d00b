import Foundation
import HeliographCore
import HeliographMQTT
import Testing

@Suite("MQTT client configuration")
struct MQTTClientConfigurationTests {
    @Test("the password never appears when the configuration is printed or dumped")
    func passwordRedacted() {
        let configuration = MQTTClient.Configuration(
            host: "broker.lan", clientID: "edge", username: "u", password: Secret("hunter2-very-secret"), tls: .init(caFile: "/etc/ca.pem"))
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in ["\(configuration)", String(reflecting: configuration), dumped] {
            #expect(!text.contains("hunter2"), "leaked in: \(text.prefix(200))")
        }
        #expect(configuration.tls?.insecureSkipVerify == false, "verification on by default")
        #expect(configuration.port == 8883, "TLS default port")
    }

    @Test("invalid settings are refused with invalidConfiguration", arguments: [
        MQTTClient.Configuration(host: "", clientID: "a"),
        MQTTClient.Configuration(host: "h", port: 0, clientID: "a"),
        MQTTClient.Configuration(host: "h", clientID: "a", password: Secret("p")),
        MQTTClient.Configuration(host: "h", clientID: "", cleanSession: false),
        MQTTClient.Configuration(host: "h", clientID: "a", keepAlive: .seconds(70_000)),
    ])
    func invalid(configuration: MQTTClient.Configuration) {
        #expect(throws: HeliographError.self) { try configuration.validate() }
    }
}
