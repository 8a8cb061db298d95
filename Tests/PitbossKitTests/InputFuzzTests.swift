import Foundation
import Testing
@testable import PitbossKit

/// A seeded, deterministic mutation corpus through every transcript reader, the sidecar and the rubric
/// loader: each input must either read or come back as an error that names its file (and, where the
/// format has them, its line) — never a trap. What reads is then evaluated with a rubric, and a rubric
/// that loads is explained and has its examples run, so that values no reader refused cannot trap later.
///
/// The same inputs every run: a mutation is picked by a SplitMix64 generator seeded from the target's
/// name. More inputs, or other ones, on demand:
///
///     PITBOSS_FUZZ_ITERATIONS=20000 PITBOSS_FUZZ_SEED=7 swift test --filter InputFuzzTests
///
/// (`PITBOSS_FUZZ_ITERATIONS` is per target; the default keeps the whole test to a few seconds.) If an
/// input traps, the test process dies; the input is still in the scratch folder the test wrote it to
/// (`$TMPDIR/pitboss-test-*/<target>/`), to be read and turned into a test of its own.
@Suite("Fuzzing the readers and the rubric loader")
struct InputFuzzTests {
    static let iterations = ProcessInfo.processInfo.environment["PITBOSS_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 400
    static let seed = ProcessInfo.processInfo.environment["PITBOSS_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0

    @Test("every transcript reader either reads a mutated input or names the file (and line) of its problem", arguments: FuzzTarget.readers)
    func readers(target: FuzzTarget) throws {
        let scratch = Scratch()
        let rubric = try RubricLoader.parse(yaml: TestRubric.yaml, path: "test.yaml")
        let evaluator = RubricEvaluator(rubric: rubric)
        let matcher = Matcher()
        let defaults = ConversationMetadata(language: "en", agent: "fuzz.agent", startedAt: UTCTimestamp.parse("2026-11-21T22:00:00Z"),
                                            roles: RoleMap(["spk_0": .agent, "SPEAKER_00": .agent, "AGENT": .agent, "*": .customer]))
        let reading = TranscriptReading(schedule: .standard, defaults: defaults)
        var random = SplitMix64(seed: Self.seed ^ FuzzTarget.hash(target.name))
        let seeds = target.seeds()
        let transcript = scratch.path("\(target.name)/fuzz.\(target.fileExtension)")
        let sidecar = (transcript as NSString).deletingPathExtension + ".meta.json"
        for iteration in 0..<Self.iterations {
            let input = Mutator.mutate(seeds[random.next(below: seeds.count)], &random)
            if target.mutatesSidecar {
                scratch.write("\(target.name)/fuzz.meta.json", bytes: input)
                scratch.write("\(target.name)/fuzz.\(target.fileExtension)", bytes: Array(FuzzSeeds.srt.utf8))
            } else {
                scratch.write("\(target.name)/fuzz.\(target.fileExtension)", bytes: input)
            }
            let results: [Result<Conversation, RecordProblem>]
            do {
                results = try reading.conversations(path: transcript, format: target.format)
            } catch {
                #expect(error.message.contains(transcript), "\(target.name) #\(iteration): \(error.message)")
                continue
            }
            for result in results {
                switch result {
                case .success(let conversation):
                    _ = evaluator.evaluate(conversation, matcher: matcher)
                    _ = conversation.canonicalJSONLine()
                case .failure(let problem):
                    #expect([transcript, sidecar].contains(problem.location.file) && !problem.reason.isEmpty,
                            "\(target.name) #\(iteration): \(problem)")
                    if target.hasLines && problem.location.file == transcript {
                        #expect(problem.location.line.map { $0 >= 1 } ?? false, "\(target.name) #\(iteration): no line in \(problem)")
                    }
                }
            }
        }
    }

    @Test("the rubric loader either loads a mutated rubric or names file:line:column of every problem")
    func rubricLoader() throws {
        let scratch = Scratch()
        var random = SplitMix64(seed: Self.seed ^ FuzzTarget.hash("rubric"))
        let seeds = FuzzSeeds.rubrics()
        let path = scratch.path("fuzz.yaml")
        for iteration in 0..<Self.iterations {
            // The large rubric is a seed one time in eight: it costs ten times a small one to load.
            let pick = random.next(below: 8) == 0 ? seeds.count - 1 : random.next(below: seeds.count - 1)
            scratch.write("fuzz.yaml", bytes: Mutator.mutate(seeds[pick], &random))
            do {
                let rubric = try RubricLoader.load(path: path)
                for rule in rubric.rules { _ = RuleExplanation.explain(rule, in: rubric) }
                _ = RuleExplanation.patterns(of: rubric)
                if pick != seeds.count - 1 { _ = RubricTester(rubric: rubric).run() }
            } catch let error as RubricLoadError {
                #expect(!error.problems.isEmpty, "rubric #\(iteration): no problems")
                for problem in error.problems {
                    #expect(problem.path == path && problem.line >= 1 && problem.column >= 1 && !problem.message.isEmpty,
                            "rubric #\(iteration): \(problem)")
                }
            } catch let error as PitbossError {
                #expect(error.message.contains(path), "rubric #\(iteration): \(error.message)")
            }
        }
    }
}

/// One reader (or the sidecar) and the valid samples its inputs are mutated from.
struct FuzzTarget: Sendable, CustomTestStringConvertible {
    var name: String
    var format: TranscriptFormat
    var fileExtension: String
    /// Whether every problem of the format names a line: the formats of many records (JSON Lines, CSV).
    /// In a format of one conversation per file a missing agent is the whole file's, and has no line.
    var hasLines: Bool
    /// Whether the input is the sidecar NAME.meta.json of a fixed SRT file, rather than the transcript.
    var mutatesSidecar = false
    var seeds: @Sendable () -> [[UInt8]]

    var testDescription: String { name }

    static let readers: [FuzzTarget] = [
        FuzzTarget(name: "chat-log", format: .text, fileExtension: "txt", hasLines: false) {
            FuzzSeeds.strings([FuzzSeeds.chatLog, FuzzSeeds.chatLogStartedAt]) + FuzzSeeds.repository("Transcripts/chats/ru-chat-0042.txt")
        },
        FuzzTarget(name: "csv", format: .csv, fileExtension: "csv", hasLines: true) {
            FuzzSeeds.strings([FuzzSeeds.csv]) + FuzzSeeds.repository("Transcripts/chats/support-export.csv")
        },
        FuzzTarget(name: "jsonl", format: .jsonl, fileExtension: "jsonl", hasLines: true) {
            FuzzSeeds.strings([FuzzSeeds.jsonl, FuzzSeeds.jsonlCall])
        },
        FuzzTarget(name: "webvtt", format: .webvtt, fileExtension: "vtt", hasLines: false) {
            FuzzSeeds.strings([FuzzSeeds.webvtt]) + FuzzSeeds.repository("Transcripts/calls/el-call-0007.vtt")
        },
        FuzzTarget(name: "srt", format: .srt, fileExtension: "srt", hasLines: false) {
            FuzzSeeds.strings([FuzzSeeds.srt]) + FuzzSeeds.repository("Transcripts/calls/tr-call-0113.srt")
        },
        FuzzTarget(name: "transcribe", format: .transcribe, fileExtension: "json", hasLines: false) {
            FuzzSeeds.strings([FuzzSeeds.transcribe, FuzzSeeds.transcribeSegments])
        },
        FuzzTarget(name: "contact-lens", format: .contactLens, fileExtension: "json", hasLines: false) {
            FuzzSeeds.strings([FuzzSeeds.contactLensVoice, FuzzSeeds.contactLensChat])
        },
        FuzzTarget(name: "whisper", format: .whisper, fileExtension: "json", hasLines: false) {
            FuzzSeeds.strings([FuzzSeeds.whisper]) + FuzzSeeds.repository("Transcripts/calls/whisperx-en-0052.json")
        },
        FuzzTarget(name: "sidecar", format: .srt, fileExtension: "srt", hasLines: false, mutatesSidecar: true) {
            FuzzSeeds.strings([FuzzSeeds.sidecar]) + FuzzSeeds.repository("Transcripts/calls/el-call-0007.meta.json")
        },
    ]

    /// FNV-1a of a name: each target draws its own sequence.
    static func hash(_ name: String) -> UInt64 {
        name.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}

/// A small, fast, seedable generator (SplitMix64): the same seed gives the same inputs on every machine.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A number in 0..<bound (bound > 0).
    mutating func next(below bound: Int) -> Int { Int(truncatingIfNeeded: next() % UInt64(max(bound, 1))) }
}

/// The mutations: byte flips, truncation, a slice duplicated or dropped, tokens that break parsers inserted,
/// and — most often, as that is where readers convert — a number replaced by one that breaks conversions.
enum Mutator {
    /// Numbers that no reader should take as they come: signs, out of range, not finite, too big for an Int.
    static let numbers: [[UInt8]] = [
        "-1", "-0", "+1", "-59", "60", "99", "1e308", "-1e308", "1e19", "1e400", "NaN", "nan", "inf", "-inf", ".inf", "Infinity",
        "99999999999999999999", "18446744073709551616", "9223372036854775808", "-9223372036854775809", "0x1p1023",
        "0.0000000000000000000001", "", "1.5", "٣",
    ].map { Array($0.utf8) }

    static let tokens: [[UInt8]] = {
        let text = [
            "\"\"", "\u{0}", "\\u0000", "\\ud800", "\\u0069d", "\u{202E}", "\u{1B}[2J",
            "\u{1B}]52;c;aGk=\u{7}", "\r", "\r\n", "\t", "\u{7F}", "\u{85}", "\u{2028}", ":", " --> ", "-->", "\"", "\\", ",", ";",
            "{", "}", "[", "]", "&amp;", "&#x0;", "&#99999999;", "<v ", "</v>", "<", "# ", "# date: 9999-12-31\n", "[00:-1:31]",
            "[-1:00:00]", "[23:59:60]", "-00:00:01.000", "00:00:-1,000", "(?=a)", "\\C", "(*FAIL)|", "(?!)", "\\b", "^", "(",
            "*anchor", "&a ", "!!binary ", "!!float ", "---\n", "...\n", "? ", "- ", "~", "null", "true", "\"id\":\"dup\",",
            "\"text\":\"dup\",", "\"speaker\":\"agent\",", "\n", "\n\n", "WEBVTT\n", "NOTE\n",
            String(repeating: "[", count: 600), String(repeating: "{\"a\":", count: 300), String(repeating: "- ", count: 1100),
            String(repeating: "a", count: 70_000), String(repeating: "😀", count: 3000),
        ]
        return text.map { Array($0.utf8) } + numbers
            + [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xEF, 0xBB, 0xBF]]
    }()

    static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    static func mutate(_ seed: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var bytes = seed
        for _ in 0...random.next(below: 3) {
            switch random.next(below: 9) {
            case 0 where !bytes.isEmpty:
                bytes[random.next(below: bytes.count)] ^= UInt8(1) << UInt8(random.next(below: 8))
            case 1 where !bytes.isEmpty:
                bytes[random.next(below: bytes.count)] = UInt8(truncatingIfNeeded: random.next())
            case 2:
                bytes = Array(bytes.prefix(random.next(below: bytes.count + 1)))
            case 3 where !bytes.isEmpty:
                let start = random.next(below: bytes.count)
                let slice = bytes[start..<min(bytes.count, start + 1 + random.next(below: 80))]
                bytes.insert(contentsOf: slice, at: random.next(below: bytes.count + 1))
            case 4 where !bytes.isEmpty:
                let start = random.next(below: bytes.count)
                bytes.removeSubrange(start..<min(bytes.count, start + 1 + random.next(below: 40)))
            case 5:
                bytes.insert(contentsOf: tokens[random.next(below: tokens.count)], at: random.next(below: bytes.count + 1))
            default:
                // A number in place of a run of digits: where counts, times and offsets are.
                let digits = bytes.indices.filter { isDigit(bytes[$0]) && ($0 == 0 || !isDigit(bytes[$0 - 1])) }
                guard !digits.isEmpty else {
                    bytes.insert(contentsOf: numbers[random.next(below: numbers.count)], at: random.next(below: bytes.count + 1))
                    continue
                }
                let start = digits[random.next(below: digits.count)]
                var end = start
                while end < bytes.count, isDigit(bytes[end]) || (bytes[end] == UInt8(ascii: ".") && random.next(below: 2) == 0) { end += 1 }
                bytes.replaceSubrange(start..<end, with: numbers[random.next(below: numbers.count)])
            }
        }
        return bytes
    }
}

/// Small valid samples of every format, written for these tests from the formats' specifications.
enum FuzzSeeds {
    static func strings(_ texts: [String]) -> [[UInt8]] { texts.map { Array($0.utf8) } }

    /// A file of this repository as a further seed (none when it is not there).
    static func repository(_ relative: String) -> [[UInt8]] {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return FileManager.default.contents(atPath: url.appendingPathComponent(relative).path).map { [[UInt8]($0)] } ?? []
    }

    /// Small rubrics, and the repository's rubric last.
    static func rubrics() -> [[UInt8]] {
        strings([TestRubric.yaml, rubric]) + (repository("Rubrics/casino-support.yaml").isEmpty ? strings([rubric]) : repository("Rubrics/casino-support.yaml"))
    }

    static let chatLog = """
        # id: chat-0042
        # channel: chat
        # language: en
        # agent: en.anna
        # date: 2026-11-21
        # tags: bonus, vip
        [23:58:40] Customer: hi, my withdrawal of 150 EUR is pending
        [23:59:12] Agent Anna: Good evening! Let me check.
        It takes 24 hours.
        [00:01:05] Customer: thanks 🙏
        """

    /// Untimed lines in a header's time zone, after midnight there.
    static let chatLogStartedAt = """
        # language: el
        # started_at: 2026-11-22 00:40
        # timezone: Europe/Athens
        # channel: messenger
        # agent: el.nikos
        Πελάτης: καλησπέρα, η ανάληψη καθυστερεί
        Agent Nikos: Καλησπέρα σας! Ελέγχω αμέσως.
        """

    static let csv = """
        conversation_id,timestamp,role,author,text,agent,start,end,vip
        t-1,2026-11-21T15:02:11Z,customer,Mehmet,"merhaba, çekimim nerede?",,0,2.5,false
        t-1,2026-11-21T15:02:40Z,agent,Ayşe,"İyi günler! ""Bekleyen""
        talebinizi kontrol ediyorum.",tr.ayse,3,6.25,false
        t-2,2026-11-21T15:10:00Z,customer,Elif,bonus çevrim şartı nedir,,,,yes

        """

    static let jsonl = """
        {"id":"c-1","channel":"chat","language":"en","agent":"en.anna","shift":"2026-11-21-night","started_at":"2026-11-21T22:04:00Z","customer":{"id":"p-1","vip":false},"tags":["bonus"],"turns":[{"speaker":"customer","at":"2026-11-21T22:04:00Z","text":"hi, withdrawal takes 7 days?"},{"speaker":"agent","name":"Anna","agent":"en.anna","at":"2026-11-21T22:04:31Z","text":"Hello! It is not my problem."}]}
        {"id":"c-2","channel":"chat","language":"ru","agent":"ru.oleg","started_at":"2026-11-22T01:00:00Z","customer":{"id":null},"turns":[{"speaker":"customer","at":"2026-11-22T01:00:00Z","text":"Здравствуйте 👋"}]}

        """

    static let jsonlCall = """
        {"id":"k-1","channel":"call","language":"en","agent":"en.james","started_at":"2026-11-21T22:04:00Z","customer":{"id":"p-2","vip":true},"turns":[{"speaker":"agent","start":0.5,"end":3.25,"text":"hello"},{"speaker":"customer","start":3.5,"end":4,"text":"I lost everything"}]}

        """

    static let webvtt = """
        WEBVTT Kind: captions

        NOTE a note

        STYLE
        ::cue { color: red }

        1
        00:00:01.200 --> 00:00:04.800 align:start
        <v Agent>Good evening &amp; welcome, this is <b>Anna</b>.</v>

        00:05.400 --> 00:11.900
        <v.loud Customer>my withdrawal takes 7 days?
        </v>text after

        """

    static let srt = """
        1
        00:00:01,000 --> 00:00:04,000
        AGENT: Good evening, <i>how</i> can I help?

        2
        00:00:04,500 --> 00:00:06,000
        CUSTOMER: {\\an8}my bonus is missing
        still missing

        """

    static let transcribe = """
        {"jobName":"j","status":"COMPLETED","results":{"language_code":"en-US","items":[
        {"start_time":"0.64","end_time":"0.9","alternatives":[{"confidence":"0.99","content":"Hi"}],"type":"pronunciation","speaker_label":"spk_1"},
        {"alternatives":[{"confidence":"0.0","content":","}],"type":"punctuation","speaker_label":"spk_1"},
        {"start_time":"1.0","end_time":"1.4","alternatives":[{"content":"pending"}],"type":"pronunciation","speaker_label":"spk_1"},
        {"start_time":"2.0","end_time":"2.5","alternatives":[{"content":"Sorry"}],"type":"pronunciation","speaker_label":"spk_0"}]}}
        """

    static let transcribeSegments = """
        {"status":"COMPLETED","results":{"speaker_labels":{"speakers":2,"segments":[{"start_time":"0.5","end_time":"2.0","speaker_label":"spk_0","items":[{"start_time":"0.5","end_time":"1.0","speaker_label":"spk_0"}]}]},
        "channel_labels":{"channels":[{"channel_label":"ch_0","items":[{"start_time":"0.5","end_time":"1.0","alternatives":[{"content":"hello"}],"type":"pronunciation"}]}]},
        "items":[{"start_time":"0.5","end_time":"1.0","alternatives":[{"content":"hello"}],"type":"pronunciation"},{"alternatives":[{"content":"."}],"type":"punctuation"}]}}
        """

    static let contactLensVoice = """
        {"Version":"VOICE-2022-11-30","Channel":"VOICE","JobStatus":"COMPLETED","LanguageCode":"en-US",
         "CustomerMetadata":{"ContactId":"cl-1"},
         "Participants":[{"ParticipantId":"AGENT","ParticipantRole":"AGENT"},{"ParticipantId":"CUSTOMER","ParticipantRole":"CUSTOMER"}],
         "Transcript":[{"BeginOffsetMillis":120,"EndOffsetMillis":3400,"Content":"Hello, how can I help?","ParticipantId":"AGENT","Id":"1"},
                       {"BeginOffsetMillis":3600,"EndOffsetMillis":7000,"Content":"I lost everything","ParticipantId":"CUSTOMER","Id":"2"}]}
        """

    static let contactLensChat = """
        {"Version":"CHAT-2022-11-30","Channel":"CHAT","JobStatus":"COMPLETED","LanguageCode":"en",
         "Participants":[{"ParticipantId":"a-1","ParticipantRole":"AGENT"},{"ParticipantId":"c-1","ParticipantRole":"CUSTOMER"}],
         "Transcript":[{"Type":"EVENT","AbsoluteTime":"2026-11-21T22:00:00.000Z","ParticipantId":"c-1"},
                       {"Type":"MESSAGE","AbsoluteTime":"2026-11-21T22:00:05.000Z","Content":"hi","ParticipantId":"c-1","DisplayName":"Mia"},
                       {"Type":"MESSAGE","AbsoluteTime":"2026-11-21T22:00:30.000Z","Content":"Hello!","ParticipantRole":"AGENT","DisplayName":"Anna"}]}
        """

    static let whisper = """
        {"language":"english","segments":[{"start":0.031,"end":3.52,"text":" hi thanks for calling","speaker":"SPEAKER_00"},
        {"start":3.9,"end":9.8,"text":" my deposit is not showing","speaker":"SPEAKER_01"},{"start":10.2,"end":11.0,"text":" okay"}]}
        """

    static let sidecar = """
        {"id":"call-1","channel":"call","language":"en","agent":"en.anna","shift":"2026-11-21-night",
         "started_at":"2026-11-21T22:04:00Z","customer":{"id":"p-1","vip":true},"tags":["vip"],"roles":{"AGENT":"agent","*":"customer"}}
        """

    static let rubric = #"""
        rubric: small
        version: 2
        languages: [en]
        facts:
          hours: {min: 24, max: 72, unit: hours}
        criteria:
          - {id: c, title: C, weight: 1, scale: {good: 1, partial: 0.5, bad: 0}}
        rules:
          - id: late
            kind: timing
            criterion: c
            severity: minor
            message: "late {seconds}"
            metric: response_gap
            max_seconds: 60
            examples:
              - flag: "[00:00] customer: hi\n[05:00] agent: hello"
          - id: hours
            kind: fact
            criterion: c
            severity: major
            message: "{value} {unit}"
            fact: hours
            units: {day: 24, days: 24, hours: 1}
            patterns: {any: ['(?<value>\d+)\s*(?<unit>days?|hours)']}
            examples:
              - flag: "agent: it takes 7 days"
              - pass: "agent: it takes 2 days"
          - id: close
            kind: require
            criterion: c
            severity: info
            message: no closing
            last: {turns: 1}
            patterns: {en: ['\bbye\b']}
            examples:
              - pass: "agent: hi\nagent: bye"
        """#
}
