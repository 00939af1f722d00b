import HeliographCore

import struct Foundation.Data
import struct Foundation.Date
import class Foundation.DateFormatter
import class Foundation.JSONDecoder
import struct Foundation.Locale
import struct Foundation.TimeZone

/// Turns an Open-Meteo `/v1/forecast` response body into a `WeatherReport`. Pure: bytes in, value out.
///
/// Accepts both time formats Open-Meteo offers (`timeformat=unixtime`, which `OpenMeteoRequest` asks
/// for, and the default ISO 8601 local time without offset, shifted by `utc_offset_seconds`), and
/// error bodies (`{"error": true, "reason": "..."}`), which become `deviceRejected` with the reason.
public enum OpenMeteoDecoder {
    /// At most this many bytes of a bad body are kept in the error, for bug reports.
    static let keptBytes = 256

    public static func decode(_ body: some Collection<UInt8>) throws(HeliographError) -> WeatherReport {
        let data = Data(body)
        let raw: RawResponse
        do {
            raw = try JSONDecoder().decode(RawResponse.self, from: data)
        } catch {
            throw HeliographError(
                .malformedFrame,
                "Open-Meteo answer is not the expected JSON: \(describe(error))",
                bytes: Array(data.prefix(keptBytes)),
                underlying: error
            )
        }
        if raw.error == true {
            throw HeliographError(.deviceRejected, "Open-Meteo refused the request: \(raw.reason ?? "no reason given")")
        }
        guard let latitude = raw.latitude, let longitude = raw.longitude else {
            throw HeliographError(.malformedFrame, "Open-Meteo answer has no latitude/longitude", bytes: Array(data.prefix(keptBytes)))
        }
        guard let currentBlock = raw.current else {
            throw HeliographError(.malformedFrame, "Open-Meteo answer has no 'current' block; was current= requested?", bytes: Array(data.prefix(keptBytes)))
        }
        let offset = raw.utcOffsetSeconds ?? 0
        guard let currentTime = currentBlock.time.flatMap({ date($0, offset: offset) }) else {
            throw HeliographError(.malformedFrame, "Open-Meteo 'current.time' is missing or not a time", bytes: Array(data.prefix(keptBytes)))
        }
        var current = WeatherReport.Conditions(time: currentTime)
        current.apply(currentBlock.values)

        var hourly: [WeatherReport.Conditions] = []
        if let block = raw.hourly {
            let times = block.time ?? []
            for (index, stamp) in times.enumerated() {
                guard let time = date(stamp, offset: offset) else {
                    throw HeliographError(.malformedFrame, "Open-Meteo 'hourly.time[\(index)]' is not a time", bytes: Array(data.prefix(keptBytes)))
                }
                var hour = WeatherReport.Conditions(time: time)
                hour.apply(block.values.mapValues { $0.indices.contains(index) ? $0[index] : nil })
                hourly.append(hour)
            }
            if let short = block.values.first(where: { $0.value.count != times.count }) {
                throw HeliographError(
                    .malformedFrame,
                    "Open-Meteo 'hourly.\(short.key)' has \(short.value.count) values for \(times.count) times",
                    bytes: Array(data.prefix(keptBytes))
                )
            }
        }
        return WeatherReport(latitude: latitude, longitude: longitude, elevationM: raw.elevation, current: current, hourly: hourly)
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): return "corrupt data at \(path(context))\(context.debugDescription)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "\(path(context))\(context.debugDescription)"
        case DecodingError.keyNotFound(let key, let context): return "\(path(context))missing key \(key.stringValue)"
        default: return "\(error)"
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.isEmpty ? "" : context.codingPath.map(\.stringValue).joined(separator: ".") + ": "
    }

    /// A time stamp as Open-Meteo writes it: Unix seconds, or `yyyy-MM-ddTHH:mm` in the response's offset.
    private static func date(_ stamp: TimeStamp, offset: Int) -> Date? {
        switch stamp {
        case .unix(let seconds): return Date(timeIntervalSince1970: seconds)
        case .local(let text):
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(secondsFromGMT: offset)
            for format in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd"] {
                formatter.dateFormat = format
                if let date = formatter.date(from: text) { return date }
            }
            return nil
        }
    }
}

/// The JSON as Open-Meteo documents it; every variable block is a map so unknown variables pass.
private struct RawResponse: Decodable {
    var latitude: Double?
    var longitude: Double?
    var elevation: Double?
    var utcOffsetSeconds: Int?
    var current: CurrentBlock?
    var hourly: HourlyBlock?
    var error: Bool?
    var reason: String?

    enum CodingKeys: String, CodingKey {
        case latitude, longitude, elevation, current, hourly, error, reason
        case utcOffsetSeconds = "utc_offset_seconds"
    }
}

enum TimeStamp: Decodable, Hashable {
    case unix(Double)
    case local(String)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let seconds = try? container.decode(Double.self) {
            self = .unix(seconds)
        } else {
            self = .local(try container.decode(String.self))
        }
    }
}

/// Keys that are not numeric variables (`time`, `interval`) are read apart from the values.
private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

private struct CurrentBlock: Decodable {
    var time: TimeStamp?
    var values: [String: Double?] = [:]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        for key in container.allKeys {
            switch key.stringValue {
            case "time": time = try container.decode(TimeStamp.self, forKey: key)
            case "interval": continue
            default: values[key.stringValue] = try container.decodeIfPresent(Double.self, forKey: key)
            }
        }
    }
}

private struct HourlyBlock: Decodable {
    var time: [TimeStamp]?
    var values: [String: [Double?]] = [:]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        for key in container.allKeys {
            if key.stringValue == "time" {
                time = try container.decode([TimeStamp].self, forKey: key)
            } else {
                values[key.stringValue] = try container.decode([Double?].self, forKey: key)
            }
        }
    }
}

extension WeatherReport.Conditions {
    /// Fills the fields from Open-Meteo variable names; unknown names are ignored.
    fileprivate mutating func apply(_ values: [String: Double?]) {
        func value(_ name: String) -> Double? { values[name] ?? nil }
        temperatureC = value("temperature_2m")
        relativeHumidityPct = value("relative_humidity_2m")
        pressureHPa = value("pressure_msl") ?? value("surface_pressure")
        windSpeedKmh = value("wind_speed_10m")
        windDirectionDeg = value("wind_direction_10m")
        windGustsKmh = value("wind_gusts_10m")
        rainMm = value("rain")
        precipitationMm = value("precipitation")
        cloudCoverPct = value("cloud_cover")
        shortwaveRadiationWm2 = value("shortwave_radiation")
        directRadiationWm2 = value("direct_radiation")
        diffuseRadiationWm2 = value("diffuse_radiation")
        isDay = value("is_day").map { $0 != 0 }
    }
}
