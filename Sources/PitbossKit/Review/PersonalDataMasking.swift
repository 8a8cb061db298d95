/// What every output that carries transcript text shows by default: personal data replaced (`--show-pii` reveals it).
/// Offsets (`start`, `end`) keep pointing into the stored turn; only the words shown change.
extension PersonalDataMask {
    public func masked(_ conversation: Conversation) -> Conversation {
        var copy = conversation
        copy.customerID = conversation.customerID.map(mask)
        copy.tags = conversation.tags.map(mask)
        for i in copy.turns.indices {
            copy.turns[i].text = mask(copy.turns[i].text)
            // A chat widget may take the player's e-mail or phone as their display name.
            copy.turns[i].speaker = copy.turns[i].speaker.map(mask)
        }
        return copy
    }

    /// A finding's cited words and message, masked as they stand in their turn: a match that covers only part of a
    /// card number or an address ("card 4111 1111") is masked too, which the words alone would not show.
    public func masked(_ finding: Finding, inTurn turnText: String?) -> Finding {
        var copy = finding
        (copy.text, copy.message) = masked(text: finding.text, message: finding.message, start: finding.start, end: finding.end, in: turnText)
        return copy
    }

    public func masked(_ finding: StoredFinding, inTurn turnText: String?) -> StoredFinding {
        var copy = finding
        (copy.text, copy.message) = masked(text: finding.text, message: finding.message, start: finding.start, end: finding.end, in: turnText)
        return copy
    }

    public func masked(_ evidence: Evidence, inTurn turnText: String?) -> Evidence {
        var copy = evidence
        copy.text = masked(text: evidence.text, message: "", start: evidence.start, end: evidence.end, in: turnText).text ?? ""
        return copy
    }

    private func masked(text: String?, message: String, start: Int?, end: Int?, in turnText: String?)
        -> (text: String?, message: String) {
        guard let text, let start, let end, let turnText else { return (text.map(mask), mask(message)) }
        let spans = self.spans(in: turnText).filter { $0.range.overlaps(start..<end) }
        guard !spans.isEmpty else { return (mask(text), mask(message)) }
        let scalars = Array(turnText.unicodeScalars)
        guard start >= 0, start <= end, end <= scalars.count else { return (mask(text), mask(message)) }
        var cited = String.UnicodeScalarView()
        var i = start
        while i < end {
            if let span = spans.first(where: { $0.range.contains(i) }) {
                cited.append(contentsOf: span.replacement.unicodeScalars)
                i = span.range.upperBound
            } else {
                cited.append(scalars[i])
                i += 1
            }
        }
        let shown = String(cited)
        return (shown, mask(message.replacingOccurrences(of: text, with: shown)))
    }

    /// A reviewer's words may quote the player: comments, reasons for a revision or a dismissal.
    public func masked(_ review: StoredReview) -> StoredReview {
        var copy = review
        copy.comment = review.comment.map(mask)
        copy.revisionReason = review.revisionReason.map(mask)
        copy.verdicts = review.verdicts.map { verdict in
            var v = verdict
            v.reason = verdict.reason.map(mask)
            return v
        }
        return copy
    }

    /// An audit entry's details (a skip's reason, a revision's) may quote the player too.
    public func masked(_ entry: AuditLog.Entry) -> AuditLog.Entry {
        var copy = entry
        copy.detail = entry.detail.mapValues(mask)
        return copy
    }
}
