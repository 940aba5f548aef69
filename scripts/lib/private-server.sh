# Shared by dovecot.sh and cyrus.sh: the plumbing of a private, throw-away server run from a folder of
# its own. The sourcing script sets SCRIPT_NAME and USAGE_LINES and defines default_dir.

die() { echo "$SCRIPT_NAME: $*" >&2; exit 1; }

usage() {
    sed -n "${USAGE_LINES}p" "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# Absolute path of DIR (it may not exist yet): server configs must only hold absolute paths.
abs_dir() {
    local d="${1:-$(default_dir)}"
    case "$d" in /*) ;; *) d="$PWD/$d" ;; esac
    echo "${d%/}"
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# A system user with no home and no shell, for a server's mail processes (never root).
ensure_system_user() {
    if ! id -u "$1" >/dev/null 2>&1; then
        useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$1"
    fi
}

# The pid in PIDFILE if that process is alive and its command line holds MARK; a stale pid file
# (server killed hard) may name a reused pid, which must not be taken for the server.
live_pid() {
    local pidfile="$1" mark="$2" pid
    [ -r "$pidfile" ] || return 1
    pid=$(cat "$pidfile" 2>/dev/null) || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    if [ -r "/proc/$pid/cmdline" ] && ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$mark"; then
        return 1
    fi
    echo "$pid"
}

# Waits (10 s at most) until 127.0.0.1:PORT greets with "* OK".
wait_greeting() {
    local port="$1" i
    for i in $(seq 1 100); do
        # Braces: so that "connection refused" from the failed redirection is silenced too.
        if { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
            local line=""
            read -r -t 2 line <&3 || true
            exec 3<&- 3>&-
            case "$line" in "* OK"*) return 0 ;; esac
        fi
        sleep 0.1
    done
    return 1
}

# Stops PID (SIGTERM, then SIGKILL after 10 s); LABEL names it in the error.
stop_pid() {
    local pid="$1" label="$2" i
    kill -TERM "$pid"
    for i in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    die "$label (pid $pid) did not exit in 10 s; killed"
}
