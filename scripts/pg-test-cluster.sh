#!/usr/bin/env bash
# Cụm PostgreSQL dùng một lần cho kiểm thử.
#
#   scripts/pg-test-cluster.sh start   # create (once) and start; creates database "luutru"
#   scripts/pg-test-cluster.sh url     # postgres://postgres@127.0.0.1:PORT/luutru
#   scripts/pg-test-cluster.sh status  # exit 0 when running
#   scripts/pg-test-cluster.sh stop    # stop and delete the whole directory
#
# Environment: PGDATA_DIR (default ${TMPDIR:-/tmp}/luutru-pg-$UID), LUUTRU_PG_PORT (54329),
# PG_BINDIR (default: the newest /usr/lib/postgresql/*/bin).
# Trust authentication on 127.0.0.1 only, fsync off: for tests, never for real data.
# As root, the server runs as the `postgres` user (initdb refuses root).
set -euo pipefail

DIR="${PGDATA_DIR:-${TMPDIR:-/tmp}/luutru-pg-$(id -u)}"
PORT="${LUUTRU_PG_PORT:-54329}"
DB=luutru
MARKER=".luutru-pg-test-cluster"
DATA="$DIR/data"
LOG="$DIR/postgres.log"

die() { printf 'pg-test-cluster: %s\n' "$*" >&2; exit 1; }

find_bindir() {
    if [ -n "${PG_BINDIR:-}" ]; then
        printf '%s\n' "$PG_BINDIR"
        return
    fi
    local newest
    newest="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null \
        | sort -V | tail -n 1)"
    if [ -n "$newest" ]; then
        printf '%s\n' "$newest"
    elif command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v pg_ctl)"
    else
        die "không tìm thấy PostgreSQL (initdb, pg_ctl); hãy chạy scripts/install-system.sh"
    fi
}

# Run a server-side command as the cluster's owner.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

url() { printf 'postgres://postgres@127.0.0.1:%s/%s\n' "$PORT" "$DB"; }

# The postmaster's pid, when it is alive. A killed server whose parent is an init that does
# not reap (as in some containers) stays a zombie: that counts as dead, not as running.
server_pid() {
    local pid state
    [ -f "$DATA/postmaster.pid" ] || return 1
    pid="$(head -n 1 "$DATA/postmaster.pid" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    state="$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)"
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ] || return 1
    printf '%s\n' "$pid"
}

is_running() { server_pid >/dev/null; }

wait_ready() {
    local i
    for i in $(seq 1 60); do
        "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" && return 0
        sleep 0.5
    done
    return 1
}

psql_admin() {
    "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d postgres "$@"
}

create_cluster() {
    if [ -e "$DIR" ] && [ ! -f "$DIR/$MARKER" ] && [ -n "$(ls -A "$DIR")" ]; then
        die "$DIR đã có và không phải cụm kiểm thử của chúng ta; đặt PGDATA_DIR khác"
    fi
    mkdir -p "$DIR"
    touch "$DIR/$MARKER"
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || die "không có người dùng 'postgres' (cài gói postgresql)"
        chown -R postgres: "$DIR"
        runuser -u postgres -- test -w "$DIR" \
            || die "người dùng postgres không ghi được vào $DIR; đặt PGDATA_DIR (ví dụ /tmp/…)"
    fi
    chmod 700 "$DIR"
    if ! as_owner "$BIN/initdb" -D "$DATA" --auth=trust -U postgres --encoding=UTF8 \
            --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1; then
        cat "$DIR/initdb.log" >&2
        die "initdb thất bại"
    fi
    as_owner tee -a "$DATA/postgresql.conf" >/dev/null <<EOF

# --- luutru throwaway test cluster ---
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
EOF
}

start() {
    if is_running; then
        # Reuse the running cluster.
        wait_ready || die "PostgreSQL đang chạy nhưng không trả lời ở cổng $PORT; hãy chạy stop"
    else
        [ -f "$DATA/PG_VERSION" ] || create_cluster
        # Lock files left by a server that died without cleaning up.
        rm -f "$DATA/postmaster.pid" "$DIR/.s.PGSQL.$PORT.lock"
        # A cluster created for another port: follow LUUTRU_PG_PORT.
        as_owner sed -i "s/^port = .*/port = $PORT/" "$DATA/postgresql.conf"
        if ! as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null; then
            tail -n 30 "$LOG" >&2 || true
            die "không khởi động được PostgreSQL (cổng $PORT đã bị dùng?)"
        fi
    fi
    if [ -z "$(psql_admin -tA -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]; then
        psql_admin -c "CREATE DATABASE $DB"
    fi
}

stop() {
    if is_running; then
        if ! as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null \
                && is_running; then
            die "không dừng được PostgreSQL (pid $(server_pid))"
        fi
    fi
    if [ -e "$DIR" ]; then
        [ -f "$DIR/$MARKER" ] || die "$DIR không phải cụm kiểm thử của chúng ta; không xóa"
        rm -rf "$DIR"
    fi
}

case "${1:-}" in
    start) BIN="$(find_bindir)"; start ;;
    stop) BIN="$(find_bindir)"; stop ;;
    status) BIN="$(find_bindir)"; is_running ;;
    url) url ;;
    *) die "cách dùng: $0 start|stop|status|url" ;;
esac
