import GRDB

extension SQL {
    /// `WHERE a AND b …` from a query's filters, or nothing when there are none.
    static func whereClause(_ conditions: [SQL]) -> SQL {
        conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    }
}
