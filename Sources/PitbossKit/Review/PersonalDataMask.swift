import Foundation

/// Finds personal data in message text — payment card numbers, IBANs, e-mail addresses, phone numbers and
/// identity-document numbers — so that a reviewer reads `[card …4242]` instead of the number unless they ask
/// to see it (`--show-pii`). It errs on the side of masking: a long order number may be masked as a phone.
public final class PersonalDataMask: @unchecked Sendable {
    public enum Kind: String, Sendable { case card, iban, email = "e-mail", phone, document }

    public struct Span: Sendable, Equatable {
        /// Code points within the text.
        public var range: Range<Int>
        public var kind: Kind
        public var replacement: String
    }

    private let patterns: [(Kind, CompiledPattern)]
    // A matcher holds PCRE2 match data: one per mask, used under a lock.
    private let matcher = Matcher()
    private let lock = NSLock()

    public init() {
        func compile(_ source: String, caseless: Bool = true) -> CompiledPattern? {
            // The patterns are constants: PersonalDataMaskTests prove that each compiles and masks its kind, so a
            // PCRE2 that refused one would fail the tests, not leak data quietly.
            try? CompiledPattern(source, caseless: caseless)
        }
        // What people type between groups of digits: space, dot, dash, and the no-break, thin and figure spaces and
        // the dashes that word processors and phone keyboards put there.
        let sep = #"[ .\-\x{00A0}\x{2007}\x{2009}\x{202F}\x{2010}-\x{2013}]"#
        patterns = ([
            (.email, compile(#"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"#)),
            // Checked with mod-97 below, so a run of capitals and digits that is not an IBAN stays.
            (.iban, compile(#"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b"#)),
            // 13–19 digits, grouped by spaces, dots or dashes or not, and not part of a longer run of digits;
            // checked with Luhn below, so amounts in a row are left alone.
            (.card, compile(#"(?<![0-9])(?<![0-9]\#(sep))(?<![0-9]\#(sep){2})(?:[0-9]\#(sep){0,2}){12,18}[0-9](?!\#(sep){0,2}[0-9])"#)),
            // International or national numbers: 9–15 digits with the separators people type, not part of a longer
            // run of number groups (amounts in a row).
            (.phone, compile(#"(?<![\w+])(?<![0-9]\#(sep))(?:(?:\+|00)[0-9]{1,3}\#(sep)?)?\(?[0-9]{2,4}\)?(?:\#(sep)?\(?[0-9]{2,4}\)?){2,4}(?![\w])(?!\#(sep)[0-9])"#)),
            // Passport and ID formats: one or two capitals, then 6–9 digits.
            (.document, compile(#"\b[A-Z]{1,2}[0-9]{6,9}\b"#, caseless: false)),
            // A number said to be a document's: the keyword in any case, the value in capitals and digits (checked:
            // at least five digits).
            (.document, compile(#"\b(?:passport|id card|identity card|driving licen[cs]e|document|паспорт\w*|kimlik|pasaport|διαβατηριο|ταυτοτητα)(?:\s+(?:no\.?|number|nr\.?|номер|numarasi|αριθμος))?\s*[:#]?\s*\K(?-i:[A-Z0-9][A-Z0-9-]*(?: [0-9][A-Z0-9-]*)*)"#)),
        ] as [(Kind, CompiledPattern?)]).compactMap { kind, pattern in pattern.map { (kind, $0) } }
    }

    /// The personal data in `text`, earliest first, never overlapping.
    public func spans(in text: String) -> [Span] {
        guard text.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 || $0 == 0x40 }) else { return [] }  // no digit, no @
        let offsets = CodePointOffsets(text)
        var found: [Span] = []
        lock.lock()
        defer { lock.unlock() }
        for (kind, pattern) in patterns {
            guard let ranges = try? matcher.matches(pattern, in: text) else { continue }
            for bytes in ranges {
                let matched = String(decoding: Array(text.utf8)[bytes], as: UTF8.self)
                let digits = matched.filter(\.isASCII).filter(\.isNumber)
                switch kind {
                case .phone where digits.count < 9 || digits.count > 15: continue
                case .card where !(13...19).contains(digits.count) || !Self.passesLuhn(digits): continue
                case .iban where !Self.isIBAN(matched): continue
                case .document where digits.count < 5: continue
                default: break
                }
                let range = offsets.codePoint(bytes.lowerBound)..<offsets.codePoint(bytes.upperBound)
                if found.contains(where: { $0.range.overlaps(range) }) { continue }
                found.append(Span(range: range, kind: kind, replacement: Self.replacement(kind, digits: digits)))
            }
        }
        return found.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }

    /// The text with every span replaced.
    public func mask(_ text: String) -> String {
        let spans = spans(in: text)
        guard !spans.isEmpty else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var at = 0
        for span in spans {
            out.append(contentsOf: scalars[at..<span.range.lowerBound])
            out.append(contentsOf: span.replacement.unicodeScalars)
            at = span.range.upperBound
        }
        out.append(contentsOf: scalars[at...])
        return String(out)
    }

    /// The check digit of payment card numbers (ISO/IEC 7812).
    static func passesLuhn(_ digits: String) -> Bool {
        var sum = 0
        for (i, character) in digits.reversed().enumerated() {
            guard let d = character.wholeNumberValue else { return false }
            sum += i % 2 == 1 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d
        }
        return sum % 10 == 0
    }

    /// ISO 13616: the first four characters moved to the end, letters as 10–35, the number mod 97 is 1.
    static func isIBAN(_ text: String) -> Bool {
        let compact = text.uppercased().filter { !$0.isWhitespace }
        guard compact.count >= 15 else { return false }
        var remainder = 0
        for character in compact.dropFirst(4) + compact.prefix(4) {
            guard let value = character.isNumber ? character.wholeNumberValue : character.asciiValue.map({ Int($0) - 55 }), value >= 0, value < 36 else { return false }
            remainder = (value < 10 ? remainder * 10 + value : remainder * 100 + value) % 97
        }
        return remainder == 1
    }

    static func replacement(_ kind: Kind, digits: String) -> String {
        switch kind {
        // The last four digits of a card may be shown (PCI DSS 3.4): reviewers need them to follow a payment.
        case .card: "[card …\(digits.suffix(4))]"
        default: "[\(kind.rawValue)]"
        }
    }
}

/// Maps UTF-8 byte offsets of a string to code-point offsets.
struct CodePointOffsets {
    private var byByte: [Int]

    init(_ text: String) {
        byByte = []
        byByte.reserveCapacity(text.utf8.count + 1)
        var codePoints = 0
        for byte in text.utf8 {
            byByte.append(codePoints)
            if byte & 0xC0 != 0x80 { codePoints += 1 }  // a lead byte starts a code point
        }
        byByte.append(codePoints)
    }

    func codePoint(_ byte: Int) -> Int { byByte[min(byte, byByte.count - 1)] }
}
