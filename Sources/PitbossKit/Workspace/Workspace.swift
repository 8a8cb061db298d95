import Foundation

/// An open workspace: its settings and its database, and the one place that hands out the stores a use case needs.
/// Commands ask it for a store; they never build one. The database is opened once, as the use case needs it:
/// read-only for listings, checked first for bulk writes.
public struct Workspace: Sendable {
    public enum Access: Sendable {
        /// Listings and views: never takes the write lock, works in a read-only folder.
        case read
        /// Small writes: a claim, a score, a sample.
        case write
        /// Import and flag: the file is checked (`PRAGMA quick_check`) before anything is written into it.
        case bulkWrite
    }

    /// Where the workspace is kept: a SQLite file (the embedded default), or a PostgreSQL database shared by a team.
    public enum Backend: Sendable {
        case sqlite(PitbossDatabase)
        case postgres(PostgresDatabase)
    }

    public let config: WorkspaceConfig
    public let backend: Backend

    public init(config: WorkspaceConfig, database: PitbossDatabase) {
        self.config = config
        self.backend = .sqlite(database)
    }

    public init(config: WorkspaceConfig, server: PostgresDatabase) {
        self.config = config
        self.backend = .postgres(server)
    }

    /// The SQLite database, for what reads SQLite directly (the reports' fast paths). On PostgreSQL those run on a reading
    /// copy (`forReading`), which is SQLite, so this is never reached on a server.
    public var database: PitbossDatabase {
        guard case .sqlite(let database) = backend else {
            preconditionFailure("a use case without a PostgreSQL store was run on a PostgreSQL workspace")
        }
        return database
    }

    /// Opens the database at `location` for `access`, migrating it when it is behind (never when it is ahead): a file
    /// path is SQLite, a `postgres://` URI a server.
    public static func open(config: WorkspaceConfig, databasePath location: String, access: Access,
                            busyTimeout: TimeInterval = PitbossDatabase.defaultBusyTimeout) throws(PitbossError) -> Workspace {
        if PostgresDatabase.isServer(location) { return Workspace(config: config, server: try PostgresDatabase(location, lockTimeout: busyTimeout)) }
        let database = try PitbossDatabase(path: location, busyTimeout: busyTimeout, readOnly: access == .read,
                                           check: access == .bulkWrite ? .beforeBulkWrite : .basic)
        return Workspace(config: config, database: database)
    }

    /// The workspace as a command that only reads sees it: itself on SQLite; on PostgreSQL, one snapshot of the server
    /// copied into memory (`WorkspaceTransfer.readingCopy`), so the same report code runs on either backend.
    /// `quotingFindings`: with the turns findings point to, for a report that quotes them.
    public func forReading(quotingFindings: Bool = false) throws(PitbossError) -> Workspace {
        guard case .postgres(let server) = backend else { return self }
        return Workspace(config: config, database: try WorkspaceTransfer.readingCopy(of: server, quotingFindings: quotingFindings))
    }

    /// Who is acting. On SQLite, whoever the command names (`requested`), else `fallback` (the OS user). On PostgreSQL,
    /// the login: naming someone else is for supervisors only (members of `pitboss_supervisor`), refused to others.
    public func actor(requested: String?, fallback: String) throws(PitbossError) -> String {
        guard case .postgres(let server) = backend else { return requested ?? fallback }
        guard let requested, requested != server.loginName else { return server.loginName }
        guard server.loginIsSupervisor else {
            throw .refused("on PostgreSQL you act as your login, \(server.loginName); acting as someone else (\(requested)) is for members of pitboss_supervisor")
        }
        try server.requireReviewerLogins([requested], for: "acted for")
        return requested
    }

    /// Refuses names that are not people of the workspace, where the backend knows its people: on PostgreSQL, the logins
    /// of `pitboss_reviewer`; on SQLite the roster decides (`WorkspaceConfig.roster`), so nothing is checked here.
    public func requirePeople(_ names: [String], for what: String) throws(PitbossError) {
        guard case .postgres(let server) = backend else { return }
        try server.requireReviewerLogins(names, for: what)
    }

    /// Refuses `actor` what only supervisors do: on SQLite by the roster (when it declares supervisors), on PostgreSQL by
    /// the login's role (the server enforces it too).
    public func requireSupervisor(_ actor: String, to action: String) throws(PitbossError) {
        switch backend {
        case .sqlite: try config.roster.requireSupervisor(actor, to: action)
        case .postgres(let server):
            guard !server.loginIsSupervisor else { return }
            throw .refused("only a supervisor may \(action); the login \(server.loginName) is not a member of pitboss_supervisor")
        }
    }

    /// Where an import writes conversations, on whichever backend holds the workspace.
    public var importStore: any ConversationImportStore {
        switch backend {
        case .sqlite(let database): return ConversationStore(database: database)
        case .postgres(let server): return PostgresConversationStore(database: server)
        }
    }

    /// What a flag run reads and writes, on whichever backend holds the workspace.
    public var flagRuns: any FlagRunStore {
        switch backend {
        case .sqlite(let database): return FlagStore(database: database)
        case .postgres(let server): return PostgresFlagStore(database: server)
        }
    }

    /// Stored conversations, on whichever backend holds the workspace.
    public var conversationReader: any ConversationReading {
        switch backend {
        case .sqlite(let database): return ConversationStore(database: database)
        case .postgres(let server): return PostgresConversationStore(database: server)
        }
    }

    /// Reviews: submitted and read back, on whichever backend holds the workspace.
    public func reviewRecords(leaseMinutes: Double? = nil) -> any ReviewRecording {
        switch backend {
        case .sqlite: return reviews(leaseMinutes: leaseMinutes)
        case .postgres(let server): return PostgresReviewStore(queue: PostgresReviewQueue(database: server, lease: (leaseMinutes ?? config.leaseMinutes) * 60))
        }
    }

    /// A stored sample drawn again from its stored population, on either backend (see `SampleStore.verify`).
    public func verifySample(_ id: Int64) throws(PitbossError) -> SampleStore.Verification { try SampleStore.verify(id, in: sessions) }

    /// Transactions for the use cases written once over `SQLSession`, on whichever backend holds the workspace.
    var sessions: any SQLSessions {
        switch backend {
        case .sqlite: return SQLiteSessions(reviews: reviews())
        case .postgres(let server): return PostgresSessions(database: server, lease: config.leaseMinutes * 60)
        }
    }

    /// What the review screen shows besides the transcript, on whichever backend holds the workspace.
    public var reviewContext: any ReviewContextReading {
        switch backend {
        case .sqlite(let database):
            return SQLiteReviewContext(calibration: calibration, flags: FlagStore(database: database), retraining: retraining)
        case .postgres(let server): return PostgresReviewContext(database: server)
        }
    }

    /// Handing queue items to reviewers, on whichever backend holds the workspace.
    public var assignments: any WorkAssigning {
        switch backend {
        case .sqlite(let database): return ReviewQueue(database: database, lease: config.leaseMinutes * 60)
        case .postgres(let server): return PostgresReviewQueue(database: server, lease: config.leaseMinutes * 60)
        }
    }

    /// Where samples are drawn and queued, on whichever backend holds the workspace.
    public var sampling: any SampleDrawing {
        switch backend {
        case .sqlite(let database): return SampleStore(database: database)
        case .postgres(let server): return PostgresSampleStore(database: server)
        }
    }

    /// The review queue, one item at a time, on whichever backend holds the workspace.
    public func claims(leaseMinutes: Double? = nil) -> any ClaimQueue {
        let lease = (leaseMinutes ?? config.leaseMinutes) * 60
        switch backend {
        case .sqlite(let database): return ReviewQueue(database: database, lease: lease)
        case .postgres(let server): return PostgresReviewQueue(database: server, lease: lease)
        }
    }

    public var conversations: ConversationStore { ConversationStore(database: database) }
    public var flags: FlagStore { FlagStore(database: database) }
    public var samples: SampleStore { SampleStore(database: database) }
    /// Retraining assignments, on whichever backend holds the workspace.
    public var retraining: RetrainingStore {
        switch backend {
        case .sqlite(let database): return RetrainingStore(database: database)
        case .postgres(let server): return RetrainingStore(server: server)
        }
    }
    /// Calibration sessions, on whichever backend holds the workspace.
    public var calibration: CalibrationStore { CalibrationStore(sessions: sessions) }
    /// Disputes, on whichever backend holds the workspace.
    public var disputes: DisputeStore { DisputeStore(sessions: sessions, disputeDays: config.disputeDays) }

    /// The module called `name` in the catalogue, or an error listing the known ones.
    public func module(_ name: String) throws(PitbossError) -> RetrainingModule {
        guard let module = config.modules[name] else {
            let known = config.modules.keys.sorted()
            throw .usage("there is no retraining module '\(name)'; " + (known.isEmpty
                ? "the workspace's pitboss.yaml lists none yet (modules: {NAME: {title: ..., criteria: [...]}})"
                : "modules: \(known.joined(separator: ", "))"))
        }
        return module
    }

    /// The shared review queue, with a claim lease in minutes (default: the workspace's).
    public func queue(leaseMinutes: Double? = nil) -> ReviewQueue {
        ReviewQueue(database: database, lease: (leaseMinutes ?? config.leaseMinutes) * 60)
    }

    public func reviews(leaseMinutes: Double? = nil) -> ReviewStore { ReviewStore(queue: queue(leaseMinutes: leaseMinutes)) }

    /// The reviewer called `name`, with the agent ids the workspace lists for them.
    public func reviewer(_ name: String) -> Reviewer { config.reviewer(name) }

    public func findings(_ query: FindingQuery) throws(PitbossError) -> [StoredFinding] { try findings(query, maskedBy: nil) }

    /// The findings as an output shows them: personal data masked in context (see `PersonalDataMask`), unless no mask.
    public func findings(_ query: FindingQuery, maskedBy mask: PersonalDataMask?) throws(PitbossError) -> [StoredFinding] {
        let found: [(finding: StoredFinding, turnText: String?)]
        switch backend {
        case .sqlite(let database):
            guard mask != nil else { return try query.fetch(from: database) }
            found = try query.fetchWithTurns(from: database)
        case .postgres(let server):
            found = try query.fetch(from: self, server: server, withTurnText: mask != nil)
        }
        guard let mask else { return found.map(\.finding) }
        return found.map { mask.masked($0.finding, inTurn: $0.turnText) }
    }

    /// How many findings the query matches in all (its limit aside).
    public func findingsCount(_ query: FindingQuery) throws(PitbossError) -> Int {
        switch backend {
        case .sqlite(let database): return try query.count(from: database)
        case .postgres(let server): return try query.count(from: server)
        }
    }
    public func queueEntries(_ query: QueueQuery) throws(PitbossError) -> [QueueEntry] { try queuePage(query).entries }

    /// A page of the review queue, on whichever backend holds the workspace.
    public func queuePage(_ query: QueueQuery) throws(PitbossError) -> QueueQuery.Page { try query.page(in: sessions) }
    public func stats() throws(PitbossError) -> ConversationStats { try ConversationStats.read(in: sessions) }
    public func rulePrecision(split: RulePrecision.Split = RulePrecision.Split()) throws(PitbossError) -> [RulePrecision] {
        try RulePrecision.fetch(from: database, split: split)
    }
    public func retrainingSuggestions(_ query: RetrainingSuggestions) throws(PitbossError) -> [RetrainingSuggestion] { try query.fetch(from: database) }

    /// The outcomes of these assignments, measured with the workspace's rubric and settings.
    public func retrainingOutcomes(_ assignments: [RetrainingAssignment], rubric: Rubric, criterion: String? = nil, now: Date = Date())
        throws(PitbossError) -> [RetrainingOutcome] {
        let problems = Set(assignments.map(\.module)).sorted().compactMap { config.modules[$0] }.flatMap { $0.ruleProblems(against: rubric) }
        if !problems.isEmpty { throw .badInput(problems.joined(separator: "\n") + "\nfix the module in the workspace's settings; nothing was measured") }
        var query = RetrainingOutcomeQuery(settings: config.outcomes, rubric: rubric, criterion: criterion)
        query.moduleRules = config.modules.mapValues(\.rules)
        return try query.measure(assignments, in: database, now: now)
    }

    public func auditLog(item: Int64? = nil, conversation: String? = nil) throws(PitbossError) -> [AuditLog.Entry] {
        switch backend {
        case .sqlite(let database): return try AuditLog.entries(in: database, item: item, conversation: conversation)
        case .postgres(let server): return try AuditLog.entries(in: server, item: item, conversation: conversation)
        }
    }
}
