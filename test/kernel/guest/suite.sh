#!/usr/bin/env bash
# The lab's guest suite: everything test/kernel/*.test.ts checks, in one boot.
# Each scenario writes its JSON into $LVSH_LAB_RESULTS; the exit status is
# only for people (the tests read the JSON).
set -uo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
rc=0
bash "$here/smoke.sh" ok || rc=1
bash "$here/smoke.sh" no-mangle || rc=1
exit "$rc"
