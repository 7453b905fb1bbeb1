#!/usr/bin/env bash
# Builds the Debian package portfw_VERSION_all.deb from what the Maven build made: core/target/portfw.jar
# and the man pages in core/target/man. Needs dpkg-deb and java; runs no Maven itself.
#
#   mvn -B -ntp package -DskipTests && packaging/build-deb.sh [OUTPUT_DIR]
#
# OUTPUT_DIR defaults to core/target. The version is the Maven project's, made a Debian version
# (0.1.0-SNAPSHOT -> 0.1.0~SNAPSHOT, which sorts before 0.1.0). What goes where: "Packages" in
# docs/operations.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
out="${1:-$root/core/target}"
jar="$root/core/target/portfw.jar"
man="$root/core/target/man"

for tool in dpkg-deb java gzip; do
  command -v "$tool" >/dev/null || { echo "build-deb: $tool is missing" >&2; exit 1; }
done
if [[ ! -f "$jar" || ! -f "$man/portfw.1" ]]; then
  echo "build-deb: $jar or $man/portfw.1 is missing: run 'mvn -B -ntp package -DskipTests' first" >&2
  exit 1
fi

# The parent pom's own version: the <version> right after <artifactId>portfw-parent</artifactId>.
maven_version="$(sed -n '/<artifactId>portfw-parent<\/artifactId>/{n;s/.*<version>\(.*\)<\/version>.*/\1/p;q}' "$root/pom.xml")"
[[ -n "$maven_version" ]] || { echo "build-deb: no project version in $root/pom.xml" >&2; exit 1; }
version="${maven_version//-/\~}"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
umask 022
chmod 0755 "$stage"

install -D -m 0644 "$jar" "$stage/usr/share/portfw/portfw.jar"
install -D -m 0755 "$here/launcher.sh" "$stage/usr/bin/portfw"
install -D -m 0644 "$here/portfw.json" "$stage/etc/portfw/portfw.json"
install -D -m 0644 "$here/portfw.service" "$stage/usr/lib/systemd/system/portfw.service"
install -d -m 0755 "$stage/usr/share/man/man1" "$stage/usr/share/bash-completion/completions"
for page in "$man"/*.1; do
  gzip -9n <"$page" >"$stage/usr/share/man/man1/$(basename "$page").gz"
done
chmod 0644 "$stage"/usr/share/man/man1/*
# The completion script from the jar itself, so it matches the commands it completes.
java -jar "$jar" completion bash >"$stage/usr/share/bash-completion/completions/portfw"
chmod 0644 "$stage/usr/share/bash-completion/completions/portfw"

install -d -m 0755 "$stage/DEBIAN"
installed_size="$(du -sk --exclude=DEBIAN "$stage" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@INSTALLED_SIZE@/$installed_size/" \
    -e "s/@MAINTAINER@/${PORTFW_DEB_MAINTAINER:-portfw developers <portfw@localhost>}/" \
    "$here/deb/control" >"$stage/DEBIAN/control"
install -m 0644 "$here/deb/conffiles" "$stage/DEBIAN/conffiles"
for script in postinst prerm postrm; do
  install -m 0755 "$here/deb/$script" "$stage/DEBIAN/$script"
done
(cd "$stage" && find usr -type f -print0 | sort -z | xargs -0 md5sum) >"$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/md5sums"

mkdir -p "$out"
deb="$out/portfw_${version}_all.deb"
# gzip: the jar inside is compressed already, and xz took 50 s more for 4% less.
dpkg-deb --root-owner-group -Zgzip --build "$stage" "$deb" >/dev/null
echo "$deb"
