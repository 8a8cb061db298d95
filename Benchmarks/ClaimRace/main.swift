import Foundation
import PitbossKit

// Claims per second of the review queue itself, without a process per claim: REVIEWERS threads, each with its own
// connection (its own SQLite connection pool, or its own PostgreSQL session), claim the next item and skip it until the
// queue is empty (the clock starts once every connection is open). On PostgreSQL, `{r}` in the URI is replaced by the reviewer's number, so that each logs in as itself.
// usage: claim-race DB [REVIEWERS]      (Benchmarks/postgres.sh runs it on both backends)
let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: claim-race DB [REVIEWERS]\n".utf8))
    exit(64)
}
let target = arguments[1]
let reviewers = arguments.count > 2 ? Int(arguments[2]) ?? 8 : 8

final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Int64] = []
    private var failures: [String] = []
    func add(_ item: Int64) { lock.withLock { items.append(item) } }
    func fail(_ message: String) { lock.withLock { failures.append(message) } }
    var result: (items: [Int64], failures: [String]) { lock.withLock { (items, failures) } }
}

/// Each reviewer's connection, opened before the clock starts: a reviewer's session holds one for all its claims.
let queues: [any ClaimQueue]
do {
    queues = try (0..<reviewers).map { r throws(PitbossError) in
        let workspace = PostgresDatabase.isServer(target)
            ? Workspace(config: WorkspaceConfig(), server: try PostgresDatabase(target.replacingOccurrences(of: "{r}", with: String(r))))
            : Workspace(config: WorkspaceConfig(), database: try PitbossDatabase(path: target, busyTimeout: 120))
        return workspace.claims(leaseMinutes: 30)
    }
} catch {
    FileHandle.standardError.write(Data("claim-race: \(error.message)\n".utf8))
    exit(75)
}
let tally = Tally()
let started = Date()
DispatchQueue.concurrentPerform(iterations: reviewers) { r in
    do {
        let reviewer = Reviewer(name: "bench_r\(r)")
        while let claim = try queues[r].claimNext(for: reviewer, reason: nil, now: Date()) {
            tally.add(claim.item)
            try queues[r].skip(claim.item, why: "bench", by: reviewer, force: false, now: Date())
        }
    } catch {
        tally.fail("reviewer \(r): \(error)")
    }
}
let elapsed = Date().timeIntervalSince(started)
let (items, failures) = tally.result
for failure in failures { FileHandle.standardError.write(Data((failure + "\n").utf8)) }
print(String(format: "%d claims by %d reviewers in %.2f s: %.0f claims/s (each with its skip); %d distinct items",
             items.count, reviewers, elapsed, Double(items.count) / elapsed, Set(items).count))
exit(failures.isEmpty && Set(items).count == items.count ? 0 : 1)
