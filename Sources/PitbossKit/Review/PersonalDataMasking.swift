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

    public func masked(_ finding: Finding) -> Finding {
        var copy = finding
        copy.text = finding.text.map(mask)
        copy.message = mask(finding.message)
        return copy
    }

    public func masked(_ finding: StoredFinding) -> StoredFinding {
        var copy = finding
        copy.text = finding.text.map(mask)
        copy.message = mask(finding.message)
        return copy
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
