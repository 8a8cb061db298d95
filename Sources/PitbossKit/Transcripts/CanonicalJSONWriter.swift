import Foundation

extension Conversation {
    /// The conversation in Pitboss's canonical JSON Lines format (one line, no newline): importing it
    /// again gives the same conversation.
    public func canonicalJSONLine() -> String {
        var object: [String: Any] = [
            "id": externalID, "channel": channel.rawValue, "language": language, "agent": agentID, "shift": shiftID,
            "started_at": UTCTimestamp.format(startedAt), "tags": tags,
        ]
        var customer: [String: Any] = ["vip": isVIP]
        customer["id"] = customerID ?? NSNull()
        object["customer"] = customer
        object["turns"] = turns.map { turn -> [String: Any] in
            var t: [String: Any] = ["speaker": turn.role.rawValue, "text": turn.text]
            if let name = turn.speaker { t["name"] = name }
            if let agent = turn.agentID { t["agent"] = agent }
            if let at = turn.at { t["at"] = UTCTimestamp.format(at) }
            if let start = turn.start { t["start"] = start }
            if let end = turn.end { t["end"] = end }
            return t
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
