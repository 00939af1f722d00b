import Foundation
import HeliographCore
import HeliographPipeline
import HeliographWeb

/// `/health`, `/ready` and `/stats` over the poller and the sample bus.
struct PipelineStatus: DaemonStatusProvider {
    let poller: Poller
    let bus: SampleBus
    /// Components outside the pipeline (an InfluxDB spool, an MQTT connection), asked on each request.
    var extra: [@Sendable () async -> ComponentHealth] = []
    /// A sink whose last write failed and that has written nothing for this long is `failing`.
    var sinkStallAfter: TimeInterval = 60
    /// A write still running after this long makes the sink `degraded` (its server stopped answering).
    var sinkWriteSlowAfter: TimeInterval = 5

    func components() async -> [ComponentHealth] {
        var result = poller.status.map(Self.health)
        let now = Date()
        for sink in bus.statistics { result.append(health(of: sink, now: now)) }
        for component in extra { result.append(await component()) }
        return result
    }

    var firstPollsDone: Bool { poller.status.allSatisfy { $0.polls > 0 } }

    func devices() -> [DeviceStatus] {
        let drivers = Dictionary(poller.devices.map { ($0.device, $0.driver) }, uniquingKeysWith: { first, _ in first })
        return poller.status.map { status in
            // The validator's rejections, plus what a driver dropped itself (an MQTT source's caps).
            guard let counting = drivers[status.device] as? any DiscardCountingDriver else { return status }
            var status = status
            status.discarded.merge(counting.discardedValues, uniquingKeysWith: +)
            return status
        }
    }

    func sinks() -> [SinkStatistics] { bus.statistics }

    static func health(_ status: DeviceStatus) -> ComponentHealth {
        let state: ComponentHealth.State =
            switch status.availability {
            case .unknown: status.consecutiveFailures > 0 ? .failing : .starting
            case .online: status.consecutiveFailures > 0 ? .degraded : .ok
            case .unavailable: .failing
            }
        return ComponentHealth(name: status.device.rawValue, kind: "poller", status: state, detail: status.lastError, lastSuccess: status.lastSuccess)
    }

    /// A sink is retrying while its last write failed and samples wait; failing when that lasts.
    func health(of sink: SinkStatistics, now: Date) -> ComponentHealth {
        let kind = "sink"
        if let since = sink.writingSince, now.timeIntervalSince(since) > sinkWriteSlowAfter {
            let seconds = Int(now.timeIntervalSince(since))
            let detail = "\(sink.buffered) samples waiting; a write has been in progress for \(seconds) s" + (sink.lastError.map { "; last error: \($0)" } ?? "")
            return ComponentHealth(name: sink.sink, kind: kind, status: .degraded, detail: detail, lastSuccess: sink.lastWrite)
        }
        guard let error = sink.lastError, sink.buffered > 0 else {
            return ComponentHealth(name: sink.sink, kind: kind, status: .ok, detail: sink.dropped > 0 ? "\(sink.dropped) samples dropped since start" : nil, lastSuccess: sink.lastWrite)
        }
        let stalled = sink.lastWrite.map { now.timeIntervalSince($0) > sinkStallAfter } ?? true
        return ComponentHealth(
            name: sink.sink, kind: kind, status: stalled ? .failing : .degraded,
            detail: "\(sink.buffered) samples waiting; last error: \(error)", lastSuccess: sink.lastWrite
        )
    }
}
