# Results printed as they come, the way a quick report script (or an interactive session) shows them.
import imaplib
from _show import env

M = imaplib.IMAP4(env("IMAP_HOST", "127.0.0.1"), int(env("IMAP_PORT", "143")))
M.login(env("IMAP_USER"), env("IMAP_PASSWORD"))
print(M.select("INBOX"))
typ, data = M.search(None, "ALL")
print(typ, data)
nums = data[0].split()
print(nums, len(nums))
last = nums[-1]
for num in nums:
    typ, data = M.fetch(num, "(FLAGS RFC822.SIZE)")
    print(num, typ, data)
    if num == last:
        print("last message:", int(num))
result = M.fetch(b"1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)])")
print(result)
print(result[0], result[1][0][0])
print(result[1][0][1].decode().strip())
typ, data = M.search(None, "UNSEEN")
unseen = data[0].split()
print("unseen:", unseen, b"2" in unseen, unseen[0] == b"2")
print(imaplib.ParseFlags(M.fetch("1", "(FLAGS)")[1][0]))
print(M.status("INBOX", "(MESSAGES UNSEEN)"))
print(M.response("FLAGS"))
print(M.search(None, "SUBJECT", "nosuchsubject"))
print(M.noop())
print(M.close())
print(M.logout())
