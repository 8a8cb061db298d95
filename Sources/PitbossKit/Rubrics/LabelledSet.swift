import Foundation
import Yams

/// Conversations a person has labelled with the criteria each one violates (none for a clean one), to measure a
/// rubric against: `pitboss rubric eval`. A YAML file names the transcript files (read as an import reads them,
/// relative to it) and labels every conversation in them:
///
/// ```yaml
/// transcripts: [conversations.jsonl]
/// floors: {courtesy: {precision: 0.9, recall: 0.5}, clean_queued: 0.2}   # optional: below them, eval fails
/// labels:
///   ev-en-001: {split: dev, violates: [courtesy], reason: blames the player for not reading the terms}
///   ev-en-002: {split: heldout, violates: [], reason: clean; quotes the player's "stupid server"}
/// ```
///
/// `split` is `dev` (what rule changes are tuned on) or `heldout` (kept apart, to see whether a change generalises).
public struct LabelledSet: Sendable {
    public enum Split: String, Sendable, Codable, CaseIterable { case dev, heldout }

    public struct Label: Sendable, Equatable {
        public var split: Split
        public var violates: [String]
        public var reason: String
        /// Where it is written, for messages.
        public var line: Int = 1
    }

    public struct Floor: Sendable, Equatable, Codable {
        public var precision: Double?
        public var recall: Double?
    }

    public var path: String
    public var conversations: [(conversation: Conversation, label: Label)]
    /// Per criterion, the least precision and recall (on every conversation) that `rubric eval` accepts.
    public var floors: [String: Floor]
    /// The line of each criterion's floor, for messages.
    public var floorLines: [String: Int] = [:]
    /// The largest share of clean conversations that may be queued.
    public var cleanQueuedCeiling: Double?

    /// Reads the set; every problem (a transcript that cannot be read, a conversation without a label, a label
    /// without a conversation, a bad field) is reported together, with the file and line.
    public static func load(path: String, schedule: ShiftSchedule) throws(PitbossError) -> LabelledSet {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw .missingFile("\(path): the labelled set is not there; name its YAML file, e.g. Rubrics/eval/labels.yaml")
        }
        if isFolder.boolValue { throw .badInput("\(path): is a folder; name the labelled set's YAML file in it, e.g. \(path)/labels.yaml") }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .badInput("\(path): not a UTF-8 text file; a labelled set is YAML")
        }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch { throw .badInput("\(path): not valid YAML: \(error)") }
        guard let mapping = root?.mapping else { throw .badInput("\(path): expected {transcripts: [...], labels: {ID: {split, violates, reason}}}") }
        var problems: [String] = []
        func at(_ node: Node?) -> String { "\(path):\(node?.mark?.line ?? 1)" }
        for key in mapping.keys where !["transcripts", "floors", "labels"].contains(key.string ?? "") {
            problems.append("\(at(key)): unknown key '\(key.string ?? "")'; known: transcripts, floors, labels")
        }

        var labels: [(id: String, label: Label, node: Node)] = []
        var invalid = Set<String>()  // labelled, but wrongly: not reported again as unlabelled
        if let entries = mapping["labels"]?.mapping {
            for (idNode, value) in entries {
                let id = idNode.string ?? ""
                guard let fields = value.mapping, let splitText = fields["split"]?.string, let split = Split(rawValue: splitText),
                      let violates = fields["violates"]?.sequence?.compactMap({ $0.scalar?.string }),
                      violates.count == fields["violates"]?.sequence?.count,
                      let reason = fields["reason"]?.string, !reason.isEmpty,
                      fields.keys.allSatisfy({ ["split", "violates", "reason"].contains($0.string ?? "") })
                else {
                    // Say which field is wrong, then the shape: a missing reason and an unknown key need different fixes.
                    var wrong: [String] = []
                    if let fields = value.mapping {
                        if Split(rawValue: fields["split"]?.string ?? "") == nil { wrong.append("split must be dev or heldout") }
                        if fields["violates"]?.sequence == nil || fields["violates"]?.sequence?.contains(where: { $0.scalar == nil }) == true {
                            wrong.append("violates must be a list of criteria ([] for none)")
                        }
                        if (fields["reason"]?.string ?? "").isEmpty { wrong.append("reason is missing") }
                        let unknown = fields.keys.compactMap(\.string).filter { !["split", "violates", "reason"].contains($0) }
                        if !unknown.isEmpty { wrong.append("unknown key \(unknown.map { "'\($0)'" }.joined(separator: ", "))") }
                    } else {
                        wrong.append("not a map")
                    }
                    problems.append("\(at(value)): label \(id): \(wrong.joined(separator: "; ")); a label is {split: dev|heldout, violates: [CRITERION, ...], reason: TEXT}")
                    invalid.insert(id)
                    continue
                }
                labels.append((id, Label(split: split, violates: Array(Set(violates)).sorted(), reason: reason, line: value.mark?.line ?? 1), value))
            }
        } else {
            problems.append(mapping["labels"] == nil ? "\(at(root)): labels is missing (a mapping of conversation id to {split, violates, reason})"
                : "\(at(mapping["labels"])): labels must be a mapping of conversation id to {split, violates, reason}")
        }

        var floors: [String: Floor] = [:], floorLines: [String: Int] = [:]
        var ceiling: Double?
        for (keyNode, value) in mapping["floors"]?.mapping ?? [:] {
            let key = keyNode.string ?? ""
            if key == "clean_queued" {
                guard let share = value.scalar.flatMap({ Double($0.string) }), (0...1).contains(share) else {
                    problems.append("\(at(value)): floors.clean_queued is a share from 0 to 1")
                    continue
                }
                ceiling = share
                continue
            }
            func share(_ name: String) -> Double?? {
                guard let node = value.mapping?[name] else { return .some(nil) }
                guard let x = node.scalar.flatMap({ Double($0.string) }), (0...1).contains(x) else { return nil }
                return .some(x)
            }
            guard value.mapping != nil, let precision = share("precision"), let recall = share("recall"),
                  value.mapping?.keys.allSatisfy({ ["precision", "recall"].contains($0.string ?? "") }) == true else {
                problems.append("\(at(value)): floors.\(key) is {precision: 0…1, recall: 0…1}")
                continue
            }
            floors[key] = Floor(precision: precision, recall: recall)
            floorLines[key] = keyNode.mark?.line ?? 1
        }

        let folder = (path as NSString).deletingLastPathComponent
        let reading = TranscriptReading(schedule: schedule)
        var read: [String: Conversation] = [:]
        var order: [String] = []
        let files = mapping["transcripts"]?.sequence ?? []
        for node in files {
            guard let file = node.string else { problems.append("\(at(node)): a transcript is a file path"); continue }
            let full = file.hasPrefix("/") ? file : (folder as NSString).appendingPathComponent(file)
            guard FileManager.default.fileExists(atPath: full) else {
                problems.append("\(at(node)): transcript \(file) is not there (looked for \(full))")
                continue
            }
            do {
                for result in try reading.conversations(path: full) {
                    switch result {
                    case .success(let conversation):
                        if read[conversation.externalID] != nil { problems.append("\(full): conversation \(conversation.externalID) appears twice") }
                        read[conversation.externalID] = conversation
                        order.append(conversation.externalID)
                    case .failure(let problem):
                        problems.append(problem.description)
                    }
                }
            } catch {
                problems.append(error.message)
            }
        }
        if mapping["transcripts"] == nil {
            problems.append("\(at(root)): transcripts is missing (a list of files)")
        } else if files.isEmpty {
            problems.append("\(at(mapping["transcripts"])): transcripts must be a list of one or more files, e.g. [conversations.jsonl]")
        }
        // Without readable transcripts, every label would be reported as naming nothing: one problem is enough.
        guard problems.isEmpty || !read.isEmpty else {
            throw .badInput(problems.joined(separator: "\n") + "\n\(path): \(problems.count) problem\(problems.count == 1 ? "" : "s"); nothing was evaluated")
        }

        let labelled = Dictionary(labels.map { ($0.id, $0) }) { first, _ in first }
        for (id, _, node) in labels where read[id] == nil { problems.append("\(at(node)): label \(id) names no conversation in the transcripts") }
        let unlabelled = order.filter { labelled[$0] == nil && !invalid.contains($0) }
        if !unlabelled.isEmpty {
            problems.append("\(path): \(unlabelled.count) conversation\(unlabelled.count == 1 ? " has" : "s have") no label: "
                + unlabelled.prefix(10).joined(separator: ", ") + (unlabelled.count > 10 ? ", …" : ""))
        }
        guard problems.isEmpty else {
            throw .badInput(problems.joined(separator: "\n") + "\n\(path): \(problems.count) problem\(problems.count == 1 ? "" : "s"); nothing was evaluated")
        }
        return LabelledSet(path: path, conversations: order.compactMap { id in labelled[id].map { (read[id]!, $0.label) } },  // safe: read has every id in order
                           floors: floors, floorLines: floorLines, cleanQueuedCeiling: ceiling)
    }
}
