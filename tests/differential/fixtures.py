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
