import Crypto
import Foundation

/// A conversation that a sample may take.
public struct SampleUnit: Sendable, Equatable {
    public var rowID: Int64
    public var id: String
    public var agent: String
    public var channel: String
    public var language: String
    public var isVIP: Bool
    public var startedAt: Date

    public init(rowID: Int64, id: String, agent: String, channel: String, language: String, isVIP: Bool = false, startedAt: Date = Date(timeIntervalSince1970: 0)) {
        self.rowID = rowID
        self.id = id
        self.agent = agent
        self.channel = channel
        self.language = language
        self.isVIP = isVIP
        self.startedAt = startedAt
    }
}

/// What a supervisor asks of a sample.
public struct SampleRequest: Sendable, Equatable {
    public enum Size: Sendable, Equatable {
        /// Exactly this many (or the whole population when it is smaller).
        case count(Int)
        /// This many of each agent's conversations (times the agent's boost).
        case perAgent(Int)
        /// As many as Cochran's formula asks for; see `SampleSize`.
        case statistical(confidence: Double, margin: Double, proportion: Double)
    }

    public enum Strata: String, Sendable, Equatable, Codable, CaseIterable {
        case agent, channel, language
    }

    public var size: Size
    public var stratify: Strata?
    /// Every agent is seen at least this often (or as often as they have conversations).
    public var minPerAgent: Int
    /// Agents to oversample: a boost of 2 makes each of the agent's conversations twice as likely to be drawn.
    public var boosts: [String: Double]
    /// Agents in a retraining follow-up, to oversample so that their outcome gets the reviews it needs: applied to
    /// those in the population (an explicit boost wins), and no error for those not in it.
    public var retrainingBoosts: [String: Double] = [:]
    public var seed: String

    public init(size: Size, stratify: Strata? = nil, minPerAgent: Int = 0, boosts: [String: Double] = [:], seed: String) {
        self.size = size
        self.stratify = stratify
        self.minPerAgent = minPerAgent
        self.boosts = boosts
        self.seed = seed
    }

    /// 16 hex digits from the system's random source, for a sample asked for without a seed.
    public static func randomSeed() -> String {
        String(UInt64.random(in: .min ... .max), radix: 16).leftPadded(to: 16)
    }
}

/// Everything needed to re-derive a sample, stored with it and printed by `pitboss sample`.
public struct SamplePlan: Sendable, Equatable, Codable {
    public struct Stratum: Sendable, Equatable, Codable {
        public var name: String
        public var population: Int
        public var boost: Double
        public var allocated: Int
        public var drawn: Int
    }

    public var seed: String
    /// How units are ranked: SHA-256 of "seed NUL conversation-id" → u in (0, 1); key −ln(u)/boost; smallest first.
    public var algorithm = "sha256-exponential-race-v1"
    public var method: SampleMethod
    public var requested: Int?
    public var statistical: SampleSize?
    public var stratify: SampleRequest.Strata?
    public var minPerAgent: Int
    public var boosts: [String: Double]
    public var population: Int
    /// SHA-256 over the population's sorted conversation ids, one per line: the auditor's check that they
    /// re-derive from the same population.
    public var populationHash: String
    public var filters: [String: String] = [:]
    public var strata: [Stratum]
    /// How many were added so that every agent is seen `minPerAgent` times.
    public var toppedUp: Int
    public var size: Int

    enum CodingKeys: String, CodingKey {
        case seed, algorithm, method, requested, statistical, stratify
        case minPerAgent = "min_per_agent"
        case boosts, population
        case populationHash = "population_hash"
        case filters, strata
        case toppedUp = "topped_up"
        case size
    }
}

/// A drawn sample: the plan and the chosen conversations, in the order they were ranked.
public struct SampleDraw: Sendable {
    public var plan: SamplePlan
    public var chosen: [(unit: SampleUnit, stratum: String)]
    /// Everything the sample was drawn from, in id order.
    public var population: [SampleUnit]
}

extension SamplePlan {
    /// The request that drew this plan's sample, to draw it again.
    public var request: SampleRequest {
        let size: SampleRequest.Size = switch method {
        case .perAgent: .perAgent(requested ?? 0)
        case .confidence: .statistical(confidence: statistical?.confidence ?? 0.95, margin: statistical?.margin ?? 0.05,
                                       proportion: statistical?.proportion ?? 0.5)
        case .size: .count(requested ?? 0)
        }
        return SampleRequest(size: size, stratify: method == .perAgent ? nil : stratify, minPerAgent: minPerAgent, boosts: boosts, seed: seed)
    }
}

/// Draws reproducible samples. Each conversation gets a pseudo-random number from SHA-256 of the seed and
/// its id, so the same seed and population give the same sample on any machine, in any row order, and a
/// conversation's chance does not depend on what else is in the population. Boosts follow Efraimidis and
/// Spirakis's weighted sampling without replacement (key −ln(u)/w, smallest first); strata are allocated in
/// proportion to their (boosted) size with the largest-remainder method.
public enum Sampler {
    public static func draw(_ population: [SampleUnit], _ asked: SampleRequest) throws(PitbossError) -> SampleDraw {
        // The retraining boosts become ordinary boosts of the agents in the population: what the plan stores and a
        // verification re-draws.
        var request = asked
        let present = Set(population.map(\.agent))
        for (agent, boost) in asked.retrainingBoosts where present.contains(agent) && asked.boosts[agent] == nil { request.boosts[agent] = boost }
        request.retrainingBoosts = [:]
        // Bounded so that every product of sizes and boosts stays a finite number.
        for (agent, boost) in request.boosts where !(boost > 0 && boost <= 1_000_000) {
            throw .usage("the boost of \(agent) is \(boost): a boost must be above 0 and at most 1000000, e.g. 2 to draw twice as often")
        }
        guard request.minPerAgent >= 0 else { throw .usage("the least number per agent must be 0 or more") }
        let agents = Set(population.map(\.agent))
        for agent in request.boosts.keys.sorted() where !agents.contains(agent) {
            throw .usage("a boost names agent '\(agent)', who has no conversation in the population (agent ids are matched exactly); drop the boost or fix the id")
        }
        let inOrder = zip(population, population.dropFirst()).allSatisfy { $0.id < $1.id }
        let units = inOrder ? population : population.sorted { $0.id < $1.id }
        let keys = units.map { rankKey(seed: request.seed, id: $0.id, boost: request.boosts[$0.agent] ?? 1) }
        let ranked = units.indices.sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : units[$0].id < units[$1].id }

        let strataKind: SampleRequest.Strata? = if case .perAgent = request.size { .agent } else { request.stratify }
        func stratum(_ u: SampleUnit) -> String {
            switch strataKind {
            case .agent: u.agent
            case .channel: u.channel
            case .language: u.language
            case nil: "all"
            }
        }
        // Units of each stratum, best-ranked first.
        var members: [String: [Int]] = [:]
        for i in ranked { members[stratum(units[i]), default: []].append(i) }
        let names = members.keys.sorted()
        let boostOf = { (name: String) -> Double in strataKind == .agent ? request.boosts[name] ?? 1 : 1 }

        var method = SampleMethod.size
        var requested: Int?
        var statistical: SampleSize?
        var allocation: [String: Int] = [:]
        switch request.size {
        case .count(let n):
            guard n > 0 else { throw .usage("a sample size must be at least 1") }
            requested = n
            allocation = allocate(min(n, units.count), names.map { ($0, members[$0, default: []].count, boostOf($0)) })
        case .perAgent(let n):
            guard n > 0 else { throw .usage("the number per agent must be at least 1") }
            method = .perAgent
            requested = n
            for name in names {
                let available = members[name, default: []].count
                let wanted = (Double(n) * boostOf(name)).rounded()
                allocation[name] = wanted < Double(available) ? Int(wanted) : available  // never converts a huge product
            }
        case .statistical(let confidence, let margin, let proportion):
            method = .confidence
            let size = try SampleSize(confidence: confidence, margin: margin, proportion: proportion, population: units.count)
            statistical = size
            allocation = allocate(size.n, names.map { ($0, members[$0, default: []].count, boostOf($0)) })
        }

        var chosen = Set<Int>()
        var order: [Int] = []
        for name in names {
            for i in members[name, default: []].prefix(allocation[name] ?? 0) { chosen.insert(i); order.append(i) }
        }
        // A quiet agent is still seen: top up from their best-ranked conversations not yet drawn.
        var toppedUp = 0
        if request.minPerAgent > 0 {
            var byAgent: [String: [Int]] = [:]
            for i in ranked { byAgent[units[i].agent, default: []].append(i) }
            for agent in byAgent.keys.sorted() {
                let list = byAgent[agent, default: []]
                var missing = min(request.minPerAgent, list.count) - list.filter(chosen.contains).count
                for i in list where missing > 0 && !chosen.contains(i) {
                    chosen.insert(i)
                    order.append(i)
                    missing -= 1
                    toppedUp += 1
                }
            }
        }

        let strata = names.map { name in
            SamplePlan.Stratum(name: name, population: members[name, default: []].count, boost: boostOf(name), allocated: allocation[name] ?? 0,
                               drawn: members[name, default: []].filter(chosen.contains).count)
        }
        let plan = SamplePlan(seed: request.seed, method: method, requested: requested, statistical: statistical, stratify: strataKind,
                              minPerAgent: request.minPerAgent, boosts: request.boosts, population: units.count,
                              populationHash: populationHash(units.map(\.id)), strata: strata, toppedUp: toppedUp, size: order.count)
        return SampleDraw(plan: plan, chosen: order.map { (units[$0], stratum(units[$0])) }, population: units)
    }

    /// Proportional allocation of `total` over strata weighted by size × boost, by largest remainder; a stratum
    /// never gets more than it has, and what it cannot take goes to the others.
    static func allocate(_ total: Int, _ strata: [(name: String, size: Int, boost: Double)]) -> [String: Int] {
        var result: [String: Int] = [:]
        var open = strata.filter { $0.size > 0 }
        var left = min(total, strata.map(\.size).reduce(0, +))
        while left > 0 && !open.isEmpty {
            let weight = open.map { Double($0.size) * $0.boost }.reduce(0, +)
            let quotas = open.map { Double(left) * Double($0.size) * $0.boost / weight }
            let full = open.indices.filter { quotas[$0] >= Double(open[$0].size) }
            if !full.isEmpty {
                for i in full {
                    result[open[i].name] = open[i].size
                    left -= open[i].size
                }
                open = open.indices.filter { !full.contains($0) }.map { open[$0] }
                continue
            }
            var shares = quotas.map { Int($0.rounded(.down)) }
            let byRemainder = open.indices.sorted {
                let a = quotas[$0] - Double(shares[$0]), b = quotas[$1] - Double(shares[$1])
                return a != b ? a > b : open[$0].name < open[$1].name
            }
            var rest = left - shares.reduce(0, +)
            for i in byRemainder where rest > 0 {
                shares[i] += 1
                rest -= 1
            }
            for (i, s) in open.enumerated() { result[s.name] = shares[i] }
            left = 0
        }
        return result
    }

    /// −ln(u)/boost with u from SHA-256 of the seed and the id: an exponential race, smallest wins.
    static func rankKey(seed: String, id: String, boost: Double) -> Double {
        var bytes = Array(seed.utf8)
        bytes.append(0)
        bytes.append(contentsOf: id.utf8)
        let digest = Array(SHA256.hash(data: bytes))
        let x = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let u = (Double(x >> 11) + 0.5) / 9_007_199_254_740_992  // 53 bits, never 0 or 1
        return -log(u) / boost
    }

    static func populationHash(_ sortedIDs: [String]) -> String {
        var hasher = SHA256()
        for id in sortedIDs { hasher.update(data: Array((id + "\n").utf8)) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
