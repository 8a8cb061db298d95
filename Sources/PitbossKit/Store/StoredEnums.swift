import GRDB

// The rubric's enums, stored as their raw text in the database. (Kept here: the rubric itself knows nothing of storage.)
extension Severity: DatabaseValueConvertible {}
extension FindingStatus: DatabaseValueConvertible {}
