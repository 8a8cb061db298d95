import Foundation

/// One kind of rule (forbid, require, sequence, respond, precede, fact, timing): how it is read from
/// the rubric, what it checks, and how it describes itself. One file per kind.
public protocol RuleKind: Sendable {
    /// The name used after `kind:` in a rubric.
    static var name: String { get }
    /// The keys a rule of this kind may have besides the common ones.
    static var keys: [String] { get }
    /// Whether the rule's top-level `patterns` are required (false: forbidden).
    static var usesPatterns: Bool { get }

    /// Reads the kind's own keys; problems are reported through `parser`. nil when they are unusable.
    init?(_ map: YAMLMap, _ parser: RuleParser)

    /// Named pattern sets of the kind beyond `patterns` (steps, when, then, before).
    var patternSets: [(name: String, set: PatternSet)] { get }

    /// The findings on one conversation; thrown errors (match limits) become an `error` finding.
    func evaluate(_ rule: Rule, _ context: EvaluationContext) throws -> [Finding]

    /// The rule in plain words, for `pitboss rubric explain`.
    func explain(_ rule: Rule) -> String
}

extension RuleKind {
    public var patternSets: [(name: String, set: PatternSet)] { [] }

    /// A rule applies to a language only when every pattern set it uses has patterns for it.
    func hasPatterns(for language: String, rule: Rule) -> Bool {
        let sets = (Self.usesPatterns ? [rule.patterns] : []) + patternSets.map(\.set)
        return sets.allSatisfy { $0.hasPatterns(for: language) }
    }
}

/// The kinds Pitboss knows, by name.
enum RuleKinds {
    static let all: [any RuleKind.Type] = [ForbidRule.self, RequireRule.self, SequenceRule.self, RespondRule.self,
                                            PrecedeRule.self, FactRule.self, TimingRule.self]

    static func named(_ name: String) -> (any RuleKind.Type)? { all.first { $0.name == name } }
}

/// A match of a rule's pattern in one turn, mapped back to the turn's original text.
struct TurnMatch {
    var turn: Int
    var codePoints: Range<Int>
    /// The matched words as they appear in the original text.
    var text: String
    /// `value` and `unit` captures, as matched (folded) text.
    var captures: [String: String]
    /// The same captures as the turn's original text has them, for messages.
    var originalCaptures: [String: String] = [:]
    /// Byte offset in the matched bytes, for ordering within a turn.
    var byteOffset: Int
}

/// A conversation being evaluated: its turns prepared for matching once, shared by all rules, and the
/// thread's matcher.
public final class EvaluationContext {
    public let conversation: Conversation
    private let normalize: Bool
    private let transliterating: String?
    /// Each turn prepared for matching the first time a rule looks at it: most rules listen to the agent only.
    private var prepared: [MatchableText?]
    let matcher: Matcher
    /// The words that met each rule, when the evaluation was asked for them (nil: not recorded, as in `flag`).
    var evidence: [Evidence]?
    /// Every match a pattern made and what became of it, when asked for (`rubric test` explaining a failure).
    var trace: [PatternTrace]?
    // Per-turn caches, indexed by turn (arrays, not dictionaries: looked up for every pattern on every turn).
    private lazy var wordPositionsByTurn: [WordPositions?] = Array(repeating: nil, count: conversation.turns.count)
    private lazy var quotedRangesByTurn: [[Range<Int>]?] = Array(repeating: nil, count: conversation.turns.count)
    private lazy var capitalsByTurn: [Bool?] = Array(repeating: nil, count: conversation.turns.count)
    private lazy var quotedLinesByTurn: [[Range<Int>]?] = Array(repeating: nil, count: conversation.turns.count)

    /// A turn's quoted e-mail lines (see `QuotedText.quotedLines`), found the first time a rule matches in the turn.
    func quotedLines(_ turn: Int) -> [Range<Int>] {
        if let known = quotedLinesByTurn[turn] { return known }
        let lines = QuotedText.quotedLines(in: text(turn).bytes)
        quotedLinesByTurn[turn] = lines
        return lines
    }
    private var turnsByRole: [SpeakerRole: [Int]] = [:]
    /// Matches of proximity conditions' patterns, per pattern and turn (see `partnerMatches`).
    struct PartnerKey: Hashable { var pattern: ObjectIdentifier; var turn: Int }
    var partners: [PartnerKey: [Range<Int>]] = [:]
    /// Matched words already looked for in the customer's earlier turns, and whether they were there (see `isQuoted`).
    var echoes: [EchoKey: Bool] = [:]
    struct EchoKey: Hashable { var words: [UInt8]; var turn: Int }

    public init(conversation: Conversation, normalize: Bool, transliterate: Bool = false, matcher: Matcher) {
        self.conversation = conversation
        self.normalize = normalize
        self.transliterating = transliterate ? conversation.language : nil
        self.prepared = Array(repeating: nil, count: conversation.turns.count)
        self.matcher = matcher
    }

    var language: String { conversation.language }

    /// A turn's text, prepared for matching.
    func text(_ turn: Int) -> MatchableText {
        if let ready = prepared[turn] { return ready }
        let text = MatchableText(conversation.turns[turn].text, fold: normalize, transliterating: transliterating)
        prepared[turn] = text
        return text
    }

    /// Where a turn's words start, computed the first time a proximity condition needs it.
    func wordPositions(_ turn: Int) -> WordPositions {
        if let known = wordPositionsByTurn[turn] { return known }
        let positions = WordPositions(text(turn).bytes)
        wordPositionsByTurn[turn] = positions
        return positions
    }

    /// Whether a turn's original text has enough upper-case letters for shouting (`MatchConditions.minimumCapitals`);
    /// counting stops there, so a long turn is not read to the end.
    func hasEnoughCapitals(_ turn: Int) -> Bool {
        if let known = capitalsByTurn[turn] { return known }
        var count = 0
        for scalar in text(turn).original.unicodeScalars {
            if scalar.value < 0x80 {
                if (0x41...0x5A).contains(scalar.value) { count += 1 }
            } else if scalar.properties.isUppercase {
                count += 1
            }
            if count >= MatchConditions.minimumCapitals { break }
        }
        let enough = count >= MatchConditions.minimumCapitals
        capitalsByTurn[turn] = enough
        return enough
    }

    /// A turn's quoted passages, computed the first time a rule that skips quoted text matches in it.
    func quotedRanges(_ turn: Int) -> [Range<Int>] {
        if let known = quotedRangesByTurn[turn] { return known }
        let ranges = quotedLines(turn) + QuotedText.quotations(in: text(turn).bytes)
        quotedRangesByTurn[turn] = ranges
        return ranges
    }

    /// Indices of the turns a scope listens to.
    func turns(of scope: SpeakerScope) -> [Int] {
        switch scope {
        case .any: return Array(conversation.turns.indices)
        case .role(let role):
            if let known = turnsByRole[role] { return known }
            let turns = conversation.turns.indices.filter { conversation.turns[$0].role == role }
            turnsByRole[role] = turns
            return turns
        }
    }

    /// Every match of the set's patterns (for the conversation's language) in a turn, in text order, less those that
    /// overlap a match of an exception, fail their pattern's conditions (near, not near, to the player) or, in a set
    /// that skips quoted text, are quoted.
    func matches(_ set: PatternSet, exceptions: PatternSet? = nil, turn: Int) throws -> [TurnMatch] {
        let text = self.text(turn)
        var found: [TurnMatch] = []
        try text.bytes.withUnsafeBufferPointer { bytes in
            var candidates: [(range: Range<Int>, captures: [String: Range<Int>], pattern: RubricPattern)] = []
            // A pattern that needs capitals is not even run on a turn with too few of them.
            let skip: (RubricPattern) -> Bool = { [self] in $0.conditions?.inCapitals == true && !hasEnoughCapitals(turn) }
            try set.plan(for: language).forEachMatch(matcher, in: bytes, skip: skip) { match, pattern in
                var captures: [String: Range<Int>] = [:]
                // Only fact patterns capture (value, unit); the others skip the lookups.
                if !pattern.compiled.groupsByName.isEmpty {
                    for name in ["value", "unit"] { captures[name] = match.group(named: name) }
                }
                candidates.append((text.withinReading(match.range).range, captures, pattern))
            }
            func note(_ range: Range<Int>, _ pattern: RubricPattern, _ outcome: PatternTrace.Outcome) {
                guard trace != nil else { return }
                trace?.append(PatternTrace(turn: turn, pattern: pattern.source, words: text.originalText(text.codePoints(range)), outcome: outcome))
            }
            // Words on an e-mail's quoted lines are the mail being answered, not the speaker's.
            if !candidates.isEmpty {
                let quoted = quotedLines(turn)
                if !quoted.isEmpty {
                    candidates.removeAll { c in
                        let dropped = quoted.contains { $0.lowerBound <= c.range.lowerBound && c.range.upperBound <= $0.upperBound }
                        if dropped { note(c.range, c.pattern, .onQuotedLine) }
                        return dropped
                    }
                }
            }
            // Exceptions are looked for only in a turn where something matched: most turns match nothing. Their spans are
            // compared as the original's code points, not bytes: a turn read twice (as written and transliterated) has an
            // exception in one reading cancel a match of the same words in the other.
            if !candidates.isEmpty, let exceptions, exceptions.hasPatterns(for: language) {
                var exceptionRanges: [(words: Range<Int>, pattern: String)] = []
                try exceptions.plan(for: language).forEachMatch(matcher, in: bytes) { match, pattern in
                    exceptionRanges.append((text.codePoints(text.withinReading(match.range).range), pattern.source))
                }
                candidates.removeAll { candidate in
                    let words = text.codePoints(candidate.range)
                    guard let exception = exceptionRanges.first(where: { $0.words.overlaps(words) || (words.isEmpty && $0.words.contains(words.lowerBound)) }) else {
                        return false
                    }
                    note(candidate.range, candidate.pattern, .exception(pattern: exception.pattern, words: text.originalText(exception.words)))
                    return true
                }
            }
            // Conditions run their own matches, so they are checked once the set's matching is done.
            for candidate in candidates {
                var range = candidate.range
                // Quoted or echoed is asked of the pattern's own words, not of the near words added to them: "you are
                // useless, you say?" quotes the player's "useless" whatever "you" it is near.
                if set.skipsQuoted && isQuoted(range, turn: turn, orEchoed: set.skipsEchoes) {
                    note(range, candidate.pattern, .quoted)
                    continue
                }
                if let conditions = candidate.pattern.conditions {
                    guard let span = try apply(conditions, to: range, turn: turn, bytes: bytes) else {
                        note(range, candidate.pattern, .conditionsUnmet(conditions.summary))
                        continue
                    }
                    range = span
                }
                note(range, candidate.pattern, .kept)
                let codePoints = text.codePoints(range)
                found.append(TurnMatch(turn: turn, codePoints: codePoints, text: text.originalText(codePoints),
                                       captures: candidate.captures.mapValues { text.matchedText($0) },
                                       originalCaptures: candidate.captures.mapValues { text.originalText(text.codePoints($0)) },
                                       byteOffset: range.lowerBound))
            }
        }
        // Most turns match nothing, and one match is already in order.
        if found.count < 2 { return found }
        // Two patterns of one rule that match the same words make one match, not two; and the native reading of a
        // transliterated turn adds nothing where the text as written already matched the same words.
        var seen = Set<Range<Int>>()
        let sorted = found.sorted { $0.byteOffset < $1.byteOffset }.filter { seen.insert($0.codePoints).inserted }
        guard let end = text.firstReadingEnd else { return sorted }
        let asWritten = sorted.filter { $0.byteOffset < end }.map(\.codePoints)
        return sorted.filter { match in match.byteOffset < end || !asWritten.contains { $0.overlaps(match.codePoints) } }
    }

    /// The first match in any of `turns`, in conversation order.
    func firstMatch(_ set: PatternSet, exceptions: PatternSet? = nil, in turns: [Int]) throws -> TurnMatch? {
        for turn in turns {
            if let match = try matches(set, exceptions: exceptions, turn: turn).first { return match }
        }
        return nil
    }

    /// Seconds since the conversation's start for a turn: its `at` or its `start` offset; nil without times.
    func seconds(of turn: Int) -> Double? { conversation.seconds(ofTurn: turn) }
}

extension Rule {
    /// A finding of this rule; `match` gives the turn, the span and the words.
    func finding(_ status: FindingStatus, _ context: EvaluationContext, match: TurnMatch? = nil, turn: Int? = nil,
                 values: [String: String] = [:]) -> Finding {
        let turnIndex = match?.turn ?? turn
        let agent = turnIndex.flatMap { context.conversation.turns[$0].agentID } ?? context.conversation.agentID
        var values = values
        if let match { values["match"] = match.text }
        return Finding(rule: id, criterion: criterion, severity: severity, status: status, agent: agent, turn: turnIndex,
                       start: match?.codePoints.lowerBound, end: match?.codePoints.upperBound, text: match?.text,
                       message: message(values))
    }
}

/// A window of turns or seconds, as `within: {turns: 2}` or `within: {seconds: 300}`.
public enum Window: Sendable, Equatable {
    case turns(Int)
    case seconds(Double)

    var isTurns: Bool {
        if case .turns = self { return true }
        return false
    }

    var words: String {
        switch self {
        case .turns(let n): n == 1 ? "1 turn" : "\(n) turns"
        case .seconds(let s): "\(NumberRange.text(s)) seconds"
        }
    }
}
