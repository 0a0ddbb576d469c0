#!/bin/sh
# System packages some tests use: Chromium (the feedback report's browser test)
# and bubblewrap (the kernel sandbox). Installed with apt when we are root;
# otherwise the tests that need them skip and say why. Never fails the build.
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v bwrap >/dev/null 2>&1 || missing="$missing bubblewrap"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: not root or no apt-get; tests needing$missing will skip" >&2
    exit 0
fi
echo "system-deps: installing$missing (apt)" >&2
export DEBIAN_FRONTEND=noninteractive
{ apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing; } >/dev/null 2>&1 \
    || echo "system-deps: apt could not install$missing; the tests needing them will skip" >&2
exit 0
