# Sourced by bin/tern: an archive of the classes a member loads while it starts, so that a JVM maps
# them ready-parsed instead of loading and verifying them one by one. On JDK 25+ it is an AOT cache
# (JEP 483, 514: classes loaded and linked; without JEP 515's method profiles, see below); on
# JDK 21-24 a dynamic class data sharing archive. An empty member then starts in about half the time
# (bench/README.md, "Restart"). The JVM archives only classes that came from jars, so the launcher
# runs the built jars, never target/classes, when it uses one.

# Prints the flags that map the archive at $1 for a JVM of major version $2, or nothing if there is
# none. A JVM whose classpath or version does not match the archive's runs without it; the log lines
# saying so are turned off, as output the caller did not ask for.
tern_class_sharing_flags() {
  local archive=$1 major=$2
  [[ -s $archive ]] || return 0
  if [[ $major -ge 25 ]]; then
    printf '%s\n' "-XX:AOTCache=$archive" -Xlog:aot=off -Xlog:cds=off
  else
    printf '%s\n' "-XX:SharedArchiveFile=$archive" -Xlog:cds=off -Xlog:cds+dynamic=off
  fi
}

# Writes the archive at $3 from a training run with the JVM at $1 and the classpath $2. What the
# recorded server does is what a restart does, so that the archive holds those classes: a first,
# unrecorded server takes writes and is killed, leaving a log to scan and writes its state never flushed
# (RocksDB's WAL to read back); the recorded one recovers them, takes writes itself, and is stopped
# (SIGTERM, a normal exit, which is when the JVM writes the archive). On JDK 25 the cache leaves out the
# training run's method profiles (AOTRecordTraining off): a member whose JIT compiled from them stayed
# slower for good, a write at one in flight taking 0.93 ms at the median instead of 0.74 ms, and
# restarts were no quicker with them (bench/README.md, "The AOT cache's method profiles made every
# member slower"). The archive is written beside and renamed into place, so a JVM never maps a
# half-written one. A training run that fails leaves no archive: members then start as before, only
# slower, so it never fails the caller.
tern_train_class_sharing() {
  local java=$1 classpath=$2 archive=$3
  local work port pid major ready=0
  work=$(mktemp -d)
  port=$((20000 + RANDOM % 40000))
  major=$(tern_java_major "${java%/bin/java}")
  mapfile -t jvm_flags < <(tern_jvm_flags "$major")
  local member=(io.tern.cli.TernCli server --id 1 --data "$work/data" --cluster "1=127.0.0.1:$port" --log-level ERROR)
  "$java" "${jvm_flags[@]}" -cp "$classpath" "${member[@]}" >"$work/unrecorded.log" 2>&1 &
  pid=$!
  if tern_training_server_ready "$pid" "$port"; then
    tern_training_writes "$java" "$classpath" "$port"
  fi
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [[ $major -ge 25 ]]; then
    # A diagnostic flag a later JDK may drop: then the cache is made as that JDK makes it, not lost.
    jvm_flags+=("-XX:AOTCacheOutput=$work/tern.jsa" -XX:+IgnoreUnrecognizedVMOptions -XX:+UnlockDiagnosticVMOptions
      -XX:-AOTRecordTraining -Xlog:aot=off -Xlog:cds=off)
  else
    jvm_flags+=("-XX:ArchiveClassesAtExit=$work/tern.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off)
  fi
  "$java" "${jvm_flags[@]}" -cp "$classpath" "${member[@]}" >"$work/server.log" 2>&1 &
  pid=$!
  if tern_training_server_ready "$pid" "$port"; then
    ready=1
    tern_training_writes "$java" "$classpath" "$port"
  fi
  kill -TERM "$pid" 2>/dev/null || true
  # Writing the archive takes a few seconds at exit; a server that hangs on its way out costs only the archive.
  for _ in $(seq 1 600); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null && ready=0
  wait "$pid" 2>/dev/null || true
  if [[ $ready == 1 && -s $work/tern.jsa ]]; then
    mv -f "$work/tern.jsa" "$archive.tmp.$$" && mv -f "$archive.tmp.$$" "$archive"
  else
    rm -f "$archive"
  fi
  rm -rf "$work"
}

# Waits up to 30 s for the training server $1 to accept connections on port $2; fails if it does not or exits.
tern_training_server_ready() {
  local pid=$1 port=$2
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# 20,000 writes and as many reads through `tern bench`, in a JVM of its own; its failure only makes the
# archive poorer.
tern_training_writes() {
  local java=$1 classpath=$2 port=$3
  mapfile -t client_flags < <(tern_jvm_flags "$(tern_java_major "${java%/bin/java}")")
  timeout 120 "$java" "${client_flags[@]}" -cp "$classpath" io.tern.cli.TernCli bench --endpoints "127.0.0.1:$port" \
    --fill --keys 20000 --value-size 100 --clients 64 --duration 1s --warmup 0s --read-ratio 0.5 >/dev/null 2>&1 || true
}
