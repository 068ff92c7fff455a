// swift-tools-version:6.1
// A separate package so that the fuzzer's sanitizer flags never touch the main build.
//
// Build (see ../scripts/fuzz.sh):
//   swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
//       --scratch-path .build-fuzz
import PackageDescription

let package = Package(
    name: "GoTraceFuzz",
    dependencies: [
        .package(name: "gotrace", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "GoTraceFuzz",
            dependencies: [
                .product(name: "GoTrace", package: "gotrace"),
                .product(name: "GoTraceAnalysis", package: "gotrace"),
            ]
        ),
    ]
)
