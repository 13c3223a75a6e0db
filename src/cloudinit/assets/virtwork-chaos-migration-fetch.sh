#!/bin/bash
# Installs one pinned client binary (kubectl or virtctl) for this VM's
# architecture; run by cloud-init's runcmd before the controller starts.
#   usage: virtwork-chaos-migration-fetch.sh NAME URL
# `{arch}` in URL becomes amd64, arm64 or s390x; a .tar.gz/.tgz (OpenShift's
# virtctl download) is unpacked and NAME taken from it. The binary is checked
# (non-empty, executable, `NAME version --client` runs) before it replaces
# anything in VIRTWORK_BIN_DIR (default /usr/local/bin).
set -euo pipefail

name=${1:?usage: $0 NAME URL}
url_template=${2:?usage: $0 NAME URL}
bin_dir=${VIRTWORK_BIN_DIR:-/usr/local/bin}

say() { printf '%s event=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
fail() { say "fetch-error tool=$name reason=\"$*\""; exit 1; }

[[ $name =~ ^[a-z][a-z0-9-]*$ ]] || fail "bad tool name"
case "$(uname -m)" in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  s390x) arch=s390x ;;
  *) fail "unsupported architecture $(uname -m)" ;;
esac
url=${url_template//\{arch\}/$arch}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Retries cover the network coming up late on first boot.
curl --fail --silent --show-error --location --retry 10 --retry-delay 5 --retry-all-errors \
  --connect-timeout 20 --max-time 600 --output "$work/download" "$url" || fail "download of $url failed"

bin="$work/download"
if [[ $url == *.tar.gz || $url == *.tgz ]]; then
  mkdir "$work/unpacked"
  tar -xzf "$work/download" -C "$work/unpacked" || fail "$url is not a readable .tar.gz"
  bin=$(find "$work/unpacked" -type f -name "$name" -print -quit)
  [[ -n $bin ]] || fail "$url holds no file named $name"
fi
[[ -s $bin ]] || fail "$url gave an empty file"
chmod 0755 "$bin"
out=$("$bin" version --client 2>&1) || fail "$url is not a working $name for $arch: ${out:0:200}"
version=${out%%$'\n'*}
install -m 0755 "$bin" "$bin_dir/$name"
say "fetched tool=$name arch=$arch path=$bin_dir/$name version=\"$version\""
