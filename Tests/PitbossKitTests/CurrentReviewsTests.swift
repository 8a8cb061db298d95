import GRDB
import Testing
@testable import PitbossKit

@Suite("current_reviews: the one definition of a review as it stands now")
struct CurrentReviewsTests {
    @Test("a conversation scored, then corrected twice, has one current review: the last correction")
    func latestRevision() throws {
        let f = try ReviewFixture(rude: 1, calm: 0)
        let maria = Reviewer(name: "qa.maria")
        let claim = try #require(try f.queue.claimNext(for: maria, now: f.now))
        let rubric = TestRubric.rubric
        let card = try Scorecard(rubric: rubric, answers: Dictionary(uniqueKeysWithValues: rubric.criteria.map { ($0.id, "pass") }))
        let first = try f.store.submit(ReviewSubmission(item: claim.item, reviewer: maria, rubric: rubric, scorecard: card), now: f.minutes(1))
        var last = first
        for (minute, reason) in [(2.0, "typo"), (3.0, "second look")] {
            last = try f.store.submit(ReviewSubmission(item: claim.item, reviewer: maria, rubric: rubric, scorecard: card, revisionReason: reason),
                                      now: f.minutes(minute))
        }
        let current = try f.database.writer.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM current_reviews") }
        #expect(current == [last.id])
        #expect(last.revision == 3)
        #expect(try f.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM reviews") } == 3)
    }
}
