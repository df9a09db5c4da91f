#!/usr/bin/env bash
# Prepares the real-kernel lab on a Debian machine (CI and developers): installs
# its system packages with apt-get, only those missing, then unpacks the
# kernel and builds the initramfs into the cache (test/kernel/.cache, or
# LVSH_LAB_CACHE). Idempotent: a second run installs and downloads nothing.
# `.ci/run` calls it before `npm run test:kernel`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin

SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

have() { command -v "$1" >/dev/null 2>&1; }
installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

need=()
have qemu-system-x86_64 || need+=(qemu-system-x86)
# The initramfs needs a static busybox; the guest also runs its httpd.
installed busybox-static || need+=(busybox-static)
{ have modprobe && have depmod; } || need+=(kmod)
have cpio || need+=(cpio)
have xz || need+=(xz-utils)
have zstd || need+=(zstd)
have ip || need+=(iproute2)
have curl || need+=(curl)
# What the guest runs, from this machine's / through the 9p share.
have ipvsadm || need+=(ipvsadm)
have arptables-legacy || need+=(arptables)
have arptables-nft || need+=(iptables)

if [ ${#need[@]} -gt 0 ]; then
  echo "ci-setup: installing ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

$SUDO bash ./lab.sh fetch
$SUDO bash ./lab.sh initramfs
