/// A conversation's findings that a reviewer confirmed or dismissed, which a new flag run keeps as they are: each stands
/// in for one new finding that says the same (same rule, status, place and message: absences have no place, so the
/// message tells them apart), which is then not stored again.
struct JudgedFindings {
    private var counts: [String: Int] = [:]

    /// One judged finding, as stored (-1 for a place it has not).
    mutating func add(rule: String, status: String, turn: Int, start: Int, end: Int, message: String) {
        counts[Self.key(rule, status, turn, start, end, message), default: 0] += 1
    }

    /// Whether a judged finding stands for `finding` (using it up).
    mutating func standsFor(_ finding: Finding) -> Bool {
        guard !counts.isEmpty else { return false }
        let key = Self.key(finding.rule, finding.status.rawValue, finding.turn ?? -1, finding.start ?? -1, finding.end ?? -1, finding.message)
        guard let count = counts[key], count > 0 else { return false }
        counts[key] = count - 1
        return true
    }

    private static func key(_ rule: String, _ status: String, _ turn: Int, _ start: Int, _ end: Int, _ message: String) -> String {
        "\(rule)|\(status)|\(turn)|\(start)|\(end)|\(message)"
    }
}
