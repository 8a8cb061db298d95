import Foundation

/// Imports transcript files into the store: `pitboss import PATH...`.
///
/// Files are streamed; records are decoded and validated in batches on all cores, and each batch is
/// written in one short transaction, so a killed import leaves whole conversations only and the next
/// run completes it. Bad records are named and skipped; the good ones around them are kept.
public struct TranscriptImporter: Sendable {
    public let store: ConversationStore
    public let schedule: ShiftSchedule
    public let options: ImportOptions

    public init(store: ConversationStore, schedule: ShiftSchedule, options: ImportOptions) {
        self.store = store
        self.schedule = schedule
        self.options = options
    }

    /// Progress for a person watching: files done of all, records seen.
    public struct Progress: Sendable {
        public var file: String
        public var filesDone: Int
        public var filesTotal: Int
        public var records: Int
    }

    public func run(paths: [String], progress: ((Progress) -> Void)? = nil) throws(PitbossError) -> ImportSummary {
        let (files, skipped) = try Self.expand(paths: paths, forced: options.format)
        if options.defaults.id != nil && files.count > 1 {
            throw .usage("--id names one conversation, but \(files.count) files were given; use a sidecar NAME.meta.json per file instead")
        }
        var summary = ImportSummary()
        summary.skipped = skipped
        summary.files = files.count
        let rejects = try options.rejectsPath.map { path throws(PitbossError) in try RejectsWriter(path: path) }
        var batch = Batch(importer: self, rejects: rejects)

        for (number, file) in files.enumerated() {
            progress?(Progress(file: file.path, filesDone: number, filesTotal: files.count, records: batch.seen))
            guard let format = file.format else {
                batch.reject(RecordProblem(SourceLocation(file: file.path), "cannot tell the format of this file; name it with --format (\(TranscriptFormat.namesForHumans))"), into: &summary)
                continue
            }
            let fallback: ConversationMetadata
            do {
                fallback = try sidecar(for: file.path).filling(from: options.defaults)
            } catch let problem as RecordProblem {
                batch.reject(problem, into: &summary)
                continue
            } catch {
                batch.reject(RecordProblem(SourceLocation(file: file.path), "\(error)"), into: &summary)
                continue
            }
            let context = ReadContext(zone: schedule.timeZone, columnMap: options.columnMap, roles: fallback.roles)
            let defaultID = format == .jsonl || format == .csv ? nil : WholeFile.stem(file.path)
            do {
                try format.reader.read(path: file.path, context: context) { pending in
                    let schedule = self.schedule
                    batch.add { () -> Result<ConversationStore.Prepared, RecordProblem> in
                        pending().flatMap { draft in
                            Result { () throws(RecordProblem) in
                                ConversationStore.Prepared(try draft.finalized(fallback: fallback, defaultID: defaultID, schedule: schedule))
                            }
                        }
                    }
                    if batch.isFull { try batch.flush(into: &summary) }
                }
            } catch let problem as RecordProblem {
                batch.reject(problem, into: &summary)
            } catch let error as PitbossError where error.code == .badInput || error.code == .missingFile {
                batch.reject(RecordProblem(SourceLocation(file: file.path), error.message), into: &summary)
            } catch let error as PitbossError {
                throw error
            } catch {
                throw .internalFailure("\(file.path): \(error)")
            }
        }
        try batch.flush(into: &summary)
        try rejects?.close()
        progress?(Progress(file: "", filesDone: files.count, filesTotal: files.count, records: batch.seen))
        return summary
    }

    private func sidecar(for path: String) throws -> ConversationMetadata {
        let sidecarPath = (path as NSString).deletingPathExtension + ".meta.json"
        guard FileManager.default.fileExists(atPath: sidecarPath) else { return ConversationMetadata() }
        return try ConversationMetadata.sidecar(at: sidecarPath, zone: schedule.timeZone)
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
                files.append(InputFile(path: path, format: forced ?? TranscriptFormat.detect(path: path, head: head(path))))
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
                if (enumerator.fileAttributes?[.type] as? FileAttributeType) != .typeDirectory { found.append(full) }
            }
            for full in found.sorted() {
                if full.lowercased().hasSuffix(".meta.json") { continue }
                if let format = forced ?? TranscriptFormat.detect(path: full, head: head(full)) {
                    files.append(InputFile(path: full, format: format))
                } else {
                    skipped.append("\(full): not a transcript format Pitboss reads")
                }
            }
        }
        return (files, skipped)
    }

    /// The first bytes of a file, enough to tell the JSON formats apart.
    static func head(_ path: String) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        return [UInt8]((try? handle.read(upToCount: 64 << 10)) ?? Data())
    }
}

/// Records waiting to be decoded and written, and the bookkeeping of what happened to them.
private struct Batch {
    typealias Job = @Sendable () -> Result<ConversationStore.Prepared, RecordProblem>
    let importer: TranscriptImporter
    let rejects: RejectsWriter?
    var jobs: [Job] = []
    var seen = 0

    init(importer: TranscriptImporter, rejects: RejectsWriter?) {
        self.importer = importer
        self.rejects = rejects
        jobs.reserveCapacity(importer.options.batchSize)
    }

    var isFull: Bool { jobs.count >= importer.options.batchSize }

    mutating func add(_ job: @escaping Job) {
        jobs.append(job)
        seen += 1
    }

    mutating func reject(_ problem: RecordProblem, into summary: inout ImportSummary) {
        summary.rejected += 1
        summary.problems.append(problem)
        rejects?.write(problem, kind: "rejected")
    }

    /// Decodes the waiting records on all cores, then writes the good ones in one transaction.
    mutating func flush(into summary: inout ImportSummary) throws(PitbossError) {
        guard !jobs.isEmpty else { return }
        let results = ParallelMap.map(jobs) { $0() }
        jobs.removeAll(keepingCapacity: true)
        var good: [ConversationStore.Prepared] = []
        good.reserveCapacity(results.count)
        for result in results {
            switch result {
            case .success(let prepared): good.append(prepared)
            case .failure(let problem): reject(problem, into: &summary)
            }
        }
        let outcomes = try importer.store.save(good, replace: importer.options.replace)
        for (prepared, outcome) in zip(good, outcomes) {
            let c = prepared.conversation
            let location = SourceLocation(file: c.source.file, line: c.source.record.hasPrefix("line ") ? Int(c.source.record.dropFirst(5)) : nil)
            switch outcome {
            case .imported: summary.imported += 1
            case .unchanged: summary.unchanged += 1
            case .replaced: summary.replaced += 1
            case .conflict(let existing):
                summary.conflicts += 1
                let problem = RecordProblem(location, "conflict: a different conversation with this id is already stored (from \(existing)); left as it was. Re-run with --replace to replace it",
                                            conversationID: c.externalID)
                summary.problems.append(problem)
                rejects?.write(problem, kind: "conflict")
            case .reviewed(let existing):
                summary.conflicts += 1
                let problem = RecordProblem(location, "conflict: the stored conversation with this id (from \(existing)) has reviews and is never replaced; import the new version under another id",
                                            conversationID: c.externalID)
                summary.problems.append(problem)
                rejects?.write(problem, kind: "conflict")
            }
        }
    }
}
