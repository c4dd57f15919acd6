#!/bin/sh
# Local stand-ins for the official `redis:*-alpine` and `valkey/valkey:*-alpine` images, for
# machines that cannot pull from a registry (CI here): built from Debian packages with
# debootstrap and loaded with `docker import`. The live compose test (tests/it/compose_live.rs)
# tags them with the image names the rendered stacks use, only where no such image exists.
#
#   scripts/docker-standin.sh [CACHE_DIR]     (default target/docker-live; root, a Docker engine)
#
# Two images, from one debootstrap of bookworm with redis-server, redis-tools and busybox
# (Redis 7.0.15), so that the stacks are started under both sets of assumptions the official
# images differ on:
#   cachegen-standin:redis   Debian-like: user `redis`, /bin/sh is dash, GNU coreutils.
#   cachegen-standin:valkey  Alpine-like, as the official Valkey image: user `valkey` and no
#                            `redis`, /bin/sh and every tool on PATH (sha256sum, cut, ...) from
#                            busybox.
# Both as the official images: uid 999 and gid 1000 (the alpine images' ids; the official
# Debian variants use 999:999), /data owned by 999 with mode 0755, `VOLUME /data`, redis-* on
# PATH, no ENTRYPOINT or USER (the compose file sets both).
#
# The root file systems are kept as tar files in CACHE_DIR (inside the clone), named by a hash
# of this script: a second run imports them in seconds instead of a debootstrap (~90 s).
set -eu

cache="${1:-target/docker-live}"
suite=bookworm
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
recipe="$(sha256sum "$0" | cut -c1-16)"
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"
redis_tar="$cache/standin-$recipe-redis.tar"
valkey_tar="$cache/standin-$recipe-valkey.tar"

say() { echo "docker-standin.sh: $*"; }

build_rootfs() {
  root="$(mktemp -d "$cache/rootfs.XXXXXX")"
  # shellcheck disable=SC2064
  trap "rm -rf '$root'" EXIT
  say "debootstrap $suite (redis-server, redis-tools, busybox) from $mirror"
  debootstrap --variant=minbase --include=redis-server,redis-tools,busybox \
    "$suite" "$root" "$mirror" >"$cache/debootstrap.log" 2>&1 || {
    tail -20 "$cache/debootstrap.log" >&2
    exit 1
  }
  sed -i 's/^redis:x:[0-9]*:[0-9]*:/redis:x:999:1000:/' "$root/etc/passwd"
  sed -i 's/^redis:x:[0-9]*:/redis:x:1000:/' "$root/etc/group"
  chown -R 999:1000 "$root/etc/redis" "$root/var/lib/redis" "$root/var/log/redis"
  mkdir -p "$root/data"
  chown 999:1000 "$root/data"
  chmod 0755 "$root/data"
  rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"* \
    "$root/usr/share/doc" "$root/usr/share/man" "$root/usr/share/locale" "$root/usr/share/info"
  tar --numeric-owner -C "$root" -cf "$redis_tar.new" .

  # The Alpine-like variant: the user is `valkey` (no `redis` left), and busybox is the
  # shell and every tool that PATH finds first.
  sed -i 's/^redis:/valkey:/' "$root/etc/passwd" "$root/etc/group" "$root/etc/shadow"
  if grep -q '^redis:' "$root/etc/passwd"; then
    say "the user redis is still in the Valkey variant" >&2
    exit 1
  fi
  ln -sf busybox "$root/usr/bin/sh"
  for applet in $(chroot "$root" /usr/bin/busybox --list); do
    ln -sf /usr/bin/busybox "$root/usr/local/bin/$applet"
  done
  tar --numeric-owner -C "$root" -cf "$valkey_tar.new" .
  mv -f "$redis_tar.new" "$redis_tar"
  mv -f "$valkey_tar.new" "$valkey_tar"
  rm -rf "$root"
  trap - EXIT
}

if [ -s "$redis_tar" ] && [ -s "$valkey_tar" ]; then
  say "root file systems cached ($recipe)"
else
  rm -f "$cache"/standin-*.tar
  build_rootfs
fi

import() { # import TAR VARIANT SERVER
  image="cachegen-standin:$2"
  if [ "$(docker image inspect -f '{{ index .Config.Labels "org.cachegen.standin.recipe" }}' "$image" 2>/dev/null)" = "$recipe" ]; then
    say "$image is loaded already"
    return
  fi
  docker import \
    --change 'WORKDIR /data' --change 'VOLUME /data' --change 'EXPOSE 6379' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "LABEL org.cachegen.standin=$2 org.cachegen.standin.recipe=$recipe" \
    --change "CMD [\"$3\"]" "$1" "$image" >/dev/null
  say "$image imported"
}
import "$redis_tar" redis redis-server
import "$valkey_tar" valkey redis-server
