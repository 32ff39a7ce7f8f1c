#!/usr/bin/env bash
# Debian packages emobench uses: WordNet 3.0 for NLTK (offline) and Chromium for the HTML-report test.
set -u
pkgs=(wordnet-base wordnet-sense-index chromium chromium-driver)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "warning: not a Debian system; install WordNet 3.0 (or run nltk.download('wordnet')) and Chromium yourself" >&2
  exit 0
fi
sudo=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && sudo="sudo -n"
echo "installing: ${missing[*]}"
if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"; } >/tmp/emobench-apt.log 2>&1; then
  echo "warning: could not install ${missing[*]} (see /tmp/emobench-apt.log); run: apt-get install -y ${missing[*]}" >&2
fi
exit 0
