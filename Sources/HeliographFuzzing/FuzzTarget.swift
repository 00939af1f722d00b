/// One decoder the fuzzer attacks: valid seeds to mutate, what the format looks like, and how the
/// daemon feeds it bytes.
///
/// The body runs one input exactly as the product does and says whether it was accepted. Thrown
/// errors are the expected answer to bad input; what counts as a finding is a crash, a hang or
/// memory growth, which the runner watches for around the body.
public struct FuzzTarget: Sendable {
    /// How one input is fed to the decoder; `random` continues the input's own generator, for
    /// chunk sizes and other choices that must replay with the input.
    public typealias Body = @Sendable (_ input: [UInt8], _ random: inout FuzzRandom) -> Bool
    /// Re-establishes checksums (and, when asked, length fields) after mutation.
    public typealias Repair = @Sendable (_ input: [UInt8], _ fixLengths: Bool) -> [UInt8]

    /// Command-line name, e.g. `pi30-serial`.
    public var name: String
    /// One line for `heliograph fuzz --list` and the README.
    public var summary: String
    /// Valid inputs (real frames, encoder output) the mutator starts from; never empty.
    public var seeds: [[UInt8]]
    /// Tokens worth inserting whole (start bytes, keywords, delimiters).
    public var dictionary: [[UInt8]]
    /// Length fields found at fixed offsets in the seeds.
    public var lengthFields: [FuzzLengthField]
    /// Longest input generated; keeps every input quick.
    public var maximumLength: Int
    /// Lets a share of mutated inputs through the integrity checks into the parsers behind them.
    public var repair: Repair?
    public var body: Body

    public init(
        name: String,
        summary: String,
        seeds: [[UInt8]],
        dictionary: [[UInt8]] = [],
        lengthFields: [FuzzLengthField] = [],
        maximumLength: Int = 1_024,
        repair: Repair? = nil,
        body: @escaping Body
    ) {
        precondition(!seeds.isEmpty, "a fuzz target needs at least one seed")
        self.name = name
        self.summary = summary
        self.seeds = seeds
        self.dictionary = dictionary
        self.lengthFields = lengthFields
        self.maximumLength = maximumLength
        self.repair = repair
        self.body = body
    }

    /// Builds input `index` of a run with `seed` and returns it with the generator positioned for the body.
    public func input(seed: UInt64, index: Int) -> (bytes: [UInt8], random: FuzzRandom) {
        var random = FuzzRandom(seed: seed, target: name, index: index)
        let bytes = FuzzMutator(target: self).input(&random)
        return (bytes, random)
    }

    /// Runs input `index` of a run with `seed`; true when the decoder accepted it.
    @discardableResult
    public func run(seed: UInt64, index: Int) -> Bool {
        var (bytes, random) = input(seed: seed, index: index)
        return body(bytes, &random)
    }
}
