import Foundation

/// Imports transcript files into the store: `pitboss import PATH...`.
///
/// Files are streamed; records are decoded and validated in batches on all cores, and each batch is
/// written in one short transaction, so a killed import leaves whole conversations only and the next
/// run completes it. Bad records are named and skipped; the good ones around them are kept.
public struct TranscriptImporter: Sendable {
    public let store: any ConversationImportStore
    public let schedule: ShiftSchedule
    public let options: ImportOptions

    public init(store: any ConversationImportStore, schedule: ShiftSchedule, options: ImportOptions) {
        self.store = store
        self.schedule = schedule
        self.options = options
    }

    /// Progress for a person watching: files done of all, records seen (reported at each file and each batch).
    public struct Progress: Sendable {
        public var file: String
        public var filesDone: Int
        public var filesTotal: Int
        public var records: Int
    }

    public func run(paths: [String], progress: ((Progress) -> Void)? = nil) throws(PitbossError) -> ImportSummary {
        let (files, skipped) = try Self.expand(paths: paths, forced: options.format)
        if options.defaults.id != nil && files.count > 1 {
            throw .usage("one conversation id was given for \(files.count) files; give each file its id in a sidecar NAME.meta.json instead")
        }
        let rejects = try options.rejectsPath.map { path throws(PitbossError) in
            // Nothing the import reads or writes: the inputs and their sidecars, the database and SQLite's files beside it.
            let database = store.ownFiles
            let sidecars = files.map { ($0.path as NSString).deletingPathExtension + ".meta.json" }
            return try RejectsWriter(path: path, protected: files.map(\.path) + sidecars + database)
        }
        let batch = ImportPipeline(importer: self, rejects: rejects)
        // However the loop ends, the writer thread is told there is no more and is waited for.
        defer { batch.close() }

        for (number, file) in files.enumerated() {
            progress?(Progress(file: file.path, filesDone: number, filesTotal: files.count, records: batch.seen))
            guard let format = file.format else {
                batch.reject(RecordProblem(SourceLocation(file: file.path), "cannot tell the format of this file", remedy: .nameFormat))
                continue
            }
            do {
                try reading.read(file: file.path, format: format) { job in
                    batch.add { job().map(ConversationStore.Prepared.init) }
                    if batch.isFull {
                        try batch.flush()
                        // Inside a large file too: a 500,000-record export is not "0 of 1 files" for minutes.
                        progress?(Progress(file: file.path, filesDone: number, filesTotal: files.count, records: batch.seen))
                    }
                }
            } catch let failure as ImportPipeline.StoreFailure {
                // The database failed, not the file: stop, and say what was saved before.
                throw batch.failed(failure.error)
            } catch let problem as RecordProblem {
                batch.reject(problem)
            } catch let error as PitbossError where error.code == .badInput || error.code == .missingFile {
                batch.reject(RecordProblem(SourceLocation(file: file.path), error.message))
            } catch let error as PitbossError {
                throw error
            } catch {
                throw .internalFailure("\(file.path): \(error)")
            }
        }
        var summary: ImportSummary
        do {
            summary = try batch.finish()
        } catch {
            throw batch.failed(error.error)
        }
        try rejects?.finish()
        summary.skipped = skipped
        summary.files = files.count
        progress?(Progress(file: "", filesDone: files.count, filesTotal: files.count, records: batch.seen))
        return summary
    }

    var reading: TranscriptReading {
        TranscriptReading(schedule: schedule, defaults: options.defaults, columnMap: options.columnMap)
    }

    struct InputFile {
        var path: String
        var format: TranscriptFormat?
    }

    /// Files named, and the transcript files inside folders (recursively, in name order).
    static func expand(paths: [String], forced: TranscriptFormat?) throws(PitbossError) -> ([InputFile], [String]) {
        var files: [InputFile] = []
        var skipped: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw .missingFile("\(path): no such file or folder")
            }
            if !isDirectory.boolValue {
                // A named pipe or a device would block the import forever, waiting for a writer.
                guard isRegularFile(path) else { throw .badInput("\(path) is not a regular file (a named pipe, a device or a socket); name a transcript file") }
                files.append(InputFile(path: path, format: forced ?? TranscriptFormat.detect(path: path)))
                continue
            }
            guard let enumerator = manager.enumerator(atPath: path) else { throw .missingFile("\(path): cannot list this folder") }
            var found: [String] = []
            while let relative = enumerator.nextObject() as? String {
                let full = (path as NSString).appendingPathComponent(relative)
                let name = (relative as NSString).lastPathComponent
                if name.hasPrefix(".") {
                    if (enumerator.fileAttributes?[.type] as? FileAttributeType) == .typeDirectory { enumerator.skipDescendants() }
                    continue
                }
                switch enumerator.fileAttributes?[.type] as? FileAttributeType {
                case .typeDirectory?: break
                case .typeRegular?, .typeSymbolicLink?:
                    if isRegularFile(full) { found.append(full) } else { skipped.append("\(full): not a regular file") }
                default: skipped.append("\(full): not a regular file (a named pipe, a device or a socket)")
                }
            }
            for full in found.sorted() {
                if full.lowercased().hasSuffix(".meta.json") { continue }
                if let format = forced ?? TranscriptFormat.detect(path: full) {
                    files.append(InputFile(path: full, format: format))
                } else {
                    skipped.append("\(full): not a transcript format Pitboss reads")
                }
            }
        }
        return (files, skipped)
    }

    /// A regular file, a link followed.
    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
    }

}

/// Records on their way to the database: decoded and validated in batches on all cores while the
/// batches before are written by one writer thread, so parsing and writing overlap.
private final class ImportPipeline: @unchecked Sendable {
    /// The store failed (busy, read-only, full disk): thrown through the readers, never taken for a bad file.
    struct StoreFailure: Error {
        var error: PitbossError
    }

    typealias Job = @Sendable () -> Result<ConversationStore.Prepared, RecordProblem>
    typealias Decoded = (ordinal: Int, prepared: ConversationStore.Prepared)
    private let importer: TranscriptImporter
    private let rejects: RejectsWriter?
    private let writerDone = DispatchGroup()

    // Touched by the reading thread only.
    private var jobs: [(ordinal: Int, job: Job)] = []
    private(set) var seen = 0

    // Shared with the writer: guarded by `condition`.
    private let condition = NSCondition()
    /// Decoded batches waiting for the writer; at most `maxWaiting`, which bounds memory on any input.
    private var waiting: [[Decoded]] = []
    private let maxWaiting = 2
    private var finished = false
    private var summary = ImportSummary()
    private var problems: [(ordinal: Int, problem: RecordProblem)] = []
    private var writeError: PitbossError?
    /// With --replace, the first content hash of each id in this run: a second, different conversation
    /// with the same id in one import is a conflict, not a silent replacement of the first.
    private var firstInRun: [String: (hash: Substring, source: String)] = [:]

    init(importer: TranscriptImporter, rejects: RejectsWriter?) {
        self.importer = importer
        self.rejects = rejects
        jobs.reserveCapacity(importer.options.batchSize)
        writerDone.enter()
        let thread = Thread { [self] in
            defer { writerDone.leave() }
            runWriter()
        }
        thread.name = "pitboss.import.writer"
        thread.start()
    }

    var isFull: Bool { jobs.count >= importer.options.batchSize }

    func add(_ job: @escaping Job) {
        jobs.append((seen, job))
        seen += 1
    }

    /// A record (or a whole file) that cannot be imported.
    func reject(_ problem: RecordProblem) {
        let ordinal = seen
        seen += 1
        condition.withLock { record(problem, ordinal: ordinal, kind: "rejected") }
    }

    private func record(_ problem: RecordProblem, ordinal: Int, kind: String) {
        if kind == "rejected" { summary.rejected += 1 } else { summary.conflicts += 1 }
        problems.append((ordinal, problem))
        rejects?.write(problem, kind: kind)
    }

    /// Decodes the waiting records on all cores and hands the good ones to the writer.
    func flush() throws(StoreFailure) {
        guard !jobs.isEmpty else { return }
        let pending = jobs
        jobs.removeAll(keepingCapacity: true)
        let results = ParallelMap.map(pending) { ($0.ordinal, $0.job()) }
        var good: [Decoded] = []
        good.reserveCapacity(results.count)
        condition.lock()
        defer { condition.unlock() }
        for (ordinal, result) in results {
            switch result {
            case .success(let prepared):
                if importer.options.replace, let conflict = repeatedInRun(prepared) {
                    record(conflict, ordinal: ordinal, kind: "conflict")
                } else {
                    good.append((ordinal, prepared))
                }
            case .failure(let problem): record(problem, ordinal: ordinal, kind: "rejected")
            }
        }
        while waiting.count >= maxWaiting && writeError == nil { condition.wait() }
        if let writeError { throw StoreFailure(error: writeError) }
        if !good.isEmpty {
            waiting.append(good)
            condition.broadcast()
        }
    }

    /// Writes what is left, waits for the writer, and returns the summary with problems in input order.
    func finish() throws(StoreFailure) -> ImportSummary {
        try flush()
        close()
        condition.lock()
        defer { condition.unlock() }
        if let writeError { throw StoreFailure(error: writeError) }
        return summarySoFar()
    }

    /// Tells the writer that nothing more comes, and waits until it has written what it has. Idempotent.
    func close() {
        condition.withLock {
            finished = true
            condition.broadcast()
        }
        writerDone.wait()
    }

    private func summarySoFar() -> ImportSummary {
        var result = summary
        result.problems = problems.sorted { $0.ordinal < $1.ordinal }.map(\.problem)
        return result
    }

    /// The store's error, with what had been saved before it, so that the person knows to run again.
    func failed(_ error: PitbossError) -> PitbossError {
        close()
        let saved = condition.withLock { summarySoFar() }
        guard saved.imported + saved.replaced > 0 else { return error }
        return PitbossError(error.code, error.message + "\nbefore that: \(saved.line); run the same import again to finish (what is saved is skipped as unchanged)")
    }

    private func repeatedInRun(_ prepared: ConversationStore.Prepared) -> RecordProblem? {
        let c = prepared.conversation
        let hash = prepared.contentHash.prefix(16)
        guard let first = firstInRun[c.externalID] else {
            firstInRun[c.externalID] = (hash, c.source.humanDescription)
            return nil
        }
        guard first.hash != hash else { return nil }
        return RecordProblem(SourceLocation(file: c.source.file, line: c.source.record.hasPrefix("line ") ? Int(c.source.record.dropFirst(5)) : nil),
                             "conflict: this import already holds a different conversation with this id (from \(first.source)); this one was not imported",
                             conversationID: c.externalID)
    }

    /// The writer thread: saves batches as they come, in transactions that grow while work is waiting.
    private func runWriter() {
        // Batches handed to the store and not yet committed, oldest first.
        var order: [[Decoded]] = []
        do {
            try importer.store.saveStream(replace: importer.options.replace, limits: ConversationStore.TransactionLimits(), now: Date(), next: { wait in
                condition.lock()
                defer { condition.unlock() }
                while wait && waiting.isEmpty && !finished { condition.wait() }
                guard !waiting.isEmpty else { return nil }
                let batch = waiting.removeFirst()
                condition.broadcast()
                order.append(batch)
                return batch.map(\.prepared)
            }, committed: { _, outcomes in
                let batch = order.removeFirst()
                condition.withLock { account(batch, outcomes) }
            })
        } catch {
            condition.withLock {
                writeError = error
                condition.broadcast()
            }
        }
    }

    private func account(_ written: [Decoded], _ outcomes: [SaveOutcome]) {
        for ((ordinal, prepared), outcome) in zip(written, outcomes) {
            let c = prepared.conversation
            let location = SourceLocation(file: c.source.file, line: c.source.record.hasPrefix("line ") ? Int(c.source.record.dropFirst(5)) : nil)
            switch outcome {
            case .imported: summary.imported += 1
            case .unchanged: summary.unchanged += 1
            case .replaced: summary.replaced += 1
            case .conflict(let existing):
                record(RecordProblem(location, "conflict: a different conversation with this id is already stored (from \(existing)); left as it was",
                                     conversationID: c.externalID, remedy: .replace), ordinal: ordinal, kind: "conflict")
            case .reviewed(let existing):
                record(RecordProblem(location, "conflict: the stored conversation with this id (from \(existing)) has reviews and is never replaced; import the new version under another id",
                                     conversationID: c.externalID), ordinal: ordinal, kind: "conflict")
            case .inReview(let existing, let reviewer):
                record(RecordProblem(location, "conflict: the stored conversation with this id (from \(existing)) is being reviewed by \(reviewer) now; left as it was, replace it once the review is done or the claim released",
                                     conversationID: c.externalID), ordinal: ordinal, kind: "conflict")
            }
        }
    }
}
