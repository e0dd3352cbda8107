#!/bin/bash
# A single-node Ceph object store (one mon, one OSD with BlueStore on a sparse
# file, one radosgw) in one directory, started as plain processes (no
# systemd, no cephadm, no block device).  Debian 12 packages:
#   apt-get install --no-install-recommends radosgw ceph-mon ceph-osd
#
#   conformance/rgw-single-node.sh up <dir>       create (first time) or start
#   conformance/rgw-single-node.sh users <dir>    create the users s3-tests needs
#   conformance/rgw-single-node.sh env <dir>      print the variables for run.sh
#   conformance/rgw-single-node.sh status <dir>
#   conformance/rgw-single-node.sh down <dir>     stop every daemon (data stays)
#   conformance/rgw-single-node.sh destroy <dir>  down, then remove <dir>
#
# Environment: RGW_PORT (18080), MON_PORT_V2 (13300), MON_PORT_V1 (16789),
# OSD_SIZE (20G, sparse), OSD_MEMORY_TARGET (1073741824), RGW_LC_DEBUG_INTERVAL
# (10: a lifecycle "day" lasts 10 s, as s3-tests assumes).  Authentication is
# cephx (with auth "none" radosgw 16.2.15 cannot authenticate to the mon:
# get_initial_auth_request returned -13), keys in <dir>/keyring.
# Everything listens on 127.0.0.1 only.
set -euo pipefail

cmd=${1:?usage: rgw-single-node.sh up|users|env|status|down|destroy <dir>}
dir=${2:?usage: rgw-single-node.sh $cmd <dir>}
RGW_PORT=${RGW_PORT:-18080}
MON_PORT_V2=${MON_PORT_V2:-13300}
MON_PORT_V1=${MON_PORT_V1:-16789}
OSD_SIZE=${OSD_SIZE:-20G}
OSD_MEMORY_TARGET=${OSD_MEMORY_TARGET:-1073741824}
RGW_LC_DEBUG_INTERVAL=${RGW_LC_DEBUG_INTERVAL:-10}

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
conf=$dir/ceph.conf
export CEPH_CONF=$conf
ceph_() { timeout 30 ceph -c "$conf" "$@"; }
log() { printf '%s %s\n' "$(date +%H:%M:%S.%N | cut -c1-12)" "$*" >&2; }

# s3-tests' users (the canonical ids and keys of its s3tests.conf.SAMPLE)
MAIN_UID=testid;  MAIN_AK=0555b35654ad1656d804; MAIN_SK='h7GhxuBLTrlhVUyxSPUKUV8r/2EI4ngqJxD7iBdBYLhwluN30JaT3Q=='
ALT_UID=56789abcdef0123456789abcdef0123456789abcdef0123456789abcdef01234
ALT_AK=NOPQRSTUVWXYZABCDEFG; ALT_SK=nopqrstuvwxyzabcdefghijklmnabcdefghijklm
TEN_UID=9876543210abcdef0123456789abcdef0123456789abcdef0123456789abcdef; TENANT=testx
TEN_AK=HIJKLMNOPQRSTUVWXYZA; TEN_SK=opqrstuvwxyzabcdefghijklmnopqrstuvwxyzab
IAM_UID=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
IAM_AK=ABCDEFGHIJKLMNOPQRST; IAM_SK=abcdefghijklmnopqrstuvwxyzabcdefghijklmn

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_daemon() { # name pidfile
    local pf=$2
    if pid_alive "$pf"; then
        local pid; pid=$(cat "$pf")
        kill "$pid"
        for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        if kill -0 "$pid" 2>/dev/null; then log "$1 ($pid) did not stop in 30 s: KILL"; kill -9 "$pid"; fi
        log "$1 stopped"
    fi
    rm -f "$pf"
}

write_conf() {
    local fsid=$1
    cat > "$conf" <<EOF
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$MON_PORT_V2,v1:127.0.0.1:$MON_PORT_V1]
public addr = 127.0.0.1
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = $dir/keyring
run dir = $dir/run
admin socket = $dir/run/\$cluster-\$name.asok
pid file = $dir/run/\$name.pid
log file = $dir/log/\$name.log
crash dir = $dir/crash
# one OSD: pools of size 1, few PGs (the mon refuses more than
# mon_max_pg_per_osd=250 per OSD; RGW creates ~7 pools), no autoscaler (no mgr)
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon warn on insecure global id reclaim allowed = false
osd crush chooseleaf type = 0

[mon]
mon data = $dir/mon/\$cluster-\$id
mon cluster log file = $dir/log/\$cluster.log

[osd]
osd data = $dir/osd/\$cluster-\$id
keyring = $dir/osd/\$cluster-\$id/keyring
osd objectstore = bluestore
bluestore block create = true
bluestore block size = $(numfmt --from=iec "$OSD_SIZE")
bluestore block db create = false
bluestore block wal create = false
bluestore fsck on mkfs = false
osd memory target = $OSD_MEMORY_TARGET
osd max object size = 134217728

[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw data = $dir/rgw
rgw dns name = localhost
rgw lc debug interval = $RGW_LC_DEBUG_INTERVAL
rgw enable usage log = true
rgw crypt require ssl = false
rgw crypt s3 kms backend = testing
rgw crypt s3 kms encryption keys = testkey-1=YmluCmJvb3N0CmJvb3N0LWJ1aWxkCmNlcGguY29uZgo= testkey-2=aWIKTWFrZWZpbGUKbWFuCm91dApzcmMKVGVzdGluZwo=
EOF
}

wait_for() { # seconds description command...
    local n=$1 what=$2; shift 2
    for _ in $(seq $((n * 2))); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.5
    done
    log "timed out after ${n}s waiting for $what"
    return 1
}

osd_up() { ceph_ osd dump 2>/dev/null | grep -q '^osd.0 up'; }
rgw_answers() { curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$RGW_PORT/"; }

up() {
    local t0; t0=$(date +%s.%N)
    mkdir -p "$dir"/{mon,osd,run,log,rgw,crash}
    if [ ! -f "$conf" ]; then
        local fsid; fsid=$(uuidgen)
        log "new cluster $fsid in $dir"
        write_conf "$fsid"
        ceph-authtool --create-keyring "$dir/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
        ceph-authtool "$dir/keyring" --gen-key -n client.admin \
            --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' >/dev/null
        ceph-authtool "$dir/keyring" --gen-key -n client.rgw.a \
            --cap mon 'allow rw' --cap osd 'allow rwx' --cap mgr 'allow rw' >/dev/null
        monmaptool --create --fsid "$fsid" \
            --addv a "[v2:127.0.0.1:$MON_PORT_V2,v1:127.0.0.1:$MON_PORT_V1]" "$dir/monmap" >/dev/null
        ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" --keyring "$dir/keyring"
        log "mon mkfs done"
    fi
    if ! pid_alive "$dir/run/mon.a.pid"; then
        ceph-mon -c "$conf" -i a 9>&-
    fi
    wait_for 60 "the mon" ceph_ mon stat
    log "mon up"

    if [ ! -f "$dir/osd/ceph-0/fsid" ]; then
        local uuid id; uuid=$(uuidgen)
        id=$(ceph_ osd new "$uuid")
        [ "$id" = 0 ] || { log "expected osd id 0, got $id"; exit 1; }
        mkdir -p "$dir/osd/ceph-0"
        ceph-authtool --create-keyring "$dir/osd/ceph-0/keyring" --gen-key -n osd.0 >/dev/null
        ceph_ auth add osd.0 osd 'allow *' mon 'allow profile osd' mgr 'allow profile osd' \
            -i "$dir/osd/ceph-0/keyring" >/dev/null
        ceph-osd -c "$conf" -i 0 --mkfs --osd-uuid "$uuid" 2> "$dir/log/osd-mkfs.log" ||
            { tail -20 "$dir/log/osd-mkfs.log" >&2; exit 1; }
        log "osd mkfs done (bluestore on $dir/osd/ceph-0/block, $OSD_SIZE sparse)"
    fi
    if ! pid_alive "$dir/run/osd.0.pid"; then
        ceph-osd -c "$conf" -i 0 9>&-
    fi
    wait_for 120 "osd.0 up" osd_up
    log "osd.0 up"

    if ! pid_alive "$dir/run/client.rgw.a.pid"; then
        radosgw -c "$conf" -n client.rgw.a 9>&-
    fi
    wait_for 180 "radosgw on :$RGW_PORT" rgw_answers
    log "radosgw answers on http://127.0.0.1:$RGW_PORT/"
    printf 'up in %.1f s\n' "$(echo "$(date +%s.%N) - $t0" | bc)"
}

user_create() { # radosgw-admin args...
    radosgw-admin -c "$conf" user create "$@" >/dev/null 2>"$dir/log/user-create.err" ||
        grep -q 'already exists' "$dir/log/user-create.err" || { cat "$dir/log/user-create.err" >&2; exit 1; }
}

users() {
    user_create --uid "$MAIN_UID" --display-name 'M. Tester' --email tester@ceph.com \
        --access-key "$MAIN_AK" --secret "$MAIN_SK"
    user_create --uid "$ALT_UID" --display-name john.doe --email john.doe@example.com \
        --access-key "$ALT_AK" --secret "$ALT_SK"
    user_create --tenant "$TENANT" --uid "$TEN_UID" --display-name tenanteduser \
        --email tenanteduser@example.com --access-key "$TEN_AK" --secret "$TEN_SK"
    user_create --uid "$IAM_UID" --display-name youruseridhere --email s3@example.com \
        --access-key "$IAM_AK" --secret "$IAM_SK"
    radosgw-admin -c "$conf" caps add --uid "$IAM_UID" --caps 'user-policy=*' >/dev/null
    # an admin for the Admin Ops API (/admin/...)
    user_create --uid admin --display-name 'Admin Ops' --access-key ADMINACCESSKEY0000000 \
        --secret adminsecretkey000000000000000000000000000 --system
    radosgw-admin -c "$conf" caps add --uid admin \
        --caps 'users=*;buckets=*;metadata=*;usage=*;zone=*' >/dev/null
    log "users: $MAIN_UID, alt, $TENANT\$tenant, iam, admin"
}

env_() {
    cat <<EOF
export S3_HOST=127.0.0.1 S3_PORT=$RGW_PORT
export MAIN_ACCESS_KEY=$MAIN_AK MAIN_SECRET_KEY='$MAIN_SK' MAIN_USER_ID=$MAIN_UID MAIN_DISPLAY_NAME='M. Tester'
export ALT_ACCESS_KEY=$ALT_AK ALT_SECRET_KEY=$ALT_SK ALT_USER_ID=$ALT_UID ALT_DISPLAY_NAME=john.doe
export TENANT_ACCESS_KEY=$TEN_AK TENANT_SECRET_KEY=$TEN_SK TENANT_NAME=$TENANT TENANT_USER_ID='$TENANT\$$TEN_UID' TENANT_DISPLAY_NAME=tenanteduser
export IAM_ACCESS_KEY=$IAM_AK IAM_SECRET_KEY=$IAM_SK IAM_USER_ID=$IAM_UID
export LC_DEBUG_INTERVAL=$RGW_LC_DEBUG_INTERVAL
EOF
}

status() {
    for p in mon.a osd.0 client.rgw.a; do
        if pid_alive "$dir/run/$p.pid"; then
            printf '%-14s pid %-7s rss %s KiB\n' "$p" "$(cat "$dir/run/$p.pid")" \
                "$(ps -o rss= -p "$(cat "$dir/run/$p.pid")" | tr -d ' ')"
        else
            printf '%-14s stopped\n' "$p"
        fi
    done
    pid_alive "$dir/run/mon.a.pid" && ceph_ -s 2>/dev/null || true
    printf 'disk: %s apparent, %s allocated (%s)\n' "$(du -sh --apparent-size "$dir" | cut -f1)" \
        "$(du -sh "$dir" | cut -f1)" "$dir"
}

down() {
    stop_daemon radosgw "$dir/run/client.rgw.a.pid"
    stop_daemon osd.0 "$dir/run/osd.0.pid"
    stop_daemon mon.a "$dir/run/mon.a.pid"
}

# one up/down at a time per directory (the daemons must not inherit fd 9)
exec 9>>"$dir/.lock"
flock -w 60 9 || { echo "another rgw-single-node.sh holds $dir/.lock" >&2; exit 1; }

case "$cmd" in
    up) up;;
    users) users;;
    env) env_;;
    status) status;;
    down) down;;
    destroy)
        if [ -n "$(ls -A "$dir" | grep -v '^\.lock$')" ] && [ ! -f "$conf" ]; then
            echo "$dir has no ceph.conf: not a directory of this script, not removing it" >&2; exit 1
        fi
        down; rm -rf "$dir";;
    *) echo "unknown command $cmd" >&2; exit 2;;
esac
