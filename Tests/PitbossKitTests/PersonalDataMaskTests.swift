import Foundation
import Testing
@testable import PitbossKit

@Suite("Personal data is masked for reviewers: cards, IBANs, e-mail, phones, documents")
struct PersonalDataMaskTests {
    let mask = PersonalDataMask()

    @Test("each kind is replaced; a card keeps its last four digits", arguments: [
        ("card 4111 1111 1111 1111 declined", "card [card …1111] declined"),
        ("card 4111-1111-1111-1111.", "card [card …1111]."),
        ("pan 5500000000000004", "pan [card …0004]"),
        ("write to marco.rossi+casino@example.co.uk today", "write to [e-mail] today"),
        ("call me on +44 20 7946 0958", "call me on [phone]"),
        ("мой номер +7 (912) 345-67-89", "мой номер [phone]"),
        ("numaram 0532 123 45 67", "numaram [phone]"),
        ("passport YA1234567 attached", "passport [document] attached"),
        ("passport number: 12 345 678 9", "passport number: [document]"),
        ("IBAN DE89 3704 0044 0532 0130 00 please", "IBAN [iban] please"),
        ("iban de89370400440532013000", "iban [iban]"),
        ("card 4111111111111111,123", "card [card …1111],123"),
        ("Visa,4111111111111111", "Visa,[card …1111]"),
        ("4111.1111.1111.1111 and 4111  1111  1111  1111", "[card …1111] and [card …1111]"),
        // The spaces and dashes that word processors and phone keyboards put between groups.
        ("card 4111\u{00A0}1111\u{00A0}1111\u{00A0}1111 ok", "card [card …1111] ok"),
        ("card 4111\u{202F}1111\u{202F}1111\u{202F}1111 ok", "card [card …1111] ok"),
        ("card 4111–1111–1111–1111 ok", "card [card …1111] ok"),
        ("call +44\u{00A0}20\u{00A0}7946\u{00A0}0958", "call [phone]"),
    ])
    func masks(_ input: String, _ expected: String) {
        #expect(mask.mask(input) == expected)
    }

    @Test("amounts, dates, times, short ids and wagering figures are left alone", arguments: [
        "I deposited 1,000 EUR on 2026-11-21 at 10:45",
        "withdrawals take 24-72 hours",
        "bonus x35 on 100 EUR",
        "order 12345678",
        "ticket #4471",
        "Amounts: 100 200 300 400 500 600 700",
        "send the document within 2 days",
        "documents received on 21 Nov",
        "passport expires in 2027",
        "EUR 1500000 and TX 12345678",
        "DE12 3456 7890 1234 5678 90 is not an IBAN (bad check digits)",
    ])
    func leavesOrdinaryNumbers(_ input: String) {
        #expect(mask.mask(input) == input)
    }

    @Test("spans are code-point offsets into the original text, after multibyte letters")
    func offsets() {
        let text = "Привет 👋 mail: a@b.io"
        let spans = mask.spans(in: text)
        #expect(spans.count == 1)
        let scalars = Array(text.unicodeScalars)
        #expect(String(String.UnicodeScalarView(scalars[spans[0].range])) == "a@b.io")
    }
}

@Suite("Masking a whole conversation for output")
struct ConversationMaskingTests {
    @Test("turn texts, speaker names, tags and the customer id are masked; ids and times are not")
    func conversation() throws {
        let scratch = Scratch()
        let c = try #require(try Fixture.read(CanonicalJSONLinesReader(), scratch.write("c.jsonl", Fixture.canonicalLine(turns: """
            [{"speaker":"customer","name":"bob@example.com","at":"2026-11-21T22:04:00Z","text":"card 4111 1111 1111 1111"}]
            """).replacingOccurrences(of: #""customer":{"id":"p-1""#, with: #""tags":["from ivan@example.com"],"customer":{"id":"ivan@example.com""#)
            + "\n")).first?.value)
        let masked = PersonalDataMask().masked(c)
        #expect(masked.turns[0].text == "card [card …1111]")
        #expect(masked.turns[0].speaker == "[e-mail]")
        #expect(masked.tags == ["from [e-mail]"])
        #expect(masked.customerID == "[e-mail]")
        #expect(masked.externalID == c.externalID && masked.startedAt == c.startedAt)
    }
}

@Suite("Masking on the project's support dialogues in four languages (Tests/Fixtures/jsonl)")
struct PersonalDataMaskFixtureTests {
    @Test("every turn masks to the fixture's \"masked\" text; every kind is met; no e-mail address or long digit run survives")
    func dialogues() throws {
        let path = FixtureFiles.path("jsonl/personal-data.jsonl")
        // The fixture is canonical JSON Lines: the project's reader takes every record.
        let conversations = try Fixture.read(CanonicalJSONLinesReader(), path).map { try $0.get() }
        #expect(conversations.map(\.language) == ["en", "ru", "tr", "el"])
        let mask = PersonalDataMask()
        let email = try Regex(#"[\w.+-]+@[\w-]+\.[\w.-]+"#)
        let longDigits = try Regex(#"\d{13,}"#)
        var turns = 0
        var changed = 0
        var kinds = Set<PersonalDataMask.Kind>()
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let id = object["id"] as? String ?? "?"
            for (index, turn) in (object["turns"] as? [[String: Any]] ?? []).enumerated() {
                let text = try #require(turn["text"] as? String)
                let expected = try #require(turn["masked"] as? String, "\(id) turn \(index) has no \"masked\" text")
                turns += 1
                let masked = mask.mask(text)
                #expect(masked == expected, "\(id) turn \(index)")
                #expect(masked.firstMatch(of: email) == nil, "\(id): \(masked)")
                #expect(masked.firstMatch(of: longDigits) == nil, "\(id): \(masked)")
                if masked != text { changed += 1 }
                kinds.formUnion(mask.spans(in: text).map(\.kind))
            }
        }
        #expect(turns == 20)
        #expect(changed == 12)
        #expect(kinds == [.card, .iban, .email, .phone, .document])
    }
}

// Every test here carries .needsRealFiles, i.e. .enabled(if: RealFiles.available): skipped, with the reason, in a bare clone.
@Suite("Masking on real support dialogues (../shared/real)")
struct PersonalDataMaskRealTests {
    @Test("no e-mail address or long digit run survives masking; version numbers and prices do", .needsRealFiles, arguments: [
        "conversations/twcs/sample_threads.jsonl", "conversations/taskmaster4/first200.jsonl", "conversations/ubuntu_irc/first200.jsonl",
        "conversations/abcd/sample3.jsonl",
    ])
    func realDialogues(_ file: String) throws {
        let path = RealFiles.path(file)
        let mask = PersonalDataMask()
        let email = try Regex(#"[\w.+-]+@[\w-]+\.[\w.-]+"#)
        let longDigits = try Regex(#"\d{13,}"#)
        var turns = 0
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            for turn in object?["turns"] as? [[String: Any]] ?? [] {
                guard let text = turn["text"] as? String else { continue }
                turns += 1
                let masked = mask.mask(text)
                #expect(masked.firstMatch(of: email) == nil, "\(file): \(masked)")
                #expect(masked.firstMatch(of: longDigits) == nil, "\(file): \(masked)")
            }
        }
        #expect(turns > 0)
        #expect(mask.mask("Version 8.4.22.857 armv7, Galaxy Tab A (2016) Model SM-T280, $9.99 a month") == "Version 8.4.22.857 armv7, Galaxy Tab A (2016) Model SM-T280, $9.99 a month")
    }
}
