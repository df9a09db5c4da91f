#!/usr/bin/env bash
# lvsh real-kernel lab: boots Debian 12's stock kernel (linux-image-amd64,
# 6.1, which has IPVS) under QEMU and runs a script inside it, with this
# machine's / as the guest's root (read-only, under a tmpfs overlay).
#
#   lab.sh fetch                         unpack the kernel into the cache
#   lab.sh initramfs                     build the initramfs (if its inputs changed)
#   lab.sh run SCRIPT [RESULTS_DIR] [ARG...]
#                                        boot, run `bash SCRIPT ARG...` as root in the
#                                        guest (cwd: the project), power off; stdout,
#                                        stderr, exit, console.log and timing.json land in
#                                        RESULTS_DIR (default: a new temporary directory)
#   lab.sh clean                         remove the cache
#
# Environment:
#   LVSH_LAB_CACHE       cache directory (default test/kernel/.cache)
#   LVSH_LAB_KERNEL_PKG  kernel package (default linux-image-amd64)
#   LVSH_LAB_TIMEOUT     seconds before QEMU is killed (default 300); a guest
#                        script may also announce a budget of its own on the
#                        console (`lvsh-lab: budget SECONDS`, suite.sh does,
#                        calibrated on the machine), counted from then
#   LVSH_LAB_ACCEL       tcg (default) or kvm (a real KVM host; this machine's
#                        /dev/kvm is PVM and cannot run this kernel)
#   LVSH_LAB_SMP, LVSH_LAB_MEM   vCPUs (default 2) and MiB (default 1024)
#   LVSH_LAB_CPU         QEMU CPU model under TCG (default Westmere: no AVX to
#                        emulate; node starts ~40% faster than with `max`)
#   LVSH_LAB_MACHINE     QEMU machine type (default q35)
#   LVSH_LAB_VERBOSE=1   copy the guest console to stderr as it comes
#
# Exit status of `run`: the script's exit status; 124 if the timeout killed
# the VM; 125 if the lab itself failed (no kernel, QEMU error, no result).
set -euo pipefail
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
shopt -s nullglob

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROJECT=$(cd "$HERE/../.." && pwd)
CACHE=${LVSH_LAB_CACHE:-$HERE/.cache}
KERNEL_PKG=${LVSH_LAB_KERNEL_PKG:-linux-image-amd64}
# Bump when the initramfs layout changes in a way its inputs do not show.
INITRAMFS_FORMAT=1

log() { printf 'lab: %s\n' "$*" >&2; }
die() {
  printf 'lab: error: %s\n' "$*" >&2
  exit 125
}
now() { printf '%s' "${EPOCHREALTIME/,/.}"; }
# secs START END -> seconds with one decimal
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# Temporary paths and the QEMU process of this run, removed / ended on every
# exit path (normal exit, error, Ctrl-C, SIGTERM).
TMP_PATHS=()
QEMU_PID=""
cleanup() {
  if [[ -n $QEMU_PID ]] && kill -0 "$QEMU_PID" 2>/dev/null; then
    kill -TERM "$QEMU_PID" 2>/dev/null || :
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 "$QEMU_PID" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL "$QEMU_PID" 2>/dev/null || :
    wait "$QEMU_PID" 2>/dev/null || :
  fi
  if ((${#TMP_PATHS[@]})); then rm -rf -- "${TMP_PATHS[@]}"; fi
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

need() {
  local t
  for t in "$@"; do
    command -v "$t" >/dev/null 2>&1 || die "$t is not installed (test/kernel/ci-setup.sh installs what the lab needs)"
  done
}

# The cache's lock: exclusive (-x) to change it, shared (-s) while a VM
# reads it; flock on the same descriptor converts between the two.
LOCK_FD=""
lock_cache() {
  if [[ -z $LOCK_FD ]]; then
    mkdir -p "$CACHE"
    exec {LOCK_FD}>"$CACHE/.lock"
  fi
  flock "$1" "$LOCK_FD"
}

# --- fetch -------------------------------------------------------------------

# kernel.env in the cache: KVER, KDIR (relative to the cache), KIMAGE (the
# image QEMU boots, relative to KDIR), PKG (the package) and META (the
# package asked for: changing LVSH_LAB_KERNEL_PKG fetches again).
load_kernel_env() {
  KVER="" KDIR="" KIMAGE="" PKG="" META=""
  [[ -f $CACHE/kernel.env ]] || return 1
  # shellcheck source=/dev/null
  . "$CACHE/kernel.env"
  [[ -n $KVER && $META == "$KERNEL_PKG" && -s $CACHE/$KDIR/$KIMAGE && -s $CACHE/$KDIR/lib/modules/$KVER/modules.dep ]]
}

# The concrete package behind a meta-package (linux-image-amd64 -> linux-image-6.1.0-NN-amd64).
resolve_pkg() {
  local pkg=$1 dep
  dep=$(apt-cache depends "$pkg" 2>/dev/null | awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
  printf '%s' "${dep:-$pkg}"
}

# extract_vmlinux BZIMAGE OUT: the payload (offset and length from the setup
# header) decompressed. Booting it saves the kernel's own decompression
# (~3 s under TCG).
extract_vmlinux() {
  local bz=$1 out=$2 sects off len magic
  sects=$(od -An -t u1 -j $((0x1f1)) -N 1 "$bz" | tr -d ' ')
  off=$(od -An -t u4 -j $((0x248)) -N 4 "$bz" | tr -d ' ')
  len=$(od -An -t u4 -j $((0x24c)) -N 4 "$bz" | tr -d ' ')
  ((sects == 0)) && sects=4
  off=$(((sects + 1) * 512 + off))
  magic=$(od -An -t x1 -j "$off" -N 4 "$bz" | tr -d ' ')
  local dec
  case $magic in
    fd377a58) dec=(xz -dc --single-stream) ;;
    28b52ffd) dec=(zstd -dcq) ;;
    1f8b*) dec=(gzip -dc) ;;
    *) die "$bz: unknown kernel compression (magic $magic)" ;;
  esac
  tail -c +$((off + 1)) "$bz" | head -c "$len" | "${dec[@]}" >"$out" 2>/dev/null || :
  [[ $(od -An -c -N 4 "$out" | tr -d ' ') == 177ELF ]] || die "could not extract vmlinux from $bz"
}

cmd_fetch() {
  lock_cache -x
  if load_kernel_env; then
    [[ ${1:-} == quiet ]] || log "kernel $KVER: cached ($PKG)"
    return 0
  fi
  need apt-get apt-cache dpkg-deb depmod od xz
  local t0 pkg tmp deb kver
  t0=$(now)
  pkg=$(resolve_pkg "$KERNEL_PKG")
  if [[ $pkg == "$KERNEL_PKG" && $pkg == linux-image-amd64 ]]; then
    log "apt lists do not know $pkg yet: apt-get update"
    apt-get update -qq >&2 || die "apt-get update failed"
    pkg=$(resolve_pkg "$KERNEL_PKG")
  fi
  tmp=$(mktemp -d "$CACHE/fetch.XXXXXX")
  TMP_PATHS+=("$tmp")
  log "downloading $pkg"
  (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >&2) || die "apt-get download $pkg failed"
  deb=("$tmp"/*.deb)
  ((${#deb[@]} == 1)) || die "apt-get download $pkg gave no .deb"
  dpkg-deb -x "${deb[0]}" "$tmp/root"
  rm -f "${deb[@]}"
  local dirs=("$tmp"/root/lib/modules/*)
  ((${#dirs[@]} == 1)) || die "$pkg has no single /lib/modules/VERSION"
  kver=${dirs[0]##*/}
  local bz=("$tmp/root/boot/vmlinuz-$kver")
  [[ -f ${bz[0]} ]] || die "$pkg has no /boot/vmlinuz-$kver"
  local config=$tmp/root/boot/config-$kver image=boot/vmlinuz-$kver
  grep -q '^CONFIG_IP_VS=' "$config" || die "$kver has no IPVS"
  # QEMU boots an ELF vmlinux through its PVH entry (CONFIG_PVH); without it, the bzImage.
  if grep -q '^CONFIG_PVH=y' "$config"; then
    extract_vmlinux "${bz[0]}" "$tmp/root/vmlinux"
    image=vmlinux
  fi
  depmod -b "$tmp/root" "$kver"
  local dir="kernel-$kver" old
  rm -f "$CACHE/kernel.env"
  for old in "$CACHE"/kernel-*; do rm -rf "$old"; done
  mv "$tmp/root" "$CACHE/$dir"
  printf 'KVER=%q\nKDIR=%q\nKIMAGE=%q\nPKG=%q\nMETA=%q\n' "$kver" "$dir" "$image" "$pkg" "$KERNEL_PKG" >"$CACHE/kernel.env.new"
  mv "$CACHE/kernel.env.new" "$CACHE/kernel.env"
  log "kernel $kver: unpacked into $CACHE/$dir in $(secs "$t0" "$(now)") s"
}

# --- initramfs ---------------------------------------------------------------

# modules_list KROOT KVER: for each module of initramfs/modules.txt, `mod
# NAME`, preceded by `ko PATH [OPTIONS]` for it and each of its dependencies
# (once each, dependencies first); `skip NAME` for an optional one this kernel
# lacks.
modules_list() {
  local root=$1 kver=$2 line name seen=" " out verb path args
  while IFS= read -r line; do
    line=${line%%#*}
    line=${line//[[:space:]]/}
    [[ -n $line ]] || continue
    name=${line%\?}
    if ! out=$(modprobe --show-depends -d "$root" -S "$kver" "$name" 2>&1); then
      [[ $line == *\? ]] || die "module $name: $out"
      printf 'skip %s\n' "$name"
      continue
    fi
    while read -r verb path args; do
      [[ $verb == insmod ]] || continue
      path=${path#"$root"}
      [[ $seen == *" $path "* ]] && continue
      seen+="$path "
      printf 'ko %s %s\n' "$path" "$args"
    done <<<"$out"
    printf 'mod %s\n' "$name"
  done <"$HERE/initramfs/modules.txt"
}

# initramfs_path: sets INITRAMFS (named after the hash of every input) and
# MODULES_LIST; true if that file is already built. Needs load_kernel_env.
initramfs_path() {
  need modprobe sha256sum
  local busybox kroot hash
  busybox=$(command -v busybox) || die "busybox is not installed (busybox-static)"
  file_is_static "$busybox" || die "$busybox is not static (install busybox-static)"
  BUSYBOX=$busybox
  kroot=$CACHE/$KDIR
  MODULES_LIST=$(modules_list "$kroot" "$KVER")
  hash=$( {
    printf 'format %s kernel %s\n%s\n' "$INITRAMFS_FORMAT" "$KVER" "$MODULES_LIST"
    declare -f cmd_initramfs modules_list
    cat "$busybox" "$HERE/initramfs/init" "$HERE/initramfs/stage2"
    (cd "$kroot" && awk '$1 == "ko" { print substr($2, 2) }' <<<"$MODULES_LIST" | xargs cat)
  } | sha256sum | cut -c1-16)
  INITRAMFS=$CACHE/initramfs-$KVER-$hash.cpio
  [[ -s $INITRAMFS ]]
}

cmd_initramfs() {
  cmd_fetch quiet
  if initramfs_path; then
    log "initramfs: cached ($(basename "$INITRAMFS"))"
    return 0
  fi
  need cpio
  local t0 tmp a old kroot=$CACHE/$KDIR
  t0=$(now)
  tmp=$(mktemp -d "$CACHE/initramfs.XXXXXX")
  TMP_PATHS+=("$tmp")
  mkdir -p "$tmp"/{bin,sbin,dev,proc,sys,lab}
  ln -s ../bin/busybox "$tmp/sbin/modprobe" # the kernel's request_module runs /sbin/modprobe
  cp "$BUSYBOX" "$tmp/bin/busybox"
  for a in sh mount modprobe mkdir cp ln echo sleep switch_root; do ln -s busybox "$tmp/bin/$a"; done
  install -m 0755 "$HERE/initramfs/init" "$tmp/init"
  install -m 0755 "$HERE/initramfs/stage2" "$tmp/lab/stage2"
  mkdir -p "$tmp/etc/modprobe.d"
  local kind name opts n=0
  while read -r kind name opts; do
    case $kind in
      ko)
        mkdir -p "$tmp$(dirname "$name")"
        cp "$kroot$name" "$tmp$name"
        n=$((n + 1))
        # Every module by name in kmod's order, which has the soft
        # dependencies (libcrc32c after crc32c) that busybox modprobe ignores.
        a=${name##*/}
        a=${a%.ko}
        printf '%s\n' "$a" >>"$tmp/lab/modules.names"
        [[ -z $opts ]] || printf 'options %s %s\n' "$a" "$opts" >>"$tmp/etc/modprobe.d/lab.conf"
        ;;
      mod) ;;
      skip) log "module $name: not in $KVER (optional, left out)" ;;
    esac
  done <<<"$MODULES_LIST"
  cp "$kroot/lib/modules/$KVER"/modules.{order,builtin,builtin.modinfo} "$tmp/lib/modules/$KVER/"
  depmod -b "$tmp" "$KVER"
  (cd "$tmp" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$INITRAMFS.new"
  mv "$INITRAMFS.new" "$INITRAMFS"
  for old in "$CACHE"/initramfs-*.cpio; do [[ $old == "$INITRAMFS" ]] || rm -f "$old"; done
  log "initramfs: built $(basename "$INITRAMFS") ($n modules, $(($(stat -c %s "$INITRAMFS") / 1024)) KiB) in $(secs "$t0" "$(now)") s"
}

file_is_static() {
  # A static ELF has no PT_INTERP: no "/lib64/ld-linux" string in its header.
  ! head -c 4096 "$1" | grep -qa 'ld-linux'
}

# --- run ---------------------------------------------------------------------

qemu_args() {
  local accel=${LVSH_LAB_ACCEL:-tcg} res=$1
  QEMU=(qemu-system-x86_64 -nodefaults -no-user-config -display none -no-reboot
    -machine "${LVSH_LAB_MACHINE:-q35}" -m "${LVSH_LAB_MEM:-1024}" -smp "${LVSH_LAB_SMP:-2}")
  case $accel in
    tcg) QEMU+=(-accel tcg,thread=multi -cpu "${LVSH_LAB_CPU:-Westmere}") ;;
    kvm) QEMU+=(-accel kvm -cpu host) ;;
    *) die "LVSH_LAB_ACCEL must be tcg or kvm, not $accel" ;;
  esac
  QEMU+=(-kernel "$CACHE/$KDIR/$KIMAGE" -initrd "$INITRAMFS"
    -append "console=ttyS0 quiet panic=-1 mitigations=off"
    -chardev stdio,id=con,signal=off -serial chardev:con
    -virtfs local,path=/,mount_tag=lvshroot,security_model=none,readonly=on,multidevs=remap
    -virtfs "local,path=$res,mount_tag=lvshres,security_model=none")
}

cmd_run() {
  (($# >= 1)) || die "usage: lab.sh run SCRIPT [RESULTS_DIR] [ARG...]"
  local script res timeout=${LVSH_LAB_TIMEOUT:-300}
  script=$(realpath -e -- "$1") || die "no such script: $1"
  res=${2:-}
  shift $(($# >= 2 ? 2 : 1))
  [[ $timeout =~ ^[0-9]+$ ]] || die "LVSH_LAB_TIMEOUT must be a number of seconds"
  need qemu-system-x86_64 timeout realpath
  # A shared lock while the VM reads the cache: other runs go on, fetch,
  # initramfs and clean wait. Build first (exclusive) if anything is missing.
  lock_cache -s
  if ! load_kernel_env || ! initramfs_path; then
    lock_cache -x
    cmd_initramfs
    lock_cache -s
  fi
  if [[ -z $res ]]; then
    res=$(mktemp -d "${TMPDIR:-/tmp}/lvsh-lab.XXXXXX")
  else
    mkdir -p "$res"
    res=$(realpath -e -- "$res")
    rm -f "$res"/{stdout,stderr,exit,console.log,timing.json,lab.env}
  fi
  {
    printf 'LAB_SCRIPT=%q\nLAB_CWD=%q\nLAB_MODULES=%q\n' "$script" "$PROJECT" "$CACHE/$KDIR/lib/modules/$KVER"
    printf 'LAB_ARGS=('
    (($#)) && printf '%q ' "$@"
    printf ')\n'
  } >"$res/lab.env"
  qemu_args "$res"

  local t0 tboot="" tend="" guest_up=null line rc qrc=0 console=$res/console.log verbose=${LVSH_LAB_VERBOSE:-0}
  t0=$(now)
  # timeout runs QEMU in its own process group (Ctrl-C reaches only this
  # script, whose trap ends QEMU) and kills it after LVSH_LAB_TIMEOUT. The
  # parent-death signals end both if this script is killed outright (SIGKILL).
  local orphan=()
  setpriv --help 2>/dev/null | grep -q -- --pdeathsig && orphan=(setpriv --pdeathsig KILL)
  exec {CON_FD}< <(exec "${orphan[@]}" timeout --kill-after=5 "$timeout" "${orphan[@]}" "${QEMU[@]}" </dev/null 2>&1)
  QEMU_PID=$!
  # The guest may announce a budget (`lvsh-lab: budget SECONDS`, calibrated
  # on this machine) and the scenarios it runs (`lvsh-lab: scenario NAME
  # start lane N` ... `end`): when the budget is spent, QEMU is ended and the
  # running scenarios are named.
  local deadline_us="" budget="" left_us rt spent="" name
  local -A running=()
  while :; do
    rt=()
    if [[ -n $deadline_us ]]; then
      left_us=$((deadline_us - ${EPOCHREALTIME/./}))
      if ((left_us <= 0)); then
        spent=1
        break
      fi
      rt=(-t "$((left_us / 1000000)).$(printf '%06d' $((left_us % 1000000)))")
    fi
    rc=0
    IFS= read -r "${rt[@]}" -u "$CON_FD" line || rc=$?
    if ((rc > 128)); then
      spent=1
      break
    fi
    ((rc == 0)) || [[ -n $line ]] || break
    line=${line%$'\r'}
    printf '[%6ss] %s\n' "$(secs "$t0" "$(now)")" "$line" >>"$console"
    ((verbose)) && printf 'guest: %s\n' "$line" >&2
    case $line in
      "lvsh-lab: started"*)
        tboot=$(now)
        [[ $line =~ uptime\ ([0-9.]+) ]] && guest_up=${BASH_REMATCH[1]}
        ;;
      "lvsh-lab: finished"*) tend=$(now) ;;
      "lvsh-lab: budget "*)
        budget=${line#lvsh-lab: budget }
        [[ $budget =~ ^[0-9]+$ ]] && deadline_us=$((${EPOCHREALTIME/./} + budget * 1000000))
        ;;
      "lvsh-lab: scenario "*" start "*)
        name=${line#lvsh-lab: scenario }
        running[${name%% *}]="${name#* start }, started at $(secs "$t0" "$(now)") s"
        ;;
      "lvsh-lab: scenario "*" end "*)
        name=${line#lvsh-lab: scenario }
        unset "running[${name%% *}]"
        ;;
    esac
    ((rc == 0)) || break
  done
  if [[ -n $spent ]]; then
    local what="" k
    for k in "${!running[@]}"; do what+="${what:+; }$k (${running[$k]})"; done
    log "timeout: the guest's budget of ${budget} s (calibrated on this machine) is spent at $(secs "$t0" "$(now)") s; running: ${what:-no scenario}"
    kill -TERM "$QEMU_PID" 2>/dev/null || :
    qrc=124
    wait "$QEMU_PID" 2>/dev/null || :
  fi
  wait "$QEMU_PID" 2>/dev/null || { local w=$?; [[ -n $spent ]] || qrc=$w; }
  QEMU_PID=""
  exec {CON_FD}<&-
  local t1 boot run total
  t1=$(now)
  total=$(secs "$t0" "$t1")
  boot=$([[ -n $tboot ]] && secs "$t0" "$tboot" || echo null)
  run=$([[ -n $tboot && -n $tend ]] && secs "$tboot" "$tend" || echo null)
  printf '{"boot_s": %s, "guest_uptime_at_start_s": %s, "run_s": %s, "total_s": %s, "kernel": "%s", "accel": "%s", "qemu_exit": %s}\n' \
    "$boot" "$guest_up" "$run" "$total" "$KVER" "${LVSH_LAB_ACCEL:-tcg}" "$qrc" >"$res/timing.json"

  if [[ -n $spent ]]; then
    log "console: $console"
    tail -n 20 "$console" >&2
    return 124
  fi
  if ((qrc == 124 || qrc == 137)); then
    log "timeout: the VM was killed after LVSH_LAB_TIMEOUT=${timeout} s; console: $console"
    tail -n 20 "$console" >&2
    return 124
  fi
  if [[ ! -f $res/exit ]]; then
    log "the guest script did not finish (QEMU exit $qrc); console: $console"
    tail -n 20 "$console" >&2
    return 125
  fi
  rc=$(<"$res/exit")
  log "boot ${boot} s (QEMU start to script start), script ${run} s, total ${total} s; exit ${rc}; results in $res"
  return "$rc"
}

cmd_clean() {
  lock_cache -x
  rm -rf "${CACHE:?}"/kernel-* "$CACHE"/kernel.env "$CACHE"/initramfs-*.cpio
  log "cache emptied: $CACHE"
}

main() {
  local cmd=${1:-}
  (($#)) && shift
  case $cmd in
    fetch) cmd_fetch ;;
    initramfs) cmd_initramfs ;;
    run) cmd_run "$@" ;;
    clean) cmd_clean ;;
    *)
      sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
      exit 2
      ;;
  esac
}

main "$@"
