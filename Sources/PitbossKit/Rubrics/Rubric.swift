import Foundation

/// A rubric: the QA team's policy as data — the scorecard reviewers fill in and the regex rules that
/// find the conversations worth their time. Loaded by `RubricLoader`, evaluated by `RubricEvaluator`.
public struct Rubric: Sendable {
    public var name: String
    public var version: String
    public var languages: [String]
    /// Whether text and patterns are folded (case, accents, Turkish i, ё) before matching.
    public var normalize: Bool
    /// Whether Russian and Greek written in Latin letters is matched by the native-script patterns (see
    /// `Transliteration`); letters are then folded phonetically in text and patterns alike.
    public var transliterate = false
    public var facts: [String: Fact]
    public var criteria: [Criterion]
    public var rules: [Rule]
    /// Whether any rule defers to another (most rubrics: no, and evaluation skips the step).
    public var hasDeferrals: Bool { rules.contains { !$0.deferTo.isEmpty } }
    /// The file it was read from, and the SHA-256 of its bytes: every finding can name the exact rule text.
    public var path: String
    public var contentHash: String

    public func criterion(_ id: String) -> Criterion? { criteria.first { $0.id == id } }
    public func rule(_ id: String) -> Rule? { rules.first { $0.id == id } }
}

/// One line of the scorecard.
public struct Criterion: Sendable, Equatable {
    public var id: String
    public var title: String
    public var weight: Double
    /// A failed critical criterion makes the whole review score 0 (auto-fail).
    public var critical: Bool
    /// Whether a reviewer may mark it not applicable.
    public var naAllowed: Bool
    /// The answers a reviewer may give and what each is worth (1 full marks, 0 failed): pass/fail unless the
    /// rubric gives its own scale.
    public var scale: [ScaleLevel]

    public init(id: String, title: String, weight: Double, critical: Bool, naAllowed: Bool, scale: [ScaleLevel] = ScaleLevel.passFail) {
        self.id = id
        self.title = title
        self.weight = weight
        self.critical = critical
        self.naAllowed = naAllowed
        self.scale = scale
    }

    public func level(_ label: String) -> ScaleLevel? { scale.first { $0.label == label } }
}

/// One answer of a criterion's scale, e.g. `pass` worth 1, `partial` worth 0.5, `fail` worth 0.
public struct ScaleLevel: Sendable, Equatable, Codable {
    public var label: String
    public var score: Double

    public init(label: String, score: Double) {
        self.label = label
        self.score = score
    }

    public static let passFail = [ScaleLevel(label: "pass", score: 1), ScaleLevel(label: "fail", score: 0)]
    /// The answer that marks a criterion as not applicable.
    public static let notApplicable = "na"
}

/// A value of house policy that `fact` rules check statements against.
public struct Fact: Sendable, Equatable {
    public var name: String
    public var min: Double?
    public var max: Double?
    public var values: [Double]?
    public var unit: String

    public func allows(_ value: Double) -> Bool {
        if let values { return values.contains { abs($0 - value) < 1e-9 } }
        if let min, value < min - 1e-9 { return false }
        if let max, value > max + 1e-9 { return false }
        return true
    }

    /// "24–72 hours", "35 x", "at most 48 hours".
    public var expected: String {
        func n(_ v: Double) -> String { NumberRange.text(v) }
        let suffix = unit.isEmpty ? "" : " \(unit)"
        if let values { return values.map(n).joined(separator: " or ") + suffix }
        switch (min, max) {
        case let (lo?, hi?): return "\(n(lo))–\(n(hi))\(suffix)"
        case let (lo?, nil): return "at least \(n(lo))\(suffix)"
        case let (nil, hi?): return "at most \(n(hi))\(suffix)"
        default: return "any value"
        }
    }
}

/// Who a rule listens to.
public enum SpeakerScope: Sendable, Equatable {
    case role(SpeakerRole)
    case any

    func includes(_ role: SpeakerRole) -> Bool {
        switch self {
        case .any: true
        case .role(let r): r == role
        }
    }

    var name: String {
        switch self {
        case .any: "anyone"
        case .role(let r): "the \(r.rawValue)"
        }
    }
}

/// A compiled pattern of a rubric, with where it was written. A class: matching hands patterns around for every turn,
/// and a reference costs one count where a copy of the struct cost one for each of its parts.
public final class RubricPattern: Sendable {
    public let source: String
    public let compiled: CompiledPattern
    public let line: Int
    /// What a match must also satisfy (near, not near, to the player); nil for a plain pattern.
    public let conditions: MatchConditions?

    public init(source: String, compiled: CompiledPattern, line: Int, conditions: MatchConditions? = nil) {
        self.source = source
        self.compiled = compiled
        self.line = line
        self.conditions = conditions
    }

    /// Every regex it runs, its own as written and its conditions' (as compiled, folded).
    public var regexSources: [String] { [source] + (conditions?.patterns.map(\.source) ?? []) }
}

/// Patterns per language; `any` applies to every language.
public struct PatternSet: Sendable {
    public var byLanguage: [String: [RubricPattern]] = [:] {
        didSet { plans = [] }
    }
    /// Whether matches inside quoted text are dropped (a rule's `skip_quoted: true`).
    public var skipsQuoted = false
    /// With `skipsQuoted`: whether the customer's own earlier words count as quoted too (`skip_quoted: true`), or only
    /// text marked as a quotation — quotation marks, `>` e-mail lines (`skip_quoted: marked`, for words both sides say,
    /// like a greeting).
    public var skipsEchoes = true
    /// How each language is matched (its own patterns and `any`'s), prepared by `prepare`; the entry for "" is for a
    /// language the set has no patterns of its own for. A list, not a dictionary: it has a handful of entries and is
    /// looked up on every turn of every rule, where comparing short strings costs less than hashing them.
    private var plans: [(language: String, plan: MatchPlan)] = []
    public var isEmpty: Bool { byLanguage.values.allSatisfy(\.isEmpty) }

    /// The patterns to run on a turn in `language`: its own and `any`'s.
    public func patterns(for language: String) -> [RubricPattern] {
        (byLanguage[language] ?? []) + (byLanguage["any"] ?? [])
    }

    /// Whether a turn in `language` has any pattern to run.
    public func hasPatterns(for language: String) -> Bool {
        if !plans.isEmpty { return !plan(for: language).patterns.isEmpty }
        return !(byLanguage[language]?.isEmpty ?? true) || !(byLanguage["any"]?.isEmpty ?? true)
    }

    /// Puts each language's patterns together (see `MatchPlan`); done once, when the rubric loads.
    mutating func prepare() {
        var plans = byLanguage.keys.filter { $0 != "any" }.sorted().map { (language: $0, plan: MatchPlan(patterns(for: $0))) }
        plans.append((language: "", plan: MatchPlan(byLanguage["any"] ?? [])))
        self.plans = plans
    }

    /// The plan for a turn in `language`; a set that was never prepared (built by hand) gets one on the spot.
    func plan(for language: String) -> MatchPlan {
        for entry in plans where entry.language == language || entry.language.isEmpty { return entry.plan }
        return MatchPlan(patterns(for: language))
    }

    public var allPatterns: [RubricPattern] { byLanguage.sorted { $0.key < $1.key }.flatMap(\.value) }
}

/// A rule: what every kind shares, and its kind.
public struct Rule: Sendable {
    public var id: String
    public var criterion: String
    public var severity: Severity
    public var message: String
    public var description: String?
    public var speaker: SpeakerScope
    public var channels: Set<Channel>?
    public var languages: Set<String>?
    public var patterns: PatternSet
    public var exceptions: PatternSet
    public var kind: any RuleKind
    public var examples: [RuleExample]
    public var line: Int
    /// Rules this one defers to: when any of them makes a finding on a conversation, this one reports nothing there,
    /// so that one fault is one finding (a script rule says nothing about a greeting the greeting rule reports).
    public var deferTo: [String] = []

    public var kindName: String { type(of: kind).name }

    /// Whether the rule applies to a conversation at all (channel, language, patterns for its language).
    func applies(to conversation: Conversation) -> Bool {
        if let channels, !channels.contains(conversation.channel) { return false }
        if let languages, !languages.contains(conversation.language) { return false }
        return kind.hasPatterns(for: conversation.language, rule: self)
    }

    /// The message with `{match}` and the kind's own placeholders filled in.
    /// One pass over the message (every finding of a batch has one): an unknown `{name}` stays as written, and a value
    /// that itself holds `{…}` is not filled in again.
    func message(_ values: [String: String]) -> String {
        guard !values.isEmpty, message.contains("{") else { return message }
        var text = ""
        var rest = message[...]
        while let open = rest.firstIndex(of: "{") {
            // A "{" never closed is text, and so is the rest of the message.
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            text += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            if let value = values[name] {
                text += value
                rest = rest[rest.index(after: close)...]
            } else {
                text += "{"
                rest = rest[rest.index(after: open)...]
            }
        }
        return text + rest
    }
}

/// One example of a rule: a tiny transcript that must `flag` or `pass` it.
public struct RuleExample: Sendable {
    public enum Expectation: String, Sendable { case flag, pass }
    public var expectation: Expectation
    public var text: String
    public var language: String
    public var channel: Channel
    public var line: Int
}

extension Rubric {
    /// What to tell someone checking a conversation in a language the rubric is not written for: only its rules without
    /// patterns (timing) look at it, so "no findings" does not mean clean. nil when the rubric covers the language.
    public func uncoveredLanguageNote(for conversation: Conversation) -> String? {
        guard !languages.contains(conversation.language) else { return nil }
        return "note: \(conversation.externalID) is in '\(conversation.language)', and \(name) is written for \(languages.joined(separator: ", ")): "
            + "only its rules without patterns for a language (timing, any:) looked at it; check it with a rubric written for its language"
    }
}
