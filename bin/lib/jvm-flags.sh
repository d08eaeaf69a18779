# JVM flags for Tern processes started by bin/tern; mirrors <tern.jvm.flags> in the root pom.xml.
# Chronicle needs the exports/opens; analytics, the announcer and its disk-space nag (an ERROR every 10 s
# under 200 MB free; Tern's own --disk-reserve-bytes alarm does that job) stay off; native access is allowed
# quietly for RocksDB and Netty; JDK 24+ also wants Unsafe memory access allowed (Kryo, Chronicle).
# Netty's JFR events stay off: the first pooled buffer registered them, which set up all of JFR's
# metadata on the peer thread about to send its first hello (80 ms of a start on a quiet machine,
# more when three members start on two cores), and Tern records no JFR events.
tern_jvm_flags() { # $1 = java major version
  local flags=(
    --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED
    --add-exports=java.base/sun.nio.ch=ALL-UNNAMED
    --add-exports=java.base/jdk.internal.util=ALL-UNNAMED
    --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
    --add-opens=java.base/java.lang=ALL-UNNAMED
    --add-opens=java.base/java.nio=ALL-UNNAMED
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
    --add-opens=java.base/java.io=ALL-UNNAMED
    --add-opens=java.base/java.util=ALL-UNNAMED
    --add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED
    --enable-native-access=ALL-UNNAMED
    -Dchronicle.analytics.disable=true
    -Dchronicle.announcer.disable=true
    -Dchronicle.disk.monitor.disable=true
    -Dio.netty.jfr.enabled=false
  )
  if [[ $1 -ge 24 ]]; then flags+=(--sun-misc-unsafe-memory-access=allow); fi
  printf '%s\n' "${flags[@]}"
}
