import Foundation
import Testing
@testable import PitbossKit

/// A scorecard with every shape a criterion can have.
enum ScorecardRubric {
    static let yaml = #"""
    rubric: scorecard
    version: 2
    languages: [en]
    criteria:
      - {id: greeting, title: Greeting, weight: 1}
      - {id: courtesy, title: Courtesy, weight: 2}
      - {id: accuracy, title: Accuracy, weight: 3, critical: true}
      - {id: rg, title: Responsible gambling, weight: 3, critical: true, na: true}
      - {id: sla, title: SLA, weight: 1, na: true}
      - {id: empathy, title: Empathy, weight: 2, scale: {good: 1, partial: 0.5, poor: 0}}
    rules: []
    """#

    static let rubric = try! RubricLoader.parse(yaml: yaml, path: "scorecard.yaml", contentHash: "hash-scorecard")

    static let allPass = ["greeting": "pass", "courtesy": "pass", "accuracy": "pass", "rg": "pass", "sla": "pass", "empathy": "good"]
}

@Suite("The score: Σ(weight × item) / Σ(applicable weights) × 100, N/A left out, a failed critical criterion auto-fails")
struct ScorecardTests {
    let rubric = ScorecardRubric.rubric

    func card(_ changes: [String: String]) throws -> Scorecard {
        try Scorecard(rubric: rubric, answers: ScorecardRubric.allPass.merging(changes) { _, new in new })
    }

    @Test("every criterion passed scores 100")
    func allPass() throws {
        let c = try card([:])
        #expect(c.score == 100)
        #expect(!c.autoFailed)
    }

    @Test("greeting (weight 1) failed: (12 − 1) / 12 × 100 = 91.67")
    func oneMinorFail() throws {
        let c = try card(["greeting": "fail"])
        #expect(abs(c.score - 11.0 / 12.0 * 100) < 1e-9)
        #expect(ReviewStore.formatScore(c.score) == "91.7")
    }

    @Test("N/A leaves numerator and denominator: rg and sla N/A, courtesy failed → (8 − 2) / 8 × 100 = 75")
    func notApplicable() throws {
        let c = try card(["rg": "na", "sla": "N/A", "courtesy": "fail"])
        #expect(c.score == 75)
        #expect(c.answers.first { $0.criterion == "rg" }?.itemScore == nil)
    }

    @Test("a scale answer counts its worth: empathy partial (2 × 0.5) → 11 / 12 × 100")
    func scale() throws {
        let c = try card(["empathy": "partial"])
        #expect(abs(c.score - 11.0 / 12.0 * 100) < 1e-9)
    }

    @Test("a failed critical criterion makes the score 0 and marks the review auto-failed; the raw score is kept")
    func autoFail() throws {
        let c = try card(["accuracy": "fail"])
        #expect(c.score == 0)
        #expect(c.autoFailed)
        #expect(c.rawScore == 75)
        #expect(c.failedCritical == ["accuracy"])
    }

    @Test("a non-critical criterion at 0 does not auto-fail")
    func poorIsNotCritical() throws {
        let c = try card(["empathy": "poor"])
        #expect(!c.autoFailed)
        #expect(abs(c.score - 10.0 / 12.0 * 100) < 1e-9)
    }

    @Test("every problem is reported at once and no scorecard is made: unknown criterion, bad value, N/A not allowed, missing")
    func problems() throws {
        var answers = ScorecardRubric.allPass
        answers["tone"] = "pass"
        answers["courtesy"] = "maybe"
        answers["accuracy"] = "na"
        answers.removeValue(forKey: "greeting")
        let error = #expect(throws: PitbossError.self) { try Scorecard(rubric: rubric, answers: answers) }
        let message = try #require(error).message
        #expect(error?.code == .usage)
        #expect(message.contains("unknown criterion 'tone'"))
        #expect(message.contains("criterion 'courtesy': 'maybe' is not an answer; answer pass or fail"))
        #expect(message.contains("criterion 'accuracy' cannot be N/A"))
        #expect(message.contains("criterion 'greeting' has no answer"))
        #expect(message.contains("nothing was stored"))
    }

    @Test("a scorecard where every answer is N/A has no score")
    func allNotApplicable() throws {
        let yaml = ScorecardRubric.yaml.replacingOccurrences(of: "weight: 1}", with: "weight: 1, na: true}")
            .replacingOccurrences(of: "weight: 2}", with: "weight: 2, na: true}").replacingOccurrences(of: "critical: true}", with: "critical: true, na: true}")
            .replacingOccurrences(of: "poor: 0}}", with: "poor: 0}, na: true}")
        let rubric = try RubricLoader.parse(yaml: yaml, path: "all-na.yaml")
        let answers = Dictionary(uniqueKeysWithValues: rubric.criteria.map { ($0.id, "na") })
        #expect(throws: PitbossError.self) { try Scorecard(rubric: rubric, answers: answers) }
    }


    @Test("a scale must have a full-marks answer and a failing one, in 0…1, and may not call an answer na")
    func scaleValidation() throws {
        let bad = ScorecardRubric.yaml.replacingOccurrences(of: "{good: 1, partial: 0.5, poor: 0}", with: "{good: 0.9, na: 0.5, poor: 2}")
        let error = #expect(throws: RubricLoadError.self) { try RubricLoader.parse(yaml: bad, path: "bad.yaml") }
        let text = error?.description ?? ""
        #expect(text.contains("must be a lower-case word other than 'na'"))
        #expect(text.contains("must be worth a number from 0 to 1"))
        #expect(text.contains("needs an answer worth 1"))
    }

    @Test("suggestions: a confirmed finding suggests failing its criterion; unverifiable suggests N/A where allowed; else full marks")
    func suggestions() throws {
        func finding(_ id: Int64, _ criterion: String, _ status: FindingStatus = .found) -> StoredFinding {
            StoredFinding(id: id, conversation: "c", agent: "a", rule: "r\(id)", criterion: criterion, severity: .major, status: status,
                          turn: nil, start: nil, end: nil, text: nil, message: "m", run: 1, rubric: "t", rubricHash: "h", verdict: nil)
        }
        let findings = [finding(1, "courtesy"), finding(2, "empathy"), finding(3, "sla", .unverifiable), finding(4, "greeting")]
        let s = ScoreSuggestion.suggestions(rubric: rubric, findings: findings, verdicts: [1: .confirmed, 2: .confirmed, 4: .dismissed])
        #expect(s["courtesy"]?.answer == "fail")
        #expect(s["empathy"]?.answer == "poor")
        #expect(s["sla"]?.answer == "na")
        #expect(s["greeting"]?.answer == "pass")
        #expect(s["greeting"]?.because == "F4 dismissed")
        #expect(s["accuracy"]?.answer == "pass")
    }
}
