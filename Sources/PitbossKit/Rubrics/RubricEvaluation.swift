import Foundation

/// `pitboss rubric eval`: how well a rubric agrees with the people who labelled a set of conversations. Per criterion
/// and split: how many conversations it flagged rightly (true positives), wrongly (false alarms) and missed, and from
/// those precision, recall and F1; the share of clean conversations it would queue; and every disagreement, with the
/// words the rubric cited or the labeller's reason — what a rubric author fixes rules from.
public struct RubricEvaluation: Sendable, Codable {
    public struct Score: Sendable, Codable, Equatable {
        public var criterion: String
        /// "dev", "heldout" or "all".
        public var split: String
        /// The conversations' language, for the scores by language; nil for every language together.
        public var language: String?
        public var labelled: Int
        public var truePositives: Int
        public var falsePositives: Int
        public var falseNegatives: Int
        public var precision: Double?
        public var recall: Double?
        public var f1: Double?

        enum CodingKeys: String, CodingKey {
            case criterion, split, language, labelled, precision, recall, f1
            case truePositives = "true_positives", falsePositives = "false_positives", falseNegatives = "false_negatives"
        }

        init(criterion: String, split: String, language: String? = nil, labelled: Int, tp: Int, fp: Int, fn: Int) {
            self.criterion = criterion
            self.split = split
            self.language = language
            self.labelled = labelled
            truePositives = tp
            falsePositives = fp
            falseNegatives = fn
            precision = tp + fp > 0 ? Double(tp) / Double(tp + fp) : nil
            recall = tp + fn > 0 ? Double(tp) / Double(tp + fn) : nil
            if let p = precision, let r = recall, p + r > 0 { f1 = 2 * p * r / (p + r) } else { f1 = nil }
        }
    }

    public struct CleanQueued: Sendable, Codable, Equatable {
        public var split: String
        public var queued: Int
        public var clean: Int
        public var share: Double?
    }

    public struct Disagreement: Sendable, Codable, Equatable {
        public enum Kind: String, Sendable, Codable { case missed, falseAlarm = "false_alarm" }
        public var conversation: String
        public var split: String
        public var criterion: String
        public var kind: Kind
        /// The labeller's reason.
        public var reason: String
        /// What the rubric said: each finding's rule, cited words and message.
        public var evidence: [String]
    }

    public var rubric: String
    public var rubricVersion: String
    public var conversations: [String: Int]
    public var scores: [Score]
    /// The same per language of the conversations, for all splits together and for the held-out split: a rubric must
    /// work in every language it is written for, not on average.
    public var scoresByLanguage: [Score]
    public var cleanQueued: [CleanQueued]
    public var disagreements: [Disagreement]
    /// The floors of the labelled set that this rubric does not reach, in words.
    public var belowFloors: [String]
    /// How many floors the labelled set sets (each criterion's precision and recall, and the clean-queued ceiling).
    public var floorsChecked: Int

    enum CodingKeys: String, CodingKey {
        case rubric, conversations, scores, disagreements
        case scoresByLanguage = "scores_by_language"
        case rubricVersion = "rubric_version", cleanQueued = "clean_queued", belowFloors = "below_floors", floorsChecked = "floors_checked"
    }

    /// A conversation is flagged on a criterion when the rubric makes a finding on it (errors aside); it is queued
    /// when a finding reaches `queueAt`, as `flag` queues.
    /// A label naming a criterion the rubric does not have is an error (a typo would otherwise count as clean).
    public static func run(_ rubric: Rubric, on set: LabelledSet, queueAt: Severity = .minor) throws(PitbossError) -> RubricEvaluation {
        let known = Set(rubric.criteria.map(\.id))
        var unknown = set.conversations.flatMap { item in
            item.label.violates.filter { !known.contains($0) }.map { "\(set.path):\(item.label.line): label \(item.conversation.externalID) names criterion '\($0)'" }
        }
        unknown += set.floors.keys.sorted().filter { !known.contains($0) }.map { "\(set.path):\(set.floorLines[$0] ?? 1): floors name criterion '\($0)'" }
        if !unknown.isEmpty {
            throw .badInput(unknown.map { "\($0), which rubric \(rubric.name) does not have" }.joined(separator: "\n")
                + "\nits criteria: \(rubric.criteria.map(\.id).joined(separator: ", ")); nothing was evaluated")
        }
        let evaluator = RubricEvaluator(rubric: rubric)
        let items = set.conversations
        let groups = RubricEvaluator.groups(items) { $0.conversation }
        let judged = ParallelMap.map(groups, state: { Matcher(limits: .standard) }) { matcher, group in
            zip(group, evaluator.evaluate(group.map(\.conversation), matcher: matcher)).map { item, findings in
                (item.conversation, item.label, findings.filter { $0.status != .error })
            }
        }.flatMap { $0 }
        let criteria = rubric.criteria.map(\.id)
        var byLanguage: [Score] = []
        for language in Set(judged.map(\.0.language)).sorted() {
            for split in ["all", "heldout"] {
                let inGroup = judged.filter { $0.0.language == language && (split == "all" || $0.1.split.rawValue == split) }
                guard !inGroup.isEmpty else { continue }
                for criterion in criteria {
                    var tp = 0, fp = 0, fn = 0
                    for (_, label, findings) in inGroup {
                        switch (label.violates.contains(criterion), findings.contains { $0.criterion == criterion }) {
                        case (true, true): tp += 1
                        case (false, true): fp += 1
                        case (true, false): fn += 1
                        case (false, false): break
                        }
                    }
                    byLanguage.append(Score(criterion: criterion, split: split, language: language,
                                            labelled: inGroup.filter { $0.1.violates.contains(criterion) }.count, tp: tp, fp: fp, fn: fn))
                }
            }
        }
        var scores: [Score] = []
        var clean: [CleanQueued] = []
        var disagreements: [Disagreement] = []
        for split in ["dev", "heldout", "all"] {
            let inSplit = judged.filter { split == "all" || $0.1.split.rawValue == split }
            guard !inSplit.isEmpty else { continue }
            for criterion in criteria {
                var tp = 0, fp = 0, fn = 0
                for (conversation, label, findings) in inSplit {
                    let said = findings.filter { $0.criterion == criterion }
                    let labelled = label.violates.contains(criterion)
                    switch (labelled, !said.isEmpty) {
                    case (true, true): tp += 1
                    case (false, true): fp += 1
                    case (true, false): fn += 1
                    case (false, false): continue
                    }
                    if split != "all", labelled != !said.isEmpty {
                        disagreements.append(Disagreement(
                            conversation: conversation.externalID, split: split, criterion: criterion, kind: labelled ? .missed : .falseAlarm,
                            reason: label.reason,
                            evidence: said.map { f in "\(f.rule)" + (f.text.map { ": “\($0)”" } ?? "") + " — \(f.message)" }))
                    }
                }
                scores.append(Score(criterion: criterion, split: split, labelled: inSplit.filter { $0.1.violates.contains(criterion) }.count,
                                    tp: tp, fp: fp, fn: fn))
            }
            let cleanOnes = inSplit.filter { $0.1.violates.isEmpty }
            let queued = cleanOnes.filter { $0.2.contains { $0.severity >= queueAt } }.count
            clean.append(CleanQueued(split: split, queued: queued, clean: cleanOnes.count,
                                     share: cleanOnes.isEmpty ? nil : Double(queued) / Double(cleanOnes.count)))
        }
        var below: [String] = []
        for (criterion, floor) in set.floors.sorted(by: { $0.key < $1.key }) {
            guard let all = scores.first(where: { $0.criterion == criterion && $0.split == "all" }) else { continue }  // refused above
            if let p = floor.precision, (all.precision ?? 0) < p - 1e-9 {
                below.append(String(format: "%@: precision %.2f is below its floor %.2f", criterion, all.precision ?? 0, p))
            }
            if let r = floor.recall, (all.recall ?? 0) < r - 1e-9 {
                below.append(String(format: "%@: recall %.2f is below its floor %.2f", criterion, all.recall ?? 0, r))
            }
        }
        if let ceiling = set.cleanQueuedCeiling, let all = clean.first(where: { $0.split == "all" }), let share = all.share, share > ceiling + 1e-9 {
            below.append(String(format: "clean conversations queued: %.2f is above its ceiling %.2f", share, ceiling))
        }
        var counts: [String: Int] = [:]
        for item in set.conversations { counts[item.label.split.rawValue, default: 0] += 1 }
        return RubricEvaluation(rubric: rubric.name, rubricVersion: rubric.version, conversations: counts, scores: scores,
                                scoresByLanguage: byLanguage, cleanQueued: clean, disagreements: disagreements, belowFloors: below,
                                floorsChecked: set.floors.values.map { ($0.precision == nil ? 0 : 1) + ($0.recall == nil ? 0 : 1) }.reduce(0, +)
                                    + (set.cleanQueuedCeiling == nil ? 0 : 1))
    }
}
