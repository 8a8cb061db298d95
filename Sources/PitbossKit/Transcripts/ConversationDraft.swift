import Foundation

/// Who spoke a turn, as the source said it: already a role (canonical JSON, Contact Lens), or a
/// label that the role map must resolve (`spk_0`, `Anna`, `Speaker 1`).
public enum SpeakerLabel: Sendable, Equatable {
    case role(SpeakerRole, name: String?)
    case label(String)
}

/// A turn as a reader found it, before validation.
public struct TurnDraft: Sendable, Equatable {
    public var speaker: SpeakerLabel
    public var agentID: String?
    public var at: Date?
    public var start: Double?
    public var end: Double?
    public var text: String
    /// Where the turn is in its file, for messages; the field path is used when there is no line.
    public var line: Int?

    public init(speaker: SpeakerLabel, agentID: String? = nil, at: Date? = nil, start: Double? = nil,
                end: Double? = nil, text: String, line: Int? = nil) {
        self.speaker = speaker
        self.agentID = agentID
        self.at = at
        self.start = start
        self.end = end
        self.text = text
        self.line = line
    }

    /// The longest text a turn may have, in UTF-8 bytes: no chat message, e-mail or stretch of one speaker's
    /// speech is this long; a turn that is comes from a broken export (a quote never closed). It also keeps
    /// the offsets of matching within 32 bits.
    public static let maximumTextBytes = 4 << 20

    /// The longest a recording is taken to run: 31 days. An offset beyond it is a wrong unit or a broken
    /// export, and would overflow what is computed from it.
    public static let maximumOffset: Double = 31 * 86_400

    /// Why `seconds` is not an offset into a recording (negative, beyond `maximumOffset`, not a number), or nil.
    public static func offsetProblem(_ seconds: Double) -> String? {
        if seconds.isNaN { return "not a number of seconds" }
        if seconds < 0 { return "a negative offset (\(seconds) s) is not a time in the recording" }
        if seconds > maximumOffset {
            return "\(seconds) s is past the longest recording Pitboss takes (\(Int(maximumOffset)) s, 31 days); check that the field is in seconds"
        }
        return nil
    }
}

/// A conversation as a reader found it: what the file says, nothing inferred yet.
/// `finalized(…)` fills the gaps from metadata and validates it into a `Conversation`.
public struct ConversationDraft: Sendable, Equatable {
    public var metadata: ConversationMetadata
    public var turns: [TurnDraft]
    public var location: SourceLocation
    /// "line 12", "rows 4-9"; empty when the whole file is the record.
    public var record: String
    public var format: TranscriptFormat
    public var rawRecord: String?
    /// Whether turn problems are named by field path (`turns[3].at`) or by the turn's line.
    public var turnsNamedByField: Bool

    public init(metadata: ConversationMetadata = ConversationMetadata(), turns: [TurnDraft] = [],
                location: SourceLocation, record: String = "", format: TranscriptFormat,
                rawRecord: String? = nil, turnsNamedByField: Bool = false) {
        self.metadata = metadata
        self.turns = turns
        self.location = location
        self.record = record
        self.format = format
        self.rawRecord = rawRecord
        self.turnsNamedByField = turnsNamedByField
    }
}

extension ConversationDraft {
    /// Validates the draft and fills what the file lacks from `fallback` (sidecar, then flags).
    /// `defaultID` names a conversation that nothing else names (the file name).
    public func finalized(fallback: ConversationMetadata, defaultID: String?, schedule: ShiftSchedule) throws(RecordProblem) -> Conversation {
        let meta = metadata.filling(from: fallback)
        let conversationID = meta.id ?? defaultID
        func problem(_ field: String?, _ reason: String, line: Int? = nil, remedy: RecordProblem.Remedy? = nil) -> RecordProblem {
            var where_ = location
            if let line {
                where_.line = line
                where_.column = nil
            } else if let field, let stated = meta.locations[field] {
                // Where the file (or the sidecar) states the field: a chat log's header line, a CSV cell.
                where_ = stated
            }
            return RecordProblem(where_, field: field, reason, conversationID: conversationID, rawRecord: rawRecord, remedy: remedy)
        }
        func turnField(_ index: Int, _ name: String) -> String? { turnsNamedByField ? "turns[\(index)].\(name)" : nil }
        func missing(_ field: String, _ what: String) -> RecordProblem { problem(field, "missing \(what)", remedy: .supplyMetadata(fields: [field])) }

        // Everything the record and its sidecar leave out, named at once: not one round trip per field.
        let absent: [(field: String, what: String)] = [
            ("id", "conversation id", conversationID?.trimmingCharacters(in: .whitespaces).isEmpty ?? true),
            ("channel", "channel", meta.channel == nil && format.defaultChannel == nil),
            ("language", "language", meta.language == nil),
            ("agent", "agent id", meta.agent == nil && !turns.contains { $0.agentID != nil }),
            ("started_at", "start time", meta.startedAt == nil && meta.startedAtIfUntimed == nil && !turns.contains { $0.at != nil }),
        ].filter(\.2).map { ($0.0, $0.1) }
        if absent.count > 1 {
            let names = absent.map(\.what)
            throw problem(absent[0].field, "missing " + names.dropLast().joined(separator: ", ") + " and " + (names.last ?? ""),
                          remedy: .supplyMetadata(fields: absent.map(\.field)))
        }

        guard let id = conversationID?.trimmingCharacters(in: .whitespaces), !id.isEmpty else { throw missing("id", "conversation id") }
        guard !id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw problem("id", "the conversation id contains control characters")
        }
        guard let channelText = meta.channel ?? format.defaultChannel?.rawValue else { throw missing("channel", "channel") }
        guard let channel = Channel(lenient: channelText) else {
            throw problem("channel", "unknown channel '\(channelText)'; use one of \(Channel.namesForHumans)")
        }
        guard let languageText = meta.language else { throw missing("language", "language") }
        guard let language = Self.isoLanguage(languageText) else {
            throw problem("language", "'\(languageText)' is not an ISO 639-1 language code such as en, ru, tr, el")
        }
        guard !turns.isEmpty else { throw problem("turns", "the conversation has no turns; an empty conversation cannot be reviewed") }

        var resolved: [Turn] = []
        resolved.reserveCapacity(turns.count)
        for (index, draft) in turns.enumerated() {
            let role: SpeakerRole
            var name: String?
            switch draft.speaker {
            case .role(let r, let n):
                role = r
                name = n
            case .label(let label):
                guard let found = meta.roles.resolve(label) else {
                    let reason = label.isEmpty ? "this turn names no speaker" : "speaker '\(label)' has no role"
                    throw problem(turnField(index, "speaker"), reason, line: draft.line, remedy: .mapSpeaker(label: label))
                }
                role = found.role
                name = found.name
            }
            if draft.text.utf8.count > TurnDraft.maximumTextBytes {
                throw problem(turnField(index, "text"),
                              "the turn's text is \(draft.text.utf8.count >> 20) MB, longer than any message (at most \(TurnDraft.maximumTextBytes >> 20) MB); check the export for a quote that is never closed",
                              line: draft.line)
            }
            for (name, value) in [("start", draft.start), ("end", draft.end)] {
                if let value, let reason = TurnDraft.offsetProblem(value) {
                    throw problem(turnField(index, name), reason, line: draft.line)
                }
            }
            if let previous = resolved.last {
                if let at = draft.at, let previousAt = previous.at, at < previousAt {
                    throw problem(turnField(index, "at"),
                                  "time goes backwards: \(UTCTimestamp.format(at)) is before the previous turn's \(UTCTimestamp.format(previousAt)); turns must be in time order",
                                  line: draft.line)
                }
                if let start = draft.start, let previousStart = previous.start, start < previousStart {
                    throw problem(turnField(index, "start"),
                                  "time goes backwards: starts at \(start) s, before the previous turn's \(previousStart) s; turns must be in time order",
                                  line: draft.line)
                }
            }
            if let start = draft.start, let end = draft.end, end < start {
                throw problem(turnField(index, "end"), "ends at \(end) s, before it starts at \(start) s", line: draft.line)
            }
            // SQLite stores a NUL, but text read back stops at it: the words after it would vanish from every screen.
            if draft.text.utf8.contains(0) || name?.utf8.contains(0) == true {
                throw problem(turnField(index, draft.text.utf8.contains(0) ? "text" : "speaker"),
                              "contains a NUL character (U+0000), after which nothing would be shown; remove it from the export", line: draft.line)
            }
            resolved.append(Turn(index: index, role: role, speaker: name, agentID: role == .agent ? draft.agentID : nil,
                                 at: draft.at, start: draft.start, end: draft.end, text: draft.text))
        }

        guard let agent = meta.agent ?? resolved.first(where: { $0.agentID != nil })?.agentID, !agent.isEmpty else {
            throw missing("agent", "agent id")
        }
        for index in resolved.indices where resolved[index].role == .agent && resolved[index].agentID == nil {
            resolved[index].agentID = agent
        }
        guard let startedAt = meta.startedAt ?? resolved.first(where: { $0.at != nil })?.at ?? meta.startedAtIfUntimed else {
            throw missing("started_at", "start time")
        }
        let shift = meta.shift ?? schedule.shiftID(for: startedAt)
        guard !shift.isEmpty else { throw problem("shift", "the shift id is empty") }
        let stated: [(String, String?)] = [("id", id), ("agent", agent), ("shift", shift), ("customer", meta.customerID),
                                           ("tags", meta.tags?.joined())] + resolved.map { ("turns[\($0.index)].agent", $0.agentID) }
        for (field, value) in stated where value?.utf8.contains(0) == true {
            throw problem(field, "contains a NUL character (U+0000), after which nothing would be shown; remove it from the export")
        }

        return Conversation(
            externalID: id,
            source: ConversationSource(file: location.file, record: record, format: format),
            channel: channel, language: language, agentID: agent, shiftID: shift, startedAt: startedAt,
            customerID: meta.customerID, isVIP: meta.vip ?? false, tags: meta.tags ?? [], turns: resolved)
    }

    /// `en`, `EN`, `en-US`, `en_GB` → `en`; nil when the primary subtag is not two letters.
    static func isoLanguage(_ text: String) -> String? {
        let primary = text.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { $0.lowercased() } ?? ""
        guard LanguageCodes.iso639_1.contains(primary) else { return nil }
        return primary
    }
}
