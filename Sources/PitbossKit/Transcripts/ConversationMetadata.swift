import Foundation

/// Conversation-level facts that a transcript file may lack, supplied by a sidecar
/// `NAME.meta.json` or by command-line flags. The file's own data always wins; then the sidecar;
/// then the flags.
public struct ConversationMetadata: Sendable, Equatable {
    public var id: String?
    public var channel: String?
    public var language: String?
    public var agent: String?
    public var shift: String?
    public var startedAt: Date?
    public var customerID: String?
    public var vip: Bool?
    public var tags: [String]?
    public var roles: RoleMap
    /// A start for a transcript that states no time at all — neither a start nor a time on any turn (`check` uses one:
    /// the shift does not matter there). Never preferred over the turns' own times, which timed rules measure from.
    public var startedAtIfUntimed: Date?
    /// Where a file stated each field, by the field's name in messages (`channel`, `started_at`): the chat
    /// log's header line, the sidecar's line, the CSV row and column. A problem found with the value later
    /// (an unknown channel, an empty agent id) is named there.
    public var locations: [String: SourceLocation]

    public init(id: String? = nil, channel: String? = nil, language: String? = nil, agent: String? = nil,
                shift: String? = nil, startedAt: Date? = nil, customerID: String? = nil, vip: Bool? = nil,
                tags: [String]? = nil, roles: RoleMap = RoleMap(), locations: [String: SourceLocation] = [:]) {
        self.id = id
        self.channel = channel
        self.language = language
        self.agent = agent
        self.shift = shift
        self.startedAt = startedAt
        self.customerID = customerID
        self.vip = vip
        self.tags = tags
        self.roles = roles
        self.locations = locations
    }

    /// The first value that cannot stand for a whole import (a channel that is none, an empty agent id), as the
    /// field and why: checked before any file is read, so that a wrong default is one error, not a rejection of
    /// every record.
    public func invalidDefault() -> (field: String, reason: String)? {
        if let channel, Channel(lenient: channel) == nil {
            return ("channel", "'\(channel)' is not a channel; use one of \(Channel.namesForHumans)")
        }
        if let language, ConversationDraft.isoLanguage(language) == nil {
            return ("language", "'\(language)' is not an ISO 639-1 code such as en, ru, tr, el")
        }
        for (field, value) in [("id", id), ("agent", agent), ("shift", shift), ("customer", customerID)] {
            if let value, value.trimmingCharacters(in: .whitespaces).isEmpty { return (field, "is empty") }
        }
        return nil
    }

    /// Fills what `self` lacks from `fallback`; each field keeps the location of whoever stated it.
    public func filling(from fallback: ConversationMetadata) -> ConversationMetadata {
        var locations: [String: SourceLocation] = [:]
        let stated: [(String, Bool)] = [
            ("id", id != nil), ("channel", channel != nil), ("language", language != nil), ("agent", agent != nil),
            ("shift", shift != nil), ("started_at", startedAt != nil), ("customer", customerID != nil || vip != nil),
            ("vip", vip != nil), ("tags", tags != nil),
        ]
        for (field, ownValue) in stated {
            if let location = ownValue ? self.locations[field] : fallback.locations[field] { locations[field] = location }
        }
        if let roles = self.locations["roles"] ?? fallback.locations["roles"] { locations["roles"] = roles }
        var filled = ConversationMetadata(
            id: id ?? fallback.id, channel: channel ?? fallback.channel, language: language ?? fallback.language,
            agent: agent ?? fallback.agent, shift: shift ?? fallback.shift, startedAt: startedAt ?? fallback.startedAt,
            customerID: customerID ?? fallback.customerID, vip: vip ?? fallback.vip, tags: tags ?? fallback.tags,
            roles: fallback.roles.overlaid(with: roles), locations: locations)
        filled.startedAtIfUntimed = startedAtIfUntimed ?? fallback.startedAtIfUntimed
        return filled
    }

    /// Reads a sidecar: `{"id","channel","language","agent","shift","started_at","customer":{"id","vip"},
    /// "tags":[…],"roles":{"spk_0":"agent","*":"customer"}}`.
    public static func sidecar(at path: String, zone: TimeZone) throws(RecordProblem) -> ConversationMetadata {
        let location = SourceLocation(file: path)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RecordProblem(location, "cannot read this sidecar file")
        }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            let diagnosis = JSONErrorText.diagnose(data)
            throw RecordProblem(SourceLocation(file: path, line: diagnosis?.line, column: diagnosis?.column),
                                "not valid JSON: \(diagnosis?.message ?? JSONErrorText.describe(error))")
        }
        if let duplicate = JSONDuplicateKeys.problem(in: data, file: path) { throw duplicate }
        guard let json = object as? [String: Any] else { throw RecordProblem(location, "a sidecar is one JSON object") }
        var meta = ConversationMetadata()
        // Each key where the file has it; keys in the file's order, so that the first problem is the first written.
        let places = JSONDuplicateKeys.topLevelKeyLocations(in: data, file: path)
        func order(_ a: SourceLocation?, _ b: SourceLocation?) -> Bool { ((a?.line ?? 0), (a?.column ?? 0)) < ((b?.line ?? 0), (b?.column ?? 0)) }
        for key in places.keys.sorted(by: { order(places[$0], places[$1]) }) + json.keys.filter({ places[$0] == nil }).sorted() {
            guard let value = json[key] else { continue }
            let location = places[key] ?? location
            meta.locations[key] = location
            func string() throws(RecordProblem) -> String {
                guard let s = value as? String else { throw RecordProblem(location, field: key, "must be a string") }
                return s
            }
            switch key {
            case "id": meta.id = try string()
            case "channel": meta.channel = try string()
            case "language": meta.language = try string()
            case "agent": meta.agent = try string()
            case "shift": meta.shift = try string()
            case "started_at":
                let text = try string()
                guard let date = UTCTimestamp.parse(text, zoneForNaiveTimes: zone) else {
                    throw RecordProblem(location, field: key, "'\(text)' is not an ISO 8601 time like 2026-11-21T22:04:00Z")
                }
                meta.startedAt = date
            case "customer":
                guard let customer = value as? [String: Any] else {
                    throw RecordProblem(location, field: key, "must be an object {\"id\": …, \"vip\": true|false}")
                }
                for (key, value) in customer {
                    switch key {
                    case "id":
                        guard value is NSNull || value is String else {
                            throw RecordProblem(location, field: "customer.id", "must be a string (or null)")
                        }
                        meta.customerID = value as? String
                    case "vip":
                        guard !(value is String), let flag = value as? Bool else {
                            throw RecordProblem(location, field: "customer.vip", "must be true or false")
                        }
                        meta.vip = flag
                    default:
                        throw RecordProblem(location, field: "customer.\(key)", "unknown key; customer holds id and vip")
                    }
                }
            case "tags":
                guard let tags = value as? [String] else { throw RecordProblem(location, field: key, "must be a list of strings") }
                meta.tags = tags
            case "roles":
                guard let roles = value as? [String: String] else {
                    throw RecordProblem(location, field: key, "must map speaker labels to roles, e.g. {\"spk_0\": \"agent\"}")
                }
                for (label, roleName) in roles {
                    guard let role = SpeakerRole(rawValue: roleName.lowercased()) else {
                        throw RecordProblem(location, field: "roles.\(label)", "'\(roleName)' is not a role; use one of \(SpeakerRole.namesForHumans)")
                    }
                    meta.roles.set(label, to: role)
                }
            default:
                throw RecordProblem(location, field: key, "unknown key; a sidecar may hold id, channel, language, agent, shift, started_at, customer, tags, roles")
            }
        }
        return meta
    }
}
