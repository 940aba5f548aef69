# shellcheck shell=bash
# The real servers of the test bed, as the test fixtures start them (ImapLib.Tests/Support): sourced by
# scripts/test.sh and scripts/record-transcripts.sh, so both install and stop the same servers in the same places.

# Installs every server (each script skips what is already there).
install_test_servers() {
    bash scripts/dovecot.sh install
    IMAPLIB_CYRUS_VERSION=3.6 bash scripts/cyrus.sh install
    IMAPLIB_CYRUS_VERSION=3.10 bash scripts/cyrus.sh install
    bash scripts/courier.sh install
}

# Stops the servers the fixtures started (their folders and ports, overridable as in the fixtures).
stop_test_servers() {
    IMAPLIB_IMAP_PORT="${IMAPLIB_TEST_IMAP_PORT:-14310}" IMAPLIB_IMAPS_PORT="${IMAPLIB_TEST_IMAPS_PORT:-19931}" \
        bash scripts/dovecot.sh stop "${IMAPLIB_DOVECOT_DIR:-${TMPDIR:-/tmp}/imaplib-dovecot-tests}" || true
    IMAPLIB_CYRUS_VERSION=3.6 IMAPLIB_CYRUS_PORT="${IMAPLIB_TEST_CYRUS_PORT:-14321}" \
        bash scripts/cyrus.sh stop "${IMAPLIB_CYRUS_DIR:-${TMPDIR:-/tmp}/imaplib-cyrus-tests}" || true
    # Cyrus 3.10 and Courier: each folder remembers its version and ports.
    IMAPLIB_CYRUS_VERSION=3.10 \
        bash scripts/cyrus.sh stop "${IMAPLIB_CYRUS310_DIR:-${TMPDIR:-/tmp}/imaplib-cyrus310-tests}" || true
    bash scripts/courier.sh stop "${IMAPLIB_COURIER_DIR:-${TMPDIR:-/tmp}/imaplib-courier-tests}" || true
}
