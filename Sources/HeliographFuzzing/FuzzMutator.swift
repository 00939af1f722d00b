/// Turns a seed into a hostile input: stacked byte-level and structure-aware mutations.
///
/// Mutations: bit flips, interesting byte and 16-bit values, small arithmetic, insertion and
/// deletion, truncation, extension, duplication of a slice, splicing with another seed, dictionary
/// tokens and length-field lies. Half the mutated inputs get their checksums repaired so they reach
/// the parsers behind the integrity checks; a few inputs are plain random bytes.
struct FuzzMutator {
    let target: FuzzTarget

    private static let interestingBytes: [UInt8] = [0x00, 0x01, 0x02, 0x0A, 0x0D, 0x20, 0x28, 0x7F, 0x80, 0xA5, 0x15, 0xFE, 0xFF]
    private static let interestingWords: [UInt16] = [0, 1, 0x7F, 0x80, 0xFF, 0x100, 0x3FF, 0x400, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF]

    func input(_ random: inout FuzzRandom) -> [UInt8] {
        if random.chance(5) {
            var bytes = random.bytes(random.below(min(target.maximumLength, 256) + 1))
            if !target.dictionary.isEmpty, random.chance(50) {
                bytes.insert(contentsOf: random.pick(target.dictionary), at: 0)
            }
            return clamp(bytes)
        }
        var bytes = random.pick(target.seeds)
        for _ in 0..<(1 + random.below(random.chance(70) ? 3 : 10)) {
            mutate(&bytes, &random)
        }
        if let repair = target.repair, random.chance(50) {
            let lie = !target.lengthFields.isEmpty && random.chance(25)
            if lie { random.pick(target.lengthFields).lie(in: &bytes, &random) }
            bytes = repair(bytes, !lie)
        } else if !target.lengthFields.isEmpty, random.chance(15) {
            random.pick(target.lengthFields).lie(in: &bytes, &random)
        }
        return clamp(bytes)
    }

    private func clamp(_ bytes: [UInt8]) -> [UInt8] {
        bytes.count <= target.maximumLength ? bytes : Array(bytes.prefix(target.maximumLength))
    }

    private func mutate(_ bytes: inout [UInt8], _ random: inout FuzzRandom) {
        // Every mutation below needs something to work on.
        if bytes.count < 2 { bytes.append(contentsOf: random.bytes(2)) }
        switch random.below(12) {
        case 0:
            bytes[random.below(bytes.count)] ^= 1 << UInt8(random.below(8))
        case 1:
            bytes[random.below(bytes.count)] = random.pick(Self.interestingBytes)
        case 2:
            let word = random.pick(Self.interestingWords)
            let at = random.below(bytes.count - 1)
            let bigEndian = random.chance(50)
            bytes[at] = UInt8(truncatingIfNeeded: bigEndian ? word >> 8 : word)
            bytes[at + 1] = UInt8(truncatingIfNeeded: bigEndian ? word : word >> 8)
        case 3:
            let at = random.below(bytes.count)
            bytes[at] = random.chance(50) ? bytes[at] &+ UInt8(1 + random.below(16)) : bytes[at] &- UInt8(1 + random.below(16))
        case 4:
            bytes.insert(contentsOf: random.bytes(1 + random.below(16)), at: random.below(bytes.count + 1))
        case 5:
            let start = random.below(bytes.count)
            bytes.removeSubrange(start..<min(bytes.count, start + 1 + random.below(16)))
        case 6:
            bytes.removeLast(random.below(bytes.count) + 1)
        case 7:
            let count = random.chance(80) ? 1 + random.below(64) : random.below(target.maximumLength + 1)
            if random.chance(50), let last = bytes.last {
                bytes.append(contentsOf: repeatElement(last, count: count))
            } else {
                bytes.append(contentsOf: random.bytes(count))
            }
        case 8:
            let start = random.below(bytes.count)
            let slice = bytes[start..<min(bytes.count, start + 1 + random.below(32))]
            bytes.insert(contentsOf: Array(slice), at: random.below(bytes.count + 1))
        case 9:
            let other = random.pick(target.seeds)
            let keep = random.below(bytes.count + 1)
            let from = random.below(other.count + 1)
            bytes = Array(bytes.prefix(keep)) + other[from...]
        case 10:
            guard !target.dictionary.isEmpty else {
                bytes.insert(random.pick(Self.interestingBytes), at: random.below(bytes.count + 1))
                return
            }
            let token = random.pick(target.dictionary)
            let at = random.below(bytes.count + 1)
            if random.chance(50) || at + token.count > bytes.count {
                bytes.insert(contentsOf: token, at: at)
            } else {
                bytes.replaceSubrange(at..<(at + token.count), with: token)
            }
        default:
            guard !target.lengthFields.isEmpty else {
                bytes.append(random.byte())
                return
            }
            random.pick(target.lengthFields).lie(in: &bytes, &random)
        }
    }
}
