import Foundation

/// Amazon Connect Contact Lens analysis output, voice (`Transcript` entries with `ParticipantId`
/// AGENT/CUSTOMER and `BeginOffsetMillis`/`EndOffsetMillis`) and chat (`MESSAGE` entries with
/// `ParticipantRole` and `AbsoluteTime`; `EVENT` entries such as joins are not turns).
/// The conversation id is the contact id (`CustomerMetadata.ContactId`) when the file has one.
public struct ContactLensReader: TranscriptReader {
    public init() {}

    public func read(path: String, context: ReadContext, emit: (@escaping PendingRecord) throws -> Void) throws {
        let root = try WholeFile.jsonRoot(path)
        let result = Result { () throws(RecordProblem) in try Self.parse(root, path: path) }
        try emit { result }
    }

    static func parse(_ root: JSONObject, path: String) throws(RecordProblem) -> ConversationDraft {
        if let status = root.string("JobStatus"), status != "COMPLETED" {
            throw root.problem("JobStatus", "the analysis is \(status), not COMPLETED")
        }
        guard let entries = try root.objects("Transcript") else { throw root.problem("Transcript", "missing: this is not Contact Lens output") }
        var roleOf: [String: String] = [:]
        for participant in try root.objects("Participants") ?? [] {
            if let id = participant.string("ParticipantId"), let role = participant.string("ParticipantRole") { roleOf[id] = role }
        }
        var metadata = ConversationMetadata()
        metadata.id = try root.object("CustomerMetadata")?.string("ContactId")
        metadata.language = root.string("LanguageCode")
        metadata.locations["language"] = root.locations["LanguageCode"]
        metadata.locations["channel"] = root.locations["Channel"]
        switch root.string("Channel") {
        case "VOICE": metadata.channel = "call"
        case "CHAT": metadata.channel = "chat"
        default: break
        }
        var turns: [TurnDraft] = []
        for entry in entries {
            if metadata.startedAt == nil, let time = entry.string("AbsoluteTime") { metadata.startedAt = UTCTimestamp.parse(time) }
            if let type = entry.string("Type"), type != "MESSAGE" { continue }
            guard let content = entry.string("Content") else { throw entry.problem("Content", "missing: a message without its text cannot be reviewed") }
            let participant = entry.string("ParticipantId") ?? ""
            let roleName = entry.string("ParticipantRole") ?? roleOf[participant] ?? participant
            let speaker: SpeakerLabel
            switch roleName {
            case "AGENT", "SUPERVISOR": speaker = .role(.agent, name: entry.string("DisplayName"))
            case "CUSTOMER": speaker = .role(.customer, name: entry.string("DisplayName"))
            case "SYSTEM": speaker = .role(.system, name: nil)
            case "CUSTOM_BOT", "BOT": speaker = .role(.bot, name: entry.string("DisplayName"))
            default: speaker = .label(roleName)
            }
            var turn = TurnDraft(speaker: speaker, text: content)
            if let time = entry.string("AbsoluteTime") {
                guard let at = UTCTimestamp.parse(time) else { throw entry.problem("AbsoluteTime", "'\(time)' is not an ISO 8601 time") }
                turn.at = at
            }
            if let begin = try entry.number("BeginOffsetMillis") {
                turn.start = begin / 1000
                turn.end = try entry.number("EndOffsetMillis").map { $0 / 1000 } ?? turn.start
            }
            turns.append(turn)
        }
        return ConversationDraft(metadata: metadata, turns: turns, location: SourceLocation(file: path), format: .contactLens)
    }
}
