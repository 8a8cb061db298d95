import Foundation
import Testing

/// `pitboss` run in a pseudo-terminal of a given size, driven the way a person types: wait for what the screen says,
/// then type. The process is a session leader with the terminal as its controlling terminal, as in a real shell, so a
/// pager it starts reads the keys from it too.
final class ScriptedTerminal: @unchecked Sendable {
    private let master: Int32
    private let pid: pid_t
    private let lock = NSLock()
    private var received = Data()
    private var closed = false
    /// Where the next `expect` starts looking: what was on screen before the last answer is not looked at again.
    private var mark = 0

    init(_ arguments: [String], columns: Int, rows: Int, directory: URL, environment: [String: String]) throws {
        // Linux's pseudo-terminal multiplexer, unlocked and numbered by ioctl: posix_openpt, ptsname and these request
        // macros are not imported into Swift, so the requests are spelled as <asm-generic/ioctls.h> defines them.
        let TIOCSPTLCK: UInt = 0x4004_5431, TIOCGPTN: UInt = 0x8004_5430, POSIX_SPAWN_SETSID: Int32 = 0x80  // <spawn.h>, glibc
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, TIOCSPTLCK, &unlock) == 0, ioctl(master, TIOCGPTN, &number) == 0 else {
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        let slavePath = "/dev/pts/\(number)"
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // A new session first (the flag), then the terminal opened as its controlling terminal and made fds 0, 1, 2.
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        posix_spawn_file_actions_addclose(&actions, master)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSID))
        // The shell changes into the workspace and becomes pitboss (the spawn's own chdir is not imported either).
        let words = ["/bin/sh", "-c", #"cd "$1" && shift && exec "$@""#, "sh", directory.path, Pitboss.binary.path] + arguments
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, "/bin/sh", &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw POSIXError(.init(rawValue: spawned) ?? .EIO) }
        pid = child
        Thread.detachNewThread { [self] in readUntilClosed() }
    }

    private func readUntilClosed() {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(master, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }  // EIO once the child has closed the terminal
            lock.withLock { received.append(contentsOf: buffer[0..<count]) }
        }
        lock.withLock { closed = true }
    }

    /// Everything the terminal has shown, without colour and cursor codes, with its line ends as `\n`.
    var screenText: String { lock.withLock { Self.plain(received) } }

    static func plain(_ data: Data) -> String {
        let text = String(decoding: data, as: UTF8.self)
        // CSI sequences (colour, erase line, cursor keys) and the two-character ones less sends (ESC = / ESC >).
        let withoutCSI = text.replacingOccurrences(of: "\u{1B}\\[[0-9;?]*[ -/]*[@-~]", with: "", options: .regularExpression)
        return withoutCSI.replacingOccurrences(of: "\u{1B}[=>]", with: "", options: .regularExpression)
            .replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "")
    }

    /// Waits until `text` appears after the last answer typed; what arrived since then, or a failure after `seconds`.
    @discardableResult
    func expect(_ text: String, seconds: Double = 60, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        waitFor(text, seconds: seconds, sourceLocation: sourceLocation) { $0.contains(text) }
    }

    /// Waits until `text` has appeared and the program has printed its prompt after it (the screen ends in "> "), so
    /// that what is typed next is echoed after the prompt, as a person would see it. Typing as soon as `text` shows
    /// races the prompt: the echo of the answer lands before it and two prompts share a line.
    @discardableResult
    func expectPrompt(after text: String, seconds: Double = 60, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        waitFor(text, seconds: seconds, sourceLocation: sourceLocation) { shown in
            guard let found = shown.range(of: text) else { return false }
            return shown[found.upperBound...].hasSuffix("> ")
        }
    }

    private func waitFor(_ text: String, seconds: Double, sourceLocation: SourceLocation, until done: (String) -> Bool) -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let (shown, closed) = lock.withLock { (Self.plain(received.suffix(from: mark)), self.closed) }
            if done(shown) { return shown }
            if closed { break }
            usleep(20_000)
        }
        let shown = lock.withLock { Self.plain(received.suffix(from: mark)) }
        Issue.record("“\(text)” did not appear; the screen showed:\n\(shown.suffix(3000))", sourceLocation: sourceLocation)
        return shown
    }

    /// Types `keys` (a line needs its "\n"); the next `expect` looks only at what comes after.
    func type(_ keys: String) {
        lock.withLock { mark = received.count }
        var bytes = Array(keys.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            if written < 0 { if errno == EINTR { continue } else { return } }
            bytes = bytes.dropFirst(written)
        }
    }

    /// The exit status, once the process has ended (it is killed after `seconds`).
    func waitForExit(seconds: Double = 60) -> Int32 {
        let deadline = Date().addingTimeInterval(seconds)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                return -1
            }
            usleep(20_000)
        }
        return status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    deinit {
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == 0 {
            kill(pid, SIGKILL)
            _ = waitpid(pid, &status, 0)
        }
        close(master)
    }
}
