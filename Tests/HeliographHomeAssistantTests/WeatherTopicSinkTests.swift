import HeliographCore
import Testing

@testable import HeliographHomeAssistant

/// The retained `weather/<field>` payloads: the value alone, rounded to the field's precision.
@Suite struct WeatherTopicSinkTests {
    @Test("numbers are rounded to the field's precision and whole numbers lose the fraction; flags and text pass as they are")
    func payloads() {
        #expect(WeatherTopicSink.payload(.number(12.46), precision: 1) == "12.5")
        #expect(WeatherTopicSink.payload(.number(35.2), precision: 0) == "35")
        #expect(WeatherTopicSink.payload(.number(-3.0), precision: 2) == "-3")
        #expect(WeatherTopicSink.payload(.flag(true), precision: 0) == "true")
        #expect(WeatherTopicSink.payload(.text("Cloudy"), precision: 0) == "Cloudy")
    }
}
