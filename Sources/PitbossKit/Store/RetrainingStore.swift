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

    /// Assigns a retraining. The agent must have conversations; the due date may not be before the day it was
    /// assigned. Returns the assignment and the agent's earlier ones on its criteria in the 90 days before, newest
    /// first (the newest is what it repeats).
    public func assign(_ request: Request, by actor: String, now: Date = Date(), zone: TimeZone) throws(PitbossError)
        -> (assignment: RetrainingAssignment, earlier: [RetrainingAssignment]) {
        guard !request.agent.isEmpty else { throw .usage("name the agent to retrain") }
        // Named criteria narrow the module's (each once, in the module's order); none means all of them.
        for name in request.criteria where !request.module.criteria.contains(name) {
            throw .usage("module \(request.module.name) addresses \(request.module.criteria.joined(separator: ", ")); '\(name)' is not one of them (a criterion narrows the module's, or choose a module that addresses it)")
        }
        let criteria = request.criteria.isEmpty ? request.module.criteria : request.module.criteria.filter { request.criteria.contains($0) }
        guard request.on <= now.addingTimeInterval(60) else { throw .usage("the assignment cannot happen in the future (\(UTCTimestamp.format(request.on)))") }
        let assignedDay = LocalTime.day(request.on, in: zone)
        guard request.dueOn >= assignedDay else {
            throw .usage("the due date \(request.dueOn) is before the day it was assigned (\(assignedDay))")
        }
        do {
            return try database.writer.write { db in
                guard try SQLRequest<Int>("""
                    SELECT 1 FROM conversations WHERE agent_id = \(request.agent)
                    UNION SELECT 1 FROM turns WHERE agent_id = \(request.agent) LIMIT 1
                    """).fetchOne(db) != nil else {
                    let known = try String.fetchAll(db, sql: "SELECT DISTINCT agent_id FROM conversations")
                    let closest = Self.closest(to: request.agent, among: known)
                    throw PitbossError.badInput("no conversation of agent '\(request.agent)' is stored"
                        + (closest.isEmpty ? "" : "; agents with a similar id: \(closest.joined(separator: ", "))"))
                }
                let since = UTCTimestamp.format(request.on.addingTimeInterval(-Self.repeatWindow))
                let earlier = try Self.current(db, "agent_id = \(request.agent) AND assigned_at >= \(since) AND assigned_at <= \(UTCTimestamp.format(request.on)) AND state != \(RetrainingState.cancelled)")
                    .filter { !Set($0.criteria).isDisjoint(with: criteria) }
                let at = UTCTimestamp.format(request.on), recorded = UTCTimestamp.format(now)
                try db.execute(literal: """
                    INSERT INTO retraining_assignments (agent_id, module, criteria, evidence, note, due_on, repeat_of, assigned_by, assigned_at, recorded_at)
                    VALUES (\(request.agent), \(request.module.name), \(JSONOutput.string(criteria, pretty: false)),
                            \(JSONOutput.string(request.evidence, pretty: false)), \(request.note), \(request.dueOn), \(earlier.first?.id),
                            \(actor), \(at), \(recorded))
                    """)
                let id = db.lastInsertedRowID
                try db.execute(literal: """
                    INSERT INTO retraining_events (assignment_id, state, actor, at, recorded_at) VALUES (\(id), \(RetrainingState.assigned), \(actor), \(at), \(recorded))
                    """)
                try AuditLog.append(db, at: now, actor: actor, action: .retrain,
                                    detail: ["assignment": String(id), "state": "assigned", "agent": request.agent, "module": request.module.name, "on": at])
                guard let assignment = try Self.current(db, "id = \(id)").first else { throw PitbossError.internalFailure("assignment \(id) was stored but cannot be read back") }
                return (assignment, earlier)
            }
        } catch {
            throw PitbossDatabase.translate(error, doing: "store the assignment", busyTimeout: database.busyTimeout)
        }
    }

    /// Moves an assignment to `state` (started, completed, cancelled). Refused when the move is not allowed from where
    /// it stands now (read in the same transaction: of two supervisors at once, the second is told what the first did),
    /// or when `on` is before its last change or in the future.
    @discardableResult
    public func move(_ id: Int64, to state: RetrainingState, reason: String? = nil, on: Date, by actor: String, now: Date = Date())
        throws(PitbossError) -> RetrainingAssignment {
        if state == .cancelled, (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw .usage("an assignment is cancelled for a reason, and none was given")
        }
        guard on <= now.addingTimeInterval(60) else { throw .usage("a change cannot happen in the future (\(UTCTimestamp.format(on)))") }
        do {
            return try database.writer.write { db in
                guard let current = try Self.current(db, "id = \(id)").first else {
                    throw PitbossError.missingFile("there is no retraining assignment \(id)")
                }
                guard current.state.next.contains(state) else {
                    throw PitbossError.refused("assignment \(id) is \(current.state.rawValue) (since \(LocalTime.readable(current.stateAt))); it cannot be \(state.rawValue) now")
                }
                let at = UTCTimestamp.format(on)
                guard at >= current.stateAt else {
                    throw PitbossError.usage("assignment \(id) was \(current.state.rawValue) at \(LocalTime.readable(current.stateAt)); a later change cannot be dated before it (\(LocalTime.readable(at)))")
                }
                try db.execute(literal: """
                    INSERT INTO retraining_events (assignment_id, state, actor, at, recorded_at, reason)
                    VALUES (\(id), \(state), \(actor), \(at), \(UTCTimestamp.format(now)), \(reason))
                    """)
                var detail = ["assignment": String(id), "state": state.rawValue, "on": at]
                if let reason { detail["reason"] = reason }
                try AuditLog.append(db, at: now, actor: actor, action: .retrain, detail: detail)
                guard let moved = try Self.current(db, "id = \(id)").first else { throw PitbossError.internalFailure("assignment \(id) cannot be read back") }
                return moved
            }
        } catch {
            throw PitbossDatabase.translate(error, doing: "change assignment \(id)", busyTimeout: database.busyTimeout)
        }
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
