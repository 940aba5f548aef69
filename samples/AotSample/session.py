# Program.cs's --startup session in Python (connect, log in, log out), to compare start-up with the NativeAOT build;
# without --startup it goes on as far as Python 3.11 can (no idle()).
import imaplib, os, sys
M = imaplib.IMAP4(os.environ.get("IMAP_HOST", "127.0.0.1"), int(os.environ.get("IMAP_PORT", "143")), timeout=30)
print(M.login(os.environ["IMAP_USER"], os.environ["IMAP_PASSWORD"])[0])
if "--startup" in sys.argv:
    print(M.logout()[0])
    sys.exit(0)
print(M.append("INBOX", "(\\Seen)", None, b"Subject: aot\r\n\r\nhello from NativeAOT\r\n"))
print(M.select("INBOX"))
typ, data = M.fetch("1", "(BODY[])")
print(typ, len(data[0][1]), "bytes")
M.noop()
print(M.logout()[0])
