#!/usr/bin/env bash
# Builds the LC probe (evidence only; CI does not run it):
#   bash tests/differential/lc_probe/build.sh   ->  target/ci-tools/lc_probe
# then: python tests/differential/protojson_diff.py --chatlint … --lc-probe target/ci-tools/lc_probe
set -euo pipefail
cd "$(dirname "$0")/../../.."
if ! pkg-config --exists protobuf; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libprotobuf-dev pkg-config g++
fi
mkdir -p target/ci-tools
g++ -O1 -std=c++17 tests/differential/lc_probe/lc_probe.cc -o target/ci-tools/lc_probe $(pkg-config --cflags --libs protobuf)
echo "built target/ci-tools/lc_probe against protobuf $(pkg-config --modversion protobuf)"
