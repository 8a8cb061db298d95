import Foundation

/// CSV exports, one message per row (RFC 4180: quoted fields may hold commas, quotes and newlines).
///
/// Columns are found by name (case-insensitive) from common header names, or named with
/// `--map text=body,role=sender`. Rows of one conversation must be contiguous, as exports write them.
public struct CSVReader: TranscriptReader {
    /// The fields Pitboss reads, and the header names it recognises for each.
    static let aliases: [(field: String, headers: [String])] = [
        ("conversation_id", ["conversation_id", "conversation", "conversationid", "chat_id", "ticket_id", "thread_id", "id"]),
        ("timestamp", ["timestamp", "time", "at", "created_at", "sent_at", "datetime", "date"]),
        ("role", ["role", "speaker", "sender_type", "author_type", "from"]),
        ("author", ["author", "name", "sender", "speaker_name", "author_name"]),
        ("text", ["text", "message", "body", "content"]),
        ("channel", ["channel"]),
        ("language", ["language", "lang", "locale"]),
        ("agent", ["agent", "agent_id", "operator_id"]),
        ("customer", ["customer", "customer_id", "player_id", "player"]),
        ("vip", ["vip", "customer_vip"]),
        ("shift", ["shift"]),
        ("tags", ["tags"]),
        ("start", ["start", "start_seconds"]),
        ("end", ["end", "end_seconds"]),
    ]
    static var fields: [String] { aliases.map(\.field) }
    static let required = ["conversation_id", "role", "text"]

    public init() {}

    public func read(path: String, context: ReadContext, emit: (@escaping PendingRecord) throws -> Void) throws {
        var records = try CSVRecords(path: path)
        guard let header = try records.next() else { throw RecordProblem(SourceLocation(file: path), "the file is empty") }
        let headerFields = try header.get()
        let columns = try Self.columns(header: headerFields.fields, map: context.columnMap, path: path)

        var group: [CSVRecords.Record] = []
        var finished = Set<String>()
        var firstLineOf: [String: Int] = [:]
        func flush() throws {
            guard let first = group.first else { return }
            let rows = group
            group.removeAll()
            let id = first.fields[columns["conversation_id"]!]
            finished.insert(id)
            let zone = context.zone
            try emit { Self.conversation(rows, columns: columns, path: path, zone: zone) }
        }
        while let next = try records.next() {
            let record: CSVRecords.Record
            switch next {
            case .failure(let problem):
                try flush()
                try emit { .failure(problem) }
                continue
            case .success(let r): record = r
            }
            if record.fields.count == 1 && record.fields[0].isEmpty { continue }
            guard record.fields.count == headerFields.fields.count else {
                try flush()
                let problem = RecordProblem(SourceLocation(file: path, line: record.firstLine),
                                            "\(record.fields.count) fields where the header has \(headerFields.fields.count); check the quoting of this row",
                                            rawRecord: record.raw)
                try emit { .failure(problem) }
                continue
            }
            let id = record.fields[columns["conversation_id"]!]
            if let current = group.first?.fields[columns["conversation_id"]!], current != id { try flush() }
            if group.isEmpty && finished.contains(id) {
                let problem = RecordProblem(SourceLocation(file: path, line: record.firstLine), field: "conversation_id",
                                            "rows of this conversation were already read (from line \(firstLineOf[id] ?? 0)) and are not contiguous; sort the file by conversation id and import it again",
                                            conversationID: id, rawRecord: record.raw)
                try emit { .failure(problem) }
                continue
            }
            if group.isEmpty { firstLineOf[id] = record.firstLine }
            group.append(record)
        }
        try flush()
    }

    /// Column index per Pitboss field.
    static func columns(header: [String], map: [String: String], path: String) throws -> [String: Int] {
        let normalized = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var columns: [String: Int] = [:]
        for (field, headers) in aliases {
            if let mapped = map[field] {
                guard let index = normalized.firstIndex(of: mapped.lowercased()) else {
                    throw RecordProblem(SourceLocation(file: path, line: 1),
                                        "--map \(field)=\(mapped): the header has no column '\(mapped)' (columns: \(header.joined(separator: ", ")))")
                }
                columns[field] = index
            } else if let index = headers.lazy.compactMap({ normalized.firstIndex(of: $0) }).first,
                      !map.values.contains(where: { $0.lowercased() == normalized[index] }) {
                columns[field] = index
            }
        }
        for field in required where columns[field] == nil {
            throw RecordProblem(SourceLocation(file: path, line: 1),
                                "no '\(field)' column (columns: \(header.joined(separator: ", "))); name it with --map \(field)=HEADER")
        }
        return columns
    }

    static func conversation(_ rows: [CSVRecords.Record], columns: [String: Int], path: String, zone: TimeZone) -> Result<ConversationDraft, RecordProblem> {
        let id = rows[0].fields[columns["conversation_id"]!]
        let raw = rows.map(\.raw).joined(separator: "\n")
        let record = rows.count == 1 ? "line \(rows[0].firstLine)" : "lines \(rows[0].firstLine)-\(rows.last!.lastLine)"
        func value(_ row: CSVRecords.Record, _ field: String) -> String? {
            guard let index = columns[field] else { return nil }
            let text = row.fields[index].trimmingCharacters(in: .whitespaces)
            return text.isEmpty ? nil : text
        }
        func first(_ field: String) -> String? { rows.lazy.compactMap { value($0, field) }.first }
        func fail(_ row: CSVRecords.Record, _ field: String, _ reason: String) -> Result<ConversationDraft, RecordProblem> {
            .failure(RecordProblem(SourceLocation(file: path, line: row.firstLine, column: columns[field].map { $0 + 1 }),
                                   field: field, reason, conversationID: id, rawRecord: raw))
        }
        var meta = ConversationMetadata(id: id, channel: first("channel"), language: first("language"),
                                        shift: first("shift"), customerID: first("customer"))
        if let vip = first("vip") {
            switch vip.lowercased() {
            case "1", "true", "yes", "y": meta.vip = true
            case "0", "false", "no", "n": meta.vip = false
            default: return fail(rows[0], "vip", "'\(vip)' is not true or false")
            }
        }
        if let tags = first("tags") {
            meta.tags = tags.split(whereSeparator: { $0 == ";" || $0 == "|" || $0 == "," })
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        var turns: [TurnDraft] = []
        for row in rows {
            guard let roleText = value(row, "role") else { return fail(row, "role", "empty role; every row needs one") }
            let author = value(row, "author")
            let speaker: SpeakerLabel = SpeakerRole(roleWord: roleText).map { .role($0, name: author) } ?? .label(roleText)
            var turn = TurnDraft(speaker: speaker, agentID: value(row, "agent"), text: row.fields[columns["text"]!], line: row.firstLine)
            if let time = value(row, "timestamp") {
                guard let at = UTCTimestamp.parse(time, zoneForNaiveTimes: zone) else {
                    return fail(row, "timestamp", "'\(time)' is not a time like 2026-11-21T22:04:00Z or 2026-11-21 22:04:00")
                }
                turn.at = at
            }
            for field in ["start", "end"] {
                guard let text = value(row, field) else { continue }
                guard let seconds = Double(text) else { return fail(row, field, "'\(text)' is not a number of seconds") }
                if field == "start" { turn.start = seconds } else { turn.end = seconds }
            }
            turns.append(turn)
        }
        if meta.agent == nil { meta.agent = rows.lazy.filter { value($0, "role").flatMap { SpeakerRole(roleWord: $0) } == .agent }
            .compactMap { value($0, "agent") }.first }
        return .success(ConversationDraft(metadata: meta, turns: turns, location: SourceLocation(file: path, line: rows[0].firstLine),
                                          record: record, format: .csv, rawRecord: raw))
    }
}

/// RFC 4180 records streamed from a file, each with the lines it spans.
struct CSVRecords {
    struct Record {
        var fields: [String]
        var firstLine: Int
        var lastLine: Int
        var raw: String
    }

    private let lines: LineReader
    private let path: String
    private var delimiter: UInt8?

    init(path: String) throws {
        self.lines = try LineReader(path: path)
        self.path = path
    }

    mutating func next() throws -> Result<Record, RecordProblem>? {
        guard var line = try lines.next() else { return nil }
        if delimiter == nil {
            // Spreadsheets in much of Europe write ';' — take it when the header has no comma.
            delimiter = !line.bytes.contains(UInt8(ascii: ",")) && line.bytes.contains(UInt8(ascii: ";"))
                ? UInt8(ascii: ";") : UInt8(ascii: ",")
        }
        let delimiter = self.delimiter!
        let firstLine = line.number
        var fields: [String] = []
        var field: [UInt8] = []
        var rawLines: [ArraySlice<UInt8>] = []
        var inQuotes = false
        var fieldStarted = false
        while true {
            rawLines.append(line.bytes)
            var i = line.bytes.startIndex
            let bytes = line.bytes
            while i < bytes.endIndex {
                let byte = bytes[i]
                if inQuotes {
                    if byte == UInt8(ascii: "\"") {
                        if i + 1 < bytes.endIndex, bytes[i + 1] == UInt8(ascii: "\"") {
                            field.append(byte)
                            i += 1
                        } else {
                            inQuotes = false
                        }
                    } else {
                        field.append(byte)
                    }
                } else if byte == delimiter {
                    guard let text = decode(field, line: line.number, rawLines) else { return failure(line.number, rawLines) }
                    fields.append(text)
                    field.removeAll(keepingCapacity: true)
                    fieldStarted = false
                } else if byte == UInt8(ascii: "\"") && !fieldStarted && field.isEmpty {
                    inQuotes = true
                    fieldStarted = true
                } else {
                    field.append(byte)
                    fieldStarted = true
                }
                i += 1
            }
            if !inQuotes { break }
            // A quoted field runs on to the next line.
            guard let continuation = try lines.next() else {
                return .failure(RecordProblem(SourceLocation(file: path, line: firstLine),
                                              "a quoted field opened here is never closed: the file ends inside it; check the quotes or whether the file is truncated",
                                              rawRecord: rawLines.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")))
            }
            field.append(UInt8(ascii: "\n"))
            line = continuation
        }
        guard let text = decode(field, line: line.number, rawLines) else { return failure(line.number, rawLines) }
        fields.append(text)
        return .success(Record(fields: fields, firstLine: firstLine, lastLine: line.number,
                               raw: rawLines.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")))
    }

    private func decode(_ bytes: [UInt8], line: Int, _ raw: [ArraySlice<UInt8>]) -> String? {
        String(validating: bytes, as: UTF8.self)
    }

    private func failure(_ line: Int, _ raw: [ArraySlice<UInt8>]) -> Result<Record, RecordProblem> {
        let column = raw.last.map { bytes -> Int in
            if case .failure(let bad) = UTF8Text.decode(bytes) { return bad.byteColumn }
            return 1
        }
        return .failure(RecordProblem(SourceLocation(file: path, line: line, column: column),
                                      "invalid UTF-8; re-export the file as UTF-8 (e.g. iconv -f WINDOWS-1251 -t UTF-8)",
                                      rawRecord: raw.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")))
    }
}
