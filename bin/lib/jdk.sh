# Sourced by bin/tern and bin/test: finds a JDK 21+ and exports JAVA_HOME, so nobody sets it by hand.
# Order: $JAVA_HOME if it is 21+, else the newest 21+ under /usr/lib/jvm, else a one-line error.

tern_java_major() { # prints the feature version of the JDK at home $1, or nothing
  # The JDK's release file answers without starting a JVM (a JVM per candidate would slow every call).
  [[ -f "$1/release" ]] || return 0
  sed -n 's/^JAVA_VERSION="\(1\.\)\{0,1\}\([0-9]*\).*/\2/p' "$1/release" | head -n 1
}

tern_find_jdk() {
  local candidate major best="" best_major=0
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/javac" ]]; then
    major=$(tern_java_major "$JAVA_HOME")
    if [[ -n $major && $major -ge 21 ]]; then
      return 0
    fi
  fi
  for candidate in /usr/lib/jvm/*/; do
    candidate=${candidate%/}
    [[ -x "$candidate/bin/javac" && ! -L "$candidate" ]] || continue
    major=$(tern_java_major "$candidate")
    if [[ -n $major && $major -ge 21 && $major -gt $best_major ]]; then
      best=$candidate
      best_major=$major
    fi
  done
  if [[ -z $best ]]; then
    echo "tern: no JDK 21 or newer found (looked at JAVA_HOME and /usr/lib/jvm); install one, e.g. 'apt-get install openjdk-21-jdk-headless'" >&2
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
