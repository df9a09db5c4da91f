#!/usr/bin/env bash
# lvsh import against the real kernel (issue 12): every director script of
# the corpus from the wild (test/fixtures/wild: sh/*.sh, ipvsadm/*) is run in
# a network namespace of its own, with dummy eth0/eth1 (and a pid and mount
# namespace: a script's `killall` or `service` reaches nothing of the lab;
# `sudo` is a plain prefix, as for root). A script that leaves rules in the
# kernel "runs on its own"; for each such script:
#   live: `lvsh import` of that director (what it built);
#   file: `lvsh import --from FILE`;
# each lvsh script is exported (`lvsh export --format ipvsadm`) and restored
# with the kernel's own `ipvsadm -R` into a fresh namespace, whose `ipvsadm
# -Sn` must be the script's. (Committing each import would prove lvsh's
# commit again, which the other scenarios do, at 5-10 s a commit under TCG.)
# A script that leaves no rule is recorded with its exit status and its first
# lines of stderr (an init script wanting arguments, a library it sources).
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_begin import

CORPUS=${LAB_WILD_CORPUS:-}
if [[ -z $CORPUS ]]; then
  for c in "$LAB_ROOT/test/fixtures/wild" "$LAB_ROOT/../shared/fixtures/wild"; do
    [[ -d $c/sh || -d $c/ipvsadm ]] && CORPUS=$c && break
  done
fi
if [[ -z $CORPUS ]]; then
  lab_end "$(jobj scenario "$(jstr import)" skipped "$(jstr "no corpus from the wild (test/fixtures/wild/README.md)")" ms "$(ms_since "$LAB_T0")")"
  exit 0
fi

SHIM=$(mktemp -d /run/lvsh-import-shim.XXXXXX)
printf '#!/bin/sh\nexec "$@"\n' >"$SHIM/sudo"
chmod +x "$SHIM/sudo"

# director NS: a fresh namespace with lo, and dummy eth0 and eth1 up.
director() {
  lab_ns "$1" || return 1
  printf '%s\n' "link add eth0 type dummy" "link set eth0 up" "link add eth1 type dummy" "link set eth1 up" | ip -n "$1" -b -
}

# save NS: the namespace's IPVS table, `ipvsadm -Sn`, lines sorted.
save() { ip netns exec "$1" ipvsadm -Sn 2>&1 | sort; }

# restore_into NS FILE: `lvsh export --format ipvsadm FILE` (a state directory of
# its own: the script alone), then `ipvsadm -R` of that in NS; prints {exit,
# stdout (the export), stderr, restore_exit, restore_stderr, ms}.
restore_into() {
  local ns=$1 file=$2 state t0 rc rrc
  state=$(mktemp -d /run/lvsh-import-state.XXXXXX)
  t0=$(now)
  timeout --kill-after=5 "$LAB_LVSH_TIMEOUT" env "LVSH_STATE_DIR=$state" \
    "$LAB_LVSH" --target local export --format ipvsadm "$file" >"$file.ipvsadm" 2>"$file.export.err" </dev/null
  rc=$?
  ip netns exec "$ns" ipvsadm -R <"$file.ipvsadm" 2>"$file.restore.err"
  rrc=$?
  jobj exit "$rc" stdout "$(jfile "$file.ipvsadm")" stderr "$(jfile "$file.export.err")" \
    restore_exit "$rrc" restore_stderr "$(jfile "$file.restore.err")" ms "$(ms_since "$t0")"
  log "lvsh export --format ipvsadm $(basename "$file") -> exit $rc, ipvsadm -R exit $rrc"
}

# import_to NS OUT ARG...: `lvsh import ARG...` on the director NS, its script to OUT;
# prints {exit, stderr, ms} (the script itself is in OUT, and in the results).
import_to() {
  local ns=$1 to=$2 t0 rc
  shift 2
  t0=$(now)
  timeout --kill-after=5 "$LAB_LVSH_TIMEOUT" ip netns exec "$ns" env "LVSH_STATE_DIR=$LVSH_STATE_DIR" \
    "$LAB_LVSH" --target local import "$@" >"$to" 2>"$to.err" </dev/null
  rc=$?
  jobj exit "$rc" stdout "$(jfile "$to")" stderr "$(jfile "$to.err")" ms "$(ms_since "$t0")"
  log "lvsh import $* -> exit $rc"
}

out=()
for f in "$CORPUS"/sh/*.sh "$CORPUS"/ipvsadm/*; do
  [[ -f $f ]] || continue
  id=${f#"$CORPUS"/}
  director imp-src || lab_fail "cannot make a namespace"
  t0=$(now)
  if [[ $id == ipvsadm/* ]]; then
    ip netns exec imp-src timeout -s KILL 10 ipvsadm -R <"$f" >"$LAB_DIR/run.out" 2>"$LAB_DIR/run.err"
  else
    # the timeout is the pid namespace's init: when it kills the script, the namespace ends and
    # every process in it. A script that loops on an argument it does not know is stopped by its
    # CPU limit (8 s of CPU); one that waits (a ping to nowhere) by the 60 s of wall time
    (cd "$(dirname "$f")" && PATH=$SHIM:$PATH ip netns exec imp-src \
      unshare --pid --fork --mount-proc timeout -s KILL 60 bash -c 'ulimit -t 8; exec bash "$1" start' _ "$f") \
      >"$LAB_DIR/run.out" 2>"$LAB_DIR/run.err" </dev/null
  fi
  rc=$?
  src=$(save imp-src)
  run=$(jobj exit "$rc" stderr "$(jstr "$(head -c 600 "$LAB_DIR/run.err")")" ms "$(ms_since "$t0")")
  if [[ -z $src ]]; then
    out+=("$(jobj id "$(jstr "$id")" run "$run" rules 0)")
    lab_ns_del imp-src
    log "$id: no rule of its own (exit $rc)"
    continue
  fi
  # live: lvsh import of the director the script built
  base=$LAB_DIR/${id//\//_}
  live=$(import_to imp-src "$base.live.lvsh")
  # file: lvsh import --from the script
  file=$(import_to imp-src "$base.file.lvsh" --from "$f")
  director imp-live && director imp-file || lab_fail "cannot make a namespace"
  rlive=$(restore_into imp-live "$base.live.lvsh")
  # the same statements (comments and notes aside) export the same rules: one export is enough
  if [[ $(grep -v '^#' "$base.live.lvsh" | grep -v '^$') == $(grep -v '^#' "$base.file.lvsh" | grep -v '^$') ]]; then
    same_text=true
    ip netns exec imp-live ipvsadm -Sn | ip netns exec imp-file ipvsadm -R
    rfile=$rlive
  else
    same_text=false
    rfile=$(restore_into imp-file "$base.file.lvsh")
  fi
  out+=("$(jobj id "$(jstr "$id")" run "$run" rules "$(wc -l <<<"$src")" src "$(jstr "$src")" \
    import_live "$live" import_file "$file" export_live "$rlive" export_file "$rfile" same_text "$same_text" \
    live "$(jstr "$(save imp-live)")" file "$(jstr "$(save imp-file)")")")
  lab_ns_del imp-src imp-live imp-file
done
rm -rf "$SHIM"
lab_end "$(jobj scenario "$(jstr import)" corpus "$(jstr "$CORPUS")" files "$(jarr "${out[@]}")" ms "$(ms_since "$LAB_T0")")"
