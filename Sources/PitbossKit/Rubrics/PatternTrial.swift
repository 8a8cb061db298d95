import Foundation

/// `pitboss rubric try PATTERN TEXT`: what one pattern matches in one text, folded and compiled exactly as a rubric with
/// these settings folds and compiles it — for a rubric author who wonders why `\bnaïve\b` finds "NAIVE".
public struct PatternTrial: Sendable, Encodable {
    public struct Match: Sendable, Encodable, Equatable {
        /// The original words, as the finding would cite them.
        public var words: String
        /// Code points within the original text.
        public var start: Int
        public var end: Int
        /// Found in the native reading of a transliterated text ("privet" read as "привет").
        public var inNativeReading: Bool

        enum CodingKeys: String, CodingKey {
            case words, start, end
            case inNativeReading = "in_native_reading"
        }
    }

    public var pattern: String
    /// The regex as compiled: folded (case, accents, Turkish i, ё) when the rubric normalises.
    public var compiledPattern: String
    public var text: String
    /// The text as the pattern sees it: folded when the rubric normalises.
    public var textAsMatched: String
    /// When transliterated, the text as it reads in the language's script, which the patterns also see.
    public var nativeReading: String?
    public var language: String?
    public var normalize: Bool
    public var transliterate: Bool
    public var caseSensitive: Bool
    /// The rubric whose settings were used, when one was.
    public var rubric: String?
    public var matches: [Match]
    /// The pattern can match empty text: lint refuses it in a rubric.
    public var canMatchEmpty: Bool

    enum CodingKeys: String, CodingKey {
        case pattern, text, language, normalize, transliterate, matches, rubric
        case compiledPattern = "compiled_pattern", textAsMatched = "text_as_matched", nativeReading = "native_reading", caseSensitive = "case_sensitive", canMatchEmpty = "can_match_empty"
    }

    /// Folds, compiles and matches as a rubric with `normalize` and `transliterate` would, for a conversation in `language`.
    public static func run(pattern: String, text: String, language: String?, normalize: Bool = true, transliterate: Bool = false,
                           caseSensitive: Bool = false) throws(PitbossError) -> PatternTrial {
        guard !pattern.isEmpty else { throw .usage("the pattern is empty, which would match everywhere; give a regex") }
        let phonetic = normalize && transliterate
        let source = normalize ? TextFolding.foldPattern(pattern, phonetic: phonetic) : pattern
        let compiled: CompiledPattern
        do { compiled = try CompiledPattern(source, caseless: !caseSensitive) } catch {
            throw .badInput("the pattern does not compile: \(error.message) at offset \(error.offset) in \(pattern)")
        }
        let matchable = MatchableText(text, fold: normalize, transliterating: transliterate ? language : nil)
        var found: [Match] = []
        do {
            try matchable.bytes.withUnsafeBufferPointer { bytes in
                try Matcher().forEachMatch(compiled, in: bytes) { match in
                    let (range, second) = matchable.withinReading(match.range)
                    let codePoints = matchable.codePoints(range)
                    found.append(Match(words: matchable.originalText(codePoints), start: codePoints.lowerBound, end: codePoints.upperBound,
                                       inNativeReading: second))
                    return true
                }
            }
        } catch {
            throw .badInput("the pattern could not finish on this text: \(error)")
        }
        // A transliterated text is matched as "as written. \nnative reading": shown as the two readings.
        let bytes = matchable.bytes
        let firstEnd = matchable.firstReadingEnd ?? bytes.count
        let secondStart = min(bytes.count, firstEnd + 3)
        return PatternTrial(pattern: pattern, compiledPattern: source, text: text,
                            textAsMatched: String(decoding: bytes[..<firstEnd], as: UTF8.self),
                            nativeReading: matchable.firstReadingEnd == nil ? nil : String(decoding: bytes[secondStart...], as: UTF8.self),
                            language: language, normalize: normalize,
                            transliterate: transliterate, caseSensitive: caseSensitive, matches: found, canMatchEmpty: compiled.canMatchEmpty)
    }

    /// For a person: the pattern and the text as they are matched, then each match.
    public func render(style: OutputStyle) -> String {
        let safe = TerminalSafe.line
        var out = style.paint("pattern      ", .dim) + safe(pattern) + "\n"
        if compiledPattern != pattern { out += style.paint("as compiled  ", .dim) + safe(compiledPattern) + "\n" }
        out += style.paint("text seen as ", .dim) + "“" + safe(textAsMatched) + "”\n"
        if let nativeReading { out += style.paint("and read as  ", .dim) + "“" + safe(nativeReading) + "”\n" }
        let settings = [normalize ? "folded" : "not folded", transliterate ? (language.map { "transliterated as \($0)" } ?? "not transliterated: no language given") : nil,
                        caseSensitive ? "case-sensitive" : nil].compactMap { $0 }.joined(separator: ", ")
            + (rubric.map { " (as rubric \(safe($0)) does)" } ?? " (a rubric's defaults)")
        out += style.paint("settings     ", .dim) + settings + "\n"
        if canMatchEmpty { out += style.paint("note: the pattern can match empty text; a rubric refuses it", .yellow) + "\n" }
        guard !matches.isEmpty else { return out + style.paint("no match", .yellow, .bold) + "\n" }
        out += style.paint("\(matches.count) match\(matches.count == 1 ? "" : "es")", .green, .bold) + "\n"
        for m in matches {
            out += "  “" + safe(m.words) + "”  code points \(m.start)–\(m.end) of the text (from 0, as findings store them)" + (m.inNativeReading ? ", in the native reading" : "") + "\n"
        }
        return out
    }
}
