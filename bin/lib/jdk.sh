# Sourced by Tern's scripts: finds a Java 21+ and exports JAVA_HOME, so nobody sets it by hand.
# tern_find_jdk wants a JDK (javac too: bin/tern in a checkout, bin/test and bin/package build with
# Maven); tern_find_java, for a release that runs from its jars, takes a JDK or a JRE.
# Order: $JAVA_HOME if it is 21+, else the one on PATH if it is 21+, else the newest 21+ under
# /usr/lib/jvm, else a one-line error. A release ships this file, so both search the same way.

tern_java_major() { # prints the feature version of the Java at home $1, or nothing
  # The release file answers without starting a JVM (a JVM per candidate would slow every call).
  [[ -f "$1/release" ]] || return 0
  sed -n 's/^JAVA_VERSION="\(1\.\)\{0,1\}\([0-9]*\).*/\2/p' "$1/release" | head -n 1
}

tern_find_jdk() {
  tern_find_java_home javac JDK openjdk-21-jdk-headless
}

tern_find_java() {
  tern_find_java_home java Java openjdk-21-jre-headless
}

# $1 = the program the home must have (javac or java), $2 = what to call it, $3 = a package that has one
tern_find_java_home() {
  local tool=$1 what=$2 package=$3 candidate major best="" best_major=0
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/$tool" ]]; then
    major=$(tern_java_major "$JAVA_HOME")
    if [[ -n $major && $major -ge 21 ]]; then
      return 0
    fi
  fi
  if candidate=$(command -v "$tool" 2>/dev/null); then
    candidate=$(readlink -f "$candidate") # /usr/bin/java is a chain of links into the Java's home
    candidate=${candidate%/bin/"$tool"}
    major=$(tern_java_major "$candidate")
    if [[ -n $major && $major -ge 21 ]]; then
      export JAVA_HOME=$candidate
      return 0
    fi
  fi
  for candidate in /usr/lib/jvm/*/; do
    candidate=${candidate%/}
    [[ -x "$candidate/bin/$tool" && ! -L "$candidate" ]] || continue
    major=$(tern_java_major "$candidate")
    if [[ -n $major && $major -ge 21 && $major -gt $best_major ]]; then
      best=$candidate
      best_major=$major
    fi
  done
  if [[ -z $best ]]; then
    echo "tern: no $what 21 or newer found (looked at JAVA_HOME, PATH and /usr/lib/jvm); install one, e.g. 'apt-get install $package'" >&2
    return 1
  fi
  export JAVA_HOME=$best
}

tern_require_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "tern: Maven is not installed; install it, e.g. 'apt-get install maven'" >&2
    return 1
  fi
}

tern_quiet_maven() { # Maven's own Guava touches sun.misc.Unsafe, which JDK 24+ warns about
  local major
  major=$(tern_java_major "$JAVA_HOME")
  if [[ -n $major && $major -ge 24 && ${MAVEN_OPTS:-} != *sun-misc-unsafe* ]]; then
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
}
