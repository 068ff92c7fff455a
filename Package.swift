// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "gotrace",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "GoTrace", targets: ["GoTrace"]),
        .library(name: "GoTraceAnalysis", targets: ["GoTraceAnalysis"]),
        .executable(name: "gotrace", targets: ["gotrace"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // The parsing library: bytes in, Go's ordered event stream out. No package dependencies.
        .target(
            name: "GoTrace",
            // The reader's state lives in classes touched per event; exclusivity is upheld by
            // construction (single-threaded readers), so skip the dynamic checks in release.
            swiftSettings: strict + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // Everything go tool trace computes from the event stream: goroutine summaries, blocking
        // profiles (pprof), user tasks and regions, MMU, GC and timeline series.
        .target(
            name: "GoTraceAnalysis",
            dependencies: [
                "GoTrace",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            exclude: ["Profiles/profile.proto"],
            swiftSettings: strict + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // The web viewer: an HTTP server (Hummingbird) with JSON APIs over a loaded trace and the
        // web app (plain HTML/CSS/JS modules) compiled into the binary.
        .target(
            name: "GoTraceServer",
            dependencies: [
                "GoTrace",
                "GoTraceAnalysis",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            resources: [.embedInCode("Web")],
            swiftSettings: strict
        ),
        // The thin command-line front end.
        .executableTarget(
            name: "gotrace",
            dependencies: [
                "GoTrace",
                "GoTraceAnalysis",
                "GoTraceServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // Times the reader alone (stream or load), for the benchmark against Go's reader.
        .executableTarget(
            name: "ReaderBench",
            dependencies: ["GoTrace", "GoTraceAnalysis"],
            path: "Benchmarks/ReaderBench/Sources/ReaderBench",
            swiftSettings: strict
        ),
        .testTarget(
            name: "GoTraceTests",
            dependencies: ["GoTrace"],
            exclude: ["Vectors"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GoTraceServerTests",
            dependencies: [
                "GoTrace",
                "GoTraceAnalysis",
                "GoTraceServer",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GoTraceAnalysisTests",
            dependencies: ["GoTrace", "GoTraceAnalysis"],
            swiftSettings: strict
        ),
    ]
)
