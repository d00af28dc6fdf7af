#!/usr/bin/env bash
# The .deb, without root: builds it with CPack from BUILD_DIR, unpacks it (dpkg-deb -x) and runs
# the unpacked files: --version, an offline card, the man page and completions in their places.
# Usage: test_deb.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cpack --config "$build/CPackConfig.cmake" -B "$work/out" -G DEB >/dev/null
deb=$(ls "$work"/out/roundtable_*.deb)
dpkg-deb -f "$deb" Package | grep -qx roundtable
dpkg-deb -x "$deb" "$work/root"
bin="$work/root/usr/bin/roundtable"

"$bin" --version | grep -qx 'roundtable [0-9][0-9.]*'
for f in usr/share/man/man1/roundtable.1 \
         usr/share/bash-completion/completions/roundtable \
         usr/share/zsh/vendor-completions/_roundtable \
         usr/share/fish/vendor_completions.d/roundtable.fish; do
  test -s "$work/root/$f" || { echo "missing from the .deb: /$f" >&2; exit 1; }
done
bash -n "$work/root/usr/share/bash-completion/completions/roundtable"
env -u ANTHROPIC_API_KEY -u OPENAI_API_KEY -u GEMINI_API_KEY -u GOOGLE_API_KEY -u XAI_API_KEY \
  XDG_CACHE_HOME="$work/cache" XDG_CONFIG_HOME="$work/config" \
  "$bin" -f json "$source/examples/bearish-truck-recall.txt" >"$work/card.json"
grep -q 'roundtable.card/v1' "$work/card.json"
echo "package ok: $(basename "$deb"), $(stat -c %s "$deb") bytes"
