import Foundation
import Testing
@testable import PitbossKit

@Suite("Shifts")
struct ShiftScheduleTests {
    func shift(_ iso: String, _ schedule: ShiftSchedule = .standard) -> String {
        schedule.shiftID(for: UTCTimestamp.parse(iso)!)
    }

    @Test("the standard schedule: day 06–14, evening 14–22, night 22–06")
    func standardSchedule() {
        #expect(shift("2026-11-21T06:00:00Z") == "2026-11-21-day")
        #expect(shift("2026-11-21T13:59:59Z") == "2026-11-21-day")
        #expect(shift("2026-11-21T14:00:00Z") == "2026-11-21-evening")
        #expect(shift("2026-11-21T22:00:00Z") == "2026-11-21-night")
    }

    @Test("the standard schedule passes the validation every workspace schedule passes")
    func standardIsValid() throws {
        let standard = ShiftSchedule.standard
        #expect(try ShiftSchedule(timeZone: standard.timeZone, shifts: standard.shifts) == standard)
        #expect(standard.timeZone.secondsFromGMT() == 0)
    }

    @Test("a night after midnight belongs to the date on which it started")
    func nightAfterMidnight() {
        #expect(shift("2026-11-22T00:30:00Z") == "2026-11-21-night")
        #expect(shift("2026-11-22T05:59:59Z") == "2026-11-21-night")
        #expect(shift("2027-01-01T03:00:00Z") == "2026-12-31-night")
    }

    @Test("shifts follow the workspace's time zone")
    func timeZones() throws {
        let config = try WorkspaceConfig.parse(yaml: "timezone: Europe/Istanbul\n", path: "pitboss.yaml")
        // 20:30 UTC is 23:30 in Istanbul: the night shift of the 21st there.
        #expect(shift("2026-11-21T20:30:00Z", config.schedule) == "2026-11-21-night")
        #expect(shift("2026-11-21T20:30:00Z") == "2026-11-21-evening")
    }

    @Test("a custom schedule from pitboss.yaml")
    func customSchedule() throws {
        let config = try WorkspaceConfig.parse(yaml: """
            timezone: UTC
            shifts:
              - {name: a, start: "08:00", end: "20:00"}
              - {name: b, start: "20:00", end: "08:00"}
            """, path: "pitboss.yaml")
        #expect(shift("2026-11-22T07:59:00Z", config.schedule) == "2026-11-21-b")
        #expect(shift("2026-11-22T08:00:00Z", config.schedule) == "2026-11-22-a")
    }

    @Test("a schedule with a gap or an overlap is refused, naming the minute", arguments: [
        ("shifts:\n  - {name: a, start: \"06:00\", end: \"14:00\"}\n  - {name: b, start: \"14:00\", end: \"05:00\"}\n", "no shift covers 05:00"),
        ("shifts:\n  - {name: a, start: \"06:00\", end: \"15:00\"}\n  - {name: b, start: \"14:00\", end: \"06:00\"}\n", "shifts a and b overlap at 14:00"),
    ])
    func invalidSchedules(yaml: String, message: String) {
        #expect { try WorkspaceConfig.parse(yaml: yaml, path: "pitboss.yaml") } throws: { error in
            (error as? PitbossError)?.message.contains(message) == true
        }
    }

    @Test("the workspace names its rubric; without one it is Rubrics/casino-support.yaml")
    func rubricSetting() throws {
        #expect(try WorkspaceConfig.parse(yaml: "rubric: policies/vip.yaml\n", path: "pitboss.yaml").rubricPath == "policies/vip.yaml")
        #expect(WorkspaceConfig().rubricPath == "Rubrics/casino-support.yaml")
    }

    @Test("the retraining modules are read from the catalogue; a malformed one names its line")
    func modules() throws {
        let config = try WorkspaceConfig.parse(yaml: "modules:\n  bonus-terms: {title: Bonus terms, criteria: [accuracy], rules: [wrong-wagering]}\n", path: "w.yaml")
        #expect(config.modules["bonus-terms"] == RetrainingModule(name: "bonus-terms", title: "Bonus terms", criteria: ["accuracy"], rules: ["wrong-wagering"]))
        #expect { try WorkspaceConfig.parse(yaml: "modules:\n  x: {title: X}\n", path: "w.yaml") } throws: { error in
            (error as? PitbossError)?.message.hasPrefix("w.yaml:2: module x is {title: TEXT, criteria: [CRITERION, ...]") == true
        }
    }

    @Test("unknown settings and unknown time zones name the file and line")
    func configErrors() {
        #expect { try WorkspaceConfig.parse(yaml: "timezone: UTC\ntimezon: UTC\n", path: "w.yaml") } throws: { error in
            (error as? PitbossError)?.message == "w.yaml:2: unknown setting 'timezon'; known settings: timezone, shifts, rubric, rubrics, lease_minutes, queue_limit, dispute_days, reviewers, supervisors, modules, retraining"
        }
        #expect { try WorkspaceConfig.parse(yaml: "timezone: Mars/Olympus\n", path: "w.yaml") } throws: { error in
            (error as? PitbossError)?.message.hasPrefix("w.yaml:1: timezone 'Mars/Olympus' is not an IANA time zone") == true
        }
    }
}

@Suite("Workspace review settings")
struct WorkspaceReviewSettingsTests {
    @Test("lease_minutes and reviewers' agent ids are read; a bad lease names the line")
    func reviewSettings() throws {
        let config = try WorkspaceConfig.parse(yaml: "lease_minutes: 45\nreviewers:\n  maria: [en.maria, ru.maria]\n  ivan: ru.ivan\n", path: "w.yaml")
        #expect(config.leaseMinutes == 45)
        #expect(config.reviewer("maria").agentIDs == ["maria", "en.maria", "ru.maria"])
        #expect(config.reviewer("ivan").agentIDs == ["ivan", "ru.ivan"])
        #expect(WorkspaceConfig().leaseMinutes == 30)
        #expect { try WorkspaceConfig.parse(yaml: "lease_minutes: soon\n", path: "w.yaml") } throws: { error in
            (error as? PitbossError)?.message.hasPrefix("w.yaml:1: lease_minutes must be") == true
        }
    }
}
