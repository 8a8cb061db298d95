/// Where a conversation happened.
public enum Channel: String, Sendable, CaseIterable, Codable {
    case chat, email, call, messenger

    /// Accepts the canonical names and the words that exports commonly use for them.
    public init?(lenient text: String) {
        switch text.lowercased().trimmingCharacters(in: .whitespaces) {
        case "chat", "livechat", "live chat", "live-chat", "webchat": self = .chat
        case "email", "e-mail", "mail": self = .email
        case "call", "phone", "voice", "telephone": self = .call
        case "messenger", "whatsapp", "telegram", "viber", "facebook", "instagram", "sms": self = .messenger
        default: return nil
        }
    }

    public static var namesForHumans: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
