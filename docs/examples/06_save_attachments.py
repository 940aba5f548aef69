# Save the attachments of matching messages, as a mail-fetcher cron job does (the default, compat32, email API).
import email, hashlib, imaplib, os, tempfile
from _show import env, show

M = imaplib.IMAP4(env("IMAP_HOST", "127.0.0.1"), int(env("IMAP_PORT", "143")))
M.login(env("IMAP_USER"), env("IMAP_PASSWORD"))
raw = (b"From: reports@example.org\r\nTo: you@example.org\r\nSubject: monthly report\r\n"
       b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
       b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee the attachments.\r\n"
       b"--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
       b"Content-Disposition: attachment; filename=\"data.bin\"\r\n\r\nAAECA/8A/v0=\r\n"
       b"--b1\r\nContent-Type: text/csv; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n"
       b"Content-Disposition: attachment; filename*=utf-8''Gr%C3%BC%C3%9Fe.csv\r\n\r\n"
       b"name,city\r\nJ=C3=B6rg,K=C3=B6ln\r\n"
       b"--b1--\r\n")
show("append", M.append("INBOX", None, None, raw))
show("select", M.select("INBOX"))
typ, data = M.search(None, "SUBJECT", '"monthly report"')
show("search", (typ, data))
folder = tempfile.mkdtemp()
for num in data[0].split():
    typ, data = M.fetch(num, "(BODY.PEEK[])")
    msg = email.message_from_bytes(data[0][1])
    for part in msg.walk():
        if part.get_content_maintype() == "multipart":
            continue
        if part.get("Content-Disposition") is None:
            continue
        filename = part.get_filename()
        payload = part.get_payload(decode=True)
        with open(os.path.join(folder, filename), "wb") as f:
            f.write(payload)
        with open(os.path.join(folder, filename), "rb") as f:
            saved = f.read()
        print(f"saved {filename.encode().hex()} {part.get_content_type()} {len(saved)} {hashlib.sha256(saved).hexdigest()}")
show("logout", M.logout())
