import Foundation
import Testing
@testable import PitbossKit

@Suite("rubric eval: a rubric measured against hand-labelled conversations")
struct RubricEvaluationTests {
    let scratch = Scratch()

    /// Four chats for the test rubric: rude and labelled so (found), rude but labelled clean (a false alarm), polite
    /// but labelled rude (missed), polite and clean.
    func write(labels: String? = nil) -> String {
        let rude = #"[{"speaker":"customer","at":"2026-11-21T22:04:00Z","text":"hi"},{"speaker":"agent","at":"2026-11-21T22:04:30Z","text":"hello, how can I help? not my problem, bye"}]"#
        let polite = #"[{"speaker":"customer","at":"2026-11-21T22:04:00Z","text":"hi"},{"speaker":"agent","at":"2026-11-21T22:04:30Z","text":"hello, how can I help? done, bye"}]"#
        scratch.write("set/chats.jsonl", [
            Fixture.canonicalLine(id: "a", turns: rude), Fixture.canonicalLine(id: "b", turns: rude),
            Fixture.canonicalLine(id: "c", turns: polite), Fixture.canonicalLine(id: "d", turns: polite),
        ].joined(separator: "\n") + "\n")
        return scratch.write("set/labels.yaml", labels ?? """
            transcripts: [chats.jsonl]
            floors: {courtesy: {precision: 0.5, recall: 0.6}, clean_queued: 0.5}
            labels:
              a: {split: dev, violates: [courtesy], reason: rude to the player}
              b: {split: dev, violates: [], reason: quotes the player}
              c: {split: heldout, violates: [courtesy], reason: sarcasm the rubric cannot see}
              d: {split: heldout, violates: [], reason: clean}
            """)
    }

    @Test("per criterion and split: found, false alarms, missed; precision, recall and F1; every disagreement with its words")
    func scores() throws {
        let set = try LabelledSet.load(path: write(), schedule: .standard)
        let e = try RubricEvaluation.run(TestRubric.rubric, on: set)
        let all = try #require(e.scores.first { $0.criterion == "courtesy" && $0.split == "all" })
        #expect(all.labelled == 2 && all.truePositives == 1 && all.falsePositives == 1 && all.falseNegatives == 1)
        #expect(all.precision == 0.5 && all.recall == 0.5 && all.f1 == 0.5)
        let dev = try #require(e.scores.first { $0.criterion == "courtesy" && $0.split == "dev" })
        #expect(dev.precision == 0.5 && dev.recall == 1)
        #expect(e.disagreements.map { "\($0.conversation) \($0.kind.rawValue)" } == ["b false_alarm", "c missed"])
        #expect(e.disagreements.first?.evidence.first?.hasPrefix("rude: “not my problem”") == true, "\(e.disagreements)")
        #expect(e.cleanQueued.first { $0.split == "all" } == .init(split: "all", queued: 1, clean: 2, share: 0.5))
        #expect(e.belowFloors == ["courtesy: recall 0.50 is below its floor 0.60"])
    }

    @Test("scores by language: each language of the set on its own, all splits and held out, shown side by side")
    func byLanguage() throws {
        let rude = #"[{"speaker":"customer","at":"2026-11-21T22:04:00Z","text":"hi"},{"speaker":"agent","at":"2026-11-21T22:04:30Z","text":"hello, how can I help? not my problem, bye"}]"#
        scratch.write("lang/chats.jsonl", [
            Fixture.canonicalLine(id: "en-1", turns: rude), Fixture.canonicalLine(id: "ru-1", language: "ru", turns: rude),
        ].joined(separator: "\n") + "\n")
        let path = scratch.write("lang/labels.yaml", """
            transcripts: [chats.jsonl]
            labels:
              en-1: {split: heldout, violates: [courtesy], reason: rude}
              ru-1: {split: dev, violates: [courtesy], reason: "rude, but the rubric has no Russian"}
            """)
        let e = try RubricEvaluation.run(TestRubric.rubric, on: try LabelledSet.load(path: path, schedule: .standard))
        let courtesy = e.scoresByLanguage.filter { $0.criterion == "courtesy" }
        #expect(courtesy.map { "\($0.language ?? "-") \($0.split) \($0.recall.map { String($0) } ?? "-")" } == ["en all 1.0", "en heldout 1.0", "ru all 0.0"])
        let text = RubricEvaluationReport.render(e, setPath: path, json: false, style: .plain)
        #expect(text.contains("By language — precision/recall (labelled)"), "\(text)")
        #expect(text.contains("1.00/1.00 (1)") && text.contains("—/0.00 (1)"), "\(text)")
    }

    @Test("every problem of a labelled set is reported together, with the file and line, and nothing is evaluated", arguments: [
        ("transcripts: [chats.jsonl]\nlabels:\n  a: {split: dev, violates: [courtesy], reason: r}", "3 conversations have no label: b, c, d"),
        ("transcripts: [chats.jsonl]\nlabels:\n  z: {split: dev, violates: [], reason: r}", "labels.yaml:3: label z names no conversation"),
        ("transcripts: [chats.jsonl]\nlabels:\n  a: {split: test, violates: [], reason: r}", "labels.yaml:3: label a: split must be dev or heldout; a label is {split: dev|heldout"),
        ("transcripts: [chats.jsonl]\nlabels:\n  a: {split: dev, violates: [], why: r}", "labels.yaml:3: label a: reason is missing; unknown key 'why'"),
        ("transcripts: chats.jsonl\nlabels: {}", "labels.yaml:1: transcripts must be a list of one or more files"),
        ("transcripts: [missing.jsonl]\nlabels: {}", "missing.jsonl"),
        ("labels: {}\nextra: 1", "unknown key 'extra'"),
    ])
    func problems(_ yaml: String, _ expected: String) {
        let path = write(labels: yaml)
        do {
            _ = try LabelledSet.load(path: path, schedule: .standard)
            Issue.record("loaded")
        } catch {
            #expect(error.message.contains(expected) && error.message.contains("nothing was evaluated"), "\(error.message)")
        }
    }

    @Test("a label naming a criterion the rubric does not have is an error, not a clean conversation")
    func unknownCriterion() throws {
        let set = try LabelledSet.load(path: write(labels: """
            transcripts: [chats.jsonl]
            labels:
              a: {split: dev, violates: [curtesy], reason: typo}
              b: {split: dev, violates: [], reason: r}
              c: {split: dev, violates: [], reason: r}
              d: {split: dev, violates: [], reason: r}
            """), schedule: .standard)
        #expect(throws: PitbossError.self) { try RubricEvaluation.run(TestRubric.rubric, on: set) }
    }

    @Test("a wrong label is reported once, not again as a conversation without a label; a floor on an unknown criterion is an error before anything is evaluated")
    func reportedOnce() throws {
        do {
            _ = try LabelledSet.load(path: write(labels: """
                transcripts: [chats.jsonl]
                labels:
                  a: {split: test, violates: [], reason: r}
                  b: {split: dev, violates: [], reason: r}
                  c: {split: dev, violates: [], reason: r}
                  d: {split: dev, violates: [], reason: r}
                """), schedule: .standard)
            Issue.record("loaded")
        } catch {
            #expect(error.message.contains("label a: split must be dev or heldout") && !error.message.contains("no label"), "\(error.message)")
        }
        let set = try LabelledSet.load(path: write(labels: """
            transcripts: [chats.jsonl]
            floors: {curtesy: {precision: 0.5}}
            labels:
              a: {split: dev, violates: [], reason: r}
              b: {split: dev, violates: [], reason: r}
              c: {split: dev, violates: [], reason: r}
              d: {split: dev, violates: [], reason: r}
            """), schedule: .standard)
        do {
            _ = try RubricEvaluation.run(TestRubric.rubric, on: set)
            Issue.record("evaluated")
        } catch {
            #expect(error.message.contains("labels.yaml:2: floors name criterion 'curtesy'") && error.code == .badInput, "\(error.message)")
        }
    }
}
