/// The words that address the player, per language: what `to_player: true` looks for near a match, so that
/// "you … idiot" is an insult and "stupid server" is not. Written in the folded spelling (lower case, no accents,
/// Turkish ı → i), as rubric patterns are. Turkish and Greek mark the second person on the verb, so their verb
/// endings count too ("okusaydınız", "διαβάσετε"); Russian its verb endings ("читаете", "понимаешь"). Not counted: the
/// greetings, apologies and "wait" said to anyone ("извините, сервер тупой", "здравствуйте", "hoş geldiniz"), Turkish -in/-un (a genitive as often as "your":
/// "sistemin", "bugün"), Greek plurals in -ψεις, -ξεις ("αναλήψεις"), Greek "σε" (as often "in" as "you"), Russian
/// nouns in the prepositional case that end like a verb ("в интернете", "в кабинете"), "U.S.". The word must stand in
/// the same sentence as the match (see `MatchConditions`).
enum SecondPerson {
    static let patterns: [String: String] = [
        "en": #"\b(?:you|your|yours|yourself|yourselves|you[’']?(?:re|ve|ll|d)|ya|u(?![.’']\w)|ur|youre)\b"#,
        "ru": #"\b(?:ты|тебя|тебе|тобой|твой|твоя|твое|твои|твоего|твоей|твоих|вы|вас|вам|вами|ваш\w*|ty|tebya|tebe|vy|vas|vam|vash\w*|tvoi\w*)\b|\b(?!(?:извините|простите|подождите|извиняйте|здравствуйте|здраствуйте)\b)(?!\w*[нлквм]ете\b)\w{2,}(?:ешь|ишь|ете|ите|ешься|ишься|етесь|итесь)\b"#,
        "tr": #"\b(?:sen|siz|seni|sizi|sana|size|senin|sizin|sende|sizde|senden|sizden)\b|(?<!hos\s)\b(?!(?:hosgeldiniz|gunaydin)\b)\w{2,}(?:siniz|sunuz|sin|sun|niz|nuz|iniz|unuz)\b"#,
        "el": #"\b(?:εσυ|εσεις|εσενα|εσας|σας|σου|ειστε|εισαι|esy|esi|eseis|esis|sas|sou)\b|\b\w{2,}(?:ετε|ατε|ειτε|ειστε|εισαι|ησες|ασες|εσες)\b|\b(?!καταθεσεις\b)\w+(?<![ψξ])εις\b"#,
    ]

    /// The pattern for a language; for `any`, every language's at once.
    static func pattern(for language: String) -> String? {
        if language == "any" { return patterns.keys.sorted().compactMap { patterns[$0] }.map { "(?:\($0))" }.joined(separator: "|") }
        return patterns[language]
    }
}
