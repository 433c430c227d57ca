#!/usr/bin/env bash
# Proves io.basalt:basalt-embedded on real user class paths: publishes the artifact to a temporary Maven repository,
# then builds and tests the four standalone projects beside this script against it, in one Maven invocation (their
# aggregator pom.xml), as users' builds would resolve it.
#
#   basalt-embedded-tests/run.sh                 builds the artifact (./mvnw -pl basalt-embedded -am package), then runs
#   basalt-embedded-tests/run.sh --jar J --pom P uses an artifact already built (what `./mvnw verify` does)
#   --offline=true                               runs the projects' build offline (everything already downloaded)
#   any other argument                           goes to the projects' Maven invocation, e.g. -Dtest=SdkV2Test
#
# Nothing is installed into the user's local repository (~/.m2), which other builds share: the projects resolve
# Basalt from the temporary repository and read every other artifact from ~/.m2 as a read-only "tail", downloading
# what is missing into basalt-embedded-tests/target/local-repo (kept between runs).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
work="$here/target"
jar=""
pom=""
offline="false"
maven_args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --jar) jar="$2"; shift 2 ;;
        --pom) pom="$2"; shift 2 ;;
        --offline=*) offline="${1#--offline=}"; shift ;;
        *) maven_args+=("$1"); shift ;;
    esac
done

mvnw="$root/mvnw"
user_repo="${BASALT_USER_LOCAL_REPO:-$HOME/.m2/repository}"
common=(-B -Dmaven.repo.local="$work/local-repo" -Dmaven.repo.local.tail="$user_repo")
offline_flag=()
if [[ "$offline" == "true" ]]; then
    # Not for deploy-file, which refuses to run offline even to a file:// repository (it needs nothing remote).
    offline_flag=(-o)
fi

if [[ -z "$jar" ]]; then
    echo "run.sh: building basalt-embedded"
    "$mvnw" -B -q -f "$root/pom.xml" -pl basalt-embedded -am package -DskipTests
    jar="$(ls "$root"/basalt-embedded/target/basalt-embedded-*.jar | grep -v -e original- -e sources | head -n 1)"
    pom="$root/basalt-embedded/target/dependency-reduced-pom.xml"
fi
[[ -f "$jar" && -f "$pom" ]] || { echo "run.sh: no artifact at $jar / $pom" >&2; exit 1; }
version="$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$pom" | head -n 1)"

repo="$work/repo"
rm -rf "$repo" "$work/local-repo/io/basalt"
mkdir -p "$repo"
deploy=(org.apache.maven.plugins:maven-deploy-plugin:3.1.4:deploy-file -Durl="file://$repo" -DrepositoryId=basalt-under-test)
echo "run.sh: publishing basalt-embedded $version to $repo"
# The consumer POM names basalt-parent as its parent, so the parent is published too.
"$mvnw" "${common[@]}" -q -N -f "$root/pom.xml" "${deploy[@]}" -Dfile="$root/pom.xml" -DpomFile="$root/pom.xml"
"$mvnw" "${common[@]}" -q -N -f "$root/pom.xml" "${deploy[@]}" -Dfile="$jar" -DpomFile="$pom"
if [[ "$offline" == "true" ]]; then
    # Offline, Maven reads no repository, file:// ones included: the same files go into the projects' own local
    # repository (target/local-repo, never ~/.m2) instead.
    install=(org.apache.maven.plugins:maven-install-plugin:3.1.3:install-file)
    "$mvnw" "${common[@]}" -o -q -N -f "$root/pom.xml" "${install[@]}" -Dfile="$root/pom.xml" -DpomFile="$root/pom.xml"
    "$mvnw" "${common[@]}" -o -q -N -f "$root/pom.xml" "${install[@]}" -Dfile="$jar" -DpomFile="$pom"
fi

echo "run.sh: testing the standalone projects (SDK v2, SDK v1, Spring Boot 3, Jackson 2.12 + Guava)"
"$mvnw" "${common[@]}" ${offline_flag[@]+"${offline_flag[@]}"} -f "$here/pom.xml" test -Dbasalt.repo="file://$repo" -Dbasalt.version="$version" \
    ${maven_args[@]+"${maven_args[@]}"}
