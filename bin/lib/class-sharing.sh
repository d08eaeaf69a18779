# Sourced by bin/tern: an archive of the classes a member loads while it starts, so that a JVM maps
# them ready-parsed instead of loading and verifying them one by one. On JDK 25+ it is an AOT cache
# (JEP 483, 514, 515: classes loaded and linked, and method profiles, so the JIT starts sooner); on
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

# Writes the archive at $3 from one training run: a one-member server started on an empty data
# directory with the JVM at $1 and the classpath $2, stopped (SIGTERM, a normal exit, which is when the
# JVM writes the archive) once it accepts connections. The archive is written beside and renamed into
# place, so a JVM never maps a half-written one. A training run that fails leaves no archive: members
# then start as before, only slower, so it never fails the caller.
tern_train_class_sharing() {
  local java=$1 classpath=$2 archive=$3
  local work port pid major ready=0
  work=$(mktemp -d)
  port=$((20000 + RANDOM % 40000))
  major=$(tern_java_major "${java%/bin/java}")
  mapfile -t jvm_flags < <(tern_jvm_flags "$major")
  if [[ $major -ge 25 ]]; then
    jvm_flags+=("-XX:AOTCacheOutput=$work/tern.jsa" -Xlog:aot=off -Xlog:cds=off)
  else
    jvm_flags+=("-XX:ArchiveClassesAtExit=$work/tern.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off)
  fi
  "$java" "${jvm_flags[@]}" -cp "$classpath" io.tern.cli.TernCli server --id 1 --data "$work/data" --cluster "1=127.0.0.1:$port" \
    --log-level ERROR >"$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      ready=1
      break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
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
