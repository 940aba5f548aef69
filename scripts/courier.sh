#!/usr/bin/env bash
# Private, throw-away Courier-IMAP 5 server on loopback: a third IMAP implementation for ImapLib's tests,
# with habits of its own (folders under "INBOX.", no UIDNEXT on an empty mailbox, APPEND announced late).
#
# Usage:
#   scripts/courier.sh install
#   scripts/courier.sh start [DIR]
#   scripts/courier.sh stop [DIR]
#   scripts/courier.sh adduser NAME PASSWORD [DIR]
#   scripts/courier.sh stdio-command USER [DIR]
#   scripts/courier.sh env [DIR]
#
# DIR defaults to ${IMAPLIB_COURIER_DIR:-/tmp/imaplib-courier}. Port: ${IMAPLIB_COURIER_PORT:-14332},
# plain IMAP on 127.0.0.1 only. Needs root (the login process switches to the mail user).
#
# Debian's courier-imap package would bring an MTA and start imapd on port 143 of every interface, so
# Courier is never installed system-wide: install downloads the .deb files ("apt-get download") and
# unpacks them with dpkg-deb into ${IMAPLIB_COURIER_ROOT:-/opt/imaplib-courier}; only ordinary libraries
# are installed with apt-get. Courier's authentication daemon has its socket, its configuration and
# its user database at fixed paths (/run/courier, /etc/courier), so the server runs in a chroot,
# DIR/root, built from that tree and the system libraries it needs: couriertcpd (TCP) starts imaplogin,
# which checks LOGIN through authdaemond against a private userdb (crypt passwords) and then runs imapd
# as the unprivileged mail user on DIR/root/home/NAME/Maildir. All output goes to DIR/courier.log.
set -euo pipefail

COURIER_ROOT="${IMAPLIB_COURIER_ROOT:-/opt/imaplib-courier}"
# Unpacked privately, never installed.
COURIER_PACKAGES=(courier-imap courier-base courier-authdaemon courier-authlib courier-authlib-userdb libcourier-unicode4)
# Installed normally: libraries and tools that conflict with nothing. gamin's gam_server (copied into
# the chroot) is what imapd watches the Maildir with; without it every session logs errors.
LIB_PACKAGES=(libidn12 libgamin0 gamin libltdl7 libgdbm6 openssl)
GAM_SERVER=/usr/libexec/gam_server
MAIL_USER=imaplibcourier
PORT="${IMAPLIB_COURIER_PORT:-14332}"
# What the server advertises (Courier adds ACL, ACL2=UNION, ENABLE and UTF8=ACCEPT itself): Debian's
# default list, which has IDLE and no AUTH= mechanism (plain LOGIN only).
CAPABILITY="IMAP4rev1 UIDPLUS CHILDREN NAMESPACE THREAD=ORDEREDSUBJECT THREAD=REFERENCES SORT QUOTA IDLE"

# The programs that run in the chroot, as paths inside the unpacked tree and inside the chroot.
TCPD=usr/sbin/couriertcpd
IMAPLOGIN=usr/lib/courier/courier/imaplogin
IMAPD=usr/bin/imapd
AUTHDAEMOND=usr/lib/courier/courier-authlib/authdaemond
AUTH_MODULE=usr/lib/courier-authlib/libauthuserdb.so.0
MAKEDAT=usr/lib/courier/courier-authlib/makedatprog
PROGRAMS=("$TCPD" "$IMAPLOGIN" "$IMAPD" "$AUTHDAEMOND" "$AUTH_MODULE")

default_dir() { echo "${IMAPLIB_COURIER_DIR:-/tmp/imaplib-courier}"; }

SCRIPT_NAME=courier.sh
USAGE_LINES=5,11
# shellcheck source=lib/private-server.sh
. "$(dirname "$0")/lib/private-server.sh"

# The tree's own libraries (libcourierauth in usr/lib, libcourier-unicode in the multiarch folder).
TREE_LIBS="$COURIER_ROOT/usr/lib:$COURIER_ROOT/usr/lib/$MULTIARCH"

use_dir() { load_settings "$1/settings" PORT=IMAPLIB_COURIER_PORT; }

tcpd_pid() { live_pid "$1/couriertcpd.pid" couriertcpd; }
authd_pid() { live_pid "$1/authdaemond.pid" authdaemond; }

installed() {
    [ -x "$GAM_SERVER" ] && command -v openssl >/dev/null \
        && [ -z "$(missing_libs "$TREE_LIBS" "${PROGRAMS[@]/#/$COURIER_ROOT/}" "$COURIER_ROOT/$MAKEDAT")" ]
}

cmd_install() {
    installed && return 0
    is_root || die "Courier is not unpacked in $COURIER_ROOT (or libraries are missing) and installing needs root"
    apt_install "${LIB_PACKAGES[@]}"
    unpack_debs "$COURIER_ROOT" "${COURIER_PACKAGES[@]}"
    local missing
    missing=$(missing_libs "$TREE_LIBS" "${PROGRAMS[@]/#/$COURIER_ROOT/}" "$COURIER_ROOT/$MAKEDAT")
    [ -z "$missing" ] || die "Courier programs still miss libraries after install: $(echo $missing)"
    installed || die "Courier still not usable after install (gam_server or openssl missing?)"
}

# The chroot DIR/root: Courier's tree, gam_server, the system libraries they load (at the same paths),
# /dev/null and /dev/urandom, and passwd/group files naming root and the mail user. Programs and
# libraries are copied afresh on each start; etc/courier and home (users, mail) are kept.
build_root() {
    local root="${1:?}/root" lib
    rm -rf "${root:?}/usr" "$root/lib" "$root/lib64"
    mkdir -p "$root/etc/courier" "$root/run/courier/authdaemon" "$root/dev" "$root/tmp" "$root/home" \
        "$root/usr/libexec"
    cp -a "$COURIER_ROOT/usr" "$root/"
    rm -rf "${root:?}/usr/share"
    cp "$GAM_SERVER" "$root/usr/libexec/"
    for lib in $( (for prog in "${PROGRAMS[@]/#/$COURIER_ROOT/}" "$GAM_SERVER"; do
            LD_LIBRARY_PATH="$TREE_LIBS" ldd "$prog"
        done) | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u); do
        case "$lib" in "$COURIER_ROOT"/*) continue ;; esac
        mkdir -p "$root$(dirname "$lib")"
        cp -L "$lib" "$root$lib"
    done
    [ -c "$root/dev/null" ] || mknod -m 666 "$root/dev/null" c 1 3
    [ -c "$root/dev/urandom" ] || mknod -m 444 "$root/dev/urandom" c 1 9
    chmod 1777 "$root/tmp"
    chmod 755 "$1" "$root" "$root/home"
    local uid gid
    uid=$(id -u "$MAIL_USER"); gid=$(id -g "$MAIL_USER")
    printf 'root:x:0:0:root:/root:/bin/false\n%s:x:%s:%s::/home:/bin/false\n' "$MAIL_USER" "$uid" "$gid" >"$root/etc/passwd"
    printf 'root:x:0:\n%s:x:%s:\n' "$MAIL_USER" "$gid" >"$root/etc/group"
    cat >"$root/etc/courier/authdaemonrc" <<EOF
# Generated by scripts/courier.sh -- private ImapLib test server. Do not edit: rewritten on start.
authmodulelist="authuserdb"
daemons=3
authdaemonvar=/run/courier/authdaemon
DEBUG_LOGIN=0
DEFAULTOPTIONS=""
EOF
}

# The environment imaplogin and imapd run with (Debian's /etc/courier/imapd, trimmed to what matters).
server_env() {
    printf '%s\n' PATH=/usr/bin:/usr/sbin "IMAP_CAPABILITY=$CAPABILITY" IMAP_KEYWORDS=1 IMAP_ACL=1 \
        IMAP_IDLE_TIMEOUT=60 IMAP_ENHANCEDIDLE=1 IMAP_USELOCKS=1 IMAP_MAILBOX_SANITY_CHECK=1 \
        IMAP_TRASHFOLDERNAME=Trash IMAP_MOVE_EXPUNGE_TO_TRASH=0 IMAP_UMASK=022
}

# A user name is a userdb key and a folder name: keep it tame.
valid_name() { [[ "$1" =~ ^[A-Za-z0-9_][A-Za-z0-9_-]*$ ]]; }

# Rebuilds userdb.dat and userdbshadow.dat (what authuserdb reads) from DIR/users/NAME, one crypt
# password each, with Courier's own makedatprog; each is written beside and renamed into place. The
# module keeps a database open and looks at its modification time (whole seconds) to notice a new one:
# each rebuild therefore gets a later time than the one before, so that a user added within the second
# of a login is not missed. A lock keeps concurrent calls (tests adding users in parallel) apart.
rebuild_userdb() {
    local dir="$1" etc="$1/root/etc/courier" uid gid file name when
    uid=$(id -u "$MAIL_USER"); gid=$(id -g "$MAIL_USER")
    exec 9>>"$dir/users.lock"
    flock -w 30 9 || die "timed out waiting for $dir/users.lock"
    when=$(date +%s)
    if [ -f "$etc/userdb.dat" ]; then
        local previous
        previous=$(stat -c %Y "$etc/userdb.dat")
        [ "$when" -gt "$previous" ] || when=$((previous + 1))
    fi
    {
        for file in "$dir/users"/*; do
            [ -f "$file" ] || continue
            name=$(basename "$file")
            printf '%s\tuid=%s|gid=%s|home=/home/%s|mail=/home/%s/Maildir\n' "$name" "$uid" "$gid" "$name" "$name"
        done
        echo .
    } | LD_LIBRARY_PATH="$TREE_LIBS" "$COURIER_ROOT/$MAKEDAT" - "$etc/userdb.tmp" "$etc/userdb.dat" \
        || die "makedatprog failed for userdb.dat"
    {
        for file in "$dir/users"/*; do
            [ -f "$file" ] || continue
            printf '%s\tsystempw=%s\n' "$(basename "$file")" "$(cat "$file")"
        done
        echo .
    } | LD_LIBRARY_PATH="$TREE_LIBS" "$COURIER_ROOT/$MAKEDAT" - "$etc/userdbshadow.tmp" "$etc/userdbshadow.dat" \
        || die "makedatprog failed for userdbshadow.dat"
    chmod 600 "$etc/userdbshadow.dat"
    touch -d "@$when" "$etc/userdb.dat" "$etc/userdbshadow.dat"
    exec 9>&-
}

# Adds NAME (or changes its password): a Maildir owned by the mail user, the password's SHA-512 crypt.
add_user() {
    local name="$1" pass="$2" dir="$3" home="$3/root/home/$1" hash
    if [ ! -d "$home/Maildir" ]; then
        mkdir -p "$home/Maildir/cur" "$home/Maildir/new" "$home/Maildir/tmp"
        chown -R "$MAIL_USER:$MAIL_USER" "$home"
        chmod -R go-rwx "$home/Maildir"
    fi
    hash=$(printf '%s' "$pass" | openssl passwd -6 -stdin) || die "openssl passwd failed"
    printf '%s\n' "$hash" >"$dir/users/.$name.tmp.$$"
    chmod 600 "$dir/users/.$name.tmp.$$"
    mv -f "$dir/users/.$name.tmp.$$" "$dir/users/$name"
    rebuild_userdb "$dir"
}

# Starts a program in the chroot in a session of its own (so that stop reaches its children too),
# with the server environment, its pid in DIR/NAME.pid and its output in DIR/courier.log.
launch() {
    local dir="$1" name="$2" env_lines=()
    shift 2
    mapfile -t env_lines < <(server_env)
    setsid env -i "${env_lines[@]}" chroot "$dir/root" "$@" </dev/null >>"$dir/courier.log" 2>&1 &
    echo $! >"$dir/$name.pid"
}

# The pids of the processes that run in the chroot DIR/root (imapd sessions, gam_server, which leaves
# the session it was started in): only processes of this server can have that root.
chrooted_pids() {
    local proc
    for proc in /proc/[0-9]*; do
        [ "$(readlink "$proc/root" 2>/dev/null)" = "$1/root" ] && echo "${proc#/proc/}"
    done
    return 0
}

cmd_start() {
    local dir pid
    dir=$(abs_dir "${1:-}")
    use_dir "$dir"
    if pid=$(tcpd_pid "$dir") && authd_pid "$dir" >/dev/null; then
        wait_greeting "$PORT" || die "couriertcpd (pid $pid) from $dir is running but port $PORT does not greet"
        echo "courier already running (pid $pid), $dir"
        return 0
    fi
    is_root || die "the Courier server needs root (authdaemond and imaplogin switch users)"
    cmd_stop "$dir"
    cmd_install
    ensure_system_user "$MAIL_USER"
    mkdir -p "$dir/users"
    chmod 700 "$dir/users"
    build_root "$dir"
    save_settings "$dir/settings" PORT
    rebuild_userdb "$dir"
    rm -f "$dir/root/run/courier/authdaemon/socket"
    launch "$dir" authdaemond "/$AUTHDAEMOND"
    local i
    for i in $(seq 1 100); do
        [ -S "$dir/root/run/courier/authdaemon/socket" ] && break
        sleep 0.1
    done
    [ -S "$dir/root/run/courier/authdaemon/socket" ] || { tail -n 20 "$dir/courier.log" >&2; die "authdaemond did not start"; }
    launch "$dir" couriertcpd "/$TCPD" -address=127.0.0.1 -nodnslookup -noidentlookup -maxprocs=100 -maxperip=100 \
        "$PORT" "/$IMAPLOGIN" "/$IMAPD" Maildir
    if ! wait_greeting "$PORT"; then
        tail -n 20 "$dir/courier.log" >&2 2>/dev/null || true
        cmd_stop "$dir"
        die "courier did not greet on 127.0.0.1:$PORT within 10 s"
    fi
    echo "courier started (pid $(tcpd_pid "$dir" || echo '?')): imap 127.0.0.1:$PORT, $dir"
}

cmd_stop() {
    local dir pid
    dir=$(abs_dir "${1:-}")
    if pid=$(tcpd_pid "$dir"); then stop_pid "$pid" couriertcpd; fi
    if pid=$(authd_pid "$dir"); then stop_pid "$pid" authdaemond; fi
    for pid in $(chrooted_pids "$dir"); do kill -TERM "$pid" 2>/dev/null || true; done
}

cmd_adduser() {
    [ $# -ge 2 ] && [ $# -le 3 ] || usage
    local name="$1" pass="$2" dir
    dir=$(abs_dir "${3:-}")
    check_new_user "$name" "$pass"
    [ -d "$dir/users" ] && [ -d "$dir/root/etc/courier" ] || die "$dir is not a Courier server folder; run start first"
    is_root || die "adding a Courier user needs root"
    add_user "$name" "$pass" "$dir"
}

# A preauthenticated IMAP session on stdin/stdout (Python's IMAP4_stream): imapd in the chroot as the
# mail user on USER's Maildir, with no login. It greets "* PREAUTH"; it needs no running server.
cmd_stdio_command() {
    [ $# -ge 1 ] && [ $# -le 2 ] || usage
    local user="$1" dir env_lines=() owner
    dir=$(abs_dir "${2:-}")
    valid_name "$user" || die "invalid user name: $user"
    [ -d "$dir/root/home/$user/Maildir" ] || die "no user $user in $dir; run adduser first"
    owner="$(id -u "$MAIL_USER"):$(id -g "$MAIL_USER")"
    mapfile -t env_lines < <(server_env)
    printf 'env -i'
    printf ' %q' "${env_lines[@]}" chroot --userspec="$owner" "$dir/root" "/$IMAPD" "/home/$user/Maildir"
    printf '\n'
}

cmd_env() {
    local dir
    dir=$(abs_dir "${1:-}")
    use_dir "$dir"
    exports IMAPLIB_COURIER_HOST=127.0.0.1 \
        IMAPLIB_COURIER_PORT="$PORT" \
        IMAPLIB_COURIER_DIR="$dir"
}

dispatch "$@"
