import Foundation
import Yams

/// Settings of a workspace, read from `pitboss.yaml`:
///
/// ```yaml
/// timezone: Europe/Malta
/// rubric: Rubrics/casino-support.yaml
/// rubrics:                     # optional: several rubrics, each for some conversations (see RubricRoute)
///   - {rubric: Rubrics/casino-support.yaml}
///   - {rubric: Rubrics/vip-desk.yaml, tags: [vip-desk]}
/// shifts:
///   - {name: day, start: "06:00", end: "14:00"}
///   - {name: evening, start: "14:00", end: "22:00"}
///   - {name: night, start: "22:00", end: "06:00"}
/// lease_minutes: 30            # how long a reviewer's claim on a queue item lasts
/// queue_limit: 200             # at most this many flagged conversations queued per shift, the most severe kept
/// dispute_days: 14             # how long after a review it may be disputed (open disputes past twice this are stale)
/// reviewers:                   # agent ids a reviewer has worked under: they never review those conversations
///   maria: [en.maria, ru.maria]
/// supervisors: [olga, lead]     # who may assign work and decide retraining (a map to agent ids, like reviewers:, also works)
/// modules:                     # the retraining catalogue (see RetrainingModule)
///   de-escalation: {title: Staying courteous under pressure, criteria: [courtesy]}
/// retraining: {baseline_days: 30, follow_up_days: 30, follow_up_minimum: 30}
/// ```
public struct WorkspaceConfig: Sendable, Equatable {
    public var schedule: ShiftSchedule
    /// The rubric that commands use when none is named.
    public var rubricPath: String
    /// Which rubrics `flag` runs on which conversations; without `rubrics:`, the one rubric on every conversation.
    public var routes: [RubricRoute] = []
    /// The routes `flag` follows: the configured ones, or the workspace's rubric for everything.
    public var effectiveRoutes: [RubricRoute] { routes.isEmpty ? [RubricRoute(rubricPath: rubricPath)] : routes }

    /// The rubric a conversation is reviewed and scored with: the first route that takes it, else the workspace's.
    public func rubricPath(for conversation: Conversation) -> String {
        routes.first { $0.applies(to: conversation) }?.rubricPath ?? rubricPath
    }

    /// Every rubric `flag` evaluates a conversation with: each route that takes it, in order, else the workspace's.
    /// Empty when routes are configured and none takes the conversation: `flag` leaves it out. One file named two ways
    /// ("cs.yaml", "./cs.yaml") is one rubric.
    public func rubricPaths(for conversation: Conversation) -> [String] {
        if routes.isEmpty { return [rubricPath] }
        var seen = Set<String>()
        return routes.filter { $0.applies(to: conversation) }.map(\.rubricPath)
            .filter { seen.insert(URL(fileURLWithPath: $0).standardizedFileURL.path).inserted }
    }

    /// How long a claim on a queue item lasts before the item returns to the queue.
    public var leaseMinutes: Double
    /// At most this many flagged conversations in each shift's queue (see `QueueCap`); nil: no limit.
    public var queueLimit: Int?
    /// How many days after a review a dispute may be opened; an open dispute older than twice this is stale.
    public var disputeDays = 14
    /// Reviewer name → the agent ids they have worked under.
    public var reviewerAgentIDs: [String: [String]]
    /// Supervisor name → the agent ids they have worked under.
    public var supervisorAgentIDs: [String: [String]] = [:]
    /// The people and their roles.
    public var roster: Roster { Roster(reviewers: reviewerAgentIDs, supervisors: supervisorAgentIDs) }
    /// The retraining modules the floor assigns, by name.
    public var modules: [String: RetrainingModule] = [:]
    /// How retraining outcomes are measured.
    public var outcomes = OutcomeSettings()

    public static let defaultRubricPath = "Rubrics/casino-support.yaml"

    public init(schedule: ShiftSchedule = .standard, rubricPath: String = defaultRubricPath, leaseMinutes: Double = 30,
                reviewerAgentIDs: [String: [String]] = [:]) {
        self.schedule = schedule
        self.rubricPath = rubricPath
        self.leaseMinutes = leaseMinutes
        self.reviewerAgentIDs = reviewerAgentIDs
    }

    /// The reviewer called `name`, with the agent ids the workspace lists for them (as a reviewer or a supervisor).
    public func reviewer(_ name: String) -> Reviewer {
        Reviewer(name: name, agentIDs: roster.agentIDs(of: name))
    }

    public var timeZone: TimeZone { schedule.timeZone }

    /// `--config PATH`, else `PITBOSS_CONFIG`, else `./pitboss.yaml` when it exists, else the defaults.
    public static func locate(explicitPath: String?, environment: [String: String]) throws(PitbossError) -> WorkspaceConfig {
        if let path = explicitPath ?? environment["PITBOSS_CONFIG"] {
            guard FileManager.default.fileExists(atPath: path) else {
                throw .missingFile("\(path): workspace config not found; create it, or name another")
            }
            return try load(path: path)
        }
        if FileManager.default.fileExists(atPath: "pitboss.yaml") { return try load(path: "pitboss.yaml") }
        return WorkspaceConfig()
    }

    public static func load(path: String) throws(PitbossError) -> WorkspaceConfig {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .missingFile("\(path): cannot read the workspace config (\(error.localizedDescription))")
        }
        return try parse(yaml: text, path: path)
    }

    public static func parse(yaml text: String, path: String) throws(PitbossError) -> WorkspaceConfig {
        if let (line, column) = YAMLAliasScan.first(in: text) {
            throw .badInput("\(path):\(line):\(column): anchors and aliases (&name, *name) are not accepted in the workspace's settings: write the value out (quote it if it starts with & or *)")
        }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw .badInput("\(path): not valid YAML: \(error)")
        }
        guard let root else { return WorkspaceConfig() }
        guard let mapping = root.mapping else { throw .badInput("\(path):\(root.mark?.line ?? 1): expected a mapping of settings") }
        func where_(_ node: Node) -> String { "\(path):\(node.mark?.line ?? 1)" }

        var timeZone = ShiftSchedule.standard.timeZone
        var rubricPath = defaultRubricPath
        var namedRubric = false
        var routes: [RubricRoute] = []
        var shifts = ShiftSchedule.standard.shifts
        var leaseMinutes = 30.0
        var queueLimit: Int?
        var disputeDays = 14
        var reviewers: [String: [String]] = [:], supervisors: [String: [String]] = [:]
        var modules: [String: RetrainingModule] = [:]
        var outcomes = OutcomeSettings()
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            switch key {
            case "timezone":
                guard let name = value.string, let zone = TimeZone(identifier: name) else {
                    throw .badInput("\(where_(value)): timezone '\(value.string ?? "")' is not an IANA time zone name (e.g. Europe/Malta, UTC)")
                }
                timeZone = zone
            case "shifts":
                guard let list = value.sequence else { throw .badInput("\(where_(value)): shifts must be a list of {name, start, end}") }
                shifts = try list.map { (node: Node) throws(PitbossError) -> ShiftSchedule.Shift in
                    guard let shift = node.mapping,
                          let name = shift["name"]?.string,
                          let start = shift["start"]?.string.flatMap(minuteOfDay),
                          let end = shift["end"]?.string.flatMap(minuteOfDay),
                          shift.count == 3
                    else {
                        throw .badInput("\(where_(node)): a shift is {name: NAME, start: \"HH:MM\", end: \"HH:MM\"} and nothing else")
                    }
                    return ShiftSchedule.Shift(name: name, startMinute: start, endMinute: end)
                }
            case "rubric":
                guard let path = value.string, !path.isEmpty else { throw .badInput("\(where_(value)): rubric must be a file path") }
                rubricPath = path
                namedRubric = true
            case "rubrics":
                routes = try RubricRoute.readList(value, place: where_)
            case "lease_minutes":
                guard let minutes = value.scalar.flatMap({ Double($0.string) }), minutes >= 1, minutes <= 24 * 60 else {
                    throw .badInput("\(where_(value)): lease_minutes must be a number of minutes from 1 to 1440 (default 30)")
                }
                leaseMinutes = minutes
            case "queue_limit":
                guard let limit = value.scalar.flatMap({ Int($0.string) }), QueueCap.limits.contains(limit) else {
                    throw .badInput("\(where_(value)): queue_limit must be a whole number of conversations per shift from 1 to \(QueueCap.limits.upperBound)")
                }
                queueLimit = limit
            case "dispute_days":
                guard let days = value.scalar.flatMap({ Int($0.string) }), (1...365).contains(days) else {
                    throw .badInput("\(where_(value)): dispute_days must be a whole number of days from 1 to 365 (default 14)")
                }
                disputeDays = days
            case "reviewers":
                guard let people = value.mapping else { throw .badInput("\(where_(value)): reviewers maps a reviewer's name to their agent ids, e.g. maria: [en.maria]") }
                for (name, ids) in people {
                    guard let person = name.string, let list = ids.sequence?.compactMap(\.string) ?? ids.string.map({ [$0] }) else {
                        throw .badInput("\(where_(ids)): reviewers.\(name.string ?? "?") must be a list of agent ids")
                    }
                    reviewers[person] = list
                }
            case "supervisors":
                // A list of names, or a map of names to their agent ids as under reviewers:.
                if let names = value.sequence {
                    for name in names {
                        guard let person = name.string, !person.isEmpty else { throw .badInput("\(where_(name)): supervisors lists names, e.g. [olga, lead]") }
                        supervisors[person] = []
                    }
                } else if let people = value.mapping {
                    for (name, ids) in people {
                        guard let person = name.string, let list = ids.sequence?.compactMap(\.string) ?? ids.string.map({ [$0] }) ?? (ids.null != nil ? [] : nil) else {
                            throw .badInput("\(where_(ids)): supervisors.\(name.string ?? "?") must be a list of agent ids")
                        }
                        supervisors[person] = list
                    }
                } else {
                    throw .badInput("\(where_(value)): supervisors is a list of names, e.g. [olga, lead], or a map of names to their agent ids")
                }
            case "modules":
                guard let catalogue = value.mapping else { throw .badInput("\(where_(value)): modules maps a module's name to {title, criteria, rules}") }
                for (nameNode, entry) in catalogue {
                    let name = nameNode.string ?? ""
                    guard name.range(of: #"^[a-z0-9][a-z0-9_-]*$"#, options: .regularExpression) != nil else {
                        throw .badInput("\(where_(nameNode)): module name '\(name)' must be lower-case letters, digits, '-' or '_'")
                    }
                    // Lists of ids: every item a plain scalar (not a list, not null), each once.
                    func ids(_ node: Node?) -> [String]? {
                        guard let items = node?.sequence else { return nil }
                        let texts = items.compactMap { $0.scalar.map(\.string) }.filter { !$0.isEmpty && $0 != "null" && $0 != "~" }
                        guard texts.count == items.count else { return nil }
                        return texts.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
                    }
                    guard let fields = entry.mapping, let title = fields["title"]?.string,
                          let criteria = ids(fields["criteria"]), !criteria.isEmpty,
                          fields["rules"] == nil || ids(fields["rules"]) != nil,
                          fields.keys.allSatisfy({ ["title", "criteria", "rules"].contains($0.string ?? "") })
                    else {
                        throw .badInput("\(where_(entry)): module \(name) is {title: TEXT, criteria: [CRITERION, ...], rules: [RULE, ...]} (rules optional; quote a title that holds a comma)")
                    }
                    modules[name] = RetrainingModule(name: name, title: title, criteria: criteria, rules: ids(fields["rules"]) ?? [])
                }
            case "retraining":
                guard let fields = value.mapping else {
                    throw .badInput("\(where_(value)): retraining must be a mapping, e.g. {baseline_days: 30, follow_up_days: 30, follow_up_minimum: 30}")
                }
                for (fieldNode, number) in fields {
                    let field = fieldNode.string ?? ""
                    let range = field == "follow_up_minimum" ? 1...1_000_000 : OutcomeSettings.dayRange
                    guard ["baseline_days", "follow_up_days", "follow_up_minimum"].contains(field) else {
                        throw .badInput("\(where_(fieldNode)): unknown retraining setting '\(field)'; known: baseline_days, follow_up_days, follow_up_minimum")
                    }
                    guard let n = number.scalar.flatMap({ Int($0.string) }), range.contains(n) else {
                        throw .badInput("\(where_(number)): retraining.\(field) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
                    }
                    switch field {
                    case "baseline_days": outcomes.baselineDays = n
                    case "follow_up_days": outcomes.followUpDays = n
                    default: outcomes.followUpMinimum = n
                    }
                }
            default:
                throw .badInput("\(where_(keyNode)): unknown setting '\(key)'; known settings: timezone, shifts, rubric, rubrics, lease_minutes, queue_limit, dispute_days, reviewers, supervisors, modules, retraining")
            }
        }
        do {
            var config = WorkspaceConfig(schedule: try ShiftSchedule(timeZone: timeZone, shifts: shifts), rubricPath: rubricPath,
                                         leaseMinutes: leaseMinutes, reviewerAgentIDs: reviewers)
            config.supervisorAgentIDs = supervisors
            config.queueLimit = queueLimit
            config.disputeDays = disputeDays
            config.modules = modules
            config.outcomes = outcomes
            // A relative rubric path in the file is read from the file's folder, wherever the command runs.
            let folder = (path as NSString).deletingLastPathComponent
            func resolved(_ rubric: String) -> String {
                rubric.hasPrefix("/") || folder.isEmpty || folder == "." ? rubric : (folder as NSString).appendingPathComponent(rubric)
            }
            if namedRubric { config.rubricPath = resolved(rubricPath) }
            config.routes = routes.map { route in
                var route = route
                route.rubricPath = resolved(route.rubricPath)
                return route
            }
            // Without `rubric:`, commands that need one rubric use the first route's.
            if !namedRubric, let first = config.routes.first { config.rubricPath = first.rubricPath }
            return config
        } catch {
            throw .badInput("\(path): \(error.message)")
        }
    }

    static func minuteOfDay(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h), (0..<60).contains(m)
        else { return nil }
        return (h * 60 + m) % (24 * 60)
    }
}
