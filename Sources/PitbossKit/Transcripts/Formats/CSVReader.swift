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
        let (headerFields, columns) = try Self.header(path: path, map: context.columnMap)
        guard let idColumn = columns["conversation_id"] else {
            // `columns` refuses a header without one; this is never reached.
            throw RecordProblem(SourceLocation(file: path, line: 1), "no 'conversation_id' column")
        }
        // A first pass finds what must reject a whole conversation before any of its rows is stored: rows
        // in separate runs (the file is not sorted by conversation), and rows that cannot be read.
        let scan = try Self.scan(path: path, width: headerFields.count, idColumn: idColumn)

        var records = try CSVRecords(path: path)
        _ = try records.next()
        var group: [CSVRecords.Record] = []
        var rejectedFragmented = Set<String>()
        let zone = context.zone
        // Unreadable rows are reported after the conversation they sit in, to keep the input's order.
        var unreadable: [RecordProblem] = []
        func flush() throws {
            defer {
                for problem in unreadable { try? emit { .failure(problem) } }
                unreadable.removeAll()
            }
            guard let first = group.first else { return }
            let rows = group
            group.removeAll()
            let id = first.fields[idColumn]
            let raw = rows.map(\.raw).joined(separator: "\n")
            if let runs = scan.runs[id], runs.count > 1 {
                // Rejected once, at its first run; the later runs are named in the same rejection.
                guard rejectedFragmented.insert(id).inserted else { return }
                let lines = runs.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
                let problem = RecordProblem(SourceLocation(file: path, line: first.firstLine), field: "conversation_id",
                                            "the rows of this conversation are not together (lines \(lines.joined(separator: ", "))); sort the file by conversation id and import it again",
                                            conversationID: id, rawRecord: nil)
                try emit { .failure(problem) }
                return
            }
            if var problem = scan.poisoned[id] {
                problem.conversationID = id
                problem.rawRecord = raw
                problem.reason += "; the whole conversation was rejected"
                let rejection = problem
                try emit { .failure(rejection) }
                return
            }
            try emit { Self.conversation(rows, columns: columns, path: path, zone: zone) }
        }
        while let next = try records.next() {
            switch next {
            case .failure(let problem):
                // Named on its own; a conversation it sits inside was poisoned by the first pass.
                unreadable.append(problem)
            case .success(let record):
                if record.fields.count == 1 && record.fields[0].isEmpty { continue }
                guard record.fields.count > idColumn else {
                    let problem = RecordProblem(SourceLocation(file: path, line: record.firstLine),
                                                "\(record.fields.count) fields where the header has \(headerFields.count); check the quoting of this row",
                                                rawRecord: record.raw)
                    try emit { .failure(problem) }
                    continue
                }
                if let current = group.first?.fields[idColumn], current != record.fields[idColumn] { try flush() }
                group.append(record)
            }
        }
        try flush()
    }

    /// Each conversation id's runs of lines, and the ids with a row that cannot be read.
    struct Scan {
        var runs: [String: [ClosedRange<Int>]] = [:]
        var poisoned: [String: RecordProblem] = [:]
    }

    static func scan(path: String, width: Int, idColumn: Int) throws -> Scan {
        var scan = Scan()
        var records = try CSVRecords(path: path)
        _ = try records.next()
        var current: String?
        // A row that cannot be read belongs to the conversation around it only when rows of that
        // conversation come both before and after it; at a boundary there is no telling whose it is.
        var unreadable: RecordProblem?
        while let next = try records.next() {
            switch next {
            case .failure(let problem):
                unreadable = unreadable ?? problem
            case .success(let record):
                if record.fields.count == 1 && record.fields[0].isEmpty { continue }
                guard record.fields.count > idColumn else { continue }
                let id = record.fields[idColumn]
                if let problem = unreadable, id == current, scan.poisoned[id] == nil { scan.poisoned[id] = problem }
                unreadable = nil
                if id == current, var runs = scan.runs[id] {
                    runs[runs.count - 1] = runs[runs.count - 1].lowerBound...record.lastLine
                    scan.runs[id] = runs
                } else {
                    scan.runs[id, default: []].append(record.firstLine...record.lastLine)
                }
                current = id
                if record.fields.count != width, scan.poisoned[id] == nil {
                    scan.poisoned[id] = RecordProblem(SourceLocation(file: path, line: record.firstLine),
                                                      "\(record.fields.count) fields where the header has \(width); check the quoting of this row")
                }
            }
        }
        return scan
    }

    static func header(path: String, map: [String: String]) throws -> ([String], [String: Int]) {
        var records = try CSVRecords(path: path)
        guard let header = try records.next() else { throw RecordProblem(SourceLocation(file: path, line: 1), "the file is empty; a CSV export starts with a header row naming its columns") }
        let fields = try header.get().fields
        return (fields, try columns(header: fields, map: map, path: path))
    }

    /// Column index per Pitboss field.
    static func columns(header: [String], map: [String: String], path: String) throws -> [String: Int] {
        let normalized = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var columns: [String: Int] = [:]
        for (field, headers) in aliases {
            if let mapped = map[field] {
                guard let index = normalized.firstIndex(of: mapped.lowercased()) else {
                    throw RecordProblem(SourceLocation(file: path, line: 1), field: field,
                                        "the column '\(mapped)' named for it is not in the header (columns: \(header.joined(separator: ", ")))",
                                        remedy: .mapColumn(field: field))
                }
                columns[field] = index
            } else if let index = headers.lazy.compactMap({ normalized.firstIndex(of: $0) }).first,
                      !map.values.contains(where: { $0.lowercased() == normalized[index] }) {
                columns[field] = index
            }
        }
        for field in required where columns[field] == nil {
            throw RecordProblem(SourceLocation(file: path, line: 1),
                                "no '\(field)' column (columns: \(header.joined(separator: ", ")))", remedy: .mapColumn(field: field))
        }
        return columns
    }

    static func conversation(_ rows: [CSVRecords.Record], columns: [String: Int], path: String, zone: TimeZone) -> Result<ConversationDraft, RecordProblem> {
        guard let firstRow = rows.first, let lastRow = rows.last else {
            return .failure(RecordProblem(SourceLocation(file: path), "a conversation without rows"))
        }
        /// The cell of a row, untrimmed; empty when the row is short (a short row rejects its conversation
        /// before it gets here, so this is only a guard).
        func cell(_ row: CSVRecords.Record, _ field: String) -> String? {
            guard let index = columns[field], row.fields.indices.contains(index) else { return nil }
            return row.fields[index]
        }
        let id = cell(firstRow, "conversation_id") ?? ""
        let raw = rows.map(\.raw).joined(separator: "\n")
        let record = rows.count == 1 ? "line \(firstRow.firstLine)" : "lines \(firstRow.firstLine)-\(lastRow.lastLine)"
        func value(_ row: CSVRecords.Record, _ field: String) -> String? {
            let text = cell(row, field)?.trimmingCharacters(in: .whitespaces) ?? ""
            return text.isEmpty ? nil : text
        }
        func first(_ field: String) -> String? { rows.lazy.compactMap { value($0, field) }.first }
        /// The cell that `first(field)` read, for messages about its value.
        func firstLocation(_ field: String) -> SourceLocation? {
            guard let row = rows.first(where: { value($0, field) != nil }) else { return nil }
            return SourceLocation(file: path, line: row.firstLine, column: columns[field].map { $0 + 1 })
        }
        func fail(_ row: CSVRecords.Record, _ field: String, _ reason: String) -> Result<ConversationDraft, RecordProblem> {
            .failure(RecordProblem(SourceLocation(file: path, line: row.firstLine, column: columns[field].map { $0 + 1 }),
                                   field: field, reason, conversationID: id, rawRecord: raw))
        }
        var meta = ConversationMetadata(id: id, channel: first("channel"), language: first("language"),
                                        shift: first("shift"), customerID: first("customer"))
        for field in ["channel", "language", "shift"] { meta.locations[field] = firstLocation(field) }
        if let vip = first("vip") {
            switch vip.lowercased() {
            case "1", "true", "yes", "y": meta.vip = true
            case "0", "false", "no", "n": meta.vip = false
            default: return fail(firstRow, "vip", "'\(vip)' is not true or false")
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
            var turn = TurnDraft(speaker: speaker, agentID: value(row, "agent"), text: cell(row, "text") ?? "", line: row.firstLine)
            if let time = value(row, "timestamp") {
                guard let at = UTCTimestamp.parse(time, zoneForNaiveTimes: zone) else {
                    return fail(row, "timestamp", "'\(time)' is not a time like 2026-11-21T22:04:00Z or 2026-11-21 22:04:00")
                }
                turn.at = at
            }
            for field in ["start", "end"] {
                guard let text = value(row, field) else { continue }
                guard let seconds = Double(text) else { return fail(row, field, "'\(text)' is not a number of seconds") }
                if let reason = TurnDraft.offsetProblem(seconds) { return fail(row, field, reason) }
                if field == "start" { turn.start = seconds } else { turn.end = seconds }
            }
            turns.append(turn)
        }
        if meta.agent == nil { meta.agent = rows.lazy.filter { value($0, "role").flatMap { SpeakerRole(roleWord: $0) } == .agent }
            .compactMap { value($0, "agent") }.first }
        return .success(ConversationDraft(metadata: meta, turns: turns, location: SourceLocation(file: path, line: firstRow.firstLine),
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

    static let maximumQuotedField = 1 << 20
    private let lines: LineReader
    private let path: String
    private var delimiter: UInt8?
    /// Set when a quoted field ran away: where it ends cannot be known, so nothing after it can be trusted as rows.
    private var stopped = false

    init(path: String) throws {
        self.lines = try LineReader(path: path)
        self.path = path
    }

    mutating func next() throws -> Result<Record, RecordProblem>? {
        guard !stopped, var line = try lines.next() else { return nil }
        if delimiter == nil {
            // Spreadsheets in much of Europe write ';' — take it when the header has no comma.
            delimiter = !line.bytes.contains(UInt8(ascii: ",")) && line.bytes.contains(UInt8(ascii: ";"))
                ? UInt8(ascii: ";") : UInt8(ascii: ",")
        }
        let delimiter = self.delimiter ?? UInt8(ascii: ",")  // set just above
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
                            // RFC 4180: a quote inside a quoted field is doubled. `"bad "quote" inside"` would
                            // otherwise be read as something the export never said.
                            if i + 1 < bytes.endIndex, bytes[i + 1] != delimiter {
                                return .failure(RecordProblem(SourceLocation(file: path, line: line.number, column: i - bytes.startIndex + 1),
                                                              "a quote inside a quoted field must be doubled (\"\"); this one ends the field early",
                                                              rawRecord: rawLines.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")))
                            }
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
            // A missing closing quote would swallow the rest of the file; no message is this long.
            if field.count > Self.maximumQuotedField {
                stopped = true
                return .failure(RecordProblem(SourceLocation(file: path, line: firstLine),
                                              "a quoted field opened here runs on past 1 MB: a closing quote is probably missing, so the rest of the file was not read; fix the quote and import the file again"))
            }
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
