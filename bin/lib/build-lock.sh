# Sourced by the scripts that run Maven in this checkout (bin/tern, bin/test, bench/jmh). Two Maven
# builds in the same target/ directories delete and rewrite each other's classes and jars while the
# other compiles against them, so a build first takes the checkout's lock, waiting with one line if
# another build holds it. The lock is flock(1) on .build.lock, a file no `mvn clean` removes.

# Takes the lock on a new file descriptor, tern_build_lock_fd. It is held until the script exits or
# calls tern_unlock_build, and by any program the script execs (bin/test's Maven keeps it for the
# whole test run). Java closes inherited descriptors in the processes it starts, so a test's child
# processes never hold it.
tern_lock_build() {
  local root=$1
  if ! command -v flock >/dev/null 2>&1; then
    return 0 # util-linux is on every Linux Tern runs on; without it, build unguarded as before
  fi
  exec {tern_build_lock_fd}>>"$root/.build.lock"
  if ! flock -n "$tern_build_lock_fd"; then
    echo "tern: waiting for another build to finish..." >&2
    flock "$tern_build_lock_fd"
  fi
}

# Releases the lock, so that what the script runs next (a server, a benchmark) does not hold it.
tern_unlock_build() {
  if [[ -n ${tern_build_lock_fd:-} ]]; then
    exec {tern_build_lock_fd}>&-
    unset tern_build_lock_fd
  fi
}
