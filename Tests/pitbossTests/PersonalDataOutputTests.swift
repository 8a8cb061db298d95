import Foundation
import Testing

/// Card numbers and e-mail addresses in transcripts are masked in every output that carries transcript text, as the
/// review screen masks them; `--show-pii` reveals them.
@Suite("Personal data is masked in show, check and findings unless --show-pii")
struct PersonalDataOutputTests {
    let workspace = Workspace()
    var pitboss: Pitboss { Pitboss(directory: workspace.url) }
    var rubric: String { workspace.path("disclosure.yaml") }
    let card = "4111 1111 1111 1111"
    let email = "ivan.petrov@example.com"

    /// A one-rule rubric whose rule cites what its patterns match, as a disclosure rule does.
    func writeRubric(_ file: String = "disclosure.yaml", rule: String = "disclosed", patterns: String = #"'\bcard [0-9 ]{19}', '[a-z.]+@example\.com'"#) {
        workspace.write(file, """
            rubric: \((file as NSString).deletingPathExtension)
            version: 1
            languages: [en]
            criteria:
              - {id: verification, title: Verification, weight: 1}
            rules:
              - id: \(rule)
                kind: forbid
                criterion: verification
                severity: major
                message: "disclosed: {match}"
                patterns:
                  en: [\(patterns)]
            """)
    }

    func importConversation() throws {
        writeRubric()
        let line = #"{"id":"pii-1","channel":"chat","language":"en","agent":"en.anna","started_at":"2026-11-21T22:04:00Z","customer":{"id":"p-1","vip":false},"turns":[{"speaker":"customer","at":"2026-11-21T22:04:00Z","text":"hi, my card \#(card) and mail \#(email)"},{"speaker":"agent","at":"2026-11-21T22:04:30Z","text":"Stop spamming, idiot. Your card \#(card) is blocked, I wrote to \#(email)"}]}"#
        workspace.write("pii.jsonl", line + "\n")
        #expect(try pitboss.run("import", "pii.jsonl").status == 0)
        #expect(try pitboss.run("flag", "--rubric", rubric).status == 0)
    }

    @Test("show, check and findings (table, json, csv) mask by default")
    func maskedByDefault() throws {
        try importConversation()
        for arguments in [["show", "pii-1"], ["show", "pii-1", "--format", "json"], ["show", "pii-1", "--format", "csv"],
                          ["check", "pii-1", "--rubric", rubric], ["check", "pii-1", "--rubric", rubric, "--format", "json"],
                          ["findings"], ["findings", "--format", "json"], ["findings", "--format", "csv"]] {
            let run = try pitboss.run(arguments)
            #expect(run.status == 0, "\(arguments): \(run.stderr)")
            #expect(!run.stdout.contains(card) && !run.stdout.contains(email), "\(arguments.joined(separator: " ")) showed personal data:\n\(run.stdout)")
        }
        #expect(try pitboss.run("show", "pii-1").stdout.contains("[card …1111]"))
        #expect(try pitboss.run("show", "pii-1").stdout.contains("[e-mail]"))
        // The findings did cite the data: revealed, it is there.
        #expect(try pitboss.run("findings", "--format", "csv", "--show-pii").stdout.contains("disclosed: card \(card)"))
        #expect(try pitboss.run("findings", "--format", "csv").stdout.contains("disclosed: card [card …1111]"))
    }

    @Test("--show-pii reveals it")
    func revealed() throws {
        try importConversation()
        #expect(try pitboss.run("show", "pii-1", "--show-pii").stdout.contains(card))
        #expect(try pitboss.run("show", "pii-1", "--format", "json", "--show-pii").stdout.contains(email))
        #expect(try pitboss.run("check", "pii-1", "--rubric", rubric, "--show-pii").stdout.contains(card))
    }

    @Test("history masks what reviewers quoted: comments and reasons")
    func historyMasksComments() throws {
        try importConversation()
        #expect(try pitboss.run("sample", "--size", "1", "--seed", "s", "--include-queued", "--as", "qa.lead").status == 0)
        let scored = try pitboss.run("score", "pii-1", "--rubric", rubric, "--as", "qa.ivan", "--set", "verification=fail", "--comment", "player wrote \(card) and \(email)")
        #expect(scored.status == 0, "\(scored.stderr)")
        let history = try pitboss.run("history", "pii-1")
        #expect(!history.stdout.contains(card) && !history.stdout.contains(email), "\(history.stdout)")
        #expect(history.stdout.contains("player wrote [card …1111] and [e-mail]"))
        #expect(try pitboss.run("history", "pii-1", "--show-pii").stdout.contains(card))
    }

    @Test("a finding that cites part of a card number or an address is masked as it stands in its turn")
    func partialMatches() throws {
        try importConversation()
        writeRubric("partial.yaml", rule: "half-card", patterns: #"'\bcard [0-9]{4} [0-9]{4}', 'ivan\.petrov@example'"#)
        for command in [["check", "pii-1", "--rubric", "partial.yaml", "--format", "json"], ["check", "pii-1", "--rubric", "partial.yaml"]] {
            let run = try pitboss.run(command)
            #expect(!run.stdout.contains("4111 1111") && !run.stdout.contains("ivan.petrov@example"), "\(command): \(run.stdout)")
        }
        #expect(try pitboss.run("flag", "--rubric", "partial.yaml").status == 0)
        let listed = try pitboss.run("findings", "--rule", "half-card", "--format", "csv")
        #expect(!listed.stdout.contains("4111 1111") && !listed.stdout.contains("ivan.petrov@example"), "\(listed.stdout)")
        #expect(listed.stdout.contains("disclosed: card [card …1111]"))
        #expect(try pitboss.run("findings", "--rule", "half-card", "--format", "csv", "--show-pii").stdout.contains("disclosed: card 4111 1111"))
    }
}
