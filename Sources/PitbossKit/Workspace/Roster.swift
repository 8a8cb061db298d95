/// The people a workspace declares (`reviewers:` and `supervisors:` in `pitboss.yaml`) and what each may do.
/// Supervisors distribute and take back work and decide retraining; everyone on it reviews. A workspace that declares
/// nobody works as before: anyone may do anything, and the commands say so where it matters.
///
/// What this protects against is mistakes on a shared file — a reviewer's script assigning work, a typo in a name —
/// not someone who can write the database file: they can change it with any SQLite tool. (On a server database the
/// grants enforce the same rules; see the PostgreSQL work.)
public struct Roster: Sendable, Equatable {
    public enum Role: String, Sendable {
        case reviewer, supervisor
    }

    /// Name → the agent ids they have worked under (they never review those conversations).
    public var reviewers: [String: [String]]
    public var supervisors: [String: [String]]

    public init(reviewers: [String: [String]] = [:], supervisors: [String: [String]] = [:]) {
        self.reviewers = reviewers
        self.supervisors = supervisors
    }

    /// Whether the workspace declares its people at all.
    public var isDeclared: Bool { !reviewers.isEmpty || !supervisors.isEmpty }

    public var names: [String] { Array(Set(reviewers.keys).union(supervisors.keys)).sorted() }

    /// A supervisor is a reviewer too; names compare without case, as agent ids in the self-review rule do.
    public func role(of name: String) -> Role? {
        if supervisors.keys.contains(where: { $0.lowercased() == name.lowercased() }) { return .supervisor }
        if reviewers.keys.contains(where: { $0.lowercased() == name.lowercased() }) { return .reviewer }
        return nil
    }

    /// The agent ids listed for this person, under either role and however their name is spelt there (every entry
    /// whose name matches without case counts: one person listed twice keeps all their ids).
    public func agentIDs(of name: String) -> [String] {
        (Array(reviewers) + Array(supervisors)).filter { $0.key.lowercased() == name.lowercased() }.flatMap(\.value)
    }

    /// The name as the roster spells it (`QA.Maria` typed, `qa.maria` declared): what is stored, so that an item
    /// assigned to a person is found again under their name. A name not on the roster is returned trimmed.
    public func canonical(_ name: String) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        return names.first { $0.lowercased() == trimmed.lowercased() } ?? trimmed
    }

    /// Refuses an action only supervisors take (`action`: "assign work") when the roster names supervisors and `actor`
    /// is not one of them.
    public func requireSupervisor(_ actor: String, to action: String) throws(PitbossError) {
        guard !supervisors.isEmpty, role(of: actor) != .supervisor else { return }
        let who = role(of: actor) == .reviewer ? "\(actor) is a reviewer" : "\(actor) is not on the workspace's roster"
        throw .refused("only a supervisor may \(action); \(who) (supervisors: \(supervisors.keys.sorted().joined(separator: ", ")))")
    }

    /// Refuses a name the roster does not declare (when it declares anyone), naming the closest declared names.
    public func requireDeclared(_ name: String, as what: String) throws(PitbossError) {
        guard isDeclared, role(of: name) == nil else { return }
        let closest = RetrainingStore.closest(to: name, among: names)
        throw .badInput("nobody called '\(name)' is on the workspace's roster (reviewers:, supervisors: in pitboss.yaml) to be \(what)"
            + (closest.isEmpty ? "; declared: \(names.prefix(12).joined(separator: ", "))" : "; similar: \(closest.joined(separator: ", "))"))
    }
}
