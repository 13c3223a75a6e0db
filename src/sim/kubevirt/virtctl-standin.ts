// The simulator's stand-in for virtctl inside the controller VM: `virtctl
// migrate VM [-n NS]` makes the request real virtctl makes (PUT on the
// migrate subresource, with the caller's kubeconfig) and prints what real
// virtctl prints; `virtctl version` reports client and server. Nothing else
// of virtctl is needed by the controller.

export const VIRTCTL_STANDIN = `#!/usr/bin/env bash
# virtctl stand-in of the virtwork-chaos-tui simulator (not the real virtctl).
set -uo pipefail
cmd=\${1:-}
[ $# -gt 0 ] && shift
ns=$(kubectl config view --minify -o 'jsonpath={..namespace}' 2>/dev/null)
ns=\${ns:-default}
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -n|--namespace) ns=$2; shift 2 ;;
    --namespace=*) ns=\${1#*=}; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
case "$cmd" in
  migrate)
    vm=\${args[0]:-}
    if [ -z "$vm" ]; then echo 'Error: accepts 1 arg(s), received 0' >&2; exit 1; fi
    body='{"kind":"MigrateOptions","apiVersion":"subresources.kubevirt.io/v1"}'
    if out=$(printf '%s' "$body" | kubectl replace --raw "/apis/subresources.kubevirt.io/v1/namespaces/$ns/virtualmachines/$vm/migrate" -f - 2>&1); then
      echo "VM $vm was scheduled to migrate"
      exit 0
    fi
    msg=$(printf '%s\\n' "$out" | tail -n 1 | sed -E 's/^Error from server( \\([A-Za-z]+\\))?: //')
    echo "Error migrating VirtualMachine $msg" >&2
    exit 1
    ;;
  version)
    echo 'Client Version: version.Info{GitVersion:"simulator", GoVersion:"none", Platform:"linux/amd64"}'
    server=$(kubectl get --raw /apis/subresources.kubevirt.io/v1/version 2>&1) || { echo "error: $server" >&2; exit 1; }
    echo "Server Version: $server"
    ;;
  *)
    echo "virtctl (simulator stand-in): unsupported command '$cmd'" >&2
    exit 1
    ;;
esac
`;
