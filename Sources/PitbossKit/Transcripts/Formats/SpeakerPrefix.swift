/// Finds a speaker prefix at the start of a line: `Agent Anna: text`, `CUSTOMER: text`, `Speaker 1: text`.
///
/// Only labels that name a speaker count, so "Note: the bonus…" stays text: a role word ("Agent",
/// "Customer", alone or before a name), a label in the role map, a diarization label (`Speaker 1`,
/// `SPEAKER_00`, `spk_0`), or a label in capitals (`AGENT`, `OPERATOR ANNA`).
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
        let letters = label.filter(\.isLetter)
        return !letters.isEmpty && letters.allSatisfy(\.isUppercase) && label.split(separator: " ").count <= 3
    }
}
