// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Pitboss",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "pitboss", targets: ["pitboss"]),
        .library(name: "PitbossKit", targets: ["PitbossKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"]), .brew(["pcre2"])]
        ),
        // PostgreSQL's reference client: synchronous like the rest of the library, and it reads postgres:// URIs, the
        // PG* environment variables and ~/.pgpass itself (see PostgresConnection).
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        .target(
            name: "PitbossKit",
            dependencies: [
                "CPCRE2",
                "CLibPQ",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "pitboss",
            dependencies: [
                "PitbossKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The queue's claims per second in one process (Benchmarks/postgres.sh): no process start per claim.
        .executableTarget(name: "claim-race", dependencies: ["PitbossKit"], path: "Benchmarks/ClaimRace"),
        // The throwaway PostgreSQL cluster that both test targets start (one per test process).
        .target(name: "PostgresTestSupport", path: "Tests/PostgresTestSupport"),
        .testTarget(name: "PitbossKitTests", dependencies: ["PitbossKit", "PostgresTestSupport"]),
        .testTarget(name: "pitbossTests", dependencies: ["PitbossKit", "PostgresTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
