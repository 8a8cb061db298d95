import Foundation

/// WebVTT captions (W3C WebVTT), as meeting and call recorders write them:
/// `<v Speaker>` voice spans name who speaks, several per cue possible; other tags are dropped and
/// character references decoded. Text outside any voice span belongs to the last voice heard.
/// Consecutive cues of one speaker become one turn.
public struct WebVTTReader: TranscriptReader {
    public init() {}

    public func read(path: String, context: ReadContext, emit: (@escaping PendingRecord) throws -> Void) throws {
        let text = try WholeFile.text(path)
        let result = Self.parse(text, path: path)
        try emit { result }
    }

    static func parse(_ text: String, path: String) -> Result<ConversationDraft, RecordProblem> {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first, first.hasPrefix("WEBVTT"),
              first.count == 6 || first.dropFirst(6).first == " " || first.dropFirst(6).first == "\t"
        else {
            return .failure(RecordProblem(SourceLocation(file: path, line: 1), "not a WebVTT file: the first line must be 'WEBVTT'"))
        }
        var turns = CueTurns()
        var previousStart: Double?
        var index = 1
        // The header runs to the first blank line.
        while index < lines.count, !lines[index].trimmingCharacters(in: .whitespaces).isEmpty { index += 1 }
        while index < lines.count {
            while index < lines.count, lines[index].trimmingCharacters(in: .whitespaces).isEmpty { index += 1 }
            guard index < lines.count else { break }
            let blockStart = index
            var block: [Substring] = []
            while index < lines.count, !lines[index].trimmingCharacters(in: .whitespaces).isEmpty {
                block.append(lines[index])
                index += 1
            }
            if ["NOTE", "STYLE", "REGION"].contains(where: { keyword in
                block[0].hasPrefix(keyword) && (block[0].count == keyword.count || [" ", "\t"].contains(block[0].dropFirst(keyword.count).first))
            }) { continue }
            var timingOffset = 0
            if !block[0].contains("-->") { timingOffset = 1 }  // a cue identifier comes first
            guard timingOffset < block.count, block[timingOffset].contains("-->") else {
                return .failure(RecordProblem(SourceLocation(file: path, line: blockStart + 1),
                                              "a block that is neither a cue (timing line 'start --> end') nor NOTE, STYLE or REGION"))
            }
            let timingLine = blockStart + timingOffset + 1
            guard let (start, end) = CueTiming.parse(block[timingOffset], decimalSeparator: ".") else {
                return .failure(RecordProblem(SourceLocation(file: path, line: timingLine),
                                              CueTiming.problem(block[timingOffset], example: "00:01:02.500 --> 00:01:04.000")))
            }
            if let reason = CueTiming.outOfOrder(start: start, after: previousStart) {
                return .failure(RecordProblem(SourceLocation(file: path, line: timingLine), reason))
            }
            previousStart = start
            let payload = block[(timingOffset + 1)...].joined(separator: "\n")
            for (voice, spoken) in CueText.voiceSpans(payload) {
                turns.add(speaker: voice, text: spoken, start: start, end: end, line: timingLine)
            }
        }
        return .success(ConversationDraft(turns: turns.turns, location: SourceLocation(file: path), format: .webvtt))
    }
}

/// Cue timing lines of WebVTT (`00:01.000 --> 00:02.000 align:end`) and SRT (`00:00:01,000 --> 00:00:02,000`).
enum CueTiming {
    /// Cues are in the order of their start times (the WebVTT spec requires it; SRT players assume it): a cue that
    /// starts before the one before it would be merged into the wrong turn, or reorder the call.
    static func outOfOrder(start: Double, after previous: Double?) -> String? {
        guard let previous, start < previous else { return nil }
        return "this cue starts at \(start) s, before the cue before it (\(previous) s); cues must be in time order"
    }

    static func parse(_ line: Substring, decimalSeparator: Character) -> (Double, Double)? {
        guard let (startField, endField) = fields(line),
              let start = seconds(startField, decimalSeparator),
              let end = seconds(endField, decimalSeparator) else { return nil }
        return (start, end)
    }

    /// The start and end fields of a timing line; settings follow the end time after a space or a tab.
    static func fields(_ line: Substring) -> (String, String)? {
        let parts = line.components(separatedBy: "-->")
        guard parts.count == 2 else { return nil }
        let endField = parts[1].trimmingCharacters(in: .whitespaces).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) ?? ""
        return (parts[0].trimmingCharacters(in: .whitespaces), endField)
    }

    /// Why a timing line does not read: a negative time is named as such, anything else shows the shape.
    static func problem(_ line: Substring, example: String) -> String {
        if let (start, end) = fields(line), let negative = [start, end].first(where: { $0.split(separator: ":").contains { $0.hasPrefix("-") } }) {
            return "a cue time cannot be negative ('\(negative)'): times count from the start of the recording, e.g. \(example)"
        }
        return "malformed cue timing '\(line.prefix(80))'; expected e.g. \(example)"
    }

    /// `hh:mm:ss.ttt` or `mm:ss.ttt`, unsigned ASCII digits: hours of any width up to 6 digits, minutes and
    /// seconds of one or two digits below 60, an optional fraction of up to 9 digits after `decimalSeparator`
    /// (SRT also takes '.').
    static func seconds(_ text: String, _ decimalSeparator: Character) -> Double? {
        let parts = text.utf8.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, let last = parts.last else { return nil }
        func digits(_ part: Substring.UTF8View.SubSequence, width: ClosedRange<Int>) -> Int? {
            guard width.contains(part.count), part.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
            return part.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        }
        let separators: Set<UInt8> = [UInt8(ascii: "."), decimalSeparator.asciiValue ?? UInt8(ascii: ".")]
        let wholePart = last.prefix { !separators.contains($0) }
        let fractionPart = last.dropFirst(wholePart.count)
        guard let secondsValue = digits(wholePart, width: 1...2), secondsValue < 60,
              let minutes = digits(parts[parts.count - 2], width: 1...2), minutes < 60 else { return nil }
        var fraction = 0.0
        if !fractionPart.isEmpty {
            guard let value = digits(fractionPart.dropFirst(), width: 1...9) else { return nil }
            fraction = Double(value) / Double(Self.powerOfTen(fractionPart.count - 1))
        }
        var hours = 0
        if parts.count == 3 {
            guard let h = digits(parts[0], width: 1...6) else { return nil }
            hours = h
        }
        return Double(hours * 3600 + minutes * 60 + secondsValue) + fraction
    }

    private static func powerOfTen(_ n: Int) -> Int { (0..<n).reduce(1) { value, _ in value * 10 } }
}

/// Cue payload text: voice spans out, markup away.
enum CueText {
    /// The payload split into (voice, text) runs; voice is nil for text outside any `<v>` span.
    static func voiceSpans(_ payload: String) -> [(String?, String)] {
        var runs: [(String?, String)] = []
        var voice: String?
        var current = ""
        var i = payload.startIndex
        func close() {
            let text = decodeEntities(current).split(whereSeparator: \.isWhitespace).joined(separator: " ")
            if !text.isEmpty { runs.append((voice, text)) }
            current = ""
        }
        while i < payload.endIndex {
            let c = payload[i]
            if c == "<" {
                // A tag runs to '>' or, as the WebVTT tokenizer allows, to the end of the payload.
                let end = payload[i...].firstIndex(of: ">") ?? payload.endIndex
                let tag = payload[payload.index(after: i)..<end]
                if tag.hasPrefix("v") && (tag.count == 1 || tag.dropFirst().first == " " || tag.dropFirst().first == ".") {
                    close()
                    let annotation = tag.drop(while: { $0 != " " && $0 != "\t" }).trimmingCharacters(in: .whitespaces)
                    voice = annotation.isEmpty ? nil : decodeEntities(annotation)
                } else if tag == "/v" {
                    close()
                }
                i = end < payload.endIndex ? payload.index(after: end) : end
                continue
            }
            current.append(c)
            i = payload.index(after: i)
        }
        close()
        return runs
    }

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var i = text.startIndex
        while i < text.endIndex {
            if text[i] == "&", let semicolon = text[i...].prefix(12).firstIndex(of: ";") {
                let name = text[text.index(after: i)..<semicolon]
                var replacement: String?
                switch name {
                case "amp": replacement = "&"
                case "lt": replacement = "<"
                case "gt": replacement = ">"
                case "quot": replacement = "\""
                case "apos": replacement = "'"
                case "nbsp": replacement = "\u{A0}"
                case "lrm": replacement = "\u{200E}"
                case "rlm": replacement = "\u{200F}"
                case _ where HTMLEntities.named[String(name)] != nil: replacement = HTMLEntities.named[String(name)]
                default:
                    if name.hasPrefix("#x") || name.hasPrefix("#X"), let v = UInt32(name.dropFirst(2), radix: 16), let s = Unicode.Scalar(v) {
                        replacement = String(s)
                    } else if name.hasPrefix("#"), let v = UInt32(name.dropFirst()), let s = Unicode.Scalar(v) {
                        replacement = String(s)
                    }
                }
                if let replacement {
                    out += replacement
                    i = text.index(after: semicolon)
                    continue
                }
            }
            out.append(text[i])
            i = text.index(after: i)
        }
        return out
    }
}

/// Builds turns from timed captions: one turn per run of one speaker.
struct CueTurns {
    private(set) var turns: [TurnDraft] = []
    private var lastSpeaker: String?

    mutating func add(speaker: String?, text: String, start: Double, end: Double, line: Int) {
        let who = speaker ?? lastSpeaker
        lastSpeaker = who
        let label = who ?? ""
        if var last = turns.last, last.speaker == .label(label) {
            last.text += " " + text
            last.end = max(last.end ?? end, end)
            turns[turns.count - 1] = last
        } else {
            turns.append(TurnDraft(speaker: .label(label), start: start, end: end, text: text, line: line))
        }
    }
}
