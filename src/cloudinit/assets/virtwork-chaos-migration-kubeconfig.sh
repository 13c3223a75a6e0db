#!/bin/bash
# Boot step of the chaos-migration controller (the unit's ExecStartPre): writes
# the kubeconfig the controller uses, from the ServiceAccount token Secret that
# the VM gets as a disk (files `token` and `ca.crt`) and the API server address.
#
# Every input is an environment variable with a default, so that the same
# script runs in the VM and, in tests, against a directory and another server:
#   VIRTWORK_TOKEN_DIR    where token and ca.crt are (mounted there if needed)
#   VIRTWORK_TOKEN_LABEL  volume label (and disk serial) of the token disk
#   VIRTWORK_TOKEN_WAIT   seconds to wait for that disk to appear
#   VIRTWORK_API_SERVER   API server URL as seen from the VM
#   KUBECONFIG            the file to write (mode 0600)
#   MIGRATION_NAMESPACE   the context's namespace
# It never prints the token. It exits non-zero on failure so that systemd
# retries (Restart=always) instead of starting a controller without credentials.
set -euo pipefail
umask 077

TOKEN_DIR="${VIRTWORK_TOKEN_DIR:-/run/virtwork-chaos-migration/token}"
TOKEN_LABEL="${VIRTWORK_TOKEN_LABEL:-vwtoken}"
TOKEN_WAIT="${VIRTWORK_TOKEN_WAIT:-120}"
API_SERVER="${VIRTWORK_API_SERVER:-https://kubernetes.default.svc}"
OUT="${KUBECONFIG:-/etc/virtwork/kubeconfig}"
NAMESPACE="${MIGRATION_NAMESPACE:-}"

say() { printf '%s event=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
fail() { say "kubeconfig-error reason=\"$*\""; exit 1; }

# KubeVirt presents a Secret volume as an ISO disk with the given label; the
# disk serial is a second way to find it if udev did not create the label link.
find_token_disk() {
  local dev
  for dev in "/dev/disk/by-label/$TOKEN_LABEL" "/dev/disk/by-label/${TOKEN_LABEL^^}" "/dev/disk/by-id/virtio-$TOKEN_LABEL"; do
    if [[ -b $dev ]]; then printf '%s\n' "$dev"; return 0; fi
  done
  return 1
}

if [[ ! -s $TOKEN_DIR/token ]]; then
  deadline=$((SECONDS + TOKEN_WAIT))
  until dev=$(find_token_disk); do
    ((SECONDS < deadline)) || fail "no token in $TOKEN_DIR and no disk labelled $TOKEN_LABEL"
    sleep 2
  done
  mkdir -p "$TOKEN_DIR"
  if ! mountpoint -q "$TOKEN_DIR"; then
    mount -o ro "$dev" "$TOKEN_DIR" || fail "cannot mount $dev on $TOKEN_DIR"
  fi
fi

[[ -s $TOKEN_DIR/token ]] || fail "the token disk has no token yet: the token controller fills the Secret after the ServiceAccount exists; restart the VM once it has (virtctl restart)"
token=$(<"$TOKEN_DIR/token")
# A ServiceAccount token is a JWT: base64url segments joined by dots.
[[ $token =~ ^[A-Za-z0-9._-]+$ ]] || fail "$TOKEN_DIR/token does not look like a ServiceAccount token"
[[ $API_SERVER =~ ^https?://[^[:space:]\"]+$ ]] || fail "VIRTWORK_API_SERVER ($API_SERVER) must be an http:// or https:// URL"
if [[ -z $NAMESPACE && -s $TOKEN_DIR/namespace ]]; then NAMESPACE=$(<"$TOKEN_DIR/namespace"); fi
NAMESPACE=${NAMESPACE:-default}

ca_line=""
if [[ $API_SERVER == https://* ]]; then
  [[ -s $TOKEN_DIR/ca.crt ]] || fail "$TOKEN_DIR/ca.crt is missing: cannot verify $API_SERVER"
  ca_line="    certificate-authority-data: $(base64 -w0 <"$TOKEN_DIR/ca.crt")"
fi

mkdir -p "$(dirname "$OUT")"
tmp=$(mktemp "$OUT.XXXXXX")
trap 'rm -f "$tmp"' EXIT
{
  printf 'apiVersion: v1\nkind: Config\nclusters:\n- name: cluster\n  cluster:\n    server: "%s"\n' "$API_SERVER"
  [[ -z $ca_line ]] || printf '%s\n' "$ca_line"
  printf 'users:\n- name: virtwork-chaos-migration\n  user:\n    token: "%s"\n' "$token"
  printf 'contexts:\n- name: virtwork-chaos-migration\n  context:\n    cluster: cluster\n    user: virtwork-chaos-migration\n    namespace: "%s"\n' "$NAMESPACE"
  printf 'current-context: virtwork-chaos-migration\n'
} >"$tmp"
chmod 0600 "$tmp"
mv -f "$tmp" "$OUT"
trap - EXIT
say "kubeconfig-written path=$OUT server=$API_SERVER namespace=$NAMESPACE"
