import Foundation
import Testing

/// One JSON style for every command: snake_case keys, every key present, times in ISO 8601 UTC.
@Suite("Every command's JSON output has snake_case keys")
struct JSONStyleTests {
    let workspace = Workspace()
    var pitboss: Pitboss { Pitboss(directory: workspace.url, environment: ["PITBOSS_USER": "qa.lead"]) }
    let rubric = Pitboss.packageRoot.appendingPathComponent("Rubrics/casino-support.yaml").path

    /// Every object key in a JSON document, at any depth, except the keys of maps whose keys are data.
    static func keys(_ value: Any, skippingMapsNamed maps: Set<String>) -> Set<String> {
        if let object = value as? [String: Any] {
            var found = Set(object.keys)
            for (key, child) in object where !maps.contains(key) { found.formUnion(keys(child, skippingMapsNamed: maps)) }
            return found
        }
        if let array = value as? [Any] { return array.reduce(into: Set()) { $0.formUnion(keys($1, skippingMapsNamed: maps)) } }
        return []
    }

    @Test("stats, flag, findings, queue list, sample, check, queue claim, doctor, rubric precision")
    func snakeCase() throws {
        #expect(try pitboss.run("import", Pitboss.packageRoot.appendingPathComponent("Transcripts").path).status == 0)
        let commands: [[String]] = [
            ["stats"], ["flag", "--rubric", rubric], ["findings"], ["queue", "list"], ["sample", "--size", "3", "--seed", "s"],
            ["check", "chat-20261121-0008", "--rubric", rubric], ["queue", "claim"], ["doctor"], ["rubric", "precision"],
        ]
        // Maps keyed by data: severities, filters by name, boosts by agent id.
        let dataMaps: Set<String> = ["findings_by_severity", "filters", "boosts", "detail"]
        for command in commands {
            let run = try pitboss.run(command + ["--format", "json"])
            #expect(run.status == 0, "\(command): \(run.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
            let notSnake = Self.keys(json, skippingMapsNamed: dataMaps).filter { $0.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) == nil }
            #expect(notSnake.isEmpty, "\(command.joined(separator: " ")) --format json has keys \(notSnake.sorted())")
        }
    }

    @Test("CSV headers are the JSON keys; every key is present, null when empty")
    func csvHeadersAreJSONKeys() throws {
        #expect(try pitboss.run("import", Pitboss.packageRoot.appendingPathComponent("Transcripts").path).status == 0)
        #expect(try pitboss.run("flag", "--rubric", rubric).status == 0)
        for command in [["findings"], ["queue", "list"]] {
            let json = try pitboss.run(command + ["--format", "json"])
            #expect(json.status == 0, "\(command): \(json.stderr)")
            let objects = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
            let first = try #require(objects.first)
            let csv = try pitboss.run(command + ["--format", "csv"])
            let header = csv.stdout.split(separator: "\r\n").first.map { $0.split(separator: ",").map(String.init) } ?? []
            #expect(Set(header) == Set(first.keys), "\(command): CSV \(header.sorted()) vs JSON \(first.keys.sorted())")
        }
        let precision = try pitboss.run("rubric", "precision", "--format", "json")
        let rules = try #require(try JSONSerialization.jsonObject(with: Data(precision.stdout.utf8)) as? [[String: Any]])
        #expect(rules.allSatisfy { $0.keys.contains("precision") })  // null until a finding is judged
        #expect(try pitboss.run("sample", "--size", "2", "--seed", "k").status == 0)
        let verified = try pitboss.run("sample", "--verify", "1", "--format", "json")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(verified.stdout.utf8)) as? [String: Any])
        #expect(result["matches"] as? Bool == true)
        // The claim takes the most urgent item, which depends on the conversations' age today: read its id.
        let claim = try pitboss.run("queue", "claim")
        #expect(claim.status == 0, "\(claim.stderr)")
        let claimed = try #require(claim.stdout.split(separator: "\t").first)
        let history = try pitboss.run("history", "#\(claimed)", "--format", "json")
        let audit = try #require((try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any])?["audit"] as? [[String: Any]])
        #expect(!audit.isEmpty && audit.allSatisfy { $0.keys.contains("review") })
    }
}
