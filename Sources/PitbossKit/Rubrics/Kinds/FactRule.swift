import Foundation

/// `fact`: a stated value, captured as `(?<value>…)` (and `(?<unit>…)`), is checked against a fact of house
/// policy, after converting its unit: "withdrawals take 7 days" against 24–72 hours. The value is digits or a
/// number in words (`NumberWords`: "seven days", "до пяти рабочих дней"); a unit captured with no value ("до
/// недели") is one of it; a value that cannot be read gives an `error` finding that says so.
public struct FactRule: RuleKind {
    public static let name = "fact"
    public static let keys = ["fact", "units"]
    public static let usesPatterns = true

    public var fact: Fact
    /// Lower-case unit word → factor into the fact's unit.
    public var units: [String: Double]

    public init?(_ map: YAMLMap, _ parser: RuleParser) {
        guard let name = map.string("fact", required: true) else { return nil }
        guard let fact = parser.facts[name] else {
            map.diagnostics.error(map["fact"], "fact '\(name)' is not defined under 'facts' (defined: \(parser.facts.keys.sorted().joined(separator: ", ")))")
            return nil
        }
        self.fact = fact
        var units: [String: Double] = [:]
        if let unitMap = map.map("units", what: "unit words to factors, e.g. {day: 24, days: 24}") {
            for entry in unitMap.entries {
                guard let factor = unitMap.number(entry.key, in: .unitFactor) else { continue }
                // Units are looked up in the matched text, which is folded when the rubric normalises.
                let key = parser.normalize ? TextFolding.foldPattern(entry.key.lowercased(), phonetic: parser.phonetic) : entry.key.lowercased()
                if units[key] != nil {
                    map.diagnostics.error(entry.keyNode, "unit '\(entry.key)' is given twice (units are compared in lower case)")
                }
                units[key] = factor
            }
        }
        self.units = units
    }

    public func evaluate(_ rule: Rule, _ context: EvaluationContext) throws -> [Finding] {
        var findings: [Finding] = []
        for turn in context.turns(of: rule.speaker) {
            for match in try context.matches(rule.patterns, exceptions: rule.exceptions, turn: turn) {
                let unitText = match.captures["unit"]?.lowercased()
                let unitAsSaid = match.originalCaptures["unit"]
                let valueText = match.captures["value"]
                let value: Double
                if let valueText {
                    // Digits, or a number in words ("seven", "пяти", "iki", "δύο"). Words the table cannot read are
                    // reported, not skipped: a statement of policy nobody checked must not pass as one that was.
                    guard let read = Self.number(valueText) ?? NumberWords.value(valueText) else {
                        let valueAsSaid = match.originalCaptures["value"] ?? valueText
                        findings.append(rule.finding(.error, context, match: match, values: [
                            "value": valueAsSaid, "unit": unitAsSaid ?? fact.unit, "expected": fact.expected,
                        ]).withMessage("\(rule.id): the value '\(valueAsSaid)' could not be read as a number; add its words to NumberWords or narrow the pattern"))
                        continue
                    }
                    value = read
                } else if unitText != nil {
                    // A unit said without a number ("неделю", "в течение суток"): one of it.
                    value = 1
                } else {
                    continue
                }
                // A value too long for a Double (hundreds of digits) reads as infinite: still a statement to flag.
                guard !value.isNaN else { continue }
                var factor = 1.0
                if let unitText {
                    let key = unitText.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                    guard let known = units[key] else {
                        findings.append(rule.finding(.error, context, match: match, values: [
                            "value": valueText ?? "", "unit": unitAsSaid ?? unitText, "expected": fact.expected,
                        ]).withMessage("\(rule.id): unit '\(unitAsSaid ?? unitText)' is not in the rule's units; add it to 'units'"))
                        continue
                    }
                    factor = known
                }
                let converted = value * factor
                guard !fact.allows(converted) else {
                    context.recordEvidence(rule, match, what: "within policy: \(fact.expected)")
                    continue
                }
                // Words are shown as the number they say ("50x", not "πενηνταx"); digits as written.
                let valueShown = valueText.map { Self.number($0) != nil ? $0 : Self.format(value) } ?? Self.format(value)
                findings.append(rule.finding(.incorrect, context, match: match, values: [
                    "value": valueShown, "unit": unitAsSaid ?? fact.unit, "expected": fact.expected,
                    "converted": Self.format(converted) + (fact.unit.isEmpty ? "" : " \(fact.unit)"),
                ]))
            }
        }
        return findings
    }

    /// "72", "1,5", "1.5", "1,000", "10 000", "1'000" → a number. A comma or dot followed by exactly three digits
    /// groups thousands ("1,000", "1.000") unless the first group is 0 ("0,500" is a half); otherwise it is the decimal
    /// separator ("1,5"). A space or apostrophe only ever groups thousands ("1 2" is not twelve: nil). Digits of any
    /// script ("１２", "٤٨") read as 0-9.
    static func number(_ text: String) -> Double? {
        var scalars: [Unicode.Scalar] = []
        for scalar in text.unicodeScalars {
            if scalar.properties.numericType == .decimal, let digit = scalar.properties.numericValue, (0...9).contains(digit) {
                scalars.append(Unicode.Scalar(UInt8(48 + Int(digit))))
            } else {
                scalars.append(scalar)
            }
        }
        let spaced = String(String.UnicodeScalarView(scalars))
        let isDigits = { (part: Substring) in !part.isEmpty && part.allSatisfy { ("0"..."9").contains($0) } }
        // Space- or apostrophe-grouped: "10 000", "1'000", "1’000,5".
        let blocks = spaced.split { $0.isWhitespace || $0 == "'" || $0 == "’" }
        if blocks.count > 1 {
            guard let first = blocks.first, (1...3).contains(first.count), isDigits(first), first.first != "0",
                  blocks.dropFirst().dropLast().allSatisfy({ $0.count == 3 && isDigits($0) }),
                  let last = blocks.last, last.count >= 3, isDigits(last.prefix(3)) else { return nil }
            let tail = last.dropFirst(3)
            guard tail.isEmpty || ((tail.first == "," || tail.first == ".") && isDigits(tail.dropFirst())) else { return nil }
            return Double(blocks.dropLast().joined() + last.prefix(3) + tail.replacingOccurrences(of: ",", with: "."))
        }
        var digits = blocks.first.map(String.init) ?? ""
        // Both marks ("1,000.00", "1.000,00"): the last one is the decimal point, the other groups thousands.
        if digits.contains(","), digits.contains("."), let last = digits.lastIndex(where: { $0 == "," || $0 == "." }) {
            let grouping: Character = digits[last] == "," ? "." : ","
            let whole = digits[..<last].split(separator: grouping, omittingEmptySubsequences: false)
            guard let first = whole.first, (1...3).contains(first.count), !(first.count > 1 && first.hasPrefix("0")),
                  whole.allSatisfy(isDigits), whole.dropFirst().allSatisfy({ $0.count == 3 }),
                  !digits[digits.index(after: last)...].contains(where: { $0 == "," || $0 == "." }) else { return nil }
            digits = whole.joined() + "." + digits[digits.index(after: last)...]
        }
        let groups = digits.split(omittingEmptySubsequences: false) { $0 == "," || $0 == "." }
        if groups.count > 1, (1...3).contains(groups[0].count), groups[0] != "0", !groups[0].hasPrefix("0"), groups.allSatisfy(isDigits),
           groups.dropFirst().allSatisfy({ $0.count == 3 }) {
            return Double(groups.joined())
        }
        guard groups.count <= 2, groups.allSatisfy(isDigits) else { return nil }
        return Double(groups.joined(separator: "."))
    }

    /// A number for a message; any value, including one read from a transcript that no Int holds.
    static func format(_ value: Double) -> String { NumberRange.text(value) }

    public func explain(_ rule: Rule) -> String {
        let unitWords = units.isEmpty ? "" : " Units: " + units.sorted(by: { $0.key < $1.key }).map { "\($0.key) × \(Self.format($0.value))" }.joined(separator: ", ") + "."
        return "Reads the value (and unit) that \(rule.speaker.name) states with the patterns below and flags it when it is outside the house policy '\(fact.name)': \(fact.expected).\(unitWords)"
    }
}

extension Finding {
    func withMessage(_ message: String) -> Finding {
        var copy = self
        copy.message = message
        return copy
    }
}
