import Foundation
import GRDB

/// A past flag run as recorded: who ran it, when, on what, and the summary it printed (`pitboss flag show RUN`).
public struct StoredFlagRun: Sendable, Encodable {
    public var id: Int64
    public var rubricPath: String
    /// The filters the run was given, as recorded (`{"shift":"2026-11-21-night"}`).
    public var selection: [String: String]
    public var startedBy: String
    public var startedAt: String
    /// nil: killed, or still running.
    public var finishedAt: String?
    /// The summary as the run printed it; nil for a run recorded before summaries were kept (schema v8) or not finished.
    /// `counts` are then what the run row holds.
    public var summary: FlagSummary?
    public var rubric: String
    public var rubricVersion: String
    public var rubricHash: String
    public var counts: FlagStore.RunCounts
    /// Findings stored with the run that still stand (later runs replace unreviewed ones): what a run that did not finish
    /// left behind.
    public var findingsStored: Int

    enum CodingKeys: String, CodingKey {
        case id, selection, summary, rubric, counts
        case findingsStored = "findings_stored"
        case rubricPath = "rubric_path", startedBy = "started_by", startedAt = "started_at", finishedAt = "finished_at"
        case rubricVersion = "rubric_version", rubricHash = "rubric_hash"
    }
}

extension StoredFlagRun {
    /// One run by id; nil when there is none. With no id: the last run started. The same SQL on either backend.
    static func read(_ id: Int64?, in db: any SQLSession) throws -> StoredFlagRun? {
        let sql = """
            SELECT id, rubric_name, rubric_version, rubric_hash, rubric_path, selection, started_by, started_at, finished_at,
                   scanned, evaluated, flagged, findings, errors, summary FROM flag_runs
            """ + (id == nil ? " ORDER BY id DESC LIMIT 1" : " WHERE id = ?")
        guard let row = try db.row(sql, id.map { [$0] } ?? []) else { return nil }
        var counts = FlagStore.RunCounts()
        counts.scanned = row["scanned"]
        counts.evaluated = row["evaluated"]
        counts.flagged = row["flagged"]
        counts.findings = row["findings"]
        counts.errors = row["errors"]
        let selectionText: String = row["selection"]
        let selection = (try? JSONDecoder().decode([String: String].self, from: Data(selectionText.utf8))) ?? [:]
        let summaryText: String? = row["summary"]
        let summary = try summaryText.map { try JSONDecoder().decode(FlagSummary.self, from: Data($0.utf8)) }
        let runID: Int64 = row["id"]
        let stored = try db.value(Int.self, "SELECT COUNT(*) FROM findings WHERE run_id = ?", [runID]) ?? 0
        return StoredFlagRun(id: runID, rubricPath: row["rubric_path"], selection: selection, startedBy: row["started_by"],
                             startedAt: row["started_at"], finishedAt: row["finished_at"], summary: summary,
                             rubric: row["rubric_name"], rubricVersion: row["rubric_version"], rubricHash: row["rubric_hash"], counts: counts,
                             findingsStored: stored)
    }

    /// The ids of the runs recorded, for the error that names them.
    static func ids(in db: any SQLSession) throws -> [Int64] {
        try db.values(Int64.self, "SELECT id FROM flag_runs ORDER BY id")
    }
}

extension Workspace {
    /// A recorded flag run (nil: none by that id; no id: the latest), and the ids there are, on either backend.
    public func flagRun(_ id: Int64?) throws(PitbossError) -> (run: StoredFlagRun?, ids: [Int64]) {
        try sessions.read("read flag run \(id.map(String.init) ?? "(latest)")") { db in
            let run = try StoredFlagRun.read(id, in: db)
            return (run, run == nil ? try StoredFlagRun.ids(in: db) : [])
        }
    }
}
