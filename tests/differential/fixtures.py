"""The files every differential case runs over (shared by tools/record-differential and the
replay test): tricky contents for text tools and a small tree for ls, cp, find."""

from __future__ import annotations

FILES: dict[str, bytes] = {
    "empty": b"",
    "nonl": b"alpha\nbeta",
    "crlf": b"one\r\ntwo\r\nthree\r\n",
    "tabs": b"a\tb\tc\n1\t2\t3\nx\t\ty\nno tabs here\n\tlead\n",
    "utf8": "h\u00e9llo w\u00f6rld\nna\u00efve caf\u00e9\n\u65e5\u672c\u8a9e \u30c6\u30ad\u30b9\u30c8\nZo\u00eb\n".encode(),
    "bad": b"ok\n\xff\xfe bad\nmore \xc3 text\n\xe9t\xe9\n",
    "long": b"x" * 3000 + b"\n" + b"y" * 100 + b" end\n",
    "rep": b"a\na\nb\nb\nb\nA\na\nc\nc\n",
    "words": b"banana\nApple\napple\nBanana\ncherry\n_under\n10\n9\n-1\n1.5\n2K\n1M\n \nb-c\nbc\nB c\n",
    "csv": b"name,age,city\nbob,25,NYC\nalice,30,LA\ncarol,,SF\ndave,25\n",
    "nums": b"10 b\n2 a\n10 a\n1 c\n-3 z\n0x10 q\n2.5 m\n 7 sp\n",
    "ctl": b"a\fb\vc\nd\x00e\nend\n",
    "text": b"The quick brown fox\njumps over the lazy dog.\nfoo bar foo\n\nfoofoo barbar\nFOO Bar\nline with  two  spaces\nend-of-file\n",
    "d/one": b"1\n",
    "d/two.txt": b"two\n",
    "d/.hidden": b"h\n",
    "d/sub/deep": b"deep\n",
    "big": b"".join(b"%d line number %d\n" % (i, i * 7 % 13) for i in range(1, 61)),
}
DIRS: tuple[str, ...] = ("d", "d/sub", "emptydir")
SYMLINKS: dict[str, str] = {"link": "words", "dang": "nowhere", "d/up": ".."}
# every file is 0644 and every directory 0755, owned by root, mtime fixed by the recorder

# -- the getfattr/setfattr corpus (attr_corpus.jsonl): its own tree in the same BASE --------
# Every file, directory and symbolic link below (and BASE itself) carries ATTR_LABEL as
# security.selinux, set as a plain xattr on the recording machine (no LSM there) and over the
# lab's own label in the lab, so that `getfattr -m-` lists the same names in both.
ATTR_LABEL = b"unconfined_u:object_r:user_tmp_t:s0\0"
ATTR_FILES: dict[str, bytes] = {
    "plain": b"no user xattrs\n",
    "f": b"f\n",
    "g": b"g\n",
    "r/s/f": b"deep\n",
    "restore.txt": b'# file: g\nuser.r1="v1"\nuser.r2=0x4142\n\n# file: plain\nuser.r3=0sSGk=\nuser.r4\n',
    "restore-bad.txt": b"user.r1=1\n",
    "restore-missing.txt": b"# file: nosuch\nuser.r1=1\n\n# file: g\nuser.r5=5\n",
    "back\\slash": b"",
    "nl\nname": b"",
}
ATTR_DIRS: tuple[str, ...] = ("dd", "r", "r/s")
ATTR_SYMLINKS: dict[str, str] = {"sl": "f", "dl": "nowhere", "sd": "r"}
XATTRS: dict[str, dict[bytes, bytes]] = {
    "f": {
        b"user.text": b"hello world",
        b"user.bin": b"\x00\x01\x02\xff\xfe",
        b"user.nul": b"system_u:object_r:virt_image_t:s0\0",
        b"user.empty": b"",
        b"user.quote": b'say "hi" \\ back\nnew\rcr',
        b"user.tab": b"a\tb",
        b"user.mix": b"abcdefg\x01",
        b"user.mix2": b"abcdef\x01",
        b"user.utf": "h\u00e9llo".encode(),
        b"user.eq=name": b"1",
        b"user.bs\\name": b"2",
        b"user.nl\nname": b"3",
        b"trusted.t": b"x",
    },
    "g": {b"user.only": b"1"},
    "back\\slash": {b"user.x": b"1"},
    "nl\nname": {b"user.x": b"1"},
    "dd": {b"user.d": b"dir"},
    "r": {b"user.level": b"0"},
    "r/s": {b"user.level": b"1"},
    "r/s/f": {b"user.level": b"2"},
}
# links inside a tree for getfattr -R -L/-P/-h: one entry per directory, so readdir order
# cannot differ from the lab's name order; lp/x is a loop walk_tree must not enter twice
ATTR_DIRS += ("q", "lp")
ATTR_SYMLINKS.update({"q/ln": "../r", "lp/x": "."})
XATTRS.update({"q": {b"user.level": b"q"}, "lp": {b"user.level": b"lp"}})
