# Sourced by bin/tern: a class data sharing archive of the classes a member loads while it starts, so
# that a JVM maps them ready-parsed instead of loading and verifying them one by one (a member starts
# some 0.6 s sooner on two cores; bench/README.md, "Restart"). The JVM archives only classes that came
# from jars, so the launcher runs the built jars, never target/classes, when it uses the archive.

# Prints the flags that map the archive at $1, or nothing if there is none. A JVM whose classpath or
# version does not match the archive's runs without it; the log lines saying so are turned off, as
# output the caller did not ask for.
tern_class_sharing_flags() {
  local archive=$1
  [[ -s $archive ]] || return 0
  printf '%s\n' "-XX:SharedArchiveFile=$archive" -Xlog:cds=off -Xlog:cds+dynamic=off
}

# Writes the archive at $3 from one training run: a one-member server started on an empty data
# directory with the JVM at $1 and the classpath $2, stopped (SIGTERM, a normal exit, which is when the
# JVM writes the archive) once it accepts connections. The archive is written beside and renamed into
# place, so a JVM never maps a half-written one. A training run that fails leaves no archive: members
# then start as before, only slower, so it never fails the caller.
tern_train_class_sharing() {
  local java=$1 classpath=$2 archive=$3
  local work port pid ready=0
  work=$(mktemp -d)
  port=$((20000 + RANDOM % 40000))
  mapfile -t jvm_flags < <(tern_jvm_flags "$(tern_java_major "${java%/bin/java}")")
  "$java" "${jvm_flags[@]}" "-XX:ArchiveClassesAtExit=$work/tern.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off \
    -cp "$classpath" io.tern.cli.TernCli server --id 1 --data "$work/data" --cluster "1=127.0.0.1:$port" \
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
  wait "$pid" 2>/dev/null || true
  if [[ $ready == 1 && -s $work/tern.jsa ]]; then
    mv -f "$work/tern.jsa" "$archive.tmp.$$" && mv -f "$archive.tmp.$$" "$archive"
  else
    rm -f "$archive"
  fi
  rm -rf "$work"
}
