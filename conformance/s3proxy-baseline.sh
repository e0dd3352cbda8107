#!/bin/bash
# A plain s3proxy (the library Strata embeds) on its filesystem store, as a
# baseline for conformance/run.sh.  Not Strata: no Strata code is involved.
#
#   conformance/s3proxy-baseline.sh start <dir> [port]   # default port 18000
#   conformance/s3proxy-baseline.sh stop <dir>
#
# <dir> receives the classpath (via Maven, from Maven Central or ~/.m2), the
# properties, the log, the pid and the store (<dir>/data).  Keys:
# local-identity / local-credential (one identity: s3proxy has no users).
# S3PROXY_VERSION (4.1.0) selects the version.
set -euo pipefail

cmd=${1:?usage: s3proxy-baseline.sh start|stop <dir> [port]}
dir=${2:?usage: s3proxy-baseline.sh start|stop <dir> [port]}
port=${3:-18000}
version=${S3PROXY_VERSION:-4.1.0}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

case "$cmd" in
stop)
    if [ -f "$dir/s3proxy.pid" ]; then
        pid=$(cat "$dir/s3proxy.pid")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        rm -f "$dir/s3proxy.pid"
    fi
    exit 0;;
start) ;;
*) echo "unknown command $cmd" >&2; exit 2;;
esac

if [ ! -d "$dir/lib" ]; then
    # s3proxy 4 uses Jackson 3, whose annotations must be newer than the
    # 2.18 that Maven's nearest-wins mediation picks from jclouds: pin them
    # (the same pin Strata's pom.xml carries).
    cat > "$dir/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.scratch</groupId><artifactId>s3proxy-baseline</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencyManagement><dependencies>
    <dependency><groupId>com.fasterxml.jackson.core</groupId><artifactId>jackson-annotations</artifactId><version>2.22</version></dependency>
  </dependencies></dependencyManagement>
  <dependencies>
    <dependency><groupId>org.gaul</groupId><artifactId>s3proxy</artifactId><version>$version</version></dependency>
  </dependencies>
</project>
EOF
    (cd "$dir" && mvn -q -B dependency:copy-dependencies -DoutputDirectory="$dir/lib" \
        -DincludeScope=runtime >&2)
    (cd "$dir" && mvn -q -B dependency:copy -Dartifact="org.gaul:s3proxy:$version" \
        -DoutputDirectory="$dir/lib" >&2)
fi

# logback's default is DEBUG for everything: that slows every request and
# fills the log
cat > "$dir/logback.xml" <<'EOF'
<configuration>
  <appender name="F" class="ch.qos.logback.core.FileAppender">
    <file>${S3PROXY_LOG}</file>
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="F"/></root>
</configuration>
EOF
mkdir -p "$dir/data"
cat > "$dir/s3proxy.properties" <<EOF
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=local-identity
s3proxy.credential=local-credential
jclouds.provider=filesystem
jclouds.identity=remote-identity
jclouds.credential=remote-credential
jclouds.filesystem.basedir=$dir/data
EOF

start=$(date +%s.%N)
nohup java -DS3PROXY_LOG="$dir/s3proxy.log" -Dlogback.configurationFile="$dir/logback.xml" \
    -cp "$dir/lib/*" org.gaul.s3proxy.Main --properties "$dir/s3proxy.properties" \
    > "$dir/stdout.log" 2>&1 &
echo $! > "$dir/s3proxy.pid"
for _ in $(seq 60); do
    if curl -s -o /dev/null --fail "http://127.0.0.1:$port/healthz"; then
        printf 's3proxy %s on http://127.0.0.1:%s (pid %s), up after %.1f s\n' \
            "$version" "$port" "$(cat "$dir/s3proxy.pid")" "$(echo "$(date +%s.%N) - $start" | bc)"
        exit 0
    fi
    kill -0 "$(cat "$dir/s3proxy.pid")" 2>/dev/null || { tail -20 "$dir/stdout.log" >&2; exit 1; }
    sleep 0.5
done
echo "s3proxy did not answer within 30 s" >&2
exit 1
