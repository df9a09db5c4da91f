#!/bin/sh
# lvsh: starts lvsh from its V8 startup snapshot (lvsh.blob next to this
# file, or lvsh-complete.blob for `lvsh __complete` of a statement's value;
# a Tab otherwise runs lvsh-words.cjs, no snapshot) when it was
# made here -- lvsh.node names the node that made it (the file has that
# node's modification time) and this CPU's flags, both of which V8 checks --
# and NODE_OPTIONS is empty (V8 options there would not match the
# snapshot's); else from the plain bundle (lvsh.mjs), slower to start but the
# same program. `node snapshot.mjs` (next to this file) makes the snapshots
# again. Only shell built-ins on the way (readlink when started through a
# symlink): this runs on every command and every Tab.
self=$0
while [ -L "$self" ]; do
  link=$(readlink "$self")
  case $link in
    /*) self=$link ;;
    # relative to the link's directory (none in $0: the current one)
    *) case $self in */*) self=${self%/*}/$link ;; *) self=$link ;; esac ;;
  esac
done
case $self in
  */*) dir=${self%/*} ;;
  *) dir=. ;;
esac
# the node on PATH, as `command -v node` finds it, without the fork of $(...)
# (an empty entry is the current directory; the colon added keeps a last empty one)
node=
dirs=$PATH:
set -f
IFS=:
for d in $dirs; do
  if [ -f "${d:-.}/node" ] && [ -x "${d:-.}/node" ]; then
    node=${d:-.}/node
    break
  fi
done
unset IFS
set +f
if [ -z "$node" ]; then
  echo "lvsh: node is not on PATH (lvsh needs Node.js 20 or later)" >&2
  exit 127
fi
# a Tab (bash and zsh run `lvsh __complete` on each): lvsh-words.cjs, some
# kB for plain node (no snapshot to read): command-line words, and the
# keywords of statements from the grammar table the build wrote into it; it
# asks again with LVSH_COMPLETE_ENGINE=1 for what needs the engine below (a
# value, from the last revision)
# (NODE_OPTIONS set: what the rest of lvsh does, below; a --require would run twice on a re-ask)
if [ "${1-}" = __complete ] && [ -z "${LVSH_COMPLETE_ENGINE-}" ] && [ -z "${NODE_OPTIONS:-}" ] && [ -f "$dir/lvsh-words.cjs" ]; then
  exec "$node" "$dir/lvsh-words.cjs" "$@"
fi
if [ -z "${NODE_OPTIONS:-}" ] && [ -f "$dir/lvsh.blob" ] && [ -f "$dir/lvsh.node" ] &&
  ! [ "$node" -nt "$dir/lvsh.node" ] && ! [ "$node" -ot "$dir/lvsh.node" ]; then
  { IFS= read -r made && IFS= read -r cpu; } <"$dir/lvsh.node"
  if [ "$made" = "$node" ] || [ "$made" -ef "$node" ]; then
    here=""
    if [ -r /proc/cpuinfo ]; then
      while IFS= read -r line; do
        case $line in flags*)
          here=$line
          break
          ;;
        esac
      done </proc/cpuinfo
    fi
    if [ "$cpu" = "$here" ]; then
      # a Tab in bash or zsh: the smaller snapshot that answers only that
      if [ "${1-}" = __complete ] && [ -f "$dir/lvsh-complete.blob" ]; then
        exec "$node" --snapshot-blob "$dir/lvsh-complete.blob" -- "$@"
      fi
      exec "$node" --snapshot-blob "$dir/lvsh.blob" -- "$@"
    fi
  fi
fi
exec "$node" "$dir/lvsh.mjs" "$@"
