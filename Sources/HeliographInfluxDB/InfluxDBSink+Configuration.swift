import Foundation
import HeliographConfigFile

/// The `influxdb:` section: copy every validated sample to InfluxDB. Absent or without `url`: off.
/// The sink reads its own section; the daemon hands it over with where the spool goes by default.
///
/// ```yaml
/// influxdb:
///   url: http://127.0.0.1:8086   # required; https works too
///   api: v1                      # v1 (/write, InfluxDB 1.x) or v2 (/api/v2/write, InfluxDB 2.x/3.x); default v2 when a token is set, else v1
///   database: heliograph         # v1: database; default heliograph
///   retention_policy: autogen    # v1: optional
///   username: writer             # v1: optional basic authentication
///   password_file: /etc/heliograph/influx.pass   # or password: …; or a credential name (README "Secrets")
///   org: home                    # v2: organisation
///   bucket: solar                # v2: bucket
///   token_file: /etc/heliograph/influx.token     # or token: …; or a credential name (README "Secrets")
///   measurement_prefix: ""       # put before the device kind, which names each measurement (pi30, deye-hybrid, …)
///   tags: { site: home }         # added to every point, besides device and model
///   batch_size: 5000             # points per request
///   timeout: 10s                 # per request
///   max_backoff: 60s             # retries back off from 1 s to this, with jitter
///   gzip: true                   # compress request bodies
///   spool_directory: /var/lib/heliograph/influxdb-spool   # default: influxdb-spool beside the database
///   spool_max_mb: 512            # past this the oldest unsent batches are dropped
/// ```
extension InfluxDBSink.Configuration {
    static let keys = [
        "url", "api", "database", "retention_policy", "username", "password", "password_file", "org", "bucket", "token", "token_file",
        "measurement_prefix", "tags", "batch_size", "timeout", "max_backoff", "gzip", "spool_directory", "spool_max_mb",
    ]

    /// Reads the section; nil when it is absent (or has problems, which are reported).
    /// `defaultSpoolDirectory` is used unless `spool_directory` is given (the daemon: beside its database).
    public static func parse(_ section: ConfigurationSection, defaultSpoolDirectory: URL) -> InfluxDBSink.Configuration? {
        guard section.mapping != nil || section.environment[ConfigurationSection.environmentName(for: section.key("url"))] != nil else {
            return nil
        }
        guard let urlText = section.string("url") else {
            section.problem(nil, "needs url, e.g. http://127.0.0.1:8086")
            return nil
        }
        guard let url = URL(string: urlText), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            section.problem("url", "must be an http:// or https:// URL with a host; got '\(urlText)'")
            return nil
        }
        let token = secret(section, "token")
        let api = section.string("api", oneOf: ["v1", "v2"]) ?? (token != nil ? "v2" : "v1")
        let endpointAPI: InfluxDBEndpoint.API
        if api == "v2" {
            let org = section.string("org")
            let bucket = section.string("bucket")
            guard let org, let bucket, let token else {
                let missing = [org == nil ? "org" : nil, bucket == nil ? "bucket" : nil, token == nil ? "token or token_file" : nil].compactMap { $0 }
                section.problem("api", "the v2 API needs \(missing.joined(separator: ", "))")
                return nil
            }
            endpointAPI = .v2(organization: org, bucket: bucket, token: token)
        } else {
            endpointAPI = .v1(
                database: section.string("database") ?? "heliograph",
                retentionPolicy: section.string("retention_policy"),
                username: section.string("username"),
                password: secret(section, "password")
            )
        }
        var influx = InfluxDBSink.Configuration(endpoint: InfluxDBEndpoint(url: url, api: endpointAPI), spoolDirectory: defaultSpoolDirectory)
        influx.lineProtocol.measurementPrefix = section.string("measurement_prefix") ?? ""
        let tags = section.section("tags")
        for name in tags.keys {
            if let value = tags.string(name) { influx.lineProtocol.staticTags[name] = value }
        }
        influx.batchSize = section.int("batch_size", in: 1...100_000) ?? influx.batchSize
        influx.timeout = section.duration("timeout", in: .milliseconds(100) ... .seconds(300)) ?? influx.timeout
        influx.maximumBackoff = section.duration("max_backoff", in: .seconds(1) ... .seconds(3_600)) ?? influx.maximumBackoff
        influx.compress = section.bool("gzip") ?? influx.compress
        if let directory = section.string("spool_directory") { influx.spoolDirectory = URL(fileURLWithPath: directory) }
        if let megabytes = section.int("spool_max_mb", in: 1...1_048_576) { influx.spoolMaximumBytes = megabytes << 20 }
        section.reportUnknownKeys(allowed: keys)
        return influx
    }

    /// A secret key (`password`, `token`) through the shared rules: environment, `<key>_file`,
    /// systemd credentials, container secrets; redacted in logs.
    private static func secret(_ section: ConfigurationSection, _ name: String) -> String? {
        section.secret(name)?.value
    }
}
