/// A retraining module from the floor's catalogue (`modules:` in `pitboss.yaml`): what it teaches, as the rubric's
/// criteria (and optionally rules) it addresses, so that an outcome knows what to measure.
///
/// ```yaml
/// modules:
///   bonus-terms: {title: Bonus terms and wagering, criteria: [accuracy], rules: [wrong-wagering]}
///   de-escalation: {title: Staying courteous under pressure, criteria: [courtesy]}
/// ```
public struct RetrainingModule: Sendable, Equatable {
    public var name: String
    public var title: String
    public var criteria: [String]
    public var rules: [String]

    public init(name: String, title: String, criteria: [String], rules: [String] = []) {
        self.name = name
        self.title = title
        self.criteria = criteria
        self.rules = rules
    }
}
