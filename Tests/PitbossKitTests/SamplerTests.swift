import Foundation
import Testing
@testable import PitbossKit

@Suite("Sampling: Cochran's size, reproducible seeded draws, strata, boosts")
struct SamplerTests {
    /// `count` conversations spread over agents a0…a(agents−1) (agent i has about count/agents), two channels.
    static func population(_ count: Int, agents: Int = 5) -> [SampleUnit] {
        (0..<count).map { i in
            SampleUnit(rowID: Int64(i + 1), id: "conv-\(i)", agent: "a\(i % agents)", channel: i % 3 == 0 ? "call" : "chat", language: "en")
        }
    }

    @Test("Cochran with finite-population correction: the textbook values")
    func cochran() throws {
        #expect(abs(NormalDistribution.quantile(0.975) - 1.959963984540054) < 1e-12)
        #expect(abs(NormalDistribution.quantile(0.995) - 2.5758293035489) < 1e-9)
        #expect(abs(NormalDistribution.quantile(0.01) + 2.3263478740408) < 1e-9)
        // n₀ = 1.96² × 0.25 / 0.05² = 384.15; N = 10 000 → 370, N = 1 000 → 278, N = 100 → 80.
        #expect(try SampleSize(confidence: 0.95, margin: 0.05, population: 10_000).n == 370)
        #expect(try SampleSize(confidence: 0.95, margin: 0.05, population: 1_000).n == 278)
        #expect(try SampleSize(confidence: 0.95, margin: 0.05, population: 100).n == 80)
        #expect(abs(try SampleSize(confidence: 0.95, margin: 0.05, population: 100).n0 - 384.1459) < 1e-3)
        // 99 % ± 3 points, p = 0.3: n₀ = 2.5758² × 0.21 / 0.0009 = 1548.1; N = 50 000 → 1502.
        #expect(try SampleSize(confidence: 0.99, margin: 0.03, proportion: 0.3, population: 50_000).n == 1502)
        #expect(try SampleSize(confidence: 0.95, margin: 0.05, population: 0).n == 0)
        #expect(throws: PitbossError.self) { try SampleSize(confidence: 95, margin: 0.05, population: 10) }
    }

    @Test("the same seed and population give the same sample, in any row order; another seed gives another")
    func reproducible() throws {
        let units = Self.population(1_000)
        let request = SampleRequest(size: .count(50), seed: "shift-2026-11-21")
        let first = try Sampler.draw(units, request).chosen.map(\.unit.id)
        let shuffled = try Sampler.draw(units.shuffled(), request).chosen.map(\.unit.id)
        #expect(first == shuffled)
        #expect(first.count == 50)
        #expect(Set(first).count == 50)
        var other = request
        other.seed = "another"
        #expect(Set(try Sampler.draw(units, other).chosen.map(\.unit.id)) != Set(first))
    }

    @Test("draws are pinned: these ids for seed 'pitboss' on any machine (SHA-256, no platform random source)")
    func pinned() throws {
        let ids = try Sampler.draw(Self.population(100), SampleRequest(size: .count(3), seed: "pitboss")).chosen.map(\.unit.id)
        let keys = Self.population(100).map { ($0.id, Sampler.rankKey(seed: "pitboss", id: $0.id, boost: 1)) }.sorted { $0.1 < $1.1 }
        #expect(ids == keys.prefix(3).map(\.0))
        #expect(Sampler.rankKey(seed: "pitboss", id: "conv-0", boost: 1) == Sampler.rankKey(seed: "pitboss", id: "conv-0", boost: 1))
    }

    @Test("a conversation's chance does not depend on the rest: adding conversations keeps the old winners' relative order")
    func stable() throws {
        let small = try Sampler.draw(Self.population(200), SampleRequest(size: .count(200), seed: "s")).chosen.map(\.unit.id)
        let large = try Sampler.draw(Self.population(400), SampleRequest(size: .count(400), seed: "s")).chosen.map(\.unit.id)
        #expect(large.filter(Set(small).contains) == small)
    }

    @Test("the statistical size is the formula's n, and the draw has exactly that many")
    func statisticalSize() throws {
        let draw = try Sampler.draw(Self.population(1_000), SampleRequest(size: .statistical(confidence: 0.95, margin: 0.05, proportion: 0.5), seed: "x"))
        #expect(draw.plan.statistical?.n == 278)
        #expect(draw.chosen.count == 278)
        #expect(draw.plan.size == 278)
    }

    @Test("stratified by channel: proportional allocation by largest remainder, summing to n")
    func stratified() throws {
        // 334 calls, 666 chats; n = 100 → 33.4 and 66.6 → 33 and 67.
        let draw = try Sampler.draw(Self.population(1_000), SampleRequest(size: .count(100), stratify: .channel, seed: "x"))
        let strata = Dictionary(uniqueKeysWithValues: draw.plan.strata.map { ($0.name, $0.allocated) })
        #expect(strata == ["call": 33, "chat": 67])
        #expect(draw.chosen.filter { $0.unit.channel == "call" }.count == 33)
    }

    @Test("allocation gives a small stratum all it has and the rest to the others")
    func allocationCaps() {
        let shares = Sampler.allocate(10, [("big", 100, 1), ("tiny", 1, 20)])
        #expect(shares == ["tiny": 1, "big": 9])
        #expect(Sampler.allocate(5, [("a", 1, 1), ("b", 1, 1)]) == ["a": 1, "b": 1])
    }

    @Test("--min-per-agent tops up a quiet agent so they are still seen")
    func minPerAgent() throws {
        var units = Self.population(500, agents: 4)
        units.append(SampleUnit(rowID: 9_999, id: "quiet-1", agent: "quiet", channel: "chat", language: "en"))
        units.append(SampleUnit(rowID: 10_000, id: "quiet-2", agent: "quiet", channel: "chat", language: "en"))
        let plain = try Sampler.draw(units, SampleRequest(size: .count(10), seed: "q"))
        let toppedUp = try Sampler.draw(units, SampleRequest(size: .count(10), minPerAgent: 2, seed: "q"))
        #expect(toppedUp.chosen.filter { $0.unit.agent == "quiet" }.count == 2)
        let shortfall = ["a0", "a1", "a2", "a3", "quiet"].map { agent in max(0, 2 - plain.chosen.filter { $0.unit.agent == agent }.count) }
        #expect(toppedUp.plan.toppedUp == shortfall.reduce(0, +))
        #expect(toppedUp.plan.toppedUp >= 2)
        #expect(toppedUp.chosen.count == 10 + toppedUp.plan.toppedUp)
        for agent in ["a0", "a1", "a2", "a3"] { #expect(toppedUp.chosen.filter { $0.unit.agent == agent }.count >= 2) }
    }

    @Test("--per-agent takes N of each agent (times their boost), at most what they have")
    func perAgent() throws {
        var units = Self.population(100, agents: 4)
        units.append(SampleUnit(rowID: 500, id: "solo-1", agent: "solo", channel: "chat", language: "en"))
        let draw = try Sampler.draw(units, SampleRequest(size: .perAgent(3), boosts: ["a1": 2], seed: "p"))
        let counts = Dictionary(grouping: draw.chosen, by: \.unit.agent).mapValues(\.count)
        #expect(counts == ["a0": 3, "a1": 6, "a2": 3, "a3": 3, "solo": 1])
    }

    @Test("a boosted agent is drawn more often: stratified by agent their share doubles; unstratified their odds do")
    func boost() throws {
        let units = Self.population(2_000, agents: 4)
        let stratified = try Sampler.draw(units, SampleRequest(size: .count(100), stratify: .agent, boosts: ["a0": 2], seed: "b"))
        #expect(stratified.chosen.filter { $0.unit.agent == "a0" }.count == 40)  // 500×2 / (500×2 + 3×500) × 100
        let plain = try Sampler.draw(units, SampleRequest(size: .count(400), seed: "b")).chosen.filter { $0.unit.agent == "a0" }.count
        let boosted = try Sampler.draw(units, SampleRequest(size: .count(400), boosts: ["a0": 3], seed: "b")).chosen.filter { $0.unit.agent == "a0" }.count
        #expect(boosted > plain + 50)
    }

    @Test("bad requests are refused with what to do")
    func badRequests() {
        #expect(throws: PitbossError.self) { try Sampler.draw(Self.population(10), SampleRequest(size: .count(0), seed: "x")) }
        #expect(throws: PitbossError.self) { try Sampler.draw(Self.population(10), SampleRequest(size: .count(1), boosts: ["a0": 0], seed: "x")) }
        #expect(throws: PitbossError.self) { try Sampler.draw(Self.population(10), SampleRequest(size: .statistical(confidence: 1.5, margin: 0.05, proportion: 0.5), seed: "x")) }
    }
}
