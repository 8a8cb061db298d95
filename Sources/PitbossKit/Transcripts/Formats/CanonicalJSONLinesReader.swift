import Foundation

/// Pitboss's canonical format: JSON Lines, one conversation per line.
///
/// ```json
/// {"id":"c-1","channel":"chat","language":"en","agent":"en.anna","shift":"2026-11-21-night",
///  "started_at":"2026-11-21T22:04:00Z","customer":{"id":"p-1","vip":false},"tags":["bonus"],
///  "turns":[{"speaker":"customer","at":"2026-11-21T22:04:00Z","text":"hi"},
///           {"speaker":"agent","name":"Anna","agent":"en.anna","at":"2026-11-21T22:04:31Z","text":"Hello!"}]}
/// ```
/// Calls give `start`/`end` seconds instead of `at`. Unknown keys are ignored, so exporters may add their own.
public struct CanonicalJSONLinesReader: TranscriptReader {
    public init() {}

    public func read(path: String, context: ReadContext, emit: (@escaping PendingRecord) throws -> Void) throws {
        let lines = try LineReader(path: path)
        while let line = try lines.next() {
            if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let bytes = Array(line.bytes)
            let number = line.number
            let complete = line.endsWithNewline
            let zone = context.zone
            try emit { Self.decode(bytes, path: path, line: number, endsWithNewline: complete, zone: zone) }
        }
    }

    /// Decodes one line into a draft, or says precisely what is wrong with it.
    public static func decode(_ bytes: [UInt8], path: String, line: Int, endsWithNewline: Bool = true,
                              zone: TimeZone = .gmt) -> Result<ConversationDraft, RecordProblem> {
        let location = SourceLocation(file: path, line: line)
        let text: String
        switch UTF8Text.decode(bytes) {
        case .success(let decoded): text = decoded
        case .failure(let bad):
            var at = location
            at.column = bad.byteColumn
            return .failure(RecordProblem(at, bad.message, rawRecord: String(decoding: bytes, as: UTF8.self)))
        }
        func fail(_ field: String?, _ reason: String, column: Int? = nil, id: String? = nil) -> Result<ConversationDraft, RecordProblem> {
            var at = location
            at.column = column
            return .failure(RecordProblem(at, field: field, reason, conversationID: id, rawRecord: text))
        }
        let record: Record
        do {
            record = try JSONDecoder().decode(Record.self, from: Data(bytes))
        } catch let DecodingError.keyNotFound(key, context) {
            return fail(fieldPath(context.codingPath + [key]), "missing required field", id: partialID(bytes))
        } catch let DecodingError.typeMismatch(type, context) {
            return fail(fieldPath(context.codingPath), "must be \(typeName(type))", id: partialID(bytes))
        } catch let DecodingError.valueNotFound(type, context) {
            return fail(fieldPath(context.codingPath), "must be \(typeName(type)), not null", id: partialID(bytes))
        } catch {
            let diagnosis = JSONErrorText.diagnose(bytes)
            if !endsWithNewline {
                return fail(nil, "the file ends in the middle of this record (no final newline, not valid JSON): it looks truncated; re-export it or remove the partial line",
                            column: diagnosis?.column)
            }
            return fail(nil, "not valid JSON: \(diagnosis?.message ?? JSONErrorText.describe(error))", column: diagnosis?.column)
        }
        if var duplicate = JSONDuplicateKeys.problem(in: bytes, file: path, line: line) {
            duplicate.conversationID = record.id
            duplicate.rawRecord = text
            return .failure(duplicate)
        }

        guard let startedAt = UTCTimestamp.parse(record.started_at) else {
            return fail("started_at", "'\(record.started_at)' is not an ISO 8601 time with a zone, like 2026-11-21T22:04:00Z", id: record.id)
        }
        var turns: [TurnDraft] = []
        turns.reserveCapacity(record.turns.count)
        for (index, turn) in record.turns.enumerated() {
            guard let role = SpeakerRole(rawValue: turn.speaker) else {
                return fail("turns[\(index)].speaker", "unknown speaker role '\(turn.speaker)'; use one of \(SpeakerRole.namesForHumans)", id: record.id)
            }
            var at: Date?
            if let atText = turn.at {
                guard let parsed = UTCTimestamp.parse(atText) else {
                    return fail("turns[\(index)].at", "'\(atText)' is not an ISO 8601 time with a zone, like 2026-11-21T22:04:31Z", id: record.id)
                }
                at = parsed
            }
            if (turn.start == nil) != (turn.end == nil) {
                return fail("turns[\(index)].\(turn.start == nil ? "start" : "end")", "a call turn needs both start and end (seconds)", id: record.id)
            }
            turns.append(TurnDraft(speaker: .role(role, name: turn.name), agentID: turn.agent, at: at,
                                   start: turn.start, end: turn.end, text: turn.text))
        }
        let metadata = ConversationMetadata(
            id: record.id, channel: record.channel, language: record.language, agent: record.agent, shift: record.shift,
            startedAt: startedAt, customerID: record.customer.id, vip: record.customer.vip ?? false, tags: record.tags ?? [])
        return .success(ConversationDraft(metadata: metadata, turns: turns, location: location, record: "line \(line)",
                                          format: .jsonl, rawRecord: text, turnsNamedByField: true))
    }

    struct Record: Decodable {
        let id: String
        let channel: String
        let language: String
        let agent: String
        let shift: String?
        let started_at: String
        let customer: Customer
        let tags: [String]?
        let turns: [Turn]

        struct Customer: Decodable {
            /// null for an anonymous visitor.
            let id: String?
            let vip: Bool?
        }

        struct Turn: Decodable {
            let speaker: String
            let name: String?
            let agent: String?
            let at: String?
            let start: Double?
            let end: Double?
            let text: String
        }
    }

    static func fieldPath(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : "." + key.stringValue }
        }
        return text.isEmpty ? "(record)" : text
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Double.Type, is Int.Type: "a number"
        case is [Any].Type: "a list"
        default: "an object"
        }
    }

    /// The record's id, if the line gets that far, so that a rejection can name the conversation.
    static func partialID(_ bytes: [UInt8]) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return nil }
        return object["id"] as? String
    }
}
