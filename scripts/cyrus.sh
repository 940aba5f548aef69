#!/usr/bin/env bash
# Private, throw-away Cyrus IMAP server on loopback: the second real server ImapLib's tests use, for
# what Dovecot lacks (GETANNOTATION/SETANNOTATION, SETQUOTA on any quota root as an admin), and, in
# version 3.10, a server that really speaks IMAP4rev2.
#
# Usage:
#   scripts/cyrus.sh install
#   scripts/cyrus.sh start [DIR]
#   scripts/cyrus.sh stop [DIR]
#   scripts/cyrus.sh adduser NAME PASSWORD [DIR]
#   scripts/cyrus.sh env [DIR]
#
# Version: ${IMAPLIB_CYRUS_VERSION:-3.6}: 3.6 is Debian bookworm's; 3.10 (IMAP4rev2) comes from
# bookworm-backports, fetched through a private, temporary apt source list (the machine's apt sources
# are not touched). Each version is unpacked in a tree of its own, and a DIR remembers its version.
# DIR defaults to ${IMAPLIB_CYRUS_DIR:-/tmp/imaplib-cyrus} (3.10: /tmp/imaplib-cyrus310). Port:
# ${IMAPLIB_CYRUS_PORT:-14320} (3.10: 14324), plain IMAP on 127.0.0.1 only. Admin:
# ${IMAPLIB_CYRUS_ADMIN:-cyrusadmin}, password "${IMAPLIB_CYRUS_ADMIN_PASSWORD:-secret}".
#
# Debian's cyrus-imapd package conflicts with dovecot-imapd (installing it removes Dovecot, which the
# tests need), so Cyrus is never installed system-wide: install downloads the .deb files with
# "apt-get download" and unpacks them with dpkg-deb into ${IMAPLIB_CYRUS_ROOT:-/opt/imaplib-cyrus}
# (3.10: /opt/imaplib-cyrus310); only ordinary libraries (libical3, libxapian30, SASL plugins) are
# installed with apt-get. The server runs from there with its own imapd.conf/cyrus.conf, folders, pid
# file and a private sasldb: it never touches a system Cyrus or saslauthd. Cyrus logs to syslog only
# (nothing here collects it); master's own stdout/stderr go to DIR/master.log.
set -euo pipefail

CYRUS_USER_NAME=imaplibcyrus
VERSION="${IMAPLIB_CYRUS_VERSION:-3.6}"
PORT=""
ADMIN="${IMAPLIB_CYRUS_ADMIN:-cyrusadmin}"
ADMIN_PASSWORD="${IMAPLIB_CYRUS_ADMIN_PASSWORD:-secret}"
# The backports release that brings IMAP4rev2.
BACKPORTS_VERSION=3.10.1-3~bpo12+1

# Everything that depends on the version (called again once a DIR's saved version is known).
set_version() {
    case "$VERSION" in
        3.6)
            CYRUS_ROOT="${IMAPLIB_CYRUS_ROOT:-/opt/imaplib-cyrus}"
            # Unpacked privately, never installed.
            CYRUS_PACKAGES=(cyrus-common cyrus-imapd sasl2-bin)
            SUITES="" ;;
        3.10)
            CYRUS_ROOT="${IMAPLIB_CYRUS_ROOT:-/opt/imaplib-cyrus310}"
            CYRUS_PACKAGES=(cyrus-common="$BACKPORTS_VERSION" cyrus-imapd="$BACKPORTS_VERSION" sasl2-bin)
            # sasl2-bin comes from bookworm itself.
            SUITES="bookworm bookworm-backports" ;;
        *) die "unknown Cyrus version $VERSION (3.6 or 3.10)" ;;
    esac
    # Installed normally: plain libraries that conflict with nothing (Dovecot stays).
    LIB_PACKAGES=(libical3 libxapian30 libwrap0 libpcre2-posix3 libsasl2-2 libsasl2-modules libsasl2-modules-db)
    PORT="${IMAPLIB_CYRUS_PORT:-${PORT:-$(default_port)}}"
    BIN="$CYRUS_ROOT/usr/lib/cyrus/bin"
    SASLPASSWD="$CYRUS_ROOT/usr/sbin/saslpasswd2"
    LIBDIR="$CYRUS_ROOT/usr/lib/$MULTIARCH"
}

default_port() { if [ "$VERSION" = 3.10 ]; then echo 14324; else echo 14320; fi; }

default_dir() {
    if [ "$VERSION" = 3.10 ]; then echo "${IMAPLIB_CYRUS_DIR:-/tmp/imaplib-cyrus310}"
    else echo "${IMAPLIB_CYRUS_DIR:-/tmp/imaplib-cyrus}"; fi
}

SCRIPT_NAME=cyrus.sh
USAGE_LINES=6,11
# shellcheck source=lib/private-server.sh
. "$(dirname "$0")/lib/private-server.sh"
set_version

master_pid() { live_pid "$1/run/master.pid" "$BIN/master"; }

# A DIR's saved version, port and admin win over the defaults (the environment variables over both).
use_dir() {
    load_settings "$1/settings" VERSION=IMAPLIB_CYRUS_VERSION PORT=IMAPLIB_CYRUS_PORT \
        ADMIN=IMAPLIB_CYRUS_ADMIN ADMIN_PASSWORD=IMAPLIB_CYRUS_ADMIN_PASSWORD
    set_version
}

# Run one of the unpacked programs: the Cyrus libraries live in the private tree only.
run_cyrus() { LD_LIBRARY_PATH="$LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$@"; }

installed() {
    [ -z "$(missing_libs "$LIBDIR" "$BIN/master" "$BIN/imapd" "$BIN/ctl_cyrusdb" "$SASLPASSWD")" ] \
        && [ -e "/usr/lib/$MULTIARCH/sasl2/libsasldb.so.2" ] \
        && [ -e "/usr/lib/$MULTIARCH/sasl2/libplain.so.2" ]
}

cmd_install() {
    installed && return 0
    is_root || die "Cyrus $VERSION is not unpacked in $CYRUS_ROOT (or libraries are missing) and installing needs root"
    apt_install "${LIB_PACKAGES[@]}"
    local apt_dir=""
    if [ -n "$SUITES" ]; then
        # A private source list, package lists and cache: the machine's apt configuration is untouched.
        apt_dir=$(mktemp -d)
        mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/parts"
        printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian %s main\n' \
            $SUITES >"$apt_dir/sources.list"
        APT_OPTS=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/parts"
            -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache")
        quietly apt-get "${APT_OPTS[@]}" update -qq
    fi
    unpack_debs "$CYRUS_ROOT" "${CYRUS_PACKAGES[@]}"
    [ -z "$apt_dir" ] || rm -rf "$apt_dir"
    local missing
    missing=$(missing_libs "$LIBDIR" "$BIN/master" "$BIN/imapd" "$BIN/ctl_cyrusdb" "$SASLPASSWD")
    [ -z "$missing" ] || die "Cyrus programs still miss libraries after install: $(echo $missing)"
    installed || die "Cyrus still not usable after install (SASL plugins missing?)"
}

# Dedicated unprivileged user the Cyrus processes run as when we are root (master drops to cyrus_user).
run_as() { if is_root; then echo "$CYRUS_USER_NAME"; else id -un; fi; }

write_config() {
    local dir="$1" tmp
    tmp="$dir/imapd.conf.tmp.$$"
    cat >"$tmp" <<EOF
# Generated by scripts/cyrus.sh -- private ImapLib test server. Do not edit: rewritten on start.
configdirectory: $dir/config
defaultpartition: default
partition-default: $dir/partition
proc_path: $dir/run/proc
mboxname_lockpath: $dir/run/lock
sievedir: $dir/sieve
lmtpsocket: $dir/run/socket/lmtp
idlesocket: $dir/run/socket/idle
notifysocket: $dir/run/socket/notify
cyrus_user: $(run_as)
syslog_prefix: imaplib-cyrus
# The admin may create user.* mailboxes, set quotas and annotations on them.
admins: $ADMIN
# Loopback only: plain-text LOGIN is fine.
allowplaintext: yes
# Passwords in a private sasldb (written with saslpasswd2 -f): no saslauthd, no PAM.
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: $dir/sasldb2
sasl_mech_list: PLAIN LOGIN CRAM-MD5
# A user's INBOX (user.NAME) is created at first login.
autocreate_quota: 0
# The draft (ANNOTATEMORE) GETANNOTATION/SETANNOTATION commands, besides METADATA.
annotation_enable_legacy_commands: 1
unixhierarchysep: no
altnamespace: no
# No idled daemon: an idling imapd looks for changes itself, every second rather than every minute.
imapidlepoll: 1
hashimapspool: false
EOF
    mv -f "$tmp" "$dir/imapd.conf"
    tmp="$dir/cyrus.conf.tmp.$$"
    cat >"$tmp" <<EOF
# Generated by scripts/cyrus.sh -- private ImapLib test server. Do not edit: rewritten on start.
START {
  recover cmd="$BIN/ctl_cyrusdb -C $dir/imapd.conf -r"
}
SERVICES {
  imap cmd="$BIN/imapd -C $dir/imapd.conf" listen="127.0.0.1:$PORT" prefork=1 maxchild=100
}
EVENTS {
}
EOF
    mv -f "$tmp" "$dir/cyrus.conf"
    chmod 644 "$dir/imapd.conf" "$dir/cyrus.conf"
}

# Wait (bounded) until the port greets.
# A user name becomes a mailbox name (user.NAME): no hierarchy separator, nothing exotic.
valid_name() { [[ "$1" =~ ^[A-Za-z0-9_][A-Za-z0-9_-]*$ ]]; }

# Writes NAME's password into the private sasldb (readable by the server's user). The server opens
# the database anew for each login, so the change is made on a copy that then replaces the file:
# a login at that moment reads the old or the new one, never a half-written one. A lock keeps
# concurrent calls (tests adding users in parallel) from losing each other's changes.
set_password() {
    local name="$1" pass="$2" dir="$3" db="$3/sasldb2" tmp="$3/.sasldb2.tmp.$$"
    exec 9>>"$dir/sasldb2.lock"
    flock -w 30 9 || die "timed out waiting for $dir/sasldb2.lock"
    rm -f "$tmp"
    if [ -f "$db" ]; then cp -p "$db" "$tmp"; fi
    # -p: password from stdin (one line); -c: create; -u "": no realm, so "LOGIN name" matches.
    if ! printf '%s\n' "$pass" | run_cyrus "$SASLPASSWD" -p -c -f "$tmp" -u "" "$name"; then
        rm -f "$tmp"
        die "saslpasswd2 failed for $name"
    fi
    if is_root; then chown "$CYRUS_USER_NAME:$CYRUS_USER_NAME" "$tmp"; fi
    chmod 640 "$tmp"
    mv -f "$tmp" "$db"
    exec 9>&-
}

prepare() {
    local dir="$1"
    use_dir "$dir"
    cmd_install
    is_root && ensure_system_user "$CYRUS_USER_NAME"
    # config/socket: where imapd binds its IDLE notification socket.
    mkdir -p "$dir" "$dir/config" "$dir/config/socket" "$dir/partition" "$dir/sieve" \
        "$dir/run/proc" "$dir/run/lock" "$dir/run/socket"
    chmod 755 "$dir"
    write_config "$dir"
    set_password "$ADMIN" "$ADMIN_PASSWORD" "$dir"
    if is_root; then
        chown -R "$CYRUS_USER_NAME:$CYRUS_USER_NAME" "$dir/config" "$dir/partition" "$dir/sieve" "$dir/run"
    fi
    save_settings "$dir/settings" VERSION PORT ADMIN ADMIN_PASSWORD
}

cmd_start() {
    local dir pid
    dir=$(abs_dir "${1:-}")
    use_dir "$dir"
    if pid=$(master_pid "$dir"); then
        wait_greeting "$PORT" || die "cyrus master (pid $pid) from $dir is running but port $PORT does not greet"
        echo "cyrus already running (pid $pid), $dir"
        return 0
    fi
    prepare "$dir"
    rm -f "$dir/run/master.pid"
    # -d: daemon (forks, the parent returns once it is set up); -L: its stdout/stderr; stdin from
    # /dev/null and all output to the log so that a caller reading our pipes is never held open.
    if ! run_cyrus "$BIN/master" -C "$dir/imapd.conf" -M "$dir/cyrus.conf" \
            -p "$dir/run/master.pid" -d -L "$dir/master.log" </dev/null >>"$dir/master.log" 2>&1; then
        tail -n 20 "$dir/master.log" >&2 2>/dev/null || true
        die "cyrus master failed to start"
    fi
    if ! wait_greeting "$PORT"; then
        tail -n 20 "$dir/master.log" >&2 2>/dev/null || true
        if pid=$(master_pid "$dir"); then kill -TERM "$pid" 2>/dev/null || true; fi
        die "cyrus did not greet on 127.0.0.1:$PORT within 10 s"
    fi
    echo "cyrus $VERSION started (pid $(master_pid "$dir" || echo '?')): imap 127.0.0.1:$PORT, admin $ADMIN, $dir"
}

cmd_stop() {
    local dir pid
    dir=$(abs_dir "${1:-}")
    use_dir "$dir"
    pid=$(master_pid "$dir") || return 0
    # SIGTERM: master kills its children and exits.
    stop_pid "$pid" "cyrus master"
}

cmd_adduser() {
    [ $# -ge 2 ] && [ $# -le 3 ] || usage
    local name="$1" pass="$2" dir
    dir=$(abs_dir "${3:-}")
    check_new_user "$name" "$pass"
    use_dir "$dir"
    [ -f "$dir/imapd.conf" ] || die "$dir/imapd.conf does not exist; run start first"
    cmd_install
    set_password "$name" "$pass" "$dir"
}

cmd_env() {
    local dir
    dir=$(abs_dir "${1:-}")
    use_dir "$dir"
    exports IMAPLIB_CYRUS_HOST=127.0.0.1 \
        IMAPLIB_CYRUS_PORT="$PORT" \
        IMAPLIB_CYRUS_ADMIN="$ADMIN" \
        IMAPLIB_CYRUS_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
        IMAPLIB_CYRUS_DIR="$dir" \
        IMAPLIB_CYRUS_VERSION="$VERSION"
}

dispatch "$@"
