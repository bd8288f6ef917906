#!/usr/bin/env bash
# The test command of README.md: installs what the tests need that Maven does not bring, then
# runs every test. On a fresh Debian machine with only JDK 17 that is Chromium and its driver,
# for the status page's browser test (which never skips itself: without them it fails).
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  echo "run-tests.sh: installing Debian's chromium and chromium-driver for the browser test" >&2
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || {
      echo "run-tests.sh: chromium and chromium-driver are missing; install them as root" \
        "(apt-get install chromium chromium-driver) or run this script as root" >&2
      exit 1
    }
    sudo=sudo
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
fi
exec ./mvnw -B verify "$@"
