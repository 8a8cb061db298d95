import Foundation

/// `pitboss calibrate report`: how far a closed session's reviewers agree. Per criterion, percent agreement, Cohen's
/// kappa for each pair and Krippendorff's alpha over all of them (nominal for pass/fail/N/A, ordinal for longer scales,
/// N/A then missing); the spread of scores per conversation; each reviewer's deviation from the consensus (the expert's
/// answer when the session names one, else the majority's) and leniency; the conversations to discuss first.
public struct CalibrationAnalysis: PitbossReport {
    /// Krippendorff's lowest alpha for tentative conclusions; below it, a criterion's definition needs work.
    public static let tentative = 0.667

    public struct PairKappa: Sendable, Encodable {
        public var reviewers: [String]
        public var kappa: Double?
        public var undefined: String?
    }

    public struct CriterionAgreement: Sendable, Encodable {
        public var criterion: String
        public var level: Agreement.Level
        /// Conversations with answers from at least two reviewers.
        public var conversations: Int
        public var percent: Double?
        public var alpha: Double?
        /// Why alpha is not defined, when it is not.
        public var alphaUndefined: String?
        public var pairs: [PairKappa]
        public var belowTentative: Bool

        enum CodingKeys: String, CodingKey {
            case criterion, level, conversations, percent, alpha, pairs
            case alphaUndefined = "alpha_undefined", belowTentative = "below_tentative"
        }
    }

    public struct ConversationSpread: Sendable, Encodable {
        public var conversation: String
        public var scores: [String: Double]
        public var lowest: Double?
        public var highest: Double?
        public var range: Double?
        /// Criteria on which the reviewers did not all give the same answer.
        public var disagreedOn: [String]

        enum CodingKeys: String, CodingKey { case conversation, scores, lowest, highest, range, disagreedOn = "disagreed_on" }
    }

    public struct ReviewerDeviation: Sendable, Encodable {
        public var reviewer: String
        /// Answers compared with a consensus, and how many differed from it.
        public var compared: Int
        public var deviations: Int
        public var deviationRate: Double?
        /// Their mean score minus the others' on the same conversations (positive: more lenient).
        public var leniency: Double?

        enum CodingKeys: String, CodingKey { case reviewer, compared, deviations, leniency, deviationRate = "deviation_rate" }
    }

    public var session: String
    public var expert: String?
    public var consensus: String
    public var reviewers: [String]
    public var reviews: Int
    public var criteria: [CriterionAgreement]
    public var conversations: [ConversationSpread]
    public var deviations: [ReviewerDeviation]

    public static func analyse(_ session: CalibrationSession, reviews: [StoredReview], rubric: Rubric?) -> CalibrationAnalysis {
        let reviewers = session.reviewers
        var answer: [String: [String: [String: String]]] = [:]  // conversation → reviewer → criterion → answer
        var score: [String: [String: Double]] = [:]
        for review in reviews {
            score[review.conversation, default: [:]][review.reviewer] = review.score
            for a in review.answers { answer[review.conversation, default: [:]][review.reviewer, default: [:]][a.criterion] = a.answer }
        }
        let criterionIDs = rubric?.criteria.map(\.id) ?? Array(Set(reviews.flatMap { $0.answers.map(\.criterion) })).sorted()
        let conversations = session.conversations

        var criteria: [CriterionAgreement] = []
        for id in criterionIDs {
            let scale = rubric?.criterion(id)?.scale ?? []
            let level: Agreement.Level = scale.count > 2 ? .ordinal : .nominal
            let order = scale.sorted { $0.score < $1.score }.map(\.label)
            // Ordinal: N/A is no point of the scale, so it counts as missing; nominal: N/A is an answer like pass and fail.
            func value(_ conversation: String, _ reviewer: String) -> String? {
                guard let given = answer[conversation]?[reviewer]?[id] else { return nil }
                return level == .ordinal && given == ScaleLevel.notApplicable ? nil : given
            }
            let units = conversations.map { c in reviewers.map { value(c, $0) } }
            let alpha = Agreement.krippendorffAlpha(units, level: level, order: order)
            var pairs: [PairKappa] = []
            for (i, a) in reviewers.enumerated() {
                for b in reviewers[(i + 1)...] {
                    let kappa = Agreement.cohensKappa(conversations.map { value($0, a) }, conversations.map { value($0, b) })
                    if case .undefined(let why) = kappa { pairs.append(PairKappa(reviewers: [a, b], kappa: nil, undefined: why)) } else {
                        pairs.append(PairKappa(reviewers: [a, b], kappa: kappa.number, undefined: nil))
                    }
                }
            }
            var undefined: String?
            if case .undefined(let why) = alpha { undefined = why }
            criteria.append(CriterionAgreement(criterion: id, level: level, conversations: units.filter { $0.compactMap { $0 }.count >= 2 }.count,
                                               percent: Agreement.percent(units), alpha: alpha.number, alphaUndefined: undefined, pairs: pairs,
                                               belowTentative: alpha.number.map { $0 < tentative } ?? false))
        }

        // The consensus of each conversation and criterion: the expert's answer, else a strict majority's.
        func consensus(_ conversation: String, _ criterion: String) -> String? {
            let given = answer[conversation] ?? [:]
            if let expert = session.expert { return given[expert]?[criterion] }
            let counts = Dictionary(grouping: given.values.compactMap { $0[criterion] }, by: { $0 }).mapValues(\.count)
            let total = counts.values.reduce(0, +)
            return counts.first { $0.value * 2 > total }?.key
        }
        var deviations: [ReviewerDeviation] = []
        for reviewer in reviewers where reviewer != session.expert {
            var compared = 0, differed = 0
            var leniencies: [Double] = []
            for c in conversations {
                for id in criterionIDs {
                    guard let mine = answer[c]?[reviewer]?[id], let agreed = consensus(c, id) else { continue }
                    compared += 1
                    if mine != agreed { differed += 1 }
                }
                if let mine = score[c]?[reviewer] {
                    let others = (score[c] ?? [:]).filter { $0.key != reviewer }.map(\.value)
                    if !others.isEmpty { leniencies.append(mine - others.reduce(0, +) / Double(others.count)) }
                }
            }
            deviations.append(ReviewerDeviation(reviewer: reviewer, compared: compared, deviations: differed,
                                                deviationRate: compared == 0 ? nil : Double(differed) / Double(compared),
                                                leniency: leniencies.isEmpty ? nil : leniencies.reduce(0, +) / Double(leniencies.count)))
        }

        var spreads: [ConversationSpread] = conversations.map { c in
            let scores = score[c] ?? [:]
            let disagreed = criterionIDs.filter { id in Set((answer[c] ?? [:]).values.compactMap { $0[id] }).count > 1 }
            let lowest = scores.values.min(), highest = scores.values.max()
            return ConversationSpread(conversation: c, scores: scores, lowest: lowest, highest: highest,
                                      range: lowest.flatMap { low in highest.map { $0 - low } }, disagreedOn: disagreed)
        }
        // Most disagreement first: criteria disagreed on, then the score range; the session's order breaks ties.
        spreads = spreads.enumerated().sorted { a, b in
            (a.element.disagreedOn.count, a.element.range ?? -1, -a.offset) > (b.element.disagreedOn.count, b.element.range ?? -1, -b.offset)
        }.map(\.element)

        return CalibrationAnalysis(session: session.name, expert: session.expert,
                                   consensus: session.expert.map { "the expert's answer (\($0))" } ?? "the majority's answer (more than half of the reviewers)",
                                   reviewers: reviewers, reviews: reviews.count, criteria: criteria, conversations: spreads, deviations: deviations)
    }

    public func document(zone: TimeZone) -> ReportDocument {
        func coefficient(_ x: Double?, _ why: String?) -> ReportDocument.Cell {
            guard let x else { return ReportDocument.Cell(value: "", shown: "undefined") }
            // "low" in words too: a pipe or a file has no colour.
            return ReportDocument.Cell(value: String(format: "%.3f", x), shown: String(format: "%.2f", x) + (x < Self.tentative ? " low" : ""), tone: x < Self.tentative ? .red : nil)
        }
        let agreement = ReportDocument.Section(
            key: "criteria", title: "Agreement per criterion",
            note: "Agree: the share of pairs of reviewers who gave the same answer. Level: nominal (pass/fail/N/A as categories) or ordinal (a scale's order). Alpha is Krippendorff's over everyone; below \(Self.tentative) (marked low) it is too weak even for tentative conclusions: the criterion's definition needs work. Kappa is Cohen's, for each pair. Undefined: every answer the same, so there is no variation to measure, or no conversation with two answers.",
            columns: [.init("criterion"), .init("level"), .init("conversations", numeric: true), .init("percent_agreement", "agree", numeric: true),
                      .init("alpha", numeric: true), .init("kappa_pairs", "Cohen's kappa per pair", wraps: true)],
            rows: criteria.map { c in
                [.text(c.criterion), .text(c.level.rawValue), .int(c.conversations), .share(c.percent), coefficient(c.alpha, c.alphaUndefined),
                 .text(c.pairs.map { p in "\(p.reviewers.joined(separator: "–")) " + (p.kappa.map { String(format: "%.2f", $0) } ?? "undefined") }.joined(separator: ", "))]
            },
            emptyText: "No answers to compare.")
        let people = ReportDocument.Section(
            key: "reviewers", title: "Each reviewer against the consensus",
            note: "Consensus: \(consensus). Leniency: their mean score minus the others' on the same conversations, in points.",
            columns: [.init("reviewer"), .init("compared", numeric: true), .init("deviations", numeric: true), .init("deviation_rate", "deviate", numeric: true),
                      .init("leniency", numeric: true)],
            rows: deviations.map { d in
                [.text(d.reviewer), .int(d.compared), .int(d.deviations), .share(d.deviationRate), .number(d.leniency)]
            },
            emptyText: "Nobody to compare.")
        let spread = ReportDocument.Section(
            key: "conversations", title: "Conversations, most disagreement first",
            columns: [.init("conversation"), .init("disagreed_on", "criteria disagreed on", wraps: true), .init("lowest", numeric: true),
                      .init("highest", numeric: true), .init("range", numeric: true), .init("scores", wraps: true)],
            rows: conversations.map { c in
                [.text(c.conversation), .text(c.disagreedOn.isEmpty ? "none" : c.disagreedOn.joined(separator: ", ")), .number(c.lowest), .number(c.highest),
                 .number(c.range, tone: (c.range ?? 0) >= 20 ? .red : nil),
                 .text(reviewers.compactMap { r in c.scores[r].map { "\(r) \(ReviewStore.formatScore($0))" } }.joined(separator: ", "))]
            },
            emptyText: "No conversation was scored.")
        return ReportDocument(title: "Calibration \(session)", facts: [
            .init("Reviewers", reviewers.joined(separator: ", ") + (expert.map { " (expert: \($0))" } ?? "")),
            .init("Reviews", "\(reviews) of \(reviewers.count * conversations.count) asked"),
        ], sections: [agreement, people, spread])
    }
}
