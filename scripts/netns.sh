#!/usr/bin/env bash
# netns.sh runs a command inside a new network namespace that has only the
# loopback interface, so WebRTC (ours and a browser's) cannot reach or probe
# any other interface. As root it uses `unshare -n`; otherwise an unprivileged
# user namespace (`unshare -rn`).
#
# With --optional, a machine that allows neither runs the command as it is
# (used by `make demo`, whose WebRTC is pinned to loopback by its own
# SettingEngine anyway); without it that is an error.
set -euo pipefail
optional=0
if [ "${1:-}" = --optional ]; then optional=1; shift; fi
inner='ip link set lo up && exec "$@"'
if [ "$(uname -s)" = Linux ]; then
  if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
    exec unshare -n -- bash -c "$inner" netns "$@"
  fi
  if unshare -rn true 2>/dev/null; then
    exec unshare -rn -- bash -c "$inner" netns "$@"
  fi
fi
if [ $optional = 1 ]; then
  exec "$@"
fi
echo "netns: cannot create a loopback-only network namespace here (run as root, or enable unprivileged user namespaces)" >&2
exit 1
