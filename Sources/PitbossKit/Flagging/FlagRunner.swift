import Foundation

/// `pitboss flag`: evaluates a rubric over the selected conversations, stores every finding and queues
/// the flagged conversations for review.
///
/// Conversations are read in batches, evaluated on all cores (the rubric's compiled patterns shared, one
/// matcher per worker), and each batch written in one short transaction — so a killed run leaves whole
/// conversations only, the next run finishes the work, and reviewers are never blocked for long.
public struct FlagRunner: Sendable {
    public struct Options: Sendable {
        public var selection = FlagSelection()
        /// A conversation with a finding at or above this severity is queued for review.
        public var minSeverity = Severity.minor
        /// Conversations per read and per write transaction.
        public var batchSize = 500
        /// Who ran it, recorded with the run.
        public var user = "unknown"
        /// Evaluate and count, store nothing: no run, no findings, no queue items.
        public var dryRun = false
        /// At most this many flagged conversations in each shift's queue, the most urgent kept (see `QueueCap`).
        public var queueLimit: Int?
        public var limits = MatchLimits.standard
        public init() {}
    }

    public struct Progress: Sendable {
        public var done: Int
        public var total: Int
        public var elapsed: TimeInterval
    }

    public let store: any FlagRunStore
    public let rubric: Rubric
    public let options: Options

    public init(store: any FlagRunStore, rubric: Rubric, options: Options) {
        self.store = store
        self.rubric = rubric
        self.options = options
    }

    public func run(now: Date = Date(), progress: ((Progress) -> Void)? = nil) throws(PitbossError) -> FlagSummary {
        // Nothing to evaluate records no run: a re-run after the last one changes nothing and leaves no trace.
        var next = try store.pending(after: 0, limit: options.batchSize, selection: options.selection, rubricHash: rubric.contentHash)
        let runID = next.isEmpty || options.dryRun ? nil : try store.startRun(rubric: rubric, selection: options.selection, by: options.user, now: now)
        var summary = FlagSummary(run: runID, rubric: rubric.name, rubricVersion: rubric.version, rubricHash: rubric.contentHash,
                                  minSeverity: options.minSeverity, rules: rubric.rules.map(\.id))
        summary.dryRun = options.dryRun
        summary.queueLimit = options.queueLimit
        let cap = options.queueLimit.map(QueueCap.init(limit:))
        // A queue limit is kept by reading each shift's queue once: two capped runs at once would each count without the
        // other's items. They take turns; reviewers and uncapped runs are not held up.
        let endTurn = cap != nil && !options.dryRun ? try store.takeTurnForCappedRun() : {}
        defer { endTurn() }
        summary.rubricLanguages = Set(rubric.languages)
        let total = progress == nil ? 0 : try store.countPending(selection: options.selection, rubricHash: rubric.contentHash)
        let evaluator = RubricEvaluator(rubric: rubric)
        let limits = options.limits
        let started = Date()
        var after: Int64 = 0
        var upcoming: BackgroundWork<[FlagStore.Pending]>?
        // The last batch's write, still running, and what it wrote: counted once it is done.
        var writing: (evaluated: [FlagStore.Evaluated], written: BackgroundWork<[FlagStore.Written]>)?
        // Nothing started here outlives the run, also when it ends with an error.
        defer {
            _ = try? writing?.written.value()
            _ = try? upcoming?.value()
        }
        func count(_ evaluated: [FlagStore.Evaluated], _ written: [FlagStore.Written]) {
            for (item, outcome) in zip(evaluated, written) { summary.count(item, outcome, minSeverity: options.minSeverity) }
            progress?(Progress(done: summary.counts.scanned, total: max(total, summary.counts.scanned), elapsed: Date().timeIntervalSince(started)))
        }
        while true {
            if let upcoming { next = try upcoming.value() }
            let batch = next
            guard let last = batch.last else { break }
            after = last.rowID
            // The next batch is read while this one is evaluated: the conversations after `after` are not this batch's, so
            // what this batch writes does not change which they are.
            let (store, selection, limit, rubricHash, from) = (store, options.selection, options.batchSize, rubric.contentHash, after)
            upcoming = BackgroundWork { () throws(PitbossError) in try store.pending(after: from, limit: limit, selection: selection, rubricHash: rubricHash) }
            // Evaluated in groups, rule by rule (see RubricEvaluator), on all cores; a group holds one language where it
            // can, so that a rule runs one language's patterns over it. Written back in the batch's own order.
            let order = batch.indices.sorted { (batch[$0].conversation.language, $0) < (batch[$1].conversation.language, $1) }
            let groups = RubricEvaluator.groups(order) { batch[$0].conversation }
            let findings = ParallelMap.map(groups, state: { Matcher(limits: limits) }) { matcher, group in
                zip(group, evaluator.evaluate(group.map { batch[$0].conversation }, matcher: matcher)).map { ($0, $1) }
            }.flatMap { $0 }
            var byIndex = Array(repeating: [Finding](), count: batch.count)
            for (index, found) in findings { byIndex[index] = found }
            let evaluated = zip(batch, byIndex).map { FlagStore.Evaluated(pending: $0, findings: $1) }
            // Batches are written one after another, in order (the queue cap's decisions depend on it), each while the
            // next one is evaluated.
            if let previous = writing { count(previous.evaluated, try previous.written.value()) }
            if let runID {
                let (name, minSeverity, cap) = (rubric.name, options.minSeverity, SendableCap(cap))
                writing = (evaluated, BackgroundWork { () throws(PitbossError) in
                    try store.save(evaluated, run: runID, rubricName: name, rubricHash: rubricHash, minSeverity: minSeverity, cap: cap.cap, now: now)
                })
            } else {
                // A dry run counts each conversation as a real run would write it, except that findings a reviewer already
                // judged are counted again (a real run keeps the reviewer's).
                count(evaluated, try evaluated.map { item throws(PitbossError) in
                    let flagged = item.findings.filter { $0.status != .error && $0.severity >= options.minSeverity }
                    guard let cap, let worst = flagged.map(\.severity).max() else { return FlagStore.Written.evaluated(queued: !flagged.isEmpty, standing: []) }
                    // The cap as the real run would apply it, over the queue as it stands (this rubric's findings only).
                    let c = item.pending.conversation
                    let priority = QueuePriority.of(worst: worst, hasCritical: worst == .critical, vip: c.isVIP, startedAt: c.startedAt, now: now)
                    let admission = try cap.admit(conversation: c.externalID, shift: c.shiftID, priority: priority) { shift throws(PitbossError) in
                        try store.flaggedQueue(shift: shift)
                    }
                    return FlagStore.Written.evaluated(queued: admission != .notQueued, standing: [])
                })
            }
        }
        if let previous = writing { count(previous.evaluated, try previous.written.value()) }
        summary.elapsed = Date().timeIntervalSince(started)
        summary.notQueued = cap?.left ?? []
        if let runID { try store.finishRun(runID, summary: summary, now: Date()) }
        return summary
    }
}

/// The queue cap handed to the thread that writes a batch. Only one batch is written at a time, and the run waits for
/// each write before the next starts, so the cap is never used by two threads at once.
private struct SendableCap: @unchecked Sendable {
    let cap: QueueCap?
    init(_ cap: QueueCap?) { self.cap = cap }
}
