// GENERATED from src/cloudinit/assets/*.sh by test/cloudinit/script-text.test.ts.
// Do not edit: edit the .sh file, then run
//   UPDATE_ASSETS=1 npx vitest run test/cloudinit/script-text.test.ts

/** virtwork-chaos-migration.sh */
export const CONTROLLER_SCRIPT: string = `#!/bin/bash
# virtwork chaos-migration controller.
#
# Forever: pick one random eligible virtwork VMI in the namespace, live-migrate
# it, follow that one migration to its end, record the result, then wait a
# random interval. Talks to the API only through kubectl (and virtctl for the
# virtctl trigger) with the kubeconfig in $KUBECONFIG.
#
# Settings come from the unit's environment and are overridden at run time by
# the config ConfigMap, re-read at least every 5 s (also while sleeping and
# while a migration runs). State and history go to the status ConfigMap,
# written only with merge patches (format: src/cloudinit/status-format.ts).
#
# Deliberately no \`set -e\`: an API error, an empty list or an outage must never
# end the loop; every call's result is checked where it is made.
set -uo pipefail

# ---- environment (the unit sets these; defaults match render's) ------------
NAMESPACE="\${MIGRATION_NAMESPACE:-virtwork}"
ENV_INTERVAL_MIN="\${MIGRATION_INTERVAL_MIN:-120}"
ENV_INTERVAL_MAX="\${MIGRATION_INTERVAL_MAX:-600}"
ENV_TIMEOUT="\${MIGRATION_TIMEOUT:-300}"
ENV_TARGET_LABELS="\${MIGRATION_TARGET_LABELS:-}"
ENV_EXCLUDE="\${MIGRATION_EXCLUDE_COMPONENTS:-}"
ENV_DRY_RUN="\${MIGRATION_DRY_RUN:-false}"
SELF_VM="\${MIGRATION_EXCLUDE_SELF:-virtwork-chaos-migration-0}"
TRIGGER="\${MIGRATION_TRIGGER:-virtctl}"
RUN_ID="\${MIGRATION_RUN_ID:-}"
CONFIG_MAP="\${MIGRATION_CONFIG_MAP:-virtwork-chaos-migration-config}"
STATUS_MAP="\${MIGRATION_STATUS_MAP:-virtwork-chaos-migration-status}"
TICK="\${MIGRATION_TICK:-3}"                # heartbeat + config re-read period (<= 5 with API latency)
POLL="\${MIGRATION_POLL:-2}"                # migration status poll period
BACKOFF="\${MIGRATION_BACKOFF:-300}"        # pause after 5 failed migrations in a row
SKIP_SECONDS="\${MIGRATION_SKIP:-1800}"     # how long a VMI that cannot migrate is left alone
KUBECTL="\${KUBECTL:-kubectl}"
VIRTCTL="\${VIRTCTL:-virtctl}"
export KUBECONFIG="\${KUBECONFIG:-/etc/virtwork/kubeconfig}"
# systemd gives system services no HOME; kubectl keeps its discovery cache there.
export HOME="\${HOME:-/root}"
export TZ=UTC

readonly MAX_RECORDS=200 FAILURES_BEFORE_BACKOFF=5 REQUEST_TIMEOUT=10 CALL_TIMEOUT=30
readonly LABEL_RUN_ID="virtwork/run-id" MIGRATION_PREFIX="virtwork-chaos-migration-"

# ---- effective settings and state -------------------------------------------
INTERVAL_MIN=120 INTERVAL_MAX=600 TIMEOUT=300 TARGET_LABELS="" EXCLUDE="" DRY_RUN=false PAUSED=false
CONFIG_RV="" BAD_LABELS="" INTERVALS_CHANGED=0
STARTING=1 NO_TARGETS=0 NEXT_AT=0 WAIT_FROM=0 BACKOFF_UNTIL=0 API_BACKOFF=0 API_DOWN=0 LAST_TICK=0
CUR_MIGRATION="" CUR_VMI="" STATUS_MISSING=0 ADOPT_PENDING=1
N_SUCCEEDED=0 N_FAILED=0 N_TIMEOUTS=0 N_SKIPPED=0 CONSEC_FAIL=0
RECORDS=() RECORDS_DIRTY=0
declare -A SKIP_UNTIL=() LAST_REASON=() CFG=()
INFLIGHT="" OWN_ACTIVE="" ELIGIBLE=() TRIG_NAME="" TRIG_UID="" TRIG_ERR=""
KC_OUT="" KC_ERR="" TMP=""

# ---- pure helpers (sourced by the tests) -------------------------------------

now_rfc3339() { printf '%(%Y-%m-%dT%H:%M:%SZ)T' "\${1:--1}"; }

# JSON string body of $1 (without the quotes).
json_escape() {
  local LC_ALL=C s=$1 out="" c i
  s=\${s//\\\\/\\\\\\\\}; s=\${s//\\"/\\\\\\"}; s=\${s//$'\\n'/\\\\n}; s=\${s//$'\\r'/\\\\r}; s=\${s//$'\\t'/\\\\t}
  if [[ $s == *[$'\\x01'-$'\\x1f']* ]]; then
    for ((i = 0; i < \${#s}; i++)); do
      c=\${s:i:1}
      if [[ $c == [$'\\x01'-$'\\x1f'] ]]; then printf -v c '\\\\u%04x' "'$c"; fi
      out+=$c
    done
    s=$out
  fi
  printf '%s' "$s"
}

# A log value: bare when it is one plain word, else JSON-quoted.
fmt_value() {
  if [[ -n $1 && $1 =~ ^[A-Za-z0-9._:/@%+,=()!-]+$ ]]; then printf '%s' "$1"; else printf '"%s"' "$(json_escape "$1")"; fi
}

# One line per event on stdout: \`<time> event=<name> key=value ...\`.
log_event() {
  local line name=$1 kv
  shift
  line="$(now_rfc3339) event=$name"
  for kv in "$@"; do line+=" \${kv%%=*}=$(fmt_value "\${kv#*=}")"; done
  printf '%s\\n' "$line"
}

# An error text as one line of at most 300 characters: kubectl's last line
# that is not klog noise (\`E1127 21:30:27.590656 ...\`), else the whole text.
one_line() {
  local line pick="" s
  while IFS= read -r line; do
    line=\${line//$'\\r'/}
    [[ -z \${line// /} || $line =~ ^[IWEF][0-9]{4}\\  ]] || pick=$line
  done <<<"$1"
  s=\${pick:-$1}
  s=\${s//$'\\r'/} s=\${s//$'\\n'/ }
  s=\${s#"\${s%%[![:space:]]*}"}
  printf '%s' "\${s:0:300}"
}

valid_seconds() { [[ $1 =~ ^[0-9]+$ ]] && ((\${#1} <= 6 && 10#$1 >= 1 && 10#$1 <= 604800)); }
valid_bool() { [[ $1 == true || $1 == false ]]; }
valid_components() { [[ -z $1 || $1 =~ ^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?(,[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)*$ ]]; }
# Characters a label selector can hold; the API server judges the syntax.
valid_selector_chars() { [[ $1 =~ ^[A-Za-z0-9._/=!(),\\ -]*$ ]]; }

# Uniform random integer in [min, max].
random_between() {
  local min=$1 max=$2 n
  if ((max <= min)); then printf '%s\\n' "$min"; return 0; fi
  if n=$(shuf -i "$min-$max" -n 1 2>/dev/null) && [[ $n =~ ^[0-9]+$ ]]; then printf '%s\\n' "$n"; return 0; fi
  printf '%s\\n' $((min + ((RANDOM << 15 | RANDOM) % (max - min + 1))))
}

# Reads discovery lines (name|phase|migratable|reason|component|node|target-node|vm|vm-uid|uid|deleting)
# and prints \`ok|name|node|vm|vm-uid|uid\` or \`no|name|reason\` for each.
# $1 self VM name, $2 excluded components (comma list), $3 VMIs with a migration
# in flight, $4 VMIs being skipped (newline lists), $5 "vm" when a VirtualMachine is required.
filter_targets() {
  local self=$1 exclude=",$2,chaos-migration," inflight=$'\\n'"$3"$'\\n' skipped=$'\\n'"$4"$'\\n' need_vm=\${5:-}
  local name phase mig reason comp node tnode vm vmuid uid deleting why
  while IFS='|' read -r name phase mig reason comp node tnode vm vmuid uid deleting; do
    [[ -n $name ]] || continue
    why=""
    if [[ $name == "$self" || $vm == "$self" ]]; then why="self"
    elif [[ $comp == chaos-migration ]]; then why="controller"
    elif [[ -n $comp && $exclude == *",$comp,"* ]]; then why="excluded-component:$comp"
    elif [[ -n $deleting ]]; then why="being-deleted"
    elif [[ $phase != Running ]]; then why="not-running:\${phase:-unknown}"
    elif [[ -n $tnode || $inflight == *$'\\n'"$name"$'\\n'* ]]; then why="migration-in-flight"
    elif [[ $skipped == *$'\\n'"$name"$'\\n'* ]]; then why="skipped-after-rejection"
    elif [[ $mig != True ]]; then why="not-live-migratable:\${reason:-\${mig:-no-condition}}"
    elif [[ $need_vm == vm && -z $vm ]]; then why="no-virtualmachine"
    fi
    if [[ -z $why ]]; then printf 'ok|%s|%s|%s|%s|%s\\n' "$name" "$node" "$vm" "$vmuid" "$uid"
    else printf 'no|%s|%s\\n' "$name" "$why"; fi
  done
}

# Sorts a failed trigger's message: rejected (admission: cannot migrate), busy
# (another migration in flight), not-running, not-found, forbidden or error.
classify_trigger_error() {
  local t=\${1,,}
  if [[ $t == *"in-flight migration detected"* ]]; then echo busy
  elif [[ $t == *"denied the request"* || $t == *"cannot migrate vmi"* ]]; then echo rejected
  elif [[ $t == *"is not running"* || $t == *"not running"* ]]; then echo not-running
  elif [[ $t == *forbidden* ]]; then echo forbidden
  elif [[ $t == *notfound* || $t == *"not found"* ]]; then echo not-found
  else echo error; fi
}

# One history record as a JSON object (the status \`records\` format).
make_record() { # vmi migration uid trigger-epoch result source target duration reason
  printf '{"vmi":"%s","migration":"%s","uid":"%s","trigger":"%s","result":"%s","source":"%s","target":"%s","duration":%d,"reason":"%s"}' \\
    "$(json_escape "$1")" "$(json_escape "$2")" "$(json_escape "$3")" "$(now_rfc3339 "$4")" "$5" \\
    "$(json_escape "$6")" "$(json_escape "$7")" "$8" "$(json_escape "$9")"
}

# The effective settings as one line (the status \`settings\` value).
settings_line() {
  local kv out=""
  for kv in "migration-interval-min=$INTERVAL_MIN" "migration-interval-max=$INTERVAL_MAX" "migration-timeout=$TIMEOUT" \\
    "migration-target-labels=$TARGET_LABELS" "migration-exclude-components=$EXCLUDE" "migration-dry-run=$DRY_RUN" \\
    "paused=$PAUSED" "trigger=$TRIGGER" "namespace=$NAMESPACE"; do
    out+="\${out:+ }\${kv%%=*}=$(fmt_value "\${kv#*=}")"
  done
  printf '%s' "$out"
}

to_epoch() { [[ -n $1 ]] && date -u -d "$1" +%s 2>/dev/null; }

# ---- API access ----------------------------------------------------------------

# Runs kubectl in the namespace; output in KC_OUT, errors in KC_ERR.
kc() {
  local rc
  KC_OUT=$(timeout "$CALL_TIMEOUT" "$KUBECTL" --request-timeout="\${REQUEST_TIMEOUT}s" -n "$NAMESPACE" "$@" 2>"$TMP/err")
  rc=$?
  KC_ERR=$(<"$TMP/err")
  ((rc == 124)) && KC_ERR="timed out after \${CALL_TIMEOUT}s: kubectl $1 \${2:-}"
  return "$rc"
}
not_found() { [[ $KC_ERR == *NotFound* || $KC_ERR == *"not found"* ]]; }

# Logs an API failure once per outage (and once a minute while it lasts).
api_failed() {
  if ((API_DOWN == 0 || EPOCHSECONDS - API_DOWN >= 60)); then
    log_event api-error "op=$1" "reason=$(one_line "$KC_ERR")"
    API_DOWN=$EPOCHSECONDS
  fi
}
api_ok() {
  if ((API_DOWN != 0)); then log_event api-recovered; API_DOWN=0; fi
  API_BACKOFF=0
}

vmim() { kc "$1" virtualmachineinstancemigrations.kubevirt.io "\${@:2}"; }
vmi() { kc "$1" virtualmachineinstances.kubevirt.io "\${@:2}"; }


# jsonpath of one discovery line per VMI (the input of filter_targets). The
# phase is filtered here, on the client: real API servers refuse field
# selectors on status.phase for KubeVirt kinds.
readonly VMI_FIELDS='{range .items[*]}{.metadata.name}|{.status.phase}|{.status.conditions[?(@.type=="LiveMigratable")].status}|{.status.conditions[?(@.type=="LiveMigratable")].reason}|{.metadata.labels.app\\.kubernetes\\.io/component}|{.status.nodeName}|{.metadata.labels.kubevirt\\.io/migrationTargetNodeName}|{.metadata.ownerReferences[?(@.kind=="VirtualMachine")].name}|{.metadata.ownerReferences[?(@.kind=="VirtualMachine")].uid}|{.metadata.uid}|{.metadata.deletionTimestamp}{"\\n"}{end}'
readonly VMIM_FIELDS='{range .items[*]}{.metadata.name}|{.metadata.uid}|{.spec.vmiName}|{.status.phase}|{.metadata.labels.virtwork/run-id}|{.metadata.creationTimestamp}|{.metadata.deletionTimestamp}|{.status.migrationState.sourceNode}|{.status.migrationState.targetNode}|{.status.migrationState.endTimestamp}|{.status.migrationState.failureReason}{"\\n"}{end}'
# The config ConfigMap as resourceVersion, then key=value per present key (a
# go-template, unlike jsonpath, tells an absent key from an empty value).
# shellcheck disable=SC2016 # a go-template, not shell
readonly CONFIG_TEMPLATE='{{.metadata.resourceVersion}}{{range $k, $v := .data}}{{"\\x1e"}}{{$k}}={{$v}}{{end}}'
readonly STATUS_FIELDS='{.data.run-id}{"\\x1f"}{.data.succeeded}{"\\x1f"}{.data.failed}{"\\x1f"}{.data.timeouts}{"\\x1f"}{.data.skipped}{"\\x1f"}{.data.consecutive-failures}{"\\x1f"}{.data.next-migration}{"\\x1f"}{.data.records}{"\\x1f"}'

labels_json() {
  printf '{"app.kubernetes.io/name":"virtwork-chaos-migration","app.kubernetes.io/managed-by":"virtwork","app.kubernetes.io/component":"chaos-migration","%s":"%s"}' \\
    "$LABEL_RUN_ID" "$(json_escape "$RUN_ID")"
}

# ---- settings ---------------------------------------------------------------------

config_invalid() { log_event config-invalid "source=$1" "key=$2" "value=$3" "reason=\${4:-invalid value, ignored}"; }

# Checks the unit's environment once; a bad value falls back to the built-in default.
init_settings() {
  valid_seconds "$ENV_INTERVAL_MIN" || { config_invalid environment migration-interval-min "$ENV_INTERVAL_MIN"; ENV_INTERVAL_MIN=120; }
  valid_seconds "$ENV_INTERVAL_MAX" || { config_invalid environment migration-interval-max "$ENV_INTERVAL_MAX"; ENV_INTERVAL_MAX=600; }
  valid_seconds "$ENV_TIMEOUT" || { config_invalid environment migration-timeout "$ENV_TIMEOUT"; ENV_TIMEOUT=300; }
  if ((10#$ENV_INTERVAL_MIN > 10#$ENV_INTERVAL_MAX)); then
    config_invalid environment migration-interval-min "$ENV_INTERVAL_MIN" "greater than migration-interval-max ($ENV_INTERVAL_MAX)"
    ENV_INTERVAL_MIN=120 ENV_INTERVAL_MAX=600
  fi
  valid_selector_chars "$ENV_TARGET_LABELS" || { config_invalid environment migration-target-labels "$ENV_TARGET_LABELS"; ENV_TARGET_LABELS=""; }
  ENV_EXCLUDE=\${ENV_EXCLUDE// /}
  valid_components "$ENV_EXCLUDE" || { config_invalid environment migration-exclude-components "$ENV_EXCLUDE"; ENV_EXCLUDE=""; }
  ENV_DRY_RUN=\${ENV_DRY_RUN,,}
  valid_bool "$ENV_DRY_RUN" || { config_invalid environment migration-dry-run "$ENV_DRY_RUN"; ENV_DRY_RUN=false; }
  [[ $TRIGGER == virtctl || $TRIGGER == vmim ]] || { config_invalid environment trigger "$TRIGGER"; TRIGGER=virtctl; }
  [[ $RUN_ID =~ ^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$ && \${#RUN_ID} -le 63 ]] || { config_invalid environment run-id "$RUN_ID"; RUN_ID="unset"; }
  [[ $TICK =~ ^[1-5]$ ]] || TICK=3
  valid_seconds "$POLL" || POLL=2
  valid_seconds "$BACKOFF" || BACKOFF=300
  valid_seconds "$SKIP_SECONDS" || SKIP_SECONDS=1800
  apply_config none
}

# Applies the config ConfigMap's values (in CFG) over the environment's: a
# valid value wins, an invalid one is logged and ignored, an absent key keeps
# the unit's value. $1 is its resourceVersion ("none": no ConfigMap).
apply_config() {
  local rv=$1 min=\${CFG[migration-interval-min]:-} max=\${CFG[migration-interval-max]:-} tmo=\${CFG[migration-timeout]:-}
  local labels=\${CFG[migration-target-labels]-$ENV_TARGET_LABELS} excl=\${CFG[migration-exclude-components]-$ENV_EXCLUDE}
  local dry=\${CFG[migration-dry-run]:-} paused=\${CFG[paused]:-} before old_paused=$PAUSED
  excl=\${excl// /} dry=\${dry,,} paused=\${paused,,}
  before="$INTERVAL_MIN $INTERVAL_MAX"
  local old_line; old_line=$(settings_line)
  if [[ -n $min ]] && ! valid_seconds "$min"; then config_invalid configmap migration-interval-min "$min"; min=""; fi
  if [[ -n $max ]] && ! valid_seconds "$max"; then config_invalid configmap migration-interval-max "$max"; max=""; fi
  if [[ -n $tmo ]] && ! valid_seconds "$tmo"; then config_invalid configmap migration-timeout "$tmo"; tmo=""; fi
  min=\${min:-$ENV_INTERVAL_MIN} max=\${max:-$ENV_INTERVAL_MAX}
  if ((10#$min > 10#$max)); then
    config_invalid configmap migration-interval-min "$min" "greater than migration-interval-max ($max); both ignored"
    min=$ENV_INTERVAL_MIN max=$ENV_INTERVAL_MAX
  fi
  if ! valid_selector_chars "$labels" || [[ -n $labels && $labels == "$BAD_LABELS" ]]; then
    [[ $labels == "$BAD_LABELS" ]] || config_invalid configmap migration-target-labels "$labels"
    labels=$ENV_TARGET_LABELS
  fi
  valid_components "$excl" || { config_invalid configmap migration-exclude-components "$excl"; excl=$ENV_EXCLUDE; }
  if [[ -n $dry ]] && ! valid_bool "$dry"; then config_invalid configmap migration-dry-run "$dry"; dry=""; fi
  if [[ -n $paused ]] && ! valid_bool "$paused"; then config_invalid configmap paused "$paused"; paused=""; fi
  INTERVAL_MIN=$((10#$min)) INTERVAL_MAX=$((10#$max)) TIMEOUT=$((10#\${tmo:-$ENV_TIMEOUT}))
  TARGET_LABELS=$labels EXCLUDE=$excl DRY_RUN=\${dry:-$ENV_DRY_RUN} PAUSED=\${paused:-false} CONFIG_RV=$rv
  [[ "$INTERVAL_MIN $INTERVAL_MAX" == "$before" ]] || INTERVALS_CHANGED=1
  if [[ (STARTING -eq 0 || $rv != none) && $(settings_line) != "$old_line" ]]; then log_event config-applied "resource-version=\${rv#none}" "settings=$(settings_line)"; fi
  if [[ $PAUSED != "$old_paused" ]]; then
    if [[ $PAUSED == true ]]; then log_event paused "resource-version=\${rv#none}"; else log_event resumed "resource-version=\${rv#none}"; fi
  fi
}

# Re-reads the config ConfigMap and applies it when its resourceVersion moved.
read_config() {
  local parts p
  if ! kc get configmap "$CONFIG_MAP" -o "go-template=$CONFIG_TEMPLATE"; then
    if not_found; then
      if [[ $CONFIG_RV != none ]]; then
        log_event config-missing "configmap=$CONFIG_MAP" "reason=using the unit's settings"
        CFG=()
        apply_config none
      fi
      return 0
    fi
    api_failed read-config
    return 1
  fi
  api_ok
  IFS=$'\\x1e' read -r -d '' -a parts <<<"$KC_OUT"$'\\x1e'
  [[ \${parts[0]} == "$CONFIG_RV" ]] && return 0
  CFG=()
  for p in "\${parts[@]:1}"; do
    if [[ $p == *=* ]]; then CFG[\${p%%=*}]=\${p#*=}; fi
  done
  apply_config "\${parts[0]}"
}

# ---- status ConfigMap ---------------------------------------------------------------

compute_state() {
  if ((STARTING)); then echo starting
  elif [[ -n $CUR_MIGRATION ]]; then echo migrating
  elif [[ $PAUSED == true ]]; then echo paused
  elif ((BACKOFF_UNTIL > EPOCHSECONDS)); then echo backing-off
  elif ((NO_TARGETS)); then echo no-targets
  elif [[ $DRY_RUN == true ]]; then echo dry-run
  else echo idle; fi
}

# Merge-patches the keys this script owns; records only when they changed.
write_status() {
  local state next="" body joined
  state=$(compute_state)
  if [[ $state != paused && $state != migrating && $state != starting ]] && ((NEXT_AT > 0)); then next=$(now_rfc3339 "$NEXT_AT"); fi
  body="{\\"data\\":{\\"heartbeat\\":\\"$(now_rfc3339)\\",\\"state\\":\\"$state\\",\\"next-migration\\":\\"$next\\""
  body+=",\\"current-migration\\":\\"$(json_escape "$CUR_MIGRATION")\\",\\"current-vmi\\":\\"$(json_escape "$CUR_VMI")\\""
  body+=",\\"succeeded\\":\\"$N_SUCCEEDED\\",\\"failed\\":\\"$N_FAILED\\",\\"timeouts\\":\\"$N_TIMEOUTS\\",\\"skipped\\":\\"$N_SKIPPED\\""
  body+=",\\"consecutive-failures\\":\\"$CONSEC_FAIL\\",\\"config-resource-version\\":\\"$(json_escape "\${CONFIG_RV#none}")\\""
  body+=",\\"settings\\":\\"$(json_escape "$(settings_line)")\\",\\"run-id\\":\\"$(json_escape "$RUN_ID")\\""
  if ((RECORDS_DIRTY)); then
    printf -v joined '%s\\n' "\${RECORDS[@]}"
    body+=",\\"records\\":\\"$(json_escape "\${joined%$'\\n'}")\\""
  fi
  printf '%s}}' "$body" >"$TMP/status.json"
  if kc patch configmap "$STATUS_MAP" --type merge --patch-file "$TMP/status.json"; then
    api_ok
    RECORDS_DIRTY=0 STATUS_MISSING=0
    return 0
  fi
  if not_found; then
    ((STATUS_MISSING)) || log_event status-missing "configmap=$STATUS_MAP" "reason=status and history are not saved until it exists"
    # When it is created again (an apply creates it empty), the first write
    # must carry the whole history, not only what changed since.
    STATUS_MISSING=1 RECORDS_DIRTY=1
    return 1
  fi
  api_failed write-status
  return 1
}

# Restores counters, records and the schedule of this run from the status
# ConfigMap so that a restart loses nothing. Retries until the API answers:
# writing before reading would wipe the history.
load_status() {
  local rid ok fail tmo skip consec next recs rest line delay=5 at
  until kc get configmap "$STATUS_MAP" -o "jsonpath=$STATUS_FIELDS"; do
    if not_found; then
      log_event status-missing "configmap=$STATUS_MAP" "reason=status and history are not saved until it exists"
      STATUS_MISSING=1
      return 0
    fi
    api_failed load-status
    sleep "$delay"
    ((delay < 60)) && delay=$((delay * 2))
  done
  api_ok
  IFS=$'\\x1f' read -r -d '' rid ok fail tmo skip consec next recs rest <<<"$KC_OUT"
  if [[ -n $rid && $rid != "$RUN_ID" ]]; then
    log_event status-reset "previous-run-id=$rid" "run-id=$RUN_ID"
    RECORDS_DIRTY=1
    return 0
  fi
  [[ $ok =~ ^[0-9]+$ ]] && N_SUCCEEDED=$ok
  [[ $fail =~ ^[0-9]+$ ]] && N_FAILED=$fail
  [[ $tmo =~ ^[0-9]+$ ]] && N_TIMEOUTS=$tmo
  [[ $skip =~ ^[0-9]+$ ]] && N_SKIPPED=$skip
  [[ $consec =~ ^[0-9]+$ ]] && CONSEC_FAIL=$consec
  while IFS= read -r line; do
    [[ $line == "{"*"}" ]] && RECORDS+=("$line")
  done <<<"$recs"
  ((\${#RECORDS[@]} > MAX_RECORDS)) && RECORDS=("\${RECORDS[@]: -MAX_RECORDS}")
  at=$(to_epoch "$next")
  if [[ -n $at ]] && ((at > EPOCHSECONDS)); then NEXT_AT=$at; fi
  log_event status-restored "succeeded=$N_SUCCEEDED" "failed=$N_FAILED" "timeouts=$N_TIMEOUTS" "records=\${#RECORDS[@]}"
}

add_record() {
  RECORDS+=("$(make_record "$@")")
  ((\${#RECORDS[@]} > MAX_RECORDS)) && RECORDS=("\${RECORDS[@]: -MAX_RECORDS}")
  RECORDS_DIRTY=1
}

record_known() {
  local r
  for r in "\${RECORDS[@]}"; do [[ $r == *"\\"uid\\":\\"$1\\""* ]] && return 0; done
  return 1
}

tick() { LAST_TICK=$EPOCHSECONDS; read_config; write_status; }
maybe_tick() { if ((EPOCHSECONDS - LAST_TICK >= TICK)); then tick; fi; }

# Sleeps until epoch $1 in slices of at most TICK seconds with heartbeats and
# config re-reads between them; a changed interval range re-draws the wait.
sleep_until() {
  local until=$1 left
  while ((EPOCHSECONDS < until)); do
    maybe_tick
    if ((INTERVALS_CHANGED)); then
      INTERVALS_CHANGED=0
      if ((WAIT_FROM > 0)); then
        until=$((WAIT_FROM + $(random_between "$INTERVAL_MIN" "$INTERVAL_MAX")))
        NEXT_AT=$until
        log_event next "reason=interval changed" "at=$(now_rfc3339 "$NEXT_AT")"
      fi
    fi
    left=$((until - EPOCHSECONDS))
    ((left > TICK)) && left=$TICK
    ((left > 0)) && sleep "$left"
  done
}

# ---- discovery ------------------------------------------------------------------

# INFLIGHT: VMIs with any non-final migration; OWN_ACTIVE: this run's
# non-final migrations as name|uid|vmi|created|deleting lines. The first
# time, also records this run's migrations that ended while the script was
# down (newer than its newest record), so that a restart loses nothing.
list_migrations() {
  local name uid target phase rid created deleting src dst end reason newest=0 at
  INFLIGHT="" OWN_ACTIVE=""
  vmim get -o "jsonpath=$VMIM_FIELDS" || { api_failed list-migrations; return 1; }
  if ((ADOPT_PENDING)) && ((\${#RECORDS[@]} > 0)); then
    newest=\${RECORDS[-1]#*\\"trigger\\":\\"} newest=$(to_epoch "\${newest%%\\"*}") || newest=0
  fi
  while IFS='|' read -r name uid target phase rid created deleting src dst end reason; do
    [[ -n $name ]] || continue
    if [[ $phase == Succeeded || $phase == Failed ]]; then
      if ((!ADOPT_PENDING)) || [[ $rid != "$RUN_ID" ]]; then continue; fi
      at=$(to_epoch "$created") || continue
      if ((at < \${newest:-0})) || record_known "$uid"; then continue; fi
      if [[ $phase == Succeeded ]]; then phase=succeeded reason=""; else phase=failed; fi
      end=$(to_epoch "$end") || end=$at
      log_event migration-adopted "migration=$name" "vmi=$target" "result=$phase"
      finish_migration "$target" "$name" "$uid" "$at" "$phase" "$src" "$dst" $((end - at)) "$(one_line "$reason")"
      continue
    fi
    INFLIGHT+="$target"$'\\n'
    [[ $rid == "$RUN_ID" ]] && OWN_ACTIVE+="$name|$uid|$target|$created|$deleting"$'\\n'
  done <<<"$KC_OUT"
  ADOPT_PENDING=0
  return 0
}

# ELIGIBLE: ok lines of filter_targets for the VMIs that managed-by=virtwork
# plus the extra selector select. Logs each VMI's eligibility when it changes.
# Returns 1 on an API error, 3 when the API refused the configured selector
# (that is a bad setting, not an outage: it is dropped and the round retried).
discover() {
  local selector="app.kubernetes.io/managed-by=virtwork" skipped="" name line kind reason need_vm=""
  [[ -n $TARGET_LABELS ]] && selector+=",$TARGET_LABELS"
  [[ $TRIGGER == virtctl ]] && need_vm=vm
  for name in "\${!SKIP_UNTIL[@]}"; do
    if ((SKIP_UNTIL[$name] > EPOCHSECONDS)); then skipped+="$name"$'\\n'; else unset 'SKIP_UNTIL[$name]'; fi
  done
  if ! vmi get -l "$selector" -o "jsonpath=$VMI_FIELDS"; then
    if [[ -n $TARGET_LABELS && $TARGET_LABELS != "$ENV_TARGET_LABELS" && \${KC_ERR,,} =~ (parse|selector|requirement) ]]; then
      config_invalid configmap migration-target-labels "$TARGET_LABELS" "$(one_line "$KC_ERR")"
      BAD_LABELS=$TARGET_LABELS TARGET_LABELS=$ENV_TARGET_LABELS
      return 3
    fi
    api_failed discover
    return 1
  fi
  ELIGIBLE=()
  while IFS= read -r line; do
    kind=\${line%%|*} line=\${line#*|} name=\${line%%|*}
    if [[ $kind == ok ]]; then ELIGIBLE+=("$line") reason=eligible; else reason=\${line#*|}; fi
    if [[ \${LAST_REASON[$name]:-} != "$reason" ]]; then
      log_event target "vmi=$name" "status=$reason"
      LAST_REASON[$name]=$reason
    fi
  done < <(filter_targets "$SELF_VM" "$EXCLUDE" "$INFLIGHT" "$skipped" "$need_vm" <<<"$KC_OUT")
  return 0
}

# ---- triggering and following one migration -----------------------------------------

# \`kubectl create\` validates on the client by default: it GETs the OpenAPI
# document first, and when the connection is reset it retries that GET (and
# then /openapi/v2) for ~25 s before it even tries the POST, holding up the
# loop. The server validates what we create anyway and these objects are
# generated here, so a create is one POST, which client-go does not retry.
readonly CREATE_FLAGS=(--validate=false)

# vmim trigger: create the migration ourselves, labelled with the run id.
trigger_vmim() {
  printf '{"apiVersion":"kubevirt.io/v1","kind":"VirtualMachineInstanceMigration","metadata":{"generateName":"%s","labels":%s},"spec":{"vmiName":"%s"}}' \\
    "$MIGRATION_PREFIX" "$(labels_json)" "$(json_escape "$1")" >"$TMP/vmim.json"
  if kc create "\${CREATE_FLAGS[@]}" -f "$TMP/vmim.json" -o 'jsonpath={.metadata.name}|{.metadata.uid}'; then
    TRIG_NAME=\${KC_OUT%%|*} TRIG_UID=\${KC_OUT#*|}
    return 0
  fi
  TRIG_ERR=$(one_line "$KC_ERR")
  return 1
}

# virtctl trigger: the migrate subresource answers 202 with no name, so ours is
# the new kubevirt-migrate-vm-* migration of this VMI whose uid was not there
# before; it then gets the run id label. Returns 2 when none shows up.
trigger_virtctl() { # vmi vm
  local vmi=$1 before=$'\\n' out name uid target found="" i
  vmim get -o 'jsonpath={range .items[*]}{.metadata.uid}|{.spec.vmiName}{"\\n"}{end}' || { TRIG_ERR=$(one_line "$KC_ERR"); return 1; }
  while IFS='|' read -r uid target; do [[ $target == "$vmi" ]] && before+="$uid"$'\\n'; done <<<"$KC_OUT"
  if ! out=$(timeout "$CALL_TIMEOUT" "$VIRTCTL" migrate "$2" -n "$NAMESPACE" 2>&1); then
    TRIG_ERR=$(one_line "$out")
    TRIG_ERR=\${TRIG_ERR:-virtctl migrate failed}
    return 1
  fi
  for ((i = 0; i < 15; i++)); do
    if vmim get -o 'jsonpath={range .items[*]}{.metadata.name}|{.metadata.uid}|{.spec.vmiName}{"\\n"}{end}'; then
      while IFS='|' read -r name uid target; do
        if [[ $target == "$vmi" && $name == kubevirt-migrate-vm-* && $before != *$'\\n'"$uid"$'\\n'* ]]; then found="$name|$uid"; fi
      done <<<"$KC_OUT"
      [[ -n $found ]] && break
    fi
    sleep 1
    maybe_tick
  done
  if [[ -z $found ]]; then
    TRIG_ERR="virtctl migrate was accepted but no new VirtualMachineInstanceMigration of $vmi appeared"
    return 2
  fi
  TRIG_NAME=\${found%%|*} TRIG_UID=\${found#*|}
  if ! vmim label "$TRIG_NAME" app.kubernetes.io/name=virtwork-chaos-migration app.kubernetes.io/managed-by=virtwork \\
    app.kubernetes.io/component=chaos-migration "$LABEL_RUN_ID=$RUN_ID" --overwrite; then
    log_event label-failed "migration=$TRIG_NAME" "reason=$(one_line "$KC_ERR")"
  fi
  return 0
}

# Why a migration that never ran may have failed (single node, limits).
phase_hint() {
  case \${1:-} in
    "" | Pending | Scheduling | Scheduled | PreparingTarget)
      printf '; the target pod never became ready: live migration needs a second schedulable node with room for the VM, and the cluster may be at its parallel-migration limit' ;;
  esac
}

# Normal/Warning Event on the VM (or the VMI when it has no VM), so that
# \`kubectl describe vm\` shows the chaos next to KubeVirt's own events.
emit_event() { # vm vm-uid vmi vmi-uid type reason message
  local kind=VirtualMachine name=$1 uid=$2 ts
  if [[ -z $name ]]; then kind=VirtualMachineInstance name=$3 uid=$4; fi
  ts=$(now_rfc3339)
  printf '{"apiVersion":"v1","kind":"Event","metadata":{"generateName":"%s.","labels":%s},"involvedObject":{"apiVersion":"kubevirt.io/v1","kind":"%s","name":"%s","namespace":"%s"%s},"type":"%s","reason":"%s","message":"%s","source":{"component":"virtwork-chaos-migration"},"firstTimestamp":"%s","lastTimestamp":"%s","count":1}' \\
    "$name" "$(labels_json)" "$kind" "$name" "$NAMESPACE" "\${uid:+,\\"uid\\":\\"$uid\\"}" "$5" "$6" "$(json_escape "$7")" "$ts" "$ts" >"$TMP/event.json"
  kc create "\${CREATE_FLAGS[@]}" -f "$TMP/event.json" -o name && return 0
  # The server refused it (\`Error from server ...\`): about this Event only. No
  # answer at all: the API is unreachable, logged as such (once per outage).
  if [[ $KC_ERR == *"Error from server"* ]]; then log_event event-failed "reason=$(one_line "$KC_ERR")"; else api_failed create-event; fi
  return 0
}

finish_migration() { # vmi migration uid trigger-epoch result source target duration reason vm vm-uid vmi-uid
  local type=Warning why=ChaosMigrationFailed msg
  add_record "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9"
  case $5 in
    succeeded) N_SUCCEEDED=$((N_SUCCEEDED + 1)) CONSEC_FAIL=0 type=Normal why=ChaosMigrationSucceeded ;;
    timeout) N_TIMEOUTS=$((N_TIMEOUTS + 1)) CONSEC_FAIL=$((CONSEC_FAIL + 1)) why=ChaosMigrationTimedOut ;;
    *) N_FAILED=$((N_FAILED + 1)) CONSEC_FAIL=$((CONSEC_FAIL + 1)) ;;
  esac
  CUR_MIGRATION="" CUR_VMI=""
  log_event migration "result=$5" "vmi=$1" "migration=$2" "from=$6" "to=$7" "duration=\${8}s" "reason=$9"
  msg="live migration $2 of $1 $5 after \${8}s\${6:+ from $6}\${7:+ to $7}\${9:+: $9} (virtwork chaos-migration run $RUN_ID)"
  [[ -n $2 ]] && emit_event "\${10:-}" "\${11:-}" "$1" "\${12:-}" "$type" "$why" "$msg"
  if [[ $5 != succeeded ]] && ((CONSEC_FAIL >= FAILURES_BEFORE_BACKOFF)); then
    BACKOFF_UNTIL=$((EPOCHSECONDS + BACKOFF))
    log_event backing-off "consecutive-failures=$CONSEC_FAIL" "until=$(now_rfc3339 "$BACKOFF_UNTIL")"
  fi
  write_status
}

# Follows one migration to Succeeded or Failed (a Failed one ends the wait at
# once) or to the timeout, which cancels it by deleting it as virtctl
# migrate-cancel does; then records the result with its nodes.
follow_migration() { # name uid vmi source trigger-epoch [vm vm-uid vmi-uid]
  local name=$1 uid=$2 vmi=$3 src=$4 trig=$5 deadline=$(($5 + TIMEOUT))
  local phase last="" result="" reason="" dst="" ended="" ruid s t fr end node muid dur seen
  CUR_MIGRATION=$name CUR_VMI=$vmi
  write_status
  while :; do
    maybe_tick
    seen=0
    if vmim get "$name" -o 'jsonpath={.metadata.uid}|{.status.phase}|{.status.migrationState.sourceNode}|{.status.migrationState.targetNode}|{.status.migrationState.failureReason}|{.status.migrationState.endTimestamp}'; then
      IFS='|' read -r ruid phase s t fr end <<<"$KC_OUT"
      seen=1
      src=\${s:-$src} dst=\${t:-$dst} reason=\${fr:-$reason} ended=\${end:-$ended}
      if [[ $ruid != "$uid" ]]; then result=failed reason="the migration object was replaced"; break; fi
      if [[ $phase != "$last" && -n $phase ]]; then log_event migration-phase "migration=$name" "vmi=$vmi" "phase=$phase"; fi
      case $phase in
        Succeeded) result=succeeded; break ;;
        Failed) result=failed; break ;;
      esac
      last=\${phase:-$last}
    elif not_found; then
      result=failed reason="the migration object was deleted before it finished"
      break
    else
      api_failed follow-migration
    fi
    # Past the deadline it cancels, but only with a fresh look at the migration:
    # during an outage it keeps waiting rather than call a result it cannot see.
    if ((seen && EPOCHSECONDS >= deadline)); then
      result=timeout reason="no result after \${TIMEOUT}s, cancelled (last phase \${last:-none})$(phase_hint "$last")"
      if vmim delete "$name" --wait=false; then log_event migration-cancel "migration=$name" "vmi=$vmi"
      else log_event migration-cancel-failed "migration=$name" "reason=$(one_line "$KC_ERR")"; fi
      break
    fi
    sleep "$POLL"
  done
  # Older KubeVirt keeps migrationState only on the VMI: match it by migrationUid.
  if [[ -z $src || -z $dst || -z $ended || ($result == failed && -z $reason) ]] &&
    vmi get "$vmi" -o 'jsonpath={.status.migrationState.migrationUid}|{.status.migrationState.sourceNode}|{.status.migrationState.targetNode}|{.status.migrationState.endTimestamp}|{.status.nodeName}|{.status.migrationState.failureReason}'; then
    IFS='|' read -r muid s t end node fr <<<"$KC_OUT"
    if [[ $muid == "$uid" ]]; then src=\${src:-$s} dst=\${dst:-$t} ended=\${ended:-$end} reason=\${reason:-$fr}; fi
    # After success the VMI runs on the target; otherwise it is still on the source.
    if [[ $result == succeeded ]]; then dst=\${dst:-$node}; else src=\${src:-$node}; fi
  fi
  if [[ $result == succeeded ]]; then reason=""
  elif [[ $result == failed && -z $reason ]]; then reason="failed after phase \${last:-none}$(phase_hint "$last")"; fi
  ended=$(to_epoch "$ended")
  if [[ $result == succeeded && -n $ended ]]; then dur=$((ended - trig)); else dur=$((EPOCHSECONDS - trig)); fi
  ((dur < 0)) && dur=0
  finish_migration "$vmi" "$name" "$uid" "$trig" "$result" "$src" "$dst" "$dur" "$(one_line "$reason")" "\${6:-}" "\${7:-}" "\${8:-}"
}

# One of our own migrations is still in flight (after a restart, or one we
# gave up on): never start another. Follow it if its result is not recorded,
# otherwise make sure it is being cancelled and wait for it to end.
own_active() {
  local name uid target created deleting trig
  IFS='|' read -r name uid target created deleting <<<"\${OWN_ACTIVE%%$'\\n'*}"
  if record_known "$uid"; then
    if [[ $CUR_MIGRATION != "$name" ]]; then log_event waiting-own-migration "migration=$name" "vmi=$target"; fi
    CUR_MIGRATION=$name CUR_VMI=$target
    [[ -n $deleting ]] || vmim delete "$name" --wait=false || api_failed cancel-migration
    return 3
  fi
  trig=$(to_epoch "$created")
  log_event migration-adopted "migration=$name" "vmi=$target"
  follow_migration "$name" "$uid" "$target" "" "\${trig:-$EPOCHSECONDS}"
  return 0
}

# ---- the loop -------------------------------------------------------------------

# One round. Returns 0 when a target was migrated (or would have been, in
# dry-run), 1 on an API error, 2 when nothing is eligible, 3 to look again soon.
round() {
  local pick name node vm vmuid uid trig rc kind
  list_migrations || return 1
  if [[ -n $OWN_ACTIVE ]]; then own_active; return; fi
  CUR_MIGRATION="" CUR_VMI=""
  discover || return
  if ((\${#ELIGIBLE[@]} == 0)); then
    ((NO_TARGETS)) || log_event no-targets "reason=no Running, live-migratable, non-excluded virtwork VMI without a migration in flight" "selector=app.kubernetes.io/managed-by=virtwork\${TARGET_LABELS:+,$TARGET_LABELS}"
    NO_TARGETS=1
    return 2
  fi
  NO_TARGETS=0
  pick=$(printf '%s\\n' "\${ELIGIBLE[@]}" | shuf -n 1) || pick=\${ELIGIBLE[0]}
  IFS='|' read -r name node vm vmuid uid <<<"$pick"
  maybe_tick
  if [[ $PAUSED == true ]]; then return 3; fi
  trig=$EPOCHSECONDS
  if [[ $DRY_RUN == true ]]; then
    N_SKIPPED=$((N_SKIPPED + 1))
    add_record "$name" "" "" "$trig" dry-run "$node" "" 0 "dry run: would migrate $name from $node"
    log_event dry-run "vmi=$name" "from=$node" "eligible=\${#ELIGIBLE[@]}"
    write_status
    return 0
  fi
  CUR_VMI=$name
  log_event migration-start "vmi=$name" "from=$node" "trigger=$TRIGGER" "eligible=\${#ELIGIBLE[@]}"
  if [[ $TRIGGER == vmim ]]; then trigger_vmim "$name"; else trigger_virtctl "$name" "$vm"; fi
  rc=$?
  if ((rc == 0)); then
    log_event migration-triggered "vmi=$name" "migration=$TRIG_NAME" "uid=$TRIG_UID"
    emit_event "$vm" "$vmuid" "$name" "$uid" Normal ChaosMigrationTriggered "virtwork chaos-migration started live migration $TRIG_NAME of $name from $node (run $RUN_ID)"
    follow_migration "$TRIG_NAME" "$TRIG_UID" "$name" "$node" "$trig" "$vm" "$vmuid" "$uid"
    return 0
  fi
  CUR_VMI=""
  if ((rc == 2)); then
    finish_migration "$name" "" "" "$trig" failed "$node" "" $((EPOCHSECONDS - trig)) "$TRIG_ERR"
    return 0
  fi
  kind=$(classify_trigger_error "$TRIG_ERR")
  case $kind in
    rejected) SKIP_UNTIL[$name]=$((EPOCHSECONDS + SKIP_SECONDS)) ;;
    busy | not-running | not-found) SKIP_UNTIL[$name]=$((EPOCHSECONDS + 60)) ;;
    forbidden)
      log_event trigger-error "vmi=$name" "kind=$kind" "reason=$TRIG_ERR" "hint=the Role virtwork-chaos-migration must allow the $TRIGGER trigger (see render's Role)"
      return 1 ;;
    *)
      log_event trigger-error "vmi=$name" "kind=$kind" "reason=$TRIG_ERR"
      return 1 ;;
  esac
  N_SKIPPED=$((N_SKIPPED + 1))
  add_record "$name" "" "" "$trig" rejected "$node" "" 0 "$TRIG_ERR"
  log_event migration-rejected "vmi=$name" "kind=$kind" "skip-until=$(now_rfc3339 "\${SKIP_UNTIL[$name]}")" "reason=$TRIG_ERR"
  write_status
  return 3
}

schedule_next() {
  local wait
  wait=$(random_between "$INTERVAL_MIN" "$INTERVAL_MAX")
  WAIT_FROM=$EPOCHSECONDS NEXT_AT=$((EPOCHSECONDS + wait)) INTERVALS_CHANGED=0
  log_event next "wait=\${wait}s" "at=$(now_rfc3339 "$NEXT_AT")"
}

check_tools() {
  command -v "$KUBECTL" >/dev/null || log_event error "reason=$KUBECTL not found: the cloud-init download may have failed (journalctl -u cloud-final)"
  if [[ $TRIGGER == virtctl ]] && ! command -v "$VIRTCTL" >/dev/null; then
    log_event error "reason=$VIRTCTL not found: the cloud-init download may have failed; --trigger vmim needs no virtctl"
  fi
  [[ -r $KUBECONFIG ]] || log_event error "reason=kubeconfig $KUBECONFIG is missing or unreadable"
}

on_exit() {
  log_event stopping
  [[ -n $TMP ]] && rm -rf "$TMP"
}

main() {
  local rc
  TMP=$(mktemp -d "\${TMPDIR:-/tmp}/virtwork-chaos-migration.XXXXXX") || { echo "cannot create a temporary directory" >&2; exit 1; }
  # Only an EXIT trap: SIGTERM (systemctl stop) keeps its default action and
  # bash still runs this; a TERM trap can break a command substitution mid-parse.
  trap on_exit EXIT
  init_settings
  log_event starting "namespace=$NAMESPACE" "run-id=$RUN_ID" "trigger=$TRIGGER" "self=$SELF_VM" "kubeconfig=$KUBECONFIG" "settings=$(settings_line)"
  check_tools
  load_status
  read_config
  ((NEXT_AT > EPOCHSECONDS)) || schedule_next
  STARTING=0
  tick
  while :; do
    sleep_until "$NEXT_AT"
    WAIT_FROM=0
    read_config
    if [[ $PAUSED == true ]]; then
      NEXT_AT=$((EPOCHSECONDS + TICK))
      continue
    fi
    if ((BACKOFF_UNTIL > EPOCHSECONDS)); then
      NEXT_AT=$BACKOFF_UNTIL
      continue
    fi
    round
    rc=$?
    case $rc in
      0) API_BACKOFF=0; schedule_next ;;
      1)
        API_BACKOFF=$((API_BACKOFF == 0 ? 5 : API_BACKOFF * 2))
        ((API_BACKOFF > 60)) && API_BACKOFF=60
        NEXT_AT=$((EPOCHSECONDS + API_BACKOFF))
        log_event backoff "wait=\${API_BACKOFF}s" ;;
      2) API_BACKOFF=0; NEXT_AT=$((EPOCHSECONDS + (INTERVAL_MAX < 60 ? INTERVAL_MAX : 60))) ;;
      *) NEXT_AT=$((EPOCHSECONDS + TICK)) ;;
    esac
    write_status
  done
}

if [[ "\${BASH_SOURCE[0]}" == "$0" ]]; then main "$@"; fi
`;

/** virtwork-chaos-migration-kubeconfig.sh */
export const KUBECONFIG_SCRIPT: string = `#!/bin/bash
# Boot step of the chaos-migration controller (the unit's ExecStartPre): writes
# the kubeconfig the controller uses, from the ServiceAccount token Secret that
# the VM gets as a disk (files \`token\` and \`ca.crt\`) and the API server address.
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

TOKEN_DIR="\${VIRTWORK_TOKEN_DIR:-/run/virtwork-chaos-migration/token}"
TOKEN_LABEL="\${VIRTWORK_TOKEN_LABEL:-vwtoken}"
TOKEN_WAIT="\${VIRTWORK_TOKEN_WAIT:-120}"
API_SERVER="\${VIRTWORK_API_SERVER:-https://kubernetes.default.svc}"
OUT="\${KUBECONFIG:-/etc/virtwork/kubeconfig}"
NAMESPACE="\${MIGRATION_NAMESPACE:-}"

say() { printf '%s event=%s\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
fail() { say "kubeconfig-error reason=\\"$*\\""; exit 1; }

# KubeVirt presents a Secret volume as an ISO disk with the given label; the
# disk serial is a second way to find it if udev did not create the label link.
find_token_disk() {
  local dev
  for dev in "/dev/disk/by-label/$TOKEN_LABEL" "/dev/disk/by-label/\${TOKEN_LABEL^^}" "/dev/disk/by-id/virtio-$TOKEN_LABEL"; do
    if [[ -b $dev ]]; then printf '%s\\n' "$dev"; return 0; fi
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
[[ $API_SERVER =~ ^https?://[^[:space:]\\"]+$ ]] || fail "VIRTWORK_API_SERVER ($API_SERVER) must be an http:// or https:// URL"
if [[ -z $NAMESPACE && -s $TOKEN_DIR/namespace ]]; then NAMESPACE=$(<"$TOKEN_DIR/namespace"); fi
NAMESPACE=\${NAMESPACE:-default}

ca_line=""
if [[ $API_SERVER == https://* ]]; then
  [[ -s $TOKEN_DIR/ca.crt ]] || fail "$TOKEN_DIR/ca.crt is missing: cannot verify $API_SERVER"
  ca_line="    certificate-authority-data: $(base64 -w0 <"$TOKEN_DIR/ca.crt")"
fi

mkdir -p "$(dirname "$OUT")"
tmp=$(mktemp "$OUT.XXXXXX")
trap 'rm -f "$tmp"' EXIT
{
  printf 'apiVersion: v1\\nkind: Config\\nclusters:\\n- name: cluster\\n  cluster:\\n    server: "%s"\\n' "$API_SERVER"
  [[ -z $ca_line ]] || printf '%s\\n' "$ca_line"
  printf 'users:\\n- name: virtwork-chaos-migration\\n  user:\\n    token: "%s"\\n' "$token"
  printf 'contexts:\\n- name: virtwork-chaos-migration\\n  context:\\n    cluster: cluster\\n    user: virtwork-chaos-migration\\n    namespace: "%s"\\n' "$NAMESPACE"
  printf 'current-context: virtwork-chaos-migration\\n'
} >"$tmp"
chmod 0600 "$tmp"
mv -f "$tmp" "$OUT"
trap - EXIT
say "kubeconfig-written path=$OUT server=$API_SERVER namespace=$NAMESPACE"
`;

/** virtwork-chaos-migration-fetch.sh */
export const FETCH_SCRIPT: string = `#!/bin/bash
# Installs one pinned client binary (kubectl or virtctl) for this VM's
# architecture; run by cloud-init's runcmd before the controller starts.
#   usage: virtwork-chaos-migration-fetch.sh NAME URL
# \`{arch}\` in URL becomes amd64, arm64 or s390x; a .tar.gz/.tgz (OpenShift's
# virtctl download) is unpacked and NAME taken from it. The binary is checked
# (non-empty, executable, \`NAME version --client\` runs) before it replaces
# anything in VIRTWORK_BIN_DIR (default /usr/local/bin).
set -euo pipefail

name=\${1:?usage: $0 NAME URL}
url_template=\${2:?usage: $0 NAME URL}
bin_dir=\${VIRTWORK_BIN_DIR:-/usr/local/bin}

say() { printf '%s event=%s\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
fail() { say "fetch-error tool=$name reason=\\"$*\\""; exit 1; }

[[ $name =~ ^[a-z][a-z0-9-]*$ ]] || fail "bad tool name"
case "$(uname -m)" in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  s390x) arch=s390x ;;
  *) fail "unsupported architecture $(uname -m)" ;;
esac
url=\${url_template//\\{arch\\}/$arch}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Retries cover the network coming up late on first boot.
curl --fail --silent --show-error --location --retry 10 --retry-delay 5 --retry-all-errors \\
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
out=$("$bin" version --client 2>&1) || fail "$url is not a working $name for $arch: \${out:0:200}"
version=\${out%%$'\\n'*}
install -m 0755 "$bin" "$bin_dir/$name"
say "fetched tool=$name arch=$arch path=$bin_dir/$name version=\\"$version\\""
`;
