import HeliographSolarman
import Testing

@Suite("Solarman discovery codec")
struct SolarmanDiscoveryTests {
    @Test("the probe is the documented ASCII string")
    func probe() {
        #expect(SolarmanDiscovery.probe == bytes("574946494b49542d3231343032382d52454144"))
        #expect(SolarmanDiscovery.port == 48899)
    }

    @Test("a logger reply parses into IP, MAC and serial")
    func reply() {
        let reply = SolarmanDiscovery.parseReply(Array("192.168.1.50,ACCF23123456,2612749371".utf8))
        #expect(reply == SolarmanDiscovery.Reply(ip: "192.168.1.50", mac: "ACCF23123456", serial: 2_612_749_371))
        #expect(reply?.bytes == Array("192.168.1.50,ACCF23123456,2612749371".utf8))
    }

    @Test("replies that are not IP,MAC,numeric serial are ignored", arguments: [
        "192.168.1.50,ACCF23123456,LSW5ABC", "192.168.1.50,ACCF2312345,2612749371", "192.168.1,ACCF23123456,2612749371",
        "hello", "192.168.1.50,ACCF23123456,2612749371,extra", "192.168.1.50,ACCF23123456,99999999999",
    ])
    func rejects(text: String) {
        #expect(SolarmanDiscovery.parseReply(Array(text.utf8)) == nil)
    }
}
