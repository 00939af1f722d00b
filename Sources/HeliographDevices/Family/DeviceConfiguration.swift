import HeliographCore

/// One entry under `devices:`. The keys every type shares are fields; type-specific ones are in `options`.
public struct DeviceConfiguration: Sendable, Hashable {
    public var id: DeviceID
    /// The family's name: `pi30`, `deye`, `hoymiles`, ... (see `DeviceFamilies.all`).
    public var type: String
    /// Time between polls. Default 10 s (the family may choose another).
    public var interval: Duration
    /// Longest one poll may take; it always holds every attempt of `retry` (see `DeviceRetry`).
    public var timeout: Duration
    /// Attempts, per-request timeout and backoff inside one poll; nil for families that send no
    /// requests (MQTT sources) and for the driver's default.
    public var retry: RetryPolicy?
    /// The family's own options type, e.g. `PI30Options` for `pi30`.
    public var options: any DeviceFamilyOptions

    public init(
        id: DeviceID, type: String, interval: Duration = .seconds(10), timeout: Duration = .seconds(5), retry: RetryPolicy? = nil,
        options: any DeviceFamilyOptions
    ) {
        self.id = id
        self.type = type
        self.interval = interval
        self.timeout = timeout
        self.retry = retry
        self.options = options
    }

    /// The options as the family's type, nil when the device belongs to another family.
    public func options<Options: DeviceFamilyOptions>(as type: Options.Type) -> Options? {
        options as? Options
    }

    public static func == (lhs: DeviceConfiguration, rhs: DeviceConfiguration) -> Bool {
        lhs.id == rhs.id && lhs.type == rhs.type && lhs.interval == rhs.interval && lhs.timeout == rhs.timeout
            && lhs.retry == rhs.retry && lhs.options.erased == rhs.options.erased
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(type)
        hasher.combine(interval)
        hasher.combine(timeout)
        hasher.combine(retry)
        hasher.combine(options.erased)
    }
}

extension DeviceConfiguration {
    /// The configured policy; for a configuration built in code without one, the driver's default
    /// fitted into the poll timeout (or one attempt of the whole timeout when even that cannot fit).
    public func retryPolicy(default defaultPolicy: RetryPolicy) -> RetryPolicy {
        retry ?? defaultPolicy.fitted(within: timeout) ?? RetryPolicy(attemptTimeout: timeout)
    }
}
