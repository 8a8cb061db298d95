import Foundation
import PostgresTestSupport
import Testing
@testable import PitbossKit

/// The contract every backend's stores keep: the same input gives the same outcomes, whether the workspace is a SQLite
/// file or a PostgreSQL database. Each case runs once per backend, through the workspace's own accessors, as commands do.
enum StoreContract {
    static let now = UTCTimestamp.parse("2026-11-22T08:00:00Z")!

    static let rude = #"[{"speaker":"customer","at":"2026-11-21T22:04:00Z","text":"my card 4111 1111 1111 1111 was declined"},{"speaker":"agent","at":"2026-11-21T22:04:30Z","text":"hello, not my problem"}]"#

    /// "rude-N" (agent en.anna) break the courtesy rule (major); "calm-N" (agent en.boris) only miss the test rubric's
    /// minor checks.
    static func corpus(rude: Int, calm: Int, in scratch: Scratch, name: String = "in.jsonl") -> String {
        var lines: [String] = []
        for i in 0..<rude { lines.append(Fixture.canonicalLine(id: "rude-\(i)", agent: "en.anna", turns: Self.rude)) }
        for i in 0..<calm { lines.append(Fixture.canonicalLine(id: "calm-\(i)", agent: "en.boris")) }
        return scratch.write(name, lines.joined(separator: "\n") + "\n")
    }

    static func importFiles(_ paths: [String], into workspace: Workspace, replace: Bool = false) throws -> ImportSummary {
        var options = ImportOptions()
        options.replace = replace
        return try TranscriptImporter(store: workspace.importStore, schedule: .standard, options: options).run(paths: paths)
    }

    static func flag(_ workspace: Workspace, limit: Int? = nil) throws -> FlagSummary {
        var options = FlagRunner.Options()
        options.user = "qa.lead"
        options.queueLimit = limit
        return try FlagRunner(store: workspace.flagRuns, rubric: TestRubric.rubric, options: options).run(now: now)
    }

    // MARK: - The cases

    static func importOutcomes(_ workspace: Workspace, _ scratch: Scratch) throws {
        let first = try importFiles([corpus(rude: 2, calm: 3, in: scratch)], into: workspace)
        #expect(first.imported == 5)
        let again = try importFiles([corpus(rude: 2, calm: 3, in: scratch)], into: workspace)
        #expect(again.imported == 0)
        #expect(again.unchanged == 5)
        let changed = scratch.write("changed.jsonl", Fixture.canonicalLine(id: "calm-0", agent: "en.boris", turns: rude) + "\n")
        let conflict = try importFiles([changed], into: workspace)
        #expect(conflict.conflicts == 1)
        let replaced = try importFiles([changed], into: workspace, replace: true)
        #expect(replaced.replaced == 1)
        // One id twice in one file: the first is imported, the second (other content) is a conflict.
        let twice = scratch.write("twice.jsonl", Fixture.canonicalLine(id: "dup-1") + "\n" + Fixture.canonicalLine(id: "dup-1", turns: rude) + "\n")
        let duplicate = try importFiles([twice], into: workspace)
        #expect(duplicate.imported == 1)
        #expect(duplicate.conflicts == 1)
    }

    static func flagOutcomes(_ workspace: Workspace, _ scratch: Scratch) throws {
        _ = try importFiles([corpus(rude: 3, calm: 4, in: scratch)], into: workspace)
        let summary = try flag(workspace)
        #expect(summary.counts.evaluated == 7)
        #expect(summary.counts.flagged == 7)
        let rerun = try flag(workspace)
        #expect(rerun.counts.scanned == 0)
        #expect(rerun.run == nil)
        // The flagged ones are queued, most urgent first; a reviewer claims them one by one.
        let queue = workspace.claims(leaseMinutes: 30)
        var claimed: [String] = []
        for name in ["qa.a", "qa.b", "qa.c"] {
            let claim = try #require(try queue.claimNext(for: Reviewer(name: name), reason: .flagged, now: now))
            claimed.append(claim.conversation)
        }
        #expect(Set(claimed) == ["rude-0", "rude-1", "rude-2"])  // the major ones first
        for k in 0..<4 { #expect(try queue.claimNext(for: Reviewer(name: "qa.\(k)"), reason: .flagged, now: now)?.conversation.hasPrefix("calm-") == true) }
        #expect(try queue.claimNext(for: Reviewer(name: "qa.late"), reason: .flagged, now: now) == nil)
    }

    static func claimRules(_ workspace: Workspace, _ scratch: Scratch) throws {
        _ = try importFiles([corpus(rude: 3, calm: 0, in: scratch)], into: workspace)
        _ = try flag(workspace)
        let queue = workspace.claims(leaseMinutes: 30)
        // Never one's own conversation.
        #expect(try queue.claimNext(for: Reviewer(name: "anna", agentIDs: ["en.anna"]), reason: nil, now: now) == nil)
        let maria = Reviewer(name: "qa.maria")
        let first = try #require(try queue.claimNext(for: maria, reason: nil, now: now))
        // Asking again resumes her claim.
        #expect(try queue.claimNext(for: maria, reason: nil, now: now)?.item == first.item)
        // Someone else's claim is not hers to release, nor to claim.
        #expect {
            try queue.release(first.item, by: "qa.tom", force: false, now: now)
        } throws: { ($0 as? PitbossError)?.code == .refused }
        #expect {
            _ = try queue.claim(first.item, for: Reviewer(name: "qa.tom"), now: now)
        } throws: { ($0 as? PitbossError)?.code == .refused }
        // After the lease, the item is anyone's again.
        let later = now.addingTimeInterval(31 * 60)
        let tom = try queue.claim(first.item, for: Reviewer(name: "qa.tom"), now: later)
        #expect(tom.reviewer == "qa.tom")
        try queue.skip(tom.item, why: "test chat", by: Reviewer(name: "qa.tom"), force: false, now: later)
        #expect {
            try queue.skip(tom.item, why: "again", by: Reviewer(name: "qa.tom"), force: false, now: later)
        } throws: { ($0 as? PitbossError)?.code == .refused }
        #expect(try queue.item(named: tom.conversation, for: nil) == tom.item)
        #expect(throws: PitbossError.self) { _ = try queue.item(named: "no-such", for: nil) }
    }

    static func queueLimit(_ workspace: Workspace, _ scratch: Scratch) throws {
        _ = try importFiles([corpus(rude: 5, calm: 2, in: scratch)], into: workspace)
        let summary = try flag(workspace, limit: 2)
        #expect(summary.counts.flagged == 7)
        #expect(summary.notQueued.count == 5)
        let queue = workspace.claims(leaseMinutes: 30)
        var claimed: [String] = []
        for k in 0..<4 { if let claim = try queue.claimNext(for: Reviewer(name: "qa.\(k)"), reason: .flagged, now: now) { claimed.append(claim.conversation) } }
        #expect(claimed.count == 2)
        #expect(claimed.allSatisfy { $0.hasPrefix("rude-") })  // the most severe kept
    }
}

extension StoreContract {
    static func assignments(_ workspace: Workspace, _ scratch: Scratch) throws {
        _ = try importFiles([corpus(rude: 3, calm: 2, in: scratch)], into: workspace)
        _ = try flag(workspace)
        let assign = workspace.assignments
        // The most urgent open items, never the reviewer's own conversations.
        let toTom = try assign.assign(to: Reviewer(name: "qa.tom"), count: 2, filter: ReviewQueue.ItemFilter(reason: .flagged), by: "qa.lead", now: now)
        #expect(toTom.count == 2)
        let anna = Reviewer(name: "anna", agentIDs: ["en.anna"])
        let toAnna = try assign.assign(to: anna, count: 5, filter: ReviewQueue.ItemFilter(), by: "qa.lead", now: now)
        #expect(toAnna.count == 2)  // the calm ones: every rude one is hers
        let page = try workspace.queuePage(QueueQuery(assignedTo: "qa.tom"))
        #expect(page.entries.map(\.id) == toTom)
        #expect(page.entries.map(\.conversation) == ["rude-0", "rude-1"])
        #expect(page.entries.allSatisfy { $0.status == .assigned })
        // Tom's claim comes from what was assigned to him.
        let claims = workspace.claims(leaseMinutes: 30)
        let tomsClaim = try #require(try claims.claimNext(for: Reviewer(name: "qa.tom"), reason: nil, now: now))
        #expect(tomsClaim.item == toTom[0])
        // Named items: all or none. A claimed item refuses the whole list; her own conversation is refused to her.
        let free = try claims.item(named: "rude-2", for: nil)
        #expect(throws: PitbossError.self) { try assign.assign(items: [free, tomsClaim.item], to: Reviewer(name: "qa.li"), by: "qa.lead", now: now) }
        #expect(try workspace.queuePage(QueueQuery(assignedTo: "qa.li")).entries.isEmpty)
        #expect(throws: PitbossError.self) { try assign.assign(items: [free], to: anna, by: "qa.lead", now: now) }
        try assign.assign(items: [free, toAnna[0]], to: Reviewer(name: "qa.li"), by: "qa.lead", now: now)
        #expect(try workspace.queuePage(QueueQuery(assignedTo: "qa.li")).entries.map(\.conversation) == ["rude-2", "calm-0"])
    }

    static func sampling(_ workspace: Workspace, _ scratch: Scratch) throws {
        _ = try importFiles([corpus(rude: 0, calm: 20, in: scratch)], into: workspace)
        let first = try workspace.sampling.sample(SamplePopulation(), SampleRequest(size: .count(5), seed: "contract"), by: "qa.lead", dryRun: false, now: now)
        #expect(first.draw.plan.population == 20)
        #expect(first.queued == 5)
        #expect(first.sampleID == 1)
        // The sampled conversations are in the queue now: the next draw is from the other 15.
        let second = try workspace.sampling.sample(SamplePopulation(), SampleRequest(size: .count(5), seed: "contract"), by: "qa.lead", dryRun: true, now: now)
        #expect(second.draw.plan.population == 15)
        #expect(second.sampleID == nil)
        #expect(Set(second.draw.chosen.map(\.unit.id)).isDisjoint(with: first.draw.chosen.map(\.unit.id)))
        #expect(try workspace.queuePage(QueueQuery(reason: .sample)).total == 5)
        #expect(throws: PitbossError.self) { _ = try workspace.sampling.sample(SamplePopulation(agents: ["nobody"]), SampleRequest(size: .count(1), seed: "s"), by: "qa.lead", dryRun: false, now: now) }
    }

    static func retraining(_ workspace: Workspace, _ scratch: Scratch) throws {
        _ = try importFiles([corpus(rude: 1, calm: 1, in: scratch)], into: workspace)
        let changes = workspace.retraining
        let module = RetrainingModule(name: "courtesy-101", title: "Courtesy", criteria: ["courtesy"])
        let utc = TimeZone(identifier: "UTC")!
        let request = RetrainingStore.Request(agent: "en.anna", module: module, evidence: ["rude-0"], dueOn: "2026-12-31", on: now)
        let (first, none) = try changes.assign(request, by: "qa.lead", now: now, zone: utc)
        #expect(first.state == .assigned && first.criteria == ["courtesy"] && none.isEmpty)
        let (second, earlier) = try changes.assign(request, by: "qa.lead", now: now, zone: utc)
        #expect(earlier.map(\.id) == [first.id] && second.repeatOf == first.id)
        #expect(try changes.move(first.id, to: .started, on: now, by: "qa.lead", now: now).state == .started)
        #expect(try changes.move(first.id, to: .completed, on: now, by: "qa.lead", now: now).state == .completed)
        #expect { try changes.move(first.id, to: .started, on: now, by: "qa.lead", now: now) } throws: { ($0 as? PitbossError)?.code == .refused }
        #expect(throws: PitbossError.self) { try changes.move(second.id, to: .cancelled, reason: " ", on: now, by: "qa.lead", now: now) }
        #expect { try changes.assign(RetrainingStore.Request(agent: "en.annna", module: module, dueOn: "2026-12-31", on: now), by: "qa.lead", now: now, zone: utc) }
            throws: { ($0 as? PitbossError)?.message.contains("en.anna") == true }
        #expect(throws: PitbossError.self) { try changes.move(99, to: .started, on: now, by: "qa.lead", now: now) }
    }
}

@Suite("The store contract on SQLite")
struct SQLiteStoreContractTests {
    let scratch = Scratch()
    func workspace() throws -> Workspace { Workspace(config: WorkspaceConfig(), database: try PitbossDatabase.inMemory()) }

    @Test("import: imported, unchanged, conflict, replaced, an id twice in one file") func importOutcomes() throws { try StoreContract.importOutcomes(workspace(), scratch) }
    @Test("flag: evaluates, queues the flagged, a re-run has nothing to do") func flagOutcomes() throws { try StoreContract.flagOutcomes(workspace(), scratch) }
    @Test("claims: never one's own, resumed, others' refused, leases run out, skip") func claimRules() throws { try StoreContract.claimRules(workspace(), scratch) }
    @Test("flag with a queue limit queues the most urgent up to it") func queueLimit() throws { try StoreContract.queueLimit(workspace(), scratch) }
    @Test("assign: the most urgent, never one's own; named items all or none; the holder's list and claim") func assignments() throws { try StoreContract.assignments(workspace(), scratch) }
    @Test("sample: drawn, recorded and queued; a second draw leaves the queued out") func sampling() throws { try StoreContract.sampling(workspace(), scratch) }
    @Test("retraining: assigned, a repeat named, moved along, wrong moves refused") func retraining() throws { try StoreContract.retraining(workspace(), scratch) }
}

@Suite("The store contract on PostgreSQL",
       .enabled(if: PostgresCluster.available, "PostgreSQL is not installed here, or a throwaway cluster did not start: make test installs it (as root) and runs these"))
struct PostgresStoreContractTests {
    let scratch = Scratch()
    func workspace() throws -> Workspace {
        let workspace = Workspace(config: WorkspaceConfig(), server: try PostgresDatabase(PostgresCluster.shared!.freshDatabase(), schema: .createOrUpgrade))
        // On a server, work goes to logins only: the people these cases hand work to.
        for name in ["qa.tom", "qa.li", "anna"] {
            _ = PostgresCluster.shared!.psql("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\(name)') THEN CREATE ROLE \"\(name)\" LOGIN IN ROLE pitboss_reviewer; END IF; END $$")
        }
        return workspace
    }

    @Test("import: imported, unchanged, conflict, replaced, an id twice in one file") func importOutcomes() throws { try StoreContract.importOutcomes(workspace(), scratch) }
    @Test("flag: evaluates, queues the flagged, a re-run has nothing to do") func flagOutcomes() throws { try StoreContract.flagOutcomes(workspace(), scratch) }
    @Test("claims: never one's own, resumed, others' refused, leases run out, skip") func claimRules() throws { try StoreContract.claimRules(workspace(), scratch) }
    @Test("flag with a queue limit queues the most urgent up to it") func queueLimit() throws { try StoreContract.queueLimit(workspace(), scratch) }
    @Test("assign: the most urgent, never one's own; named items all or none; the holder's list and claim") func assignments() throws { try StoreContract.assignments(workspace(), scratch) }
    @Test("sample: drawn, recorded and queued; a second draw leaves the queued out") func sampling() throws { try StoreContract.sampling(workspace(), scratch) }
    @Test("retraining: assigned, a repeat named, moved along, wrong moves refused") func retraining() throws { try StoreContract.retraining(workspace(), scratch) }
}
