/// Finds a speaker prefix at the start of a line: `Agent Anna: text`, `CUSTOMER: text`, `Speaker 1: text`.
///
/// Labels that look like a speaker count: a role word ("Agent", "Customer", alone or before a name), a
/// label in the role map, a diarization label (`Speaker 1`, `SPEAKER_00`, `spk_0`), a label in capitals
/// (`AGENT`, `OPERATOR ANNA`), or a name (`Mehmet`, `Anna Petrova`). A name that nothing maps to a role
/// is then an error that asks for `--roles`, never silently part of the turn before. Words that open
/// ordinary sentences ("Note: the bonus…", "PS: …") stay text.
enum SpeakerPrefix {
    static let maximumLabelLength = 40

    static func split(_ line: Substring, roles: RoleMap, anyLabel: Bool = false) -> (label: String, text: Substring)? {
        guard let colon = line.firstIndex(of: ":") else { return nil }
        let label = line[..<colon].trimmingCharacters(in: .whitespaces)
        guard !label.isEmpty, label.count <= maximumLabelLength, label.first?.isLetter == true,
              !label.contains(where: { "[]<>{}\"".contains($0) })
        else { return nil }
        var text = line[line.index(after: colon)...]
        // "12:30" style times and URLs are not speakers.
        if text.first?.isNumber == true || text.hasPrefix("//") { return nil }
        if text.first == " " || text.first == "\t" { text = text.dropFirst() }
        guard anyLabel || namesSpeaker(label, roles: roles) else { return nil }
        return (label, text)
    }

    static func namesSpeaker(_ label: String, roles: RoleMap) -> Bool {
        if RoleMap(entries: roles.entries).resolve(label) != nil { return true }
        if label.range(of: #"^(?i:speaker[ _]?\d+|spk_\d+|ch_\d+|speaker_[a-z])$"#, options: .regularExpression) != nil { return true }
        let words = label.split(separator: " ")
        guard words.count <= 3, !notSpeakers.contains(label.lowercased()) else { return false }
        let letters = label.filter(\.isLetter)
        if !letters.isEmpty && letters.allSatisfy(\.isUppercase) { return true }
        // A name: capitalised words of letters.
        return words.allSatisfy { word in
            word.first?.isUppercase == true && word.allSatisfy { $0.isLetter || $0 == "." || $0 == "'" || $0 == "-" }
        }
    }

    /// Words that commonly open a line of text with a colon but are not speakers.
    static let notSpeakers: Set<String> = [
        "note", "ps", "p.s", "nb", "n.b", "fyi", "update", "re", "subject", "tip", "warning", "important", "reminder",
        "example", "info", "answer", "question", "status", "total", "amount", "date", "time", "id", "ref", "reference",
        "примечание", "ответ", "вопрос", "важно", "not", "önemli", "cevap", "soru", "σημείωση", "απάντηση", "ερώτηση",
    ]
}
