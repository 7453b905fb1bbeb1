#!/bin/sh
# /usr/bin/portfw from the Debian package: runs the installed jar with the JVM flags bin/portfw uses
# (see "JVM flags" in docs/operations.md), and execs java so that signals reach the JVM and its exit
# code is this command's. PORTFW_JAVA_OPTS replaces the flags; JAVA_HOME picks another runtime.
set -eu

jar=/usr/share/portfw/portfw.jar
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if ! command -v "$java_bin" >/dev/null 2>&1; then
  echo "portfw: no java found (install default-jre-headless, or set JAVA_HOME)" >&2
  exit 1
fi

# The runtime's feature version, read from its release file: no JVM is started to learn it.
java_home="$(dirname "$(dirname "$(readlink -f "$(command -v "$java_bin")")")")"
feature="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$java_home/release" 2>/dev/null || true)"
if [ -n "$feature" ] && [ "$feature" -lt 17 ]; then
  echo "portfw: needs Java 17 or newer; $java_home is Java $feature (set JAVA_HOME to a newer one)" >&2
  exit 1
fi

opts="-Xms16m -Xmx512m -XX:+UseParallelGC -XX:MaxDirectMemorySize=512m -XX:+PerfDisableSharedMem"
opts="$opts -Dio.netty.allocator.lowMemory=false"
opts="${PORTFW_JAVA_OPTS:-$opts}"
if [ "${feature:-0}" -ge 25 ]; then
  # What Netty needs there: sun.misc.Unsafe and its native library. (No AOT cache: /usr is read-only to the service.)
  opts="--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -XX:+UseCompactObjectHeaders $opts"
fi
# shellcheck disable=SC2086 # opts is a list of flags
exec "$java_bin" $opts -jar "$jar" "$@"
