/// Who is reviewing, and the agent ids they have worked under: nobody reviews a conversation in which they
/// were the agent. Compared without regard to case.
public struct Reviewer: Sendable, Equatable {
    public var name: String
    /// The reviewer's own name and every agent id the workspace lists for them.
    public var agentIDs: Set<String>

    public init(name: String, agentIDs: [String] = []) {
        self.name = name
        self.agentIDs = Set(([name] + agentIDs).map { $0.lowercased() })
    }

    /// " (as en.maria)" when the agent id differs from the reviewer's name; nothing when it is the name itself.
    func agentClause(_ agentID: String) -> String {
        agentID.lowercased() == name.lowercased() ? "" : " (as \(agentID))"
    }

    func isAgent(_ agentID: String?) -> Bool {
        guard let agentID else { return false }
        return agentIDs.contains(agentID.lowercased())
    }
}
