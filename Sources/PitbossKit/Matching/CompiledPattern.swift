import CPCRE2

/// Why a pattern does not compile: PCRE2's own message and where in the pattern it stopped.
public struct PatternError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Not a valid PCRE2 pattern.
        case syntax
        /// `\C`: valid PCRE2, refused because it matches one byte and can split a UTF-8 character.
        case singleByte
    }

    public var kind: Kind
    public var message: String
    /// Code-point offset into the pattern.
    public var offset: Int

    public init(kind: Kind = .syntax, message: String, offset: Int) {
        self.kind = kind
        self.message = message
        self.offset = offset
    }

    public var description: String { "\(message) at offset \(offset)" }
}

/// A PCRE2 pattern compiled once (UTF + UCP, caseless by default, JIT when available) and shared by
/// every thread: a compiled PCRE2 pattern is read-only during matching. Per-thread state lives in `Matcher`.
public final class CompiledPattern: @unchecked Sendable {
    let code: OpaquePointer
    public let source: String
    public let isCaseless: Bool
    /// Number of capture groups.
    public let captureCount: Int
    /// Group numbers by name; a name may label several groups (duplicate names are allowed).
    public let groupsByName: [String: [Int]]
    public let isJITCompiled: Bool
    /// PCRE2's lower bound on the length of a subject that can match (`PCRE2_INFO_MINLENGTH`). It is a bound on
    /// the subject, not on the match: `(?=abc)` has 2 here yet only ever matches empty text.
    public let minimumLength: Int
    /// Whether the pattern might match empty text (`PCRE2_INFO_MATCHEMPTY`): `a?`, `(?:)`, `\b`, `^`, `(?=a)`.
    /// PCRE2 errs on the side of yes (a recursion, `(*FAIL)` in an alternative).
    public let canMatchEmpty: Bool

    public init(_ source: String, caseless: Bool = true) throws(PatternError) {
        var errorCode: Int32 = 0
        var errorOffset = 0
        // \C matches one code unit, a byte here: it can split a UTF-8 character, and offsets into text
        // would no longer fall on characters. PCRE2 refuses it for us with NEVER_BACKSLASH_C.
        let options = UInt32(PCRE2_UTF) | UInt32(PCRE2_UCP) | UInt32(PCRE2_DUPNAMES) | UInt32(PCRE2_NEVER_BACKSLASH_C)
            | (caseless ? UInt32(PCRE2_CASELESS) : 0)
        // NUL-terminated so that even an empty pattern has a valid pointer; the length excludes the NUL.
        let utf8 = Array(source.utf8) + [0]
        let compiled = utf8.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.flatMap { pcre2_compile_8($0, buffer.count - 1, options, &errorCode, &errorOffset, nil) }
        }
        guard let compiled else {
            let offset = String(decoding: utf8.prefix(errorOffset), as: UTF8.self).unicodeScalars.count
            if errorCode == PCRE2_ERROR_BACKSLASH_C_CALLER_DISABLED {
                throw PatternError(kind: .singleByte, message: "\\C matches a single byte and can split a UTF-8 character in two; use . to match one character",
                                   offset: max(0, offset - 2))
            }
            var message = [UInt8](repeating: 0, count: 256)
            let length = pcre2_get_error_message_8(errorCode, &message, message.count)
            let text = length > 0 ? String(decoding: message.prefix(Int(length)), as: UTF8.self) : "error \(errorCode)"
            throw PatternError(message: text, offset: offset)
        }
        code = compiled
        self.source = source
        self.isCaseless = caseless
        isJITCompiled = pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE)) == 0

        var minimum: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_MINLENGTH), &minimum)
        minimumLength = Int(minimum)

        var matchesEmpty: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_MATCHEMPTY), &matchesEmpty)
        canMatchEmpty = matchesEmpty != 0

        var captures: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &captures)
        captureCount = Int(captures)

        var nameCount: UInt32 = 0
        var entrySize: UInt32 = 0
        var table: UnsafePointer<UInt8>?
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_NAMECOUNT), &nameCount)
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_NAMEENTRYSIZE), &entrySize)
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_NAMETABLE), &table)
        var names: [String: [Int]] = [:]
        if let table {
            // Each entry: the group number in two bytes (big-endian), then the name, NUL-terminated.
            for i in 0..<Int(nameCount) {
                let entry = table + i * Int(entrySize)
                let group = Int(entry[0]) << 8 | Int(entry[1])
                let name = String(cString: entry + 2)
                names[name, default: []].append(group)
            }
        }
        groupsByName = names
    }

    deinit { pcre2_code_free_8(code) }
}
