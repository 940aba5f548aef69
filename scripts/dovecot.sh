#!/usr/bin/env bash
# Private, throw-away Dovecot IMAP server on loopback for ImapLib's tests, demos and benchmarks.
#
# Usage:
#   scripts/dovecot.sh install
#   scripts/dovecot.sh prepare [DIR]      (config, certificates, users: enough for stdio-command)
#   scripts/dovecot.sh start [DIR]
#   scripts/dovecot.sh stop [DIR]
#   scripts/dovecot.sh adduser [--admin] NAME PASSWORD [DIR]
#   scripts/dovecot.sh stdio-command [--rev2] USER [DIR]
#   scripts/dovecot.sh env [DIR]
#
# DIR defaults to ${IMAPLIB_DOVECOT_DIR:-/tmp/imaplib-dovecot}. Ports: ${IMAPLIB_IMAP_PORT:-14300}
# (plain + STARTTLS) and ${IMAPLIB_IMAPS_PORT:-19930} (implicit TLS), both on 127.0.0.1 only.
# The server never touches the system Dovecot (own base_dir, state_dir, log and instance name).
# stdio-command --rev2: the session advertises IMAP4rev2 alone (REV2_CAPABILITY), not IMAP4rev1. No
# Debian build of Dovecot has its IMAP4rev2 support compiled in, so only the advertisement changes: it
# is for testing what a client does on meeting a server that offers nothing but rev2.
set -euo pipefail

DOVECOT_BIN=/usr/sbin/dovecot
IMAP_BIN=/usr/lib/dovecot/imap
MAIL_USER=imaplibmail
IMAP_PORT="${IMAPLIB_IMAP_PORT:-14300}"
IMAPS_PORT="${IMAPLIB_IMAPS_PORT:-19930}"
REV2_CAPABILITY="IMAP4rev2 IDLE ENABLE NAMESPACE UIDPLUS"

# Each DIR remembers the ports it was prepared with (DIR/ports): see load_settings.
load_ports() { load_settings "$1/ports" IMAP_PORT=IMAPLIB_IMAP_PORT IMAPS_PORT=IMAPLIB_IMAPS_PORT; }

default_dir() { echo "${IMAPLIB_DOVECOT_DIR:-/tmp/imaplib-dovecot}"; }

SCRIPT_NAME=dovecot.sh
USAGE_LINES=4,11
# shellcheck source=lib/private-server.sh
. "$(dirname "$0")/lib/private-server.sh"

master_pid() { live_pid "$1/base/master.pid" "dovecot"; }

cmd_install() {
    if [ -x "$DOVECOT_BIN" ] && [ -x "$IMAP_BIN" ] && command -v openssl >/dev/null; then
        return 0
    fi
    is_root || die "dovecot is not installed and installing it needs root (apt-get install dovecot-core dovecot-imapd openssl)"
    export DEBIAN_FRONTEND=noninteractive
    # The package's postinst would start the system dovecot service; policy-rc.d exit 101
    # tells invoke-rc.d not to. Only install our own if there is none, and remove it afterwards.
    local own_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        own_policy=1
    fi
    local log rc=0
    log=$(mktemp)
    {
        # Only refresh the package lists when apt does not know the package (fresh machine).
        if ! apt-cache show dovecot-imapd >/dev/null 2>&1; then
            apt-get update -qq
        fi
        apt-get install -y -qq --no-install-recommends dovecot-core dovecot-imapd openssl
    } >"$log" 2>&1 || rc=$?
    [ "$own_policy" -eq 1 ] && rm -f /usr/sbin/policy-rc.d
    if [ "$rc" -ne 0 ]; then
        cat "$log" >&2; rm -f "$log"
        die "apt-get install failed"
    fi
    rm -f "$log"
    # Belt and braces: if some init system started the system service anyway, stop it.
    if command -v systemctl >/dev/null && systemctl is-active --quiet dovecot 2>/dev/null; then
        systemctl stop dovecot >/dev/null 2>&1 || true
        systemctl disable dovecot >/dev/null 2>&1 || true
    fi
    [ -x "$DOVECOT_BIN" ] && [ -x "$IMAP_BIN" ] || die "dovecot still missing after install"
}

# Dedicated unprivileged owner of the mailboxes when we run as root (Dovecot refuses uid 0 for mail).
gen_certs() {
    local dir="$1" tmp
    [ -s "$dir/ca.pem" ] && [ -s "$dir/server.pem" ] && [ -s "$dir/server.key" ] \
        && [ -s "$dir/client.pem" ] && [ -s "$dir/client.key" ] && return 0
    tmp=$(mktemp -d)
    # CA, with the key-identifier extensions strict verifiers (e.g. X509_STRICT) insist on.
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=ImapLib Test CA" \
        -keyout "$tmp/ca.key" -out "$tmp/ca.pem" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "subjectKeyIdentifier=hash" 2>/dev/null
    cat >"$tmp/server.ext" <<'EOF'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
EOF
    cat >"$tmp/client.ext" <<'EOF'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
EOF
    local who cn
    for who in server client; do
        if [ "$who" = server ]; then cn=localhost; else cn=imaplib-client; fi
        openssl req -newkey rsa:2048 -nodes -subj "/CN=$cn" \
            -keyout "$tmp/$who.key" -out "$tmp/$who.csr" 2>/dev/null
        openssl x509 -req -in "$tmp/$who.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" \
            -CAcreateserial -days 3650 -sha256 -extfile "$tmp/$who.ext" \
            -out "$tmp/$who.pem" 2>/dev/null
    done
    # The CA key is not kept: nothing else should ever be signed by this throw-away CA.
    install -m 644 "$tmp/ca.pem" "$tmp/server.pem" "$tmp/client.pem" "$dir/"
    install -m 600 "$tmp/server.key" "$dir/"
    # Client key readable by all: test runners may be another local user; it guards nothing.
    install -m 644 "$tmp/client.key" "$dir/"
    rm -rf "$tmp"
}

write_config() {
    local dir="$1" conf="$1/dovecot.conf" tmp user_block
    if is_root; then
        local uid gid
        uid=$(id -u "$MAIL_USER"); gid=$(id -g "$MAIL_USER")
        user_block="# Mail runs as a dedicated unprivileged user; Dovecot refuses uid 0 for mail.
mail_uid = $uid
mail_gid = $gid
first_valid_uid = $uid
last_valid_uid = 0
first_valid_gid = 1"
    else
        local me mygroup
        me=$(id -un); mygroup=$(id -gn)
        user_block="# Not root: every process runs as ourselves (sockets get chowned to these
# users/groups, which only root may do to others), and nothing can chroot.
default_login_user = $me
default_internal_user = $me
default_internal_group = $mygroup
first_valid_uid = 1
first_valid_gid = 1
service imap-login {
  chroot =
}
service anvil {
  chroot =
}
service ipc {
  chroot =
}
service old-stats {
  chroot =
}"
    fi
    tmp="$conf.tmp.$$"
    cat >"$tmp" <<EOF
# Generated by scripts/dovecot.sh -- private ImapLib test server. Do not edit: rewritten on start.
base_dir = $dir/base
state_dir = $dir/state
instance_name = imaplib-dovecot
log_path = $dir/dovecot.log
info_log_path = $dir/dovecot.log
protocols = imap
listen = 127.0.0.1
shutdown_clients = yes

$user_block

service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $IMAPS_PORT
    ssl = yes
  }
}

ssl = yes
ssl_cert = <$dir/server.pem
ssl_key = <$dir/server.key
# Ask for (but do not require) a client certificate, verified against the test CA.
ssl_ca = <$dir/ca.pem
ssl_verify_client_cert = yes
ssl_dh = </usr/share/dovecot/dh.pem

# One passwd-file per user (DIR/users/NAME). A single shared file would be re-read only
# when a lookup happens in a later second than the previous one, so a user added right
# after another login could be "unknown" for up to a second; a new file is always read.
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/users/%u
}
userdb {
  driver = passwd-file
  args = username_format=%u $dir/users/%u
  default_fields = home=$dir/home/%u
}
# Plain-text passwords are what make CRAM-MD5 and SCRAM possible.
auth_mechanisms = plain login cram-md5 scram-sha-1 scram-sha-256
disable_plaintext_auth = no
auth_failure_delay = 0
# Failed logins from loopback must not slow later ones (tests fail logins on purpose): trusted
# networks are exempt from the auth penalty.
login_trusted_networks = 127.0.0.0/8
auth_cache_size = 0

mail_location = maildir:~/Maildir
mail_fsync = never
# METADATA (imap_metadata below) needs somewhere to keep the attributes.
mail_attribute_dict = file:%h/Maildir/dovecot-attributes
namespace inbox {
  inbox = yes
  separator = /
  mailbox Drafts {
    special_use = \\Drafts
  }
  mailbox Junk {
    special_use = \\Junk
  }
  mailbox Sent {
    special_use = \\Sent
  }
  mailbox Trash {
    special_use = \\Trash
  }
}

mail_plugins = \$mail_plugins quota acl zlib
protocol imap {
  mail_plugins = \$mail_plugins imap_quota imap_acl imap_zlib
  imap_metadata = yes
}

plugin {
  # Maildir++ backend: the default (count) one made APPENDs into big boxes slow.
  quota = maildir:User quota:ns=
  quota_rule = *:storage=1G
  # SETQUOTA needs a userdb "admin=yes" user (adduser --admin) and somewhere to store the
  # limit; Dovecot 2.3 only stores it there, the effective limit stays quota_rule's.
  quota_set = dict:file:%h/quota-limits
  # No global ACL file: owners keep all rights (lrwstipekxa) on their own mailboxes, so
  # they can SETACL/DELETEACL on them.
  acl = vfile
}
EOF
    mv -f "$tmp" "$conf"
    chmod 644 "$conf"
}

# Wait (bounded) until the plain port greets.
# A user name is a file name (DIR/users/NAME) and a path component of the home: keep it tame.
valid_name() { [[ "$1" =~ ^[A-Za-z0-9_][A-Za-z0-9._@+-]*$ ]]; }

write_user() {
    # name password admin(0/1) dir
    local name="$1" pass="$2" admin="$3" dir="$4" extra=""
    [ "$admin" -eq 1 ] && extra="userdb_admin=yes"
    # passwd-file line: user:password:uid:gid:gecos:home:shell:extra_fields. The password
    # field is taken verbatim (spaces, quotes, backslashes, UTF-8 are fine); only ':', CR,
    # LF and NUL cannot be represented.
    local tmp="$dir/users/.$name.tmp.$$"
    printf '%s:{PLAIN}%s::::::%s\n' "$name" "$pass" "$extra" >"$tmp"
    chmod 644 "$tmp"
    mv -f "$tmp" "$dir/users/$name"
}

# Everything but the daemon: packages, folders, certificates, config, the demo user. Enough for the
# preauthenticated stdio command, which needs no listening server.
cmd_prepare() {
    local dir
    dir=$(abs_dir "${1:-}")
    cmd_install
    load_ports "$dir"
    mkdir -p "$dir" "$dir/base" "$dir/state" "$dir/users" "$dir/home"
    # The mail uid must traverse DIR and own the homes; the auth process (dovecot user) reads users/.
    chmod 755 "$dir" "$dir/users"
    if is_root; then
        ensure_system_user "$MAIL_USER"
        chown "$MAIL_USER:$MAIL_USER" "$dir/home"
        chmod 755 "$dir/home"
    fi
    gen_certs "$dir"
    write_config "$dir"
    [ -e "$dir/users/demo" ] || write_user demo demo 0 "$dir"
    save_settings "$dir/ports" IMAP_PORT IMAPS_PORT
}

cmd_start() {
    local dir pid
    dir=$(abs_dir "${1:-}")
    load_ports "$dir"
    if pid=$(master_pid "$dir"); then
        wait_greeting "$IMAP_PORT" || die "dovecot (pid $pid) from $dir is running but port $IMAP_PORT does not greet"
        echo "dovecot already running (pid $pid), $dir"
        return 0
    fi
    cmd_prepare "$dir"
    rm -f "$dir/base/master.pid"
    if ! "$DOVECOT_BIN" -c "$dir/dovecot.conf"; then
        tail -n 20 "$dir/dovecot.log" >&2 2>/dev/null || true
        die "dovecot failed to start"
    fi
    if ! wait_greeting "$IMAP_PORT"; then
        tail -n 20 "$dir/dovecot.log" >&2 2>/dev/null || true
        die "dovecot did not greet on 127.0.0.1:$IMAP_PORT within 10 s"
    fi
    echo "dovecot started (pid $(master_pid "$dir" || echo '?')): imap 127.0.0.1:$IMAP_PORT, imaps 127.0.0.1:$IMAPS_PORT, $dir"
}

cmd_stop() {
    local pid
    pid=$(master_pid "$(abs_dir "${1:-}")") || return 0
    stop_pid "$pid" "dovecot"
}

cmd_adduser() {
    local admin=0
    if [ "${1:-}" = "--admin" ]; then admin=1; shift; fi
    [ $# -ge 2 ] && [ $# -le 3 ] || usage
    local name="$1" pass="$2" dir
    dir=$(abs_dir "${3:-}")
    check_new_user "$name" "$pass"
    case "$pass" in *:*) die "password must not contain ':' (passwd-file field separator)" ;; esac
    [ -d "$dir/users" ] || die "$dir/users does not exist; run start first"
    write_user "$name" "$pass" "$admin" "$dir"
}

cmd_stdio_command() {
    local rev2=()
    if [ "${1:-}" = "--rev2" ]; then rev2=(-o "imap_capability=$REV2_CAPABILITY"); shift; fi
    [ $# -ge 1 ] && [ $# -le 2 ] || usage
    local user="$1" dir
    dir=$(abs_dir "${2:-}")
    valid_name "$user" || die "invalid user name: $user"
    # Why not "imap -u USER": -u asks the running server's auth-userdb socket, so it fails
    # when the server is down. Without -u, imap takes the user from $USER and the home from
    # $HOME (no userdb lookup, no password), and when started as root drops to mail_uid.
    # Log lines go to stderr (at logout one "Info: Disconnected" line; keep stderr apart).
    # Such a session is never an admin (no userdb fields), so SETQUOTA answers NO there.
    # It must be started with pipes, not a socket, as stdout: as root, imap refuses a socket.
    printf 'env USER=%q HOME=%q %q -c %q -o log_path=/dev/stderr' \
        "$user" "$dir/home/$user" "$IMAP_BIN" "$dir/dovecot.conf"
    [ ${#rev2[@]} -eq 0 ] || printf ' %q' "${rev2[@]}"
    printf '\n'
}

cmd_env() {
    local dir
    dir=$(abs_dir "${1:-}")
    load_ports "$dir"
    exports IMAPLIB_IMAP_HOST=127.0.0.1 \
        IMAPLIB_IMAP_PORT="$IMAP_PORT" \
        IMAPLIB_IMAPS_PORT="$IMAPS_PORT" \
        IMAPLIB_CA_FILE="$dir/ca.pem" \
        IMAPLIB_CLIENT_CERT="$dir/client.pem" \
        IMAPLIB_CLIENT_KEY="$dir/client.key" \
        IMAPLIB_DOVECOT_CONF="$dir/dovecot.conf" \
        IMAPLIB_DOVECOT_DIR="$dir"
}

dispatch "$@"
