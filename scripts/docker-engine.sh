#!/bin/sh
# A Docker engine of its own for the live compose test (tests/it/compose_live.rs), as root:
#
#   scripts/docker-engine.sh start|stop|restart DIR [GROUP]
#
# Every piece of its state is in DIR (images and volumes in DIR/lib, the socket DIR/docker.sock,
# DIR/dockerd.pid, DIR/dockerd.log), so it never touches an engine the machine already runs;
# GROUP (default root) may use the socket. No docker0 bridge: the stacks bring networks of
# their own.
#
# Containers must not reach anything outside this machine: a REJECT rule for the interface of
# the default route in DOCKER-USER, the chain the engine's forwarding rules consult first. It
# is put in place *before* the engine starts (an engine restarted on its old state starts the
# containers with `restart: unless-stopped` at once), and checked again once it answers.
#
# `restart` is what a reboot of the host does to the stacks: the engine stops every container
# and starts those with a restart policy again. .ci/run hands it to the test as
# CACHEGEN_LIVE_ENGINE_RESTART.
set -eu

usage() {
  echo "usage: $0 start|stop|restart DIR [GROUP]" >&2
  exit 2
}
[ $# -ge 2 ] || usage
action="$1"
mkdir -p "$2"
live="$(cd "$2" && pwd)"
group="${3:-root}"
sock="$live/docker.sock"
pidfile="$live/dockerd.pid"

say() { echo "docker-engine.sh: $*"; }

fence() {
  egress="$(awk '$2 == "00000000" { print $1; exit }' /proc/net/route)"
  if [ -z "$egress" ]; then
    say "no default route found: cannot fence the containers off the network" >&2
    exit 1
  fi
  iptables -N DOCKER-USER 2>/dev/null || true
  iptables -C FORWARD -j DOCKER-USER 2>/dev/null || iptables -I FORWARD -j DOCKER-USER
  iptables -C DOCKER-USER -o "$egress" -j REJECT 2>/dev/null ||
    iptables -I DOCKER-USER -o "$egress" -j REJECT
}

running() {
  [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

answers() {
  docker -H "unix://$sock" info >/dev/null 2>&1
}

stop() {
  running || return 0
  pid="$(cat "$pidfile")"
  kill "$pid"
  # The engine stops every container first (10 s each at most, in parallel).
  i=0
  while kill -0 "$pid" 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -ge 120 ]; then
      say "the engine (pid $pid) did not stop within 60 s: killing it" >&2
      kill -9 "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.5
  done
  say "engine stopped"
}

start() {
  if running; then
    say "an engine is running on $live already (pid $(cat "$pidfile"))" >&2
    exit 1
  fi
  fence
  # Detached from the caller's output: a test that runs `restart` reads its pipes to the end.
  dockerd --data-root "$live/lib" --exec-root "$live/run" --pidfile "$pidfile" \
    -H "unix://$sock" -G "$group" --bridge none </dev/null >>"$live/dockerd.log" 2>&1 &
  i=0
  until answers; do
    i=$((i + 1))
    if [ "$i" -ge 120 ] || ! kill -0 $! 2>/dev/null; then
      say "the Docker engine does not start:" >&2
      tail -20 "$live/dockerd.log" >&2
      exit 1
    fi
    sleep 0.5
  done
  fence
  say "engine $(docker -H "unix://$sock" version --format '{{.Server.Version}}') up on $sock; containers cannot send through $egress (DOCKER-USER REJECT)"
}

case "$action" in
start) start ;;
stop) stop ;;
restart)
  stop
  start
  ;;
*) usage ;;
esac
