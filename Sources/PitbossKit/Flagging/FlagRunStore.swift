import Foundation

/// What a flag run reads and writes: one implementation per backend (`FlagStore` on SQLite, `PostgresFlagStore`), with
/// the same results for the same conversations and rubric.
public protocol FlagRunStore: Sendable {
    func startRun(rubric: Rubric, selection: FlagSelection, by user: String, now: Date) throws(PitbossError) -> Int64
    func finishRun(_ id: Int64, summary: FlagSummary, now: Date) throws(PitbossError)
    /// A shift's flagged queue items, oldest first, for the queue cap.
    func flaggedQueue(shift: String) throws(PitbossError) -> [QueueCap.Item]
    /// How many conversations the selection takes that this rubric has still to evaluate.
    func countPending(selection: FlagSelection, rubricHash: String) throws(PitbossError) -> Int
    /// The next conversations after `afterRowID`, in id order, with their turns, that this rubric has not evaluated in
    /// their current content.
    func pending(after afterRowID: Int64, limit: Int, selection: FlagSelection, rubricHash: String) throws(PitbossError) -> [FlagStore.Pending]
    /// Writes a batch's results, each conversation whole (see `FlagStore.save`).
    func save(_ batch: [FlagStore.Evaluated], run: Int64, rubricName: String, rubricHash: String, minSeverity: Severity,
              cap: QueueCap?, now: Date) throws(PitbossError) -> [FlagStore.Written]
    /// Capped runs take turns (each reads a shift's queue once); returns what ends the turn.
    func takeTurnForCappedRun() throws(PitbossError) -> () -> Void
}

extension FlagStore: FlagRunStore {
    public func takeTurnForCappedRun() throws(PitbossError) -> () -> Void {
        // A lock file beside the database; reviewers and uncapped runs are not held up.
        guard let path = database.path else { return {} }
        let lock = FileLock(exclusiveOn: path + "-flag.lock")
        return { lock.release() }
    }
}
