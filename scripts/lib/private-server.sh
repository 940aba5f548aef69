# Shared by dovecot.sh, cyrus.sh and courier.sh: the plumbing of a private, throw-away server run from a folder of
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

# Each DIR remembers the settings its server was started with (a file such as DIR/settings), so that
# later calls without the environment variables (env, stop, adduser) talk about the same server.
# load_settings FILE NAME=ENVVAR...: sets each NAME from FILE unless ENVVAR is set (the variable wins).
load_settings() {
    local file="$1" pair name envvar saved
    shift
    [ -f "$file" ] || return 0
    for pair in "$@"; do
        name="${pair%%=*}"
        envvar="${pair#*=}"
        [ -z "${!envvar:-}" ] || continue
        # shellcheck disable=SC1090
        saved=$(. "$file"; printf '%s' "${!name-}")
        [ -z "$saved" ] || printf -v "$name" '%s' "$saved"
    done
}

# save_settings FILE NAME...: writes the current values of the NAMEs for load_settings.
save_settings() {
    local file="$1" name
    shift
    for name in "$@"; do printf '%s=%q\n' "$name" "${!name}"; done >"$file.tmp.$$"
    mv -f "$file.tmp.$$" "$file"
}

# Debian's multiarch library folder name, e.g. x86_64-linux-gnu.
MULTIARCH=$(gcc -print-multiarch 2>/dev/null || true)
[ -n "$MULTIARCH" ] || MULTIARCH="$(uname -m)-linux-gnu"

# missing_libs LIBRARY_PATH PROGRAM...: the shared libraries the PROGRAMs cannot find when run with
# LD_LIBRARY_PATH=LIBRARY_PATH (empty when all is well); a missing program is named too.
missing_libs() {
    local path="$1" prog
    shift
    for prog in "$@"; do
        [ -e "$prog" ] || { echo "$prog (missing)"; continue; }
        LD_LIBRARY_PATH="$path" ldd "$prog" 2>/dev/null | awk '/not found/ { print $1 }'
    done | sort -u
}

# Runs a command with its output set aside: shown, and the script stopped, only when it fails.
quietly() {
    local log rc=0
    log=$(mktemp)
    "$@" >"$log" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ]; then
        cat "$log" >&2
        rm -f "$log"
        die "$1 ${2:-} failed (exit $rc)"
    fi
    rm -f "$log"
}

# Options for every apt-get call: wait for the dpkg lock (other test runs may be installing too).
APT_WAIT=(-o DPkg::Lock::Timeout=300)

# apt_install PACKAGE...: installs ordinary Debian packages (libraries, tools that conflict with
# nothing), refreshing the package lists first on a fresh machine that does not know the first one.
apt_install() {
    is_root || die "installing $* needs root"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-cache show "$1" >/dev/null 2>&1; then
        quietly apt-get "${APT_WAIT[@]}" update -qq
    fi
    quietly apt-get "${APT_WAIT[@]}" install -y -qq --no-install-recommends "$@"
}

# unpack_debs ROOT PACKAGE...: downloads the PACKAGEs (apt-get download; the array APT_OPTS may hold
# options such as a private source list) and unpacks them with dpkg-deb into ROOT without installing
# them; the libraries they depend on are installed. The tree is unpacked beside ROOT and then swapped in, so a half-unpacked tree is never used.
unpack_debs() {
    local root="$1" tmp new deb
    shift
    tmp=$(mktemp -d)
    # apt-get download runs as the _apt user when it can: let it write the folder.
    chmod 777 "$tmp"
    (cd "$tmp" && quietly apt-get "${APT_OPTS[@]}" download "$@") || { rm -rf "$tmp"; exit 1; }
    # The libraries they depend on are installed normally (apt-get), but for those apt cannot install here
    # (Cyrus 3.10's libclamav11, which only its virus scanner uses) and those unpacked here themselves.
    local unpacked libs=() lib
    unpacked=" $(for deb in "$tmp"/*.deb; do dpkg-deb -f "$deb" Package; done | tr '\n' ' ') "
    for lib in $(for deb in "$tmp"/*.deb; do dpkg-deb -f "$deb" Depends; done | tr ',' '\n' \
            | sed -E 's/\|.*//; s/\(.*\)//; s/:any//; s/[[:space:]]//g' | grep '^lib' | sort -u); do
        case "$unpacked" in *" $lib "*) continue ;; esac
        [[ "$(apt-cache policy "$lib" 2>/dev/null)" =~ Candidate:\ [^\(] ]] && libs+=("$lib")
    done
    [ ${#libs[@]} -eq 0 ] || apt_install "${libs[@]}"
    new="$root.new.$$"
    rm -rf "$new"
    mkdir -p "$new"
    for deb in "$tmp"/*.deb; do
        dpkg-deb -x "$deb" "$new" || { rm -rf "$tmp" "$new"; die "dpkg-deb -x $deb failed"; }
    done
    rm -rf "$root" "$tmp"
    mv "$new" "$root"
}
APT_OPTS=()

# exports NAME=VALUE...: prints each as a shell "export" line (the env subcommand's output).
exports() {
    local pair
    for pair in "$@"; do printf 'export %s=%q\n' "${pair%%=*}" "${pair#*=}"; done
}

# dispatch SUBCOMMAND ARGS...: runs the script's cmd_SUBCOMMAND ("-" read as "_") with ARGS, or prints the usage.
dispatch() {
    local sub="${1:-}"
    [ $# -gt 0 ] && shift
    case "$sub" in "" | *[!a-z-]*) usage ;; esac
    declare -F "cmd_${sub//-/_}" >/dev/null || usage
    "cmd_${sub//-/_}" "$@"
}

# check_new_user NAME PASSWORD: stops unless NAME passes the script's valid_name and PASSWORD holds no CR or LF.
check_new_user() {
    valid_name "$1" || die "invalid user name: $1"
    case "$2" in *$'\n'* | *$'\r'*) die "password must not contain CR or LF" ;; esac
}
