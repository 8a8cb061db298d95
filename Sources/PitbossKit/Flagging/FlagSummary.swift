import Foundation

/// What a flag run did, per rule and per agent, for the table a supervisor reads after the shift.
public struct FlagSummary: Sendable, Codable {
    public struct RuleCount: Sendable, Codable, Equatable {
        public var rule: String
        public var severity: Severity
        /// Conversations with at least one finding of the rule.
        public var conversations = 0
        public var findings = 0
        /// Conversations on which the rule could not finish (the PCRE2 match limit).
        public var errors = 0
    }

    public struct AgentCount: Sendable, Codable, Equatable {
        public var agent: String
        public var scanned = 0
        public var flagged = 0
        public var critical = 0
        public var major = 0
        public var minor = 0
        public var info = 0
    }

    /// The run recorded; nil when there was nothing to evaluate, or for a dry run.
    public var run: Int64?
    /// Evaluated and counted, nothing stored.
    public var dryRun = false
    public var rubric: String
    public var rubricVersion: String
    public var rubricHash: String
    public var minSeverity: Severity
    public var counts = FlagStore.RunCounts()
    /// Conversations another flag process evaluated first, while this one ran.
    public var alreadyEvaluated = 0
    /// Conversations re-imported while this run read them: left for the next run.
    public var changedMeanwhile = 0
    /// New findings not stored because a reviewer's confirmed or dismissed finding already says the same.
    public var keptReviewed = 0
    public var byRule: [RuleCount] = []
    public var byAgent: [AgentCount] = []
    /// Findings at or above each severity, for `--fail-on`.
    public var findingsBySeverity: [String: Int] = [:]
    public var elapsed: TimeInterval = 0
    /// Conversations in a language the rubric is not written for, per language: only its rules without patterns
    /// (timing) could look at them, so "no findings" there does not mean clean.
    public var uncoveredLanguages: [String: Int] = [:]
    /// The queue cap the run applied (flagged conversations per shift), and the flagged conversations it kept out.
    public var queueLimit: Int?
    public var notQueued: [QueueCap.LeftOut] = []
    var rubricLanguages: Set<String> = []
    private var agentIndex: [String: Int] = [:]
    private var ruleIndex: [String: Int] = [:]

    enum CodingKeys: String, CodingKey {
        case run, rubric, counts, elapsed
        case dryRun = "dry_run", rubricVersion = "rubric_version", rubricHash = "rubric_hash", minSeverity = "min_severity"
        case alreadyEvaluated = "already_evaluated", changedMeanwhile = "changed_meanwhile", keptReviewed = "kept_reviewed"
        case byRule = "by_rule", byAgent = "by_agent", findingsBySeverity = "findings_by_severity"
        case uncoveredLanguages = "uncovered_languages", queueLimit = "queue_limit", notQueued = "not_queued"
    }

    init(run: Int64?, rubric: String, rubricVersion: String, rubricHash: String, minSeverity: Severity, rules: [String]) {
        self.run = run
        self.rubric = rubric
        self.rubricVersion = rubricVersion
        self.rubricHash = rubricHash
        self.minSeverity = minSeverity
    }

    /// True when a finding at or above `severity` was made (errors excluded).
    public func hasFinding(atOrAbove severity: Severity) -> Bool {
        Severity.allCases.filter { $0 >= severity }.contains { (findingsBySeverity[$0.rawValue] ?? 0) > 0 }
    }

    mutating func count(_ item: FlagStore.Evaluated, _ outcome: FlagStore.Written, minSeverity: Severity) {
        counts.scanned += 1
        let standing: Set<Int>
        switch outcome {
        case .evaluated(_, let s):
            standing = s
        case .alreadyEvaluated:
            alreadyEvaluated += 1
            return
        case .changedMeanwhile:
            changedMeanwhile += 1
            return
        }
        counts.evaluated += 1
        let language = item.pending.conversation.language
        if !rubricLanguages.isEmpty && !rubricLanguages.contains(language) { uncoveredLanguages[language, default: 0] += 1 }
        let agentID = item.pending.conversation.agentID
        var agent = agentIndex[agentID].map { byAgent[$0] } ?? AgentCount(agent: agentID)
        agent.scanned += 1
        // Flagged by this rubric: one of its own findings reaches the severity. (The conversation may stay queued for
        // another rubric's finding; that one counts in that rubric's summary.)
        if item.findings.contains(where: { $0.status != .error && $0.severity >= minSeverity }) {
            counts.flagged += 1
            agent.flagged += 1
        }
        var seenRules = Set<String>()
        for (index, f) in item.findings.enumerated() {
            // A reviewer's confirmed or dismissed finding already stands for it: not stored, not counted.
            if standing.contains(index) {
                keptReviewed += 1
                continue
            }
            var rule = ruleIndex[f.rule].map { byRule[$0] } ?? RuleCount(rule: f.rule, severity: f.severity)
            if f.status == .error {
                counts.errors += 1
                rule.errors += 1
            } else {
                counts.findings += 1
                rule.findings += 1
                if seenRules.insert(f.rule).inserted { rule.conversations += 1 }
                findingsBySeverity[f.severity.rawValue, default: 0] += 1
                switch f.severity {
                case .critical: agent.critical += 1
                case .major: agent.major += 1
                case .minor: agent.minor += 1
                case .info: agent.info += 1
                }
            }
            if let index = ruleIndex[f.rule] { byRule[index] = rule } else {
                ruleIndex[f.rule] = byRule.count
                byRule.append(rule)
            }
        }
        if let index = agentIndex[agentID] { byAgent[index] = agent } else {
            agentIndex[agentID] = byAgent.count
            byAgent.append(agent)
        }
    }
}
