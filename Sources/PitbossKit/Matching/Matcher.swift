import CPCRE2

/// Bounds on the work of one match, so that a pathological pattern on a long turn reports an error
/// instead of hanging the batch.
public struct MatchLimits: Sendable, Equatable {
    /// PCRE2's match limit: how many times its internal match function may be called (JIT: backtracks).
    public var matchLimit: UInt32 = 1_000_000
    /// PCRE2's depth limit (backtracking depth of the interpreter; the JIT uses its stack instead).
    public var depthLimit: UInt32 = 10_000
    /// The largest JIT stack a match may use.
    public var jitStackBytes = 1 << 20

    public init() {}
    public static let standard = MatchLimits()
}

/// A match or the end of matching that the limits forced.
public struct MatchLimitExceeded: Error, Sendable, Equatable, CustomStringConvertible {
    public var pattern: String
    public var code: Int32
    public var description: String {
        switch code {
        case PCRE2_ERROR_JIT_STACKLIMIT: "JIT stack limit exceeded"
        case PCRE2_ERROR_DEPTHLIMIT: "depth limit exceeded"
        case PCRE2_ERROR_HEAPLIMIT: "heap limit exceeded"
        case PCRE2_ERROR_MATCHLIMIT: "match limit exceeded"
        default: "PCRE2 match error \(code)"
        }
    }
}

/// One match, valid only inside the callback that receives it.
public struct Match {
    /// Byte range of the whole match in the subject.
    public let range: Range<Int>
    fileprivate let ovector: UnsafeMutablePointer<Int>
    fileprivate let pairs: Int
    fileprivate let pattern: CompiledPattern

    /// Byte range of the named group that took part in the match (the first, with duplicate names).
    public func group(named name: String) -> Range<Int>? {
        for number in pattern.groupsByName[name] ?? [] where number < pairs {
            let start = ovector[2 * number]
            let end = ovector[2 * number + 1]
            // An unset group is PCRE2_UNSET (SIZE_MAX), which reads as -1 through Swift's Int.
            if start >= 0 && end >= start { return start..<end }
        }
        return nil
    }
}

/// Per-thread matching state: match data, match context and JIT stack, created once and reused for
/// every match on that thread. Not thread-safe; create one per thread or task.
public final class Matcher {
    private var matchData: OpaquePointer
    private var pairs: Int
    private let context: OpaquePointer
    private let jitStack: OpaquePointer?

    public init(limits: MatchLimits = .standard) {
        pairs = 32
        matchData = pcre2_match_data_create_8(UInt32(pairs), nil)
        context = pcre2_match_context_create_8(nil)
        pcre2_set_match_limit_8(context, limits.matchLimit)
        pcre2_set_depth_limit_8(context, limits.depthLimit)
        jitStack = pcre2_jit_stack_create_8(32 << 10, limits.jitStackBytes, nil)
        if let jitStack { pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(jitStack)) }
    }

    deinit {
        pcre2_match_data_free_8(matchData)
        pcre2_match_context_free_8(context)
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
    }

    /// Calls `body` for every match of `pattern` in `subject` (valid UTF-8), left to right, including
    /// empty matches, never looping on one; `body` returns false to stop.
    public func forEachMatch(_ pattern: CompiledPattern, in subject: UnsafeBufferPointer<UInt8>,
                             _ body: (Match) throws -> Bool) throws {
        // A capture count is at most 65535 (PCRE2's limit), so `pairs` always fits in a UInt32.
        if pattern.captureCount + 1 > pairs {
            pcre2_match_data_free_8(matchData)
            pairs = pattern.captureCount + 1
            matchData = pcre2_match_data_create_8(UInt32(pairs), nil)
        }
        // An empty subject may have no base address; PCRE2 needs a non-null pointer (1 is not null: never nil).
        let base = subject.baseAddress ?? UnsafePointer(bitPattern: 1)!
        let length = subject.count
        var start = 0
        var options: UInt32 = 0
        while start <= length {
            let rc = pcre2_match_8(pattern.code, base, length, start, options | UInt32(PCRE2_NO_UTF_CHECK), matchData, context)
            if rc == PCRE2_ERROR_NOMATCH {
                guard options != 0, start < length else { return }
                // The empty match at `start` had no non-empty alternative: move on one character.
                start += Self.characterLength(subject[start])
                options = 0
                continue
            }
            guard rc >= 0 else { throw MatchLimitExceeded(pattern: pattern.source, code: rc) }
            // PCRE2 returns the match data's own vector: never null for match data it created.
            let ovector = pcre2_get_ovector_pointer_8(matchData)!
            let matchStart = ovector[0]
            let matchEnd = max(ovector[1], matchStart)  // \K can set the start past the end
            guard try body(Match(range: matchStart..<matchEnd, ovector: ovector, pairs: pairs, pattern: pattern)) else { return }
            // After an empty match, look for a non-empty one at the same place before moving on
            // (the technique of pcre2demo.c).
            options = matchEnd == matchStart ? UInt32(PCRE2_NOTEMPTY_ATSTART) | UInt32(PCRE2_ANCHORED) : 0
            start = matchEnd
        }
    }

    /// Convenience: byte ranges of every match in a string.
    public func matches(_ pattern: CompiledPattern, in text: String) throws -> [Range<Int>] {
        var bytes = Array(text.utf8)
        var result: [Range<Int>] = []
        try bytes.withUnsafeMutableBufferPointer { buffer in
            try forEachMatch(pattern, in: UnsafeBufferPointer(buffer)) { result.append($0.range); return true }
        }
        return result
    }

    static func characterLength(_ lead: UInt8) -> Int {
        switch lead {
        case 0xF0...: 4
        case 0xE0...: 3
        case 0xC0...: 2
        default: 1
        }
    }
}
