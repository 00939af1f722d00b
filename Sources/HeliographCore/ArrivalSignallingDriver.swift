/// A polled driver whose readings arrive by themselves (MQTT sources): it tells the poller when
/// data turns up after silence, so a device backing off after failed polls is polled at once
/// instead of minutes later.
public protocol ArrivalSignallingDriver: PolledDriver {
    /// Sets the handler called when the first reading arrives, or the first after a silence.
    func onArrival(_ handler: @escaping @Sendable () -> Void)
}
