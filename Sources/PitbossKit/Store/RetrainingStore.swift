import Foundation
import GRDB

/// Retraining assignments: assigned, started, completed or cancelled, each change one transaction with its event and
/// an audit-log entry. What was assigned is never edited; a change is appended.
public struct RetrainingStore: Sendable {
    public let database: PitbossDatabase

    public init(database: PitbossDatabase) {
        self.database = database
    }

    /// What a supervisor assigns.
    public struct Request: Sendable {
        public var agent: String
        public var module: RetrainingModule
        /// The criteria to measure: the module's when none are named.
        public var criteria: [String]
        public var evidence: [String]
        public var note: String?
        /// YYYY-MM-DD.
        public var dueOn: String
        /// When it happened: now, or earlier for history moved in from a spreadsheet.
        public var on: Date

        public init(agent: String, module: RetrainingModule, criteria: [String] = [], evidence: [String] = [], note: String? = nil,
                    dueOn: String, on: Date) {
            self.agent = agent
            self.module = module
            self.criteria = criteria
            self.evidence = evidence
            self.note = note
            self.dueOn = dueOn
            self.on = on
        }
    }

    /// How long after an assignment another on the same criterion counts as a repeat.
    public static let repeatWindow: TimeInterval = 90 * 86_400

    /// Assigns a retraining (see `RetrainingChanges.assign`).
    public func assign(_ request: Request, by actor: String, now: Date = Date(), zone: TimeZone) throws(PitbossError)
        -> (assignment: RetrainingAssignment, earlier: [RetrainingAssignment]) {
        try RetrainingChanges(database: database).assign(request, by: actor, now: now, zone: zone)
    }

    /// Moves an assignment to `state` (see `RetrainingChanges.move`).
    @discardableResult
    public func move(_ id: Int64, to state: RetrainingState, reason: String? = nil, on: Date, by actor: String, now: Date = Date())
        throws(PitbossError) -> RetrainingAssignment {
        try RetrainingChanges(database: database).move(id, to: state, reason: reason, on: on, by: actor, now: now)
    }

    /// Assignments, newest first, by agent, module and state; `overdueOn` keeps those past their due date on that day.
    public func list(agent: String? = nil, module: String? = nil, state: RetrainingState? = nil, overdueOn today: String? = nil)
        throws(PitbossError) -> [RetrainingAssignment] {
        var conditions: [SQL] = []
        if let agent { conditions.append("agent_id = \(agent)") }
        if let module { conditions.append("module = \(module)") }
        if let state { conditions.append("state = \(state)") }
        if let today { conditions.append("due_on < \(today) AND state IN \([RetrainingState.assigned, .started])") }
        do {
            return try database.writer.read { db in try Self.current(db, conditions.isEmpty ? "1" : conditions.joined(separator: " AND ")) }
        } catch {
            throw PitbossDatabase.translate(error, doing: "read retraining assignments", busyTimeout: database.busyTimeout)
        }
    }

    /// Completed assignments whose follow-up window is open at `now`, with the end of the window: the agents whose
    /// outcome is being measured, so that sampling can weigh them and a reviewer can be told.
    public func inFollowUp(now: Date = Date(), settings: OutcomeSettings, agent: String? = nil)
        throws(PitbossError) -> [RetrainingFollowUp] {
        let since = RetrainingFollowUp.earliestCompletion(settings: settings, now: now)
        var condition: SQL = "state = \(RetrainingState.completed) AND state_at >= \(since)"
        if let agent { condition = "\(condition) AND agent_id = \(agent)" }
        let completed: [RetrainingAssignment]
        do {
            completed = try database.writer.read { db in try Self.current(db, condition) }
        } catch {
            throw PitbossDatabase.translate(error, doing: "read retraining follow-ups", busyTimeout: database.busyTimeout)
        }
        return RetrainingFollowUp.open(completed, settings: settings, now: now)
    }

    /// One assignment and every change of its state, oldest first.
    public func show(_ id: Int64) throws(PitbossError) -> (assignment: RetrainingAssignment, events: [RetrainingEvent]) {
        do {
            return try database.writer.read { db in
                guard let assignment = try Self.current(db, "id = \(id)").first else {
                    throw PitbossError.missingFile("there is no retraining assignment \(id)")
                }
                let events = try SQLRequest<RetrainingEvent>("""
                    SELECT state, actor, at, recorded_at, reason FROM retraining_events WHERE assignment_id = \(id) ORDER BY id
                    """).fetchAll(db)
                return (assignment, events)
            }
        } catch {
            throw PitbossDatabase.translate(error, doing: "read assignment \(id)", busyTimeout: database.busyTimeout)
        }
    }

    static func current(_ db: Database, _ condition: SQL) throws -> [RetrainingAssignment] {
        try SQLRequest<RetrainingAssignment>("""
            SELECT id, agent_id AS agent, module, criteria, evidence, note, due_on, repeat_of, assigned_by, assigned_at, state, state_at, state_reason
            FROM retraining_current WHERE \(condition) ORDER BY assigned_at DESC, id DESC
            """).fetchAll(db)
    }

    /// Up to three known ids within an edit distance of 3, nearest first.
    public static func closest(to id: String, among known: [String]) -> [String] {
        func distance(_ a: String, _ b: String) -> Int {
            let a = Array(a.lowercased()), b = Array(b.lowercased())
            var previous = Array(0...b.count)
            for i in 1...max(a.count, 1) where !a.isEmpty {
                var row = [i] + Array(repeating: 0, count: b.count)
                for j in 1...max(b.count, 1) where !b.isEmpty {
                    row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                }
                previous = row
            }
            return previous[b.count]
        }
        // Lengths more than 3 apart are more than 3 edits apart: skipped before the quadratic comparison, so a pasted
        // paragraph is not compared letter by letter with every id.
        let length = id.count
        guard length <= 256 else { return [] }
        return known.filter { abs($0.count - length) <= 3 }.map { ($0, distance(id, $0)) }.filter { $0.1 <= 3 }
            .sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(3).map(\.0)
    }
}
