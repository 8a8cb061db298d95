import Foundation
import Testing
@testable import PitbossKit

@Suite("Retraining settings in pitboss.yaml: the module catalogue and how outcomes are measured")
struct RetrainingSettingsTests {
    func parse(_ yaml: String) throws(PitbossError) -> WorkspaceConfig { try WorkspaceConfig.parse(yaml: yaml, path: "w.yaml") }

    func message(_ yaml: String) -> String? {
        do { _ = try parse(yaml); return nil } catch { return error.message }
    }

    @Test("modules and outcome windows as written; the defaults when absent")
    func read() throws {
        let config = try parse("""
            modules:
              bonus-terms: {title: "Bonus terms, wagering", criteria: [accuracy, accuracy], rules: [wagering-requirement]}
            retraining: {baseline_days: 60, follow_up_days: 14, follow_up_minimum: 25}
            """)
        #expect(config.modules["bonus-terms"] == RetrainingModule(name: "bonus-terms", title: "Bonus terms, wagering", criteria: ["accuracy"],
                                                                  rules: ["wagering-requirement"]))
        #expect(config.outcomes == OutcomeSettings(baselineDays: 60, followUpDays: 14, followUpMinimum: 25))
        #expect(try parse("lease_minutes: 30").outcomes == OutcomeSettings(baselineDays: 30, followUpDays: 30, followUpMinimum: 30))
    }

    @Test("a module's lists hold plain ids: a scalar, a nested list or a null is refused with the shape expected", arguments: [
        "rules: wagering-requirement", "rules: [[x]]", "rules: [a, null]", "criteria: courtesy", "criteria: []",
    ])
    func badModuleLists(_ field: String) {
        let yaml = field.hasPrefix("rules") ? "modules:\n  m: {title: M, criteria: [courtesy], \(field)}" : "modules:\n  m: {title: M, \(field)}"
        #expect(message(yaml)?.contains("module m is {title: TEXT, criteria: [CRITERION, ...], rules: [RULE, ...]}") == true, "\(yaml)")
    }

    @Test("outcome windows out of range, not whole numbers, unknown or not a mapping are refused", arguments: [
        ("retraining: {baseline_days: 0}", "retraining.baseline_days must be a whole number from 1 to 3650"),
        ("retraining: {follow_up_days: 1e9}", "retraining.follow_up_days must be a whole number from 1 to 3650"),
        ("retraining: {follow_up_minimum: -1}", "retraining.follow_up_minimum must be a whole number from 1 to 1000000"),
        ("retraining: {baseline: 30}", "unknown retraining setting 'baseline'"),
        ("retraining: 30", "retraining must be a mapping"),
    ])
    func badWindows(_ yaml: String, _ expected: String) {
        #expect(message(yaml)?.contains(expected) == true, "\(message(yaml) ?? "accepted")")
    }
}
