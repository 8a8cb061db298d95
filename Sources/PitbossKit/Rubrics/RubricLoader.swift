import Crypto
import Foundation
import Yams

/// Reads a rubric file strictly and fail-closed: unknown keys, duplicate ids, unknown criteria or facts,
/// empty or uncompilable patterns, languages without patterns, malformed examples — every problem is
/// reported (file:line:column, rule id), not only the first, and a rubric with any problem is refused.
public enum RubricLoader {
    public static func load(path: String) throws -> Rubric {
        guard let data = FileManager.default.contents(atPath: path) else {
            let looked = URL(fileURLWithPath: path).standardizedFileURL.path
            throw PitbossError.missingFile("\(path): rubric not found (looked for \(looked)); name the rubric's file, or set rubric: in the workspace's pitboss.yaml (a path there is read from that file's folder)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw RubricLoadError(problems: [RubricProblem(path: path, line: 1, column: 1, rule: nil, message: "not valid UTF-8")])
        }
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        return try parse(yaml: text, path: path, contentHash: digest)
    }

    public static func parse(yaml text: String, path: String, contentHash: String = "") throws -> Rubric {
        let diagnostics = Diagnostics(path: path)
        if let (line, column) = YAMLAliasScan.first(in: text) {
            throw RubricLoadError(problems: [RubricProblem(path: path, line: line, column: column, rule: nil,
                                                           message: "anchors and aliases (&name, *name) are not accepted in a rubric: write the value out (quote it if it starts with & or *)")])
        }
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw RubricLoadError(problems: [RubricProblem(path: path, line: 1, column: 1, rule: nil, message: "the file is empty")])
            }
            root = node
        } catch let error as RubricLoadError {
            throw error
        } catch let error as YamlError {
            throw RubricLoadError(problems: [yamlProblem(error, path: path)])
        }
        guard let map = YAMLMap(root, diagnostics, what: "a rubric") else { throw RubricLoadError(problems: diagnostics.problems) }
        map.onlyKeys(["rubric", "version", "description", "languages", "normalize", "transliterate", "facts", "criteria", "rules"])
        let name = map.string("rubric", required: true) ?? ""
        let version = readVersion(map, diagnostics)
        let normalize = map.bool("normalize") ?? true
        let transliterate = map.bool("transliterate") ?? false
        if transliterate && !normalize {
            diagnostics.error(map["transliterate"], "'transliterate: true' needs 'normalize: true': transliterated text is matched folded")
        }
        var languages: [String] = []
        if let list = map.strings("languages") {
            for code in list where ConversationDraft.isoLanguage(code) != code {
                diagnostics.error(map["languages"], "language '\(code)' is not a lower-case ISO 639-1 code such as en, ru, tr, el")
            }
            languages = list
        }
        if languages.isEmpty { diagnostics.error(map["languages"] ?? root, "'languages' must list the rubric's languages, e.g. [en, ru, tr, el]") }

        let facts = readFacts(map, diagnostics)
        let criteria = readCriteria(map, diagnostics)
        var rules: [Rule] = []
        var ruleIDs = Set<String>()
        for (i, node) in (map.list("rules", required: true) ?? []).enumerated() {
            diagnostics.rule = nil
            guard let ruleMap = YAMLMap(node, diagnostics, prefix: "rules[\(i)]", what: "a rule") else { continue }
            let parser = RuleParser(diagnostics: diagnostics, languages: languages, normalize: normalize, facts: facts)
            parser.phonetic = transliterate && normalize
            if let rule = parser.rule(ruleMap, criteria: criteria) {
                if !ruleIDs.insert(rule.id).inserted {
                    diagnostics.error(ruleMap["id"], "duplicate rule id '\(rule.id)'")
                } else {
                    rules.append(rule)
                }
            }
        }
        checkDeferrals(rules, (map.list("rules", required: false) ?? []), diagnostics)
        if !diagnostics.problems.isEmpty { throw RubricLoadError(problems: diagnostics.problems) }
        var rubric = Rubric(name: name, version: version, languages: languages, normalize: normalize, facts: facts,
                            criteria: criteria, rules: rules, path: path, contentHash: contentHash)
        rubric.transliterate = transliterate && normalize
        return rubric
    }

    /// `defer_to` names other rules of the rubric, never the rule itself, and never in a circle (A defers to B, B to
    /// A: neither would ever report).
    private static func checkDeferrals(_ rules: [Rule], _ nodes: [Node], _ diagnostics: Diagnostics) {
        let byID = Dictionary(rules.map { ($0.id, $0) }) { first, _ in first }
        func node(_ rule: Rule) -> Node? { nodes.first { $0.mapping?["id"]?.string == rule.id }?.mapping?["defer_to"] }
        for rule in rules where !rule.deferTo.isEmpty {
            diagnostics.rule = rule.id
            for other in rule.deferTo where byID[other] == nil || other == rule.id {
                diagnostics.error(node(rule), other == rule.id ? "a rule cannot defer to itself"
                    : "defer_to names '\(other)', which is not a rule of this rubric (rules: \(rules.map(\.id).joined(separator: ", ")))")
            }
            // Follow the deferrals: reaching the rule again is a circle (deferring to itself is said above).
            var seen: Set<String> = [], queue = rule.deferTo.filter { $0 != rule.id }
            while let next = queue.popLast() {
                if next == rule.id {
                    diagnostics.error(node(rule), "defer_to makes a circle back to '\(rule.id)': no rule in it would ever report")
                    break
                }
                guard seen.insert(next).inserted else { continue }
                queue += byID[next]?.deferTo ?? []
            }
        }
        diagnostics.rule = nil
    }

    private static func yamlProblem(_ error: YamlError, path: String) -> RubricProblem {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            // libyaml stops at 1000 levels of nesting, and its message names its own C function.
            let text = problem.contains("nesting level") ? "nested too deeply (libyaml reads at most 1000 levels); a rubric needs a handful" : problem
            return RubricProblem(path: path, line: max(mark.line, 1), column: max(mark.column, 1), rule: nil, message: "not valid YAML: \(text)")
        case .composer(_, let problem, let mark, _):
            return RubricProblem(path: path, line: max(mark.line, 1), column: max(mark.column, 1), rule: nil, message: "not valid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return RubricProblem(path: path, line: context.mark.line, column: context.mark.column, rule: nil,
                                 message: "a mapping gives the key \(keys) twice; each key may appear once")
        default:
            return RubricProblem(path: path, line: 1, column: 1, rule: nil, message: "not valid YAML: \(error)")
        }
    }

    /// A label such as `3`, `2.1`, `2026-11` or `v4`: stored with every finding and review, so short, printable,
    /// and not a number that YAML or a reader would take for a float (`1e308`, `.inf`, `nan`).
    private static func readVersion(_ map: YAMLMap, _ diagnostics: Diagnostics) -> String {
        guard let version = map.string("version", required: true) else { return "" }
        let allowed = version.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "._-+".unicodeScalars.contains($0) }
        let plainNumber = version.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || $0 == "." }
        let startsWell = version.unicodeScalars.first.map { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) } ?? false
        if version.count > 40 || !allowed || !startsWell || (Double(version) != nil && !plainNumber) {
            diagnostics.error(map["version"], "'version' must be a short label such as 3, 2.1, 2026-11 or v4 (letters, digits, '.', '-', '_', '+'; at most 40), not \(version.count > 40 ? String(version.prefix(40)) + "…" : version)")
            return ""
        }
        return version
    }

    private static func readFacts(_ map: YAMLMap, _ diagnostics: Diagnostics) -> [String: Fact] {
        var facts: [String: Fact] = [:]
        guard let factsMap = map.map("facts", what: "facts by name") else { return facts }
        for entry in factsMap.entries {
            guard let fact = YAMLMap(entry.value, diagnostics, prefix: "facts.\(entry.key)", what: "{min, max, unit} or {values, unit}") else { continue }
            fact.onlyKeys(["min", "max", "values", "unit"])
            var values: [Double]?
            if let list = fact.strings("values") {
                let numbers = list.compactMap { Double($0) }.filter { NumberRange.factValue.contains($0) }
                if numbers.count != list.count || list.isEmpty {
                    diagnostics.error(fact["values"], "facts.\(entry.key).values must be a list of numbers, each \(NumberRange.factValue.words.replacingOccurrences(of: "a number ", with: ""))")
                }
                values = numbers
            }
            let min = fact.number("min", in: .factValue)
            let max = fact.number("max", in: .factValue)
            if values == nil && min == nil && max == nil {
                diagnostics.error(entry.keyNode, "fact '\(entry.key)' needs 'values' or 'min'/'max'")
            }
            if values != nil && (min != nil || max != nil) {
                diagnostics.error(entry.keyNode, "fact '\(entry.key)' takes 'values' or 'min'/'max', not both")
            }
            if let min, let max, min > max { diagnostics.error(entry.keyNode, "fact '\(entry.key)': min \(min) is above max \(max)") }
            facts[entry.key] = Fact(name: entry.key, min: min, max: max, values: values, unit: fact.string("unit") ?? "")
        }
        return facts
    }

    private static func readCriteria(_ map: YAMLMap, _ diagnostics: Diagnostics) -> [Criterion] {
        var criteria: [Criterion] = []
        for (i, node) in (map.list("criteria", required: true) ?? []).enumerated() {
            guard let c = YAMLMap(node, diagnostics, prefix: "criteria[\(i)]", what: "a criterion") else { continue }
            c.onlyKeys(["id", "title", "weight", "critical", "na", "scale", "description"])
            guard let id = c.string("id", required: true) else { continue }
            let weight = c.number("weight", required: true, in: .weight) ?? 1
            if criteria.contains(where: { $0.id == id }) { diagnostics.error(c["id"], "duplicate criterion id '\(id)'") }
            criteria.append(Criterion(id: id, title: c.string("title", required: true) ?? id, weight: weight,
                                      critical: c.bool("critical") ?? false, naAllowed: c.bool("na") ?? false,
                                      scale: readScale(c, criterion: id, diagnostics)))
        }
        if criteria.isEmpty { diagnostics.error(map["criteria"] ?? map.node, "a rubric needs at least one criterion") }
        return criteria
    }

    /// `scale: {good: 1, partial: 0.5, poor: 0}`: labels in order, each worth 0…1, one full (1) and one failing (0),
    /// so that "failed" means the same on every criterion.
    private static func readScale(_ c: YAMLMap, criterion: String, _ diagnostics: Diagnostics) -> [ScaleLevel] {
        guard let scaleMap = c.map("scale", what: "answers and what each is worth, e.g. {pass: 1, partial: 0.5, fail: 0}") else {
            return ScaleLevel.passFail
        }
        var levels: [ScaleLevel] = []
        for entry in scaleMap.entries {
            let label = entry.key
            if label.range(of: #"^[a-z][a-z0-9_-]*$"#, options: .regularExpression) == nil || label == ScaleLevel.notApplicable {
                diagnostics.error(entry.keyNode, "criterion '\(criterion)': scale answer '\(label)' must be a lower-case word other than 'na' (na is the 'na: true' setting)")
            }
            guard let number = scaleMap.number(label), (0...1).contains(number) else {
                diagnostics.error(entry.value, "criterion '\(criterion)': scale answer '\(label)' must be worth a number from 0 to 1")
                continue
            }
            if levels.contains(where: { $0.label == label }) { diagnostics.error(entry.keyNode, "criterion '\(criterion)': scale answer '\(label)' is given twice") }
            levels.append(ScaleLevel(label: label, score: number))
        }
        if !levels.contains(where: { $0.score == 1 }) || !levels.contains(where: { $0.score == 0 }) {
            diagnostics.error(c["scale"], "criterion '\(criterion)': a scale needs an answer worth 1 (full marks) and one worth 0 (failed)")
        }
        return levels
    }
}

/// Reads one rule and what its kind needs: patterns compiled, languages covered, examples parsed.
public final class RuleParser {
    let diagnostics: Diagnostics
    let rubricLanguages: [String]
    let normalize: Bool
    let facts: [String: Fact]
    /// The languages this rule must have patterns for: its `languages`, else the rubric's.
    var coverage: [String]
    var caseSensitive = false
    /// Patterns are folded as transliterated text is (`transliterate: true`).
    var phonetic = false

    init(diagnostics: Diagnostics, languages: [String], normalize: Bool, facts: [String: Fact]) {
        self.diagnostics = diagnostics
        self.rubricLanguages = languages
        self.normalize = normalize
        self.facts = facts
        self.coverage = languages
    }

    static let commonKeys = ["id", "kind", "criterion", "severity", "message", "description", "speaker", "channels", "languages",
                             "patterns", "exceptions", "case_sensitive", "examples", "defer_to", "skip_quoted"]

    func rule(_ map: YAMLMap, criteria: [Criterion]) -> Rule? {
        guard let id = map.string("id", required: true) else { return nil }
        diagnostics.rule = id
        if id.range(of: #"^[a-z0-9][a-z0-9._-]*$"#, options: .regularExpression) == nil {
            diagnostics.error(map["id"], "rule id '\(id)' must be lower-case letters, digits, '-', '.' or '_'")
        }
        guard let kindName = map.string("kind", required: true) else { return nil }
        guard let kindType = RuleKinds.named(kindName) else {
            diagnostics.error(map["kind"], "unknown kind '\(kindName)'; kinds: \(RuleKinds.all.map { $0.name }.joined(separator: ", "))")
            return nil
        }
        map.onlyKeys(Self.commonKeys + kindType.keys)
        let criterion = map.string("criterion", required: true) ?? ""
        if !criterion.isEmpty && !criteria.contains(where: { $0.id == criterion }) {
            diagnostics.error(map["criterion"], "criterion '\(criterion)' is not defined (criteria: \(criteria.map(\.id).joined(separator: ", ")))")
        }
        var severity = Severity.minor
        if let text = map.string("severity", required: true) {
            if let s = Severity(rawValue: text) { severity = s } else {
                diagnostics.error(map["severity"], "severity '\(text)' is not one of \(Severity.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        let message = map.string("message", required: true) ?? ""
        caseSensitive = map.bool("case_sensitive") ?? false
        let speaker = self.speaker(map, default: .role(.agent)) ?? .role(.agent)
        var channels: Set<Channel>?
        if let list = map.strings("channels") {
            channels = Set(list.compactMap { name in
                guard let channel = Channel(rawValue: name) else {
                    diagnostics.error(map["channels"], "channel '\(name)' is not one of \(Channel.namesForHumans)")
                    return nil
                }
                return channel
            })
        }
        var languages: Set<String>?
        if let list = map.strings("languages") {
            for code in list where !rubricLanguages.contains(code) {
                diagnostics.error(map["languages"], "language '\(code)' is not one of the rubric's languages (\(rubricLanguages.joined(separator: ", ")))")
            }
            languages = Set(list)
            coverage = rubricLanguages.filter { list.contains($0) }
        }
        var patterns = PatternSet()
        if kindType.usesPatterns {
            patterns = patternSet(map, "patterns", required: true, needsValue: kindType == FactRule.self) ?? PatternSet()
            if let value = map["skip_quoted"], value.string == "marked" {
                patterns.skipsQuoted = true
                patterns.skipsEchoes = false
            } else if let value = map["skip_quoted"], value.bool == nil {
                diagnostics.error(value, "'\(map.field("skip_quoted"))' must be true, false or marked (quotation marks and > lines only, not the customer's earlier words)")
            } else {
                patterns.skipsQuoted = map.bool("skip_quoted") ?? false
            }
        } else if map["patterns"] != nil {
            diagnostics.error(map["patterns"], "a \(kindName) rule has no top-level 'patterns'; see its own keys: \(kindType.keys.joined(separator: ", "))")
        }
        if !kindType.usesPatterns, map["skip_quoted"] != nil {
            diagnostics.error(map["skip_quoted"], "'skip_quoted' applies to a rule's top-level 'patterns', which a \(kindName) rule does not have")
        }
        let exceptions = patternSet(map, "exceptions", required: false, checkCoverage: false, allowsConditions: false) ?? PatternSet()
        let kind = kindType.init(map, self)
        let examples = self.examples(map, languages: languages, channels: channels)
        guard let kind else { return nil }
        var rule = Rule(id: id, criterion: criterion, severity: severity, message: message, description: map.string("description"),
                        speaker: speaker, channels: channels, languages: languages, patterns: patterns, exceptions: exceptions,
                        kind: kind, examples: examples, line: map.node.mark?.line ?? 1)
        rule.deferTo = map.strings("defer_to") ?? []
        return rule
    }

    /// `speaker: agent|customer|bot|system|any`.
    public func speaker(_ map: YAMLMap, default fallback: SpeakerScope) -> SpeakerScope? {
        guard let text = map.string("speaker") else { return fallback }
        if text == "any" { return .any }
        guard let role = SpeakerRole(rawValue: text) else {
            diagnostics.error(map["speaker"], "speaker '\(text)' is not one of \(SpeakerRole.namesForHumans), any")
            return nil
        }
        return .role(role)
    }

    /// `within: {turns: N}` or `within: {seconds: N}`.
    public func window(_ map: YAMLMap, _ key: String) -> Window? {
        guard let w = map.map(key, what: "{turns: N} or {seconds: N}") else { return nil }
        w.onlyKeys(["turns", "seconds"])
        if w["turns"] != nil && w["seconds"] != nil {
            diagnostics.error(w.node, "'\(map.field(key))' takes turns or seconds, not both")
            return nil
        }
        if w["turns"] != nil {
            return w.integer("turns", in: .turns).map { .turns($0) }
        }
        if w["seconds"] != nil {
            return w.number("seconds", in: .windowSeconds).map { .seconds($0) }
        }
        diagnostics.error(w.node, "'\(w.field(""))' needs turns or seconds".replacingOccurrences(of: ".'", with: "'"))
        return nil
    }

    /// Patterns per language (`en:`, `ru:`, … and `any:`), each compiled; every language the rule
    /// covers must have patterns (its own, or `any`).
    /// `allowsConditions: false` for exceptions, which are plain spans to cancel: a condition there would be ignored.
    public func patternSet(_ map: YAMLMap, _ key: String, required: Bool, needsValue: Bool = false, checkCoverage: Bool = true,
                           allowsConditions: Bool = true) -> PatternSet? {
        guard let node = map[key] else {
            if required { diagnostics.error(map.node, "missing '\(map.field(key))'") }
            return nil
        }
        guard let byLanguage = YAMLMap(node, diagnostics, prefix: map.field(key), what: "patterns per language, e.g. {en: [...], any: [...]}") else { return nil }
        var set = PatternSet()
        for entry in byLanguage.entries {
            let language = entry.key
            let field = "\(map.field(key)).\(language)"
            if language != "any" && !rubricLanguages.contains(language) {
                diagnostics.error(entry.keyNode, "'\(field)': '\(language)' is not one of the rubric's languages (\(rubricLanguages.joined(separator: ", "))) or 'any'")
                continue
            }
            let items: [Node] = entry.value.sequence.map(Array.init) ?? [entry.value]
            if items.isEmpty { diagnostics.error(entry.value, "'\(field)' has no patterns") }
            var compiled: [RubricPattern] = []
            for (i, item) in items.enumerated() {
                let name = "\(field)[\(i)]"
                if item.mapping != nil {
                    guard allowsConditions else {
                        diagnostics.error(item, "'\(name)' has conditions, but \(key) are plain patterns (a match of one cancels the rule's overlapping matches) and would ignore them; write it as text, or put the condition on the rule's pattern (not_near: …)")
                        continue
                    }
                    if let pattern = conditionalPattern(item, name: name, language: language, needsValue: needsValue) { compiled.append(pattern) }
                    continue
                }
                guard item.scalar != nil, let source = item.string else {
                    diagnostics.error(item, "'\(name)' must be a pattern (text) or a map {match: …, near: …, order: …, not_near: …, to_player: …, in_capitals: …, words: N}")
                    continue
                }
                guard let pattern = compile(source, at: item, name: name, needsValue: needsValue) else { continue }
                compiled.append(RubricPattern(source: source, compiled: pattern, line: item.mark?.line ?? 1))
            }
            set.byLanguage[language] = compiled
        }
        if checkCoverage && set.byLanguage["any"] == nil {
            for language in coverage where set.byLanguage[language] == nil {
                diagnostics.error(node, "'\(map.field(key))' has no patterns for language '\(language)'; add '\(language):' or 'any:', or narrow the rule with 'languages:'")
            }
        }
        set.prepare()
        return set
    }

    /// One regex, folded and compiled as the rubric says, with every problem reported at its node; nil when unusable.
    private func compile(_ source: String, at node: Node, name: String, needsValue: Bool = false) -> CompiledPattern? {
        guard !source.isEmpty else {
            diagnostics.error(node, "'\(name)' is an empty pattern, which would match everywhere")
            return nil
        }
        do {
            let pattern = try CompiledPattern(normalize ? TextFolding.foldPattern(source, phonetic: phonetic) : source, caseless: !caseSensitive)
            if let failure = PatternSyntax.forcedFailure(in: source) {
                // Checked before empty matches: PCRE2 counts an alternative that fails as one that might be empty.
                diagnostics.error(node, "'\(name)' has \(failure.construct) at offset \(failure.offset), which never matches: the alternative holding it can never match anything; remove it")
            } else if pattern.canMatchEmpty {
                diagnostics.error(node, "'\(name)' can match empty text (it is optional as a whole, has an empty alternative, or only asserts a position, like \\b, ^, $ or a lookahead), so it would match everywhere or nowhere useful; make it match at least one character")
            }
            if needsValue && pattern.groupsByName["value"] == nil {
                diagnostics.error(node, "'\(name)' has no (?<value>…) group for the stated value")
            }
            return pattern
        } catch where error.kind == .singleByte {
            diagnostics.error(node, "'\(name)' has \\C at offset \(error.offset): \(error.message)")
        } catch {
            diagnostics.error(node, "'\(name)' does not compile: \(error.message) at offset \(error.offset) in \(source)")
        }
        return nil
    }

    /// A pattern with conditions: `{match: REGEX, near: REGEX|[…], order: any|before|after, not_near: REGEX|[…],
    /// to_player: true, words: N}` (see `MatchConditions`).
    private func conditionalPattern(_ node: Node, name: String, language: String, needsValue: Bool) -> RubricPattern? {
        guard let map = YAMLMap(node, diagnostics, prefix: name, what: "a pattern with conditions") else { return nil }
        map.onlyKeys(["match", "near", "order", "not_near", "to_player", "words", "in_capitals"])
        guard let source = map.string("match", required: true), let matchNode = map["match"],
              let compiled = compile(source, at: matchNode, name: map.field("match"), needsValue: needsValue) else { return nil }
        var conditions = MatchConditions()
        func regexes(_ key: String) -> [CompiledPattern] {
            guard let sources = map.strings(key), let node = map[key] else { return [] }
            if sources.isEmpty { diagnostics.error(node, "'\(map.field(key))' has no patterns") }
            return sources.enumerated().compactMap { compile($1, at: node, name: "\(map.field(key))[\($0)]") }
        }
        conditions.near = regexes("near")
        conditions.notNear = regexes("not_near")
        if let order = map.string("order") {
            if let known = MatchConditions.Order(rawValue: order) { conditions.order = known } else {
                diagnostics.error(map["order"], "'\(map.field("order"))' is '\(order)'; one of \(MatchConditions.Order.allCases.map(\.rawValue).joined(separator: ", ")) (where the near words are)")
            }
            if map["near"] == nil { diagnostics.error(map["order"], "'\(map.field("order"))' needs 'near': it says where the near words are") }
        }
        if map.bool("to_player") == true {
            guard let words = SecondPerson.pattern(for: language) else {
                diagnostics.error(map["to_player"], "'\(map.field("to_player"))': Pitboss knows the second-person words of \(SecondPerson.patterns.keys.sorted().joined(separator: ", ")), not of '\(language)'; use 'near' with that language's words")
                return nil
            }
            conditions.toPlayer = compile(words, at: map["to_player"] ?? node, name: map.field("to_player"))
        }
        if map["words"] != nil { conditions.words = map.integer("words", in: .proximityWords) ?? MatchConditions.defaultWords }
        conditions.inCapitals = map.bool("in_capitals") ?? false
        if conditions.near.isEmpty && conditions.notNear.isEmpty && conditions.toPlayer == nil && !conditions.inCapitals
            && map["near"] == nil && map["not_near"] == nil {
            diagnostics.error(node, "'\(name)' has no condition (near, not_near, to_player or in_capitals); write the pattern as plain text")
        }
        return RubricPattern(source: source, compiled: compiled, line: node.mark?.line ?? 1, conditions: conditions)
    }

    /// The rule's examples. An example defaults to the rule's own first language and channel, and one the
    /// rule cannot apply to (another language or channel) is an error: it would pass without testing anything.
    private func examples(_ map: YAMLMap, languages: Set<String>?, channels: Set<Channel>?) -> [RuleExample] {
        var examples: [RuleExample] = []
        for (i, node) in (map.list("examples") ?? []).enumerated() {
            guard let e = YAMLMap(node, diagnostics, prefix: "examples[\(i)]", what: "an example {flag: …} or {pass: …}") else { continue }
            e.onlyKeys(["flag", "pass", "language", "channel"])
            let flag = e.string("flag")
            let pass = e.string("pass")
            guard (flag == nil) != (pass == nil), let text = flag ?? pass else {
                diagnostics.error(node, "examples[\(i)] needs exactly one of 'flag' or 'pass'")
                continue
            }
            let ruleLanguages = rubricLanguages.filter { languages?.contains($0) ?? true }
            let language = e.string("language") ?? ruleLanguages.first ?? rubricLanguages.first ?? "en"
            if !rubricLanguages.contains(language) {
                diagnostics.error(e["language"], "examples[\(i)].language '\(language)' is not one of the rubric's languages")
            } else if let languages, !languages.contains(language) {
                diagnostics.error(e["language"], "examples[\(i)] is in '\(language)', a language the rule does not apply to (its languages: \(languages.sorted().joined(separator: ", ")))")
            }
            var channel = channels.map { set in set.contains(.chat) ? .chat : Channel.allCases.first(where: set.contains) ?? .chat } ?? .chat
            if let name = e.string("channel") {
                if let c = Channel(rawValue: name) { channel = c } else {
                    diagnostics.error(e["channel"], "examples[\(i)].channel '\(name)' is not one of \(Channel.namesForHumans)")
                }
            }
            if let channels, !channels.contains(channel) {
                diagnostics.error(e["channel"] ?? node, "examples[\(i)] is a \(channel.rawValue) conversation, a channel the rule does not apply to (its channels: \(channels.map(\.rawValue).sorted().joined(separator: ", ")))")
            }
            let textNode = e[flag != nil ? "flag" : "pass"] ?? node
            do {
                _ = try ExampleTranscript.parse(text)
            } catch {
                diagnostics.error(textNode, "examples[\(i)]: \(error.message)")
                continue
            }
            examples.append(RuleExample(expectation: flag != nil ? .flag : .pass, text: text, language: language, channel: channel,
                                        line: textNode.mark?.line ?? 1))
        }
        return examples
    }
}
