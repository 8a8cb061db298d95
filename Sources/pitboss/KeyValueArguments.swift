import PitbossKit

/// The `KEY=VALUE,KEY=VALUE` options: `--set` answers, `--map` CSV columns, `--roles` speaker labels. Their syntax is
/// the command line's; what the pairs mean is the library's.
enum KeyValueArguments {
    /// Splits `a=b,c=d` (several values allowed, each comma-separated) into trimmed pairs, in order.
    static func pairs(_ values: [String], _ flag: String, shape: String) throws(PitbossError) -> [(key: String, value: String)] {
        var result: [(key: String, value: String)] = []
        for part in values.flatMap({ $0.split(separator: ",") }) {
            let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count == 2, !pieces[0].isEmpty, !pieces[1].isEmpty else {
                throw .usage("\(flag): '\(part)' is not \(shape)")
            }
            result.append((pieces[0], pieces[1]))
        }
        return result
    }

    /// `--set greeting=pass,accuracy=fail,sla=na`: answers by criterion; a criterion given two answers is an error.
    static func answers(_ values: [String]) throws(PitbossError) -> [String: String] {
        var answers: [String: String] = [:]
        for (criterion, answer) in try pairs(values, "--set", shape: "CRITERION=ANSWER (e.g. greeting=pass,sla=na)") {
            if let earlier = answers[criterion], earlier != answer {
                throw .usage("--set: criterion '\(criterion)' is given twice ('\(earlier)' and '\(answer)')")
            }
            answers[criterion] = answer
        }
        return answers
    }

    /// `--map text=body,role=sender`: Pitboss CSV field → the export's header.
    static func columnMap(_ text: String) throws(PitbossError) -> [String: String] {
        var map: [String: String] = [:]
        for (field, header) in try pairs([text], "--map", shape: "FIELD=HEADER (e.g. \"text=body,role=sender\")") {
            guard ImportOptions.mappableFields.contains(field) else {
                throw .usage("--map: '\(field)' is not a Pitboss CSV field; fields: \(ImportOptions.mappableFields.joined(separator: ", "))")
            }
            map[field] = header
        }
        return map
    }

    /// `--roles spk_0=agent,Anna=agent,*=customer`.
    static func roles(_ text: String) throws(PitbossError) -> RoleMap {
        var map = RoleMap()
        for (label, roleName) in try pairs([text], "--roles", shape: "LABEL=ROLE (e.g. \"spk_0=agent,*=customer\")") {
            guard let role = SpeakerRole(rawValue: roleName.lowercased()) else {
                throw .usage("--roles: '\(roleName)' is not a role; use one of \(SpeakerRole.namesForHumans)")
            }
            map.set(label, to: role)
        }
        return map
    }
}
