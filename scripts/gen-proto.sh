#!/usr/bin/env bash
# Usage: scripts/gen-proto.sh
# Regenerates Sources/GoTraceAnalysis/Profiles/Generated/profile.pb.swift from profile.proto.
#
# Needs protoc (Debian: apt-get install -y protobuf-compiler) and protoc-gen-swift of the
# swift-protobuf version the package resolved to. Without PROTOC_GEN_SWIFT (path to the plugin) or a
# protoc-gen-swift on PATH, the plugin is built once from that swift-protobuf version in a
# throwaway package under ${TMPDIR:-/tmp}/gotrace-protoc-gen-swift (about 10 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=Sources/GoTraceAnalysis/Profiles

command -v protoc >/dev/null || { echo "gen-proto.sh: protoc not found (apt-get install -y protobuf-compiler)" >&2; exit 1; }

# The swift-protobuf the package resolved to (Package.resolved is not committed; 1.39.0 otherwise).
version=$(grep -A6 '"identity" : "swift-protobuf"' Package.resolved 2>/dev/null | sed -n 's/.*"version" : "\(.*\)".*/\1/p' || true)
version=${version:-1.39.0}

plugin=${PROTOC_GEN_SWIFT:-}
if [ -z "$plugin" ] && command -v protoc-gen-swift >/dev/null; then
  plugin=$(command -v protoc-gen-swift)
fi
if [ -z "$plugin" ]; then
  work="${TMPDIR:-/tmp}/gotrace-protoc-gen-swift"
  mkdir -p "$work/Sources/dummy"
  cat > "$work/Package.swift" <<SWIFT
// swift-tools-version:6.1
import PackageDescription
let package = Package(
    name: "protoc-gen-swift-builder",
    dependencies: [.package(url: "https://github.com/apple/swift-protobuf", exact: "$version")],
    targets: [.target(name: "dummy", dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")])]
)
SWIFT
  echo "" > "$work/Sources/dummy/dummy.swift"
  (cd "$work" && swift build -c release --product protoc-gen-swift >&2)
  plugin="$work/.build/release/protoc-gen-swift"
fi
echo "gen-proto.sh: $("$plugin" --version 2>/dev/null || echo "$plugin"), $(protoc --version)" >&2

mkdir -p "$dir/Generated"
protoc --plugin=protoc-gen-swift="$plugin" \
  --swift_opt=Visibility=Public \
  --proto_path="$dir" \
  --swift_out="$dir/Generated" \
  "$dir/profile.proto"
echo "wrote $dir/Generated/profile.pb.swift"
