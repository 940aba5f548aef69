// Every command returns Python's (typ, data) pair; this alias names it inside the library.
global using ImapResult = (string typ, System.Collections.Generic.List<ImapLib.ImapItem?> data);
