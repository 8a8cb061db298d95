/// Finds the first YAML anchor (`&name`) or alias (`*name`) in a text, where YAML itself would read one: at the
/// start of a node, outside quotes, comments and block scalars.
///
/// Rubrics and the workspace's settings refuse them before parsing: an alias expands to the node it names, and a
/// few nested ones ("billion laughs") make a tree too large to walk, or to hash as a mapping key, in any time a
/// command can wait. Writing each value out costs a rubric nothing.
enum YAMLAliasScan {
    static func first(in text: String) -> (line: Int, column: Int)? {
        var blockIndent: Int?     // inside a block scalar (| or >): lines indented more than this are its text
        var inSingle = false, inDouble = false
        var flowDepth = 0
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = Array(rawLine.unicodeScalars)
            let indent = line.prefix { $0 == " " }.count
            if let block = blockIndent {
                if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) || indent > block { continue }
                blockIndent = nil
            }
            var atNodeStart = !inSingle && !inDouble
            var i = 0
            scanning: while i < line.count {
                let c = line[i]
                let next: Unicode.Scalar? = i + 1 < line.count ? line[i + 1] : nil
                let spaceFollows = next == nil || next == " " || next == "\t" || next == "\r"
                if inSingle {
                    if c == "'" { if next == "'" { i += 2; continue }; inSingle = false }
                    i += 1
                    continue
                }
                if inDouble {
                    if c == "\\" { i += 2; continue }
                    if c == "\"" { inDouble = false }
                    i += 1
                    continue
                }
                switch c {
                case " ", "\t", "\r":
                    break
                case "#" where i == 0 || line[i - 1] == " " || line[i - 1] == "\t":
                    break scanning  // a comment
                case "&" where atNodeStart && !spaceFollows, "*" where atNodeStart && !spaceFollows:
                    return (number + 1, i + 1)
                case "'" where atNodeStart:
                    inSingle = true
                    atNodeStart = false
                case "\"" where atNodeStart:
                    inDouble = true
                    atNodeStart = false
                case "|" where atNodeStart, ">" where atNodeStart:
                    blockIndent = indent
                    break scanning
                case "-" where atNodeStart && spaceFollows, "?" where atNodeStart && spaceFollows:
                    break  // a sequence entry or a key: a node may still start after it
                case "[" where atNodeStart, "{" where atNodeStart:
                    flowDepth += 1
                case "]" where flowDepth > 0, "}" where flowDepth > 0:
                    flowDepth -= 1
                    atNodeStart = false
                case "," where flowDepth > 0:
                    atNodeStart = true
                case ":" where spaceFollows || flowDepth > 0:
                    atNodeStart = true
                default:
                    atNodeStart = false
                }
                i += 1
            }
        }
        return nil
    }
}
