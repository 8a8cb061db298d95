/// Who said a turn, as far as QA cares.
public enum SpeakerRole: String, Sendable, CaseIterable, Codable {
    case agent, customer, bot, system
    /// Someone else who speaks: the player's friend or relative, an interpreter. Never the agent or the customer, so no
    /// rule about either hears them.
    case other

    /// Recognises the role words that transcripts and exports use for each role (case-insensitive).
    public init?(roleWord: some StringProtocol) {
        switch roleWord.lowercased() {
        case "agent", "operator", "support", "staff", "advisor", "representative", "rep", "host", "оператор",
             "агент", "temsilci", "πράκτορας":
            self = .agent
        case "customer", "client", "user", "player", "visitor", "guest", "caller", "end_user", "end-user",
             "клиент", "игрок", "müşteri", "musteri", "oyuncu", "πελάτης":
            self = .customer
        case "bot", "chatbot", "virtual_agent", "assistant", "бот":
            self = .bot
        case "system", "system_message", "система":
            self = .system
        case "other", "third_party", "third-party", "bystander", "interpreter", "другой", "diğer", "diger", "άλλος":
            self = .other
        default:
            return nil
        }
    }

    public static var namesForHumans: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
