"""Domain XML that ``virsh define`` refuses (or, for a few, accepts): the cases of
``tests/libvirt/xml_errors_corpus.jsonl``.

``tools/record-libvirt-xml`` writes each case's text to ``t.xml`` and runs real
``virsh -c test:///default define t.xml`` (libvirt's test driver, in-process: the XML parser
and ``virDomainDefParseXML`` are libvirt's common code); ``test_xml_errors_replay.py`` runs
``virsh define t.xml`` in the lab (in ``/root``) and compares stdout, stderr and status.

Every case is one error in an otherwise valid definition, so that the order in which libvirt
and the lab check things does not decide the outcome. The test driver accepts ``type='kvm'``
(its capabilities list every virtualisation type), so the definitions are the lab's own.
"""

from __future__ import annotations

HEAD = "<domain type='kvm'>\n  <name>vm</name>\n  <memory unit='GiB'>1</memory>\n"
OS = "  <os>\n    <type>hvm</type>\n  </os>\n"
TAIL = "</domain>\n"


def domain(body: str = "", *, devices: str = "", os: str = OS, head: str = HEAD) -> str:
    """A valid definition with ``body`` after ``<os>`` and ``devices`` in ``<devices>``."""
    devices_text = f"  <devices>\n{devices}  </devices>\n" if devices else ""
    return head + os + body + devices_text + TAIL


def disk(inner: str, *, attrs: str = "type='file' device='disk'") -> str:
    return f"    <disk {attrs}>\n{inner}    </disk>\n"


SOURCE = "      <source file='/var/lib/libvirt/images/a.qcow2'/>\n"
TARGET = "      <target dev='vda' bus='virtio'/>\n"


def seclabel_source(seclabel: str) -> str:
    """A disk whose ``<source>`` carries a per-device ``<seclabel>``."""
    return disk(
        "      <source file='/var/lib/libvirt/images/a.qcow2'>\n"
        f"        {seclabel}\n"
        "      </source>\n" + TARGET
    )


def chardev(text: str) -> str:
    return f"    {text}\n"


def nested(depth: int) -> str:
    """A definition whose elements nest ``depth`` deep (the root is 1)."""
    inner = depth - 1
    return domain("  " + "<a>" * inner + "</a>" * inner + "\n")


DEEP = "<domain type='kvm'><name>vm</name>" + "<a>" * 300 + "</a>" * 300 + "</domain>\n"
BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">\n'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
    "<domain type='kvm'><name>&lol2;</name></domain>\n"
)

# Malformed XML: libxml2's message through libvirt's catchXMLError.
MALFORMED: dict[str, str] = {
    "empty-file": "",
    "only-newlines": "\n\n",
    "only-spaces": "   ",
    "plain-text": "hello world\n",
    "plain-text-no-newline": "hello",
    "unclosed-root": "<domain type='kvm'>\n  <name>vm</name>\n",
    "unclosed-root-one-line": "<domain type='kvm'><name>vm</name>",
    "unclosed-child": "<domain type='kvm'><name>vm</domain>",
    "mismatched-tag": "<domain type='kvm'>\n  <name>vm</nam>\n</domain>\n",
    "mismatched-tag-line3-tabs": (
        "<domain type='kvm'>\n  <name>vm</name>\n\t  <memory>1024</memry>\n</domain>\n"
    ),
    "mismatched-tag-line3-spaces": (
        "<domain type='kvm'>\n  <name>vm</name>\n      <memory>1024</memry>\n</domain>\n"
    ),
    "junk-after-root": domain() + "junk\n",
    "junk-after-root-same-line": domain().rstrip("\n") + "junk",
    "second-root": domain() + "<domain type='kvm'/>\n",
    "unknown-entity": domain("  <description>a &foo; b</description>\n"),
    "bare-ampersand": domain("  <description>a & b</description>\n"),
    "ampersand-no-semicolon": domain("  <description>a &amp b</description>\n"),
    "lt-in-text": domain("  <description>a < b</description>\n"),
    "unquoted-attribute": "<domain type=kvm>\n  <name>vm</name>\n</domain>\n",
    "mixed-quotes": "<domain type='kvm\">\n  <name>vm</name>\n</domain>\n",
    "attribute-without-value": "<domain type>\n  <name>vm</name>\n</domain>\n",
    "lt-in-attribute": "<domain type='a<b'>\n  <name>vm</name>\n</domain>\n",
    "duplicate-attribute": "<domain type='kvm' type='qemu'>\n  <name>vm</name>\n</domain>\n",
    "truncated-in-attribute": "<domain type='kv",
    "truncated-in-attribute-line2": "<domain type='kvm'>\n  <disk type='fi",
    "truncated-in-tag-name": "<domain type='kvm'>\n  <na",
    "truncated-end-tag": "<domain type='kvm'>\n  <name>vm</name>\n</dom",
    "unclosed-comment": "<domain type='kvm'>\n  <!-- a comment\n</domain>\n",
    "double-hyphen-in-comment": "<domain type='kvm'>\n  <!-- a -- b -->\n</domain>\n",
    "xml-declaration-not-first": "\n<?xml version='1.0'?>\n<domain type='kvm'/>\n",
    "control-character": domain("  <description>a\x01b</description>\n"),
    "end-tag-only": "</domain>\n",
    "space-before-tag-name": "< domain type='kvm'/>\n",
    "undefined-namespace-prefix": domain("  <foo:bar/>\n"),
    "tab-indented-error-line4": (
        "<domain type='kvm'>\n\t<name>vm</name>\n\t<memory unit='GiB'>1</memory>\n"
        "\t\t<vcpu>1</vpu>\n</domain>\n"
    ),
    "doctype": "<!DOCTYPE domain>\n" + domain(),
    "entity-bomb": BOMB,
    "external-entity": (
        '<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>\n'
        "<domain type='kvm'><name>&xxe;</name></domain>\n"
    ),
    "char-reference-hex-bad-second": domain("  <description>a &#x4Z; b</description>\n"),
    "char-reference-dec-bad": domain("  <description>a &#12a; b</description>\n"),
    "char-reference-empty": domain("  <description>a &#; b</description>\n"),
    "char-reference-hex-empty": domain("  <description>a &#x; b</description>\n"),
    "char-reference-zero": domain("  <description>a &#0; b</description>\n"),
    "char-reference-hex-zero": domain("  <description>a &#x0; b</description>\n"),
    "char-reference-control": domain("  <description>a &#1; b</description>\n"),
    "char-reference-no-semicolon": domain("  <description>a &#65 b b</description>\n"),
    "char-reference-too-big": domain("  <description>a &#x110000; b</description>\n"),
    "char-reference-surrogate": domain("  <description>a &#xD800; b</description>\n"),
    "char-reference-ok": domain("  <description>a &#65; b</description>\n"),
    "char-reference-in-attribute": "<domain type='k&#xZZ;'>\n  <name>vm</name>\n</domain>\n",
    "too-deep": DEEP,
    "depth-257": nested(257),
    "depth-258": nested(258),
    "unknown-entity-in-attribute": "<domain type='a&foo;b'>\n  <name>vm</name>\n</domain>\n",
    "bare-ampersand-in-attribute": "<domain type='a & b'>\n  <name>vm</name>\n</domain>\n",
    "truncated-in-double-quoted-attribute": '<domain type="kv',
    "truncated-after-attribute": "<domain type='kvm'",
    "truncated-after-attribute-and-space": "<domain type='kvm' ",
    "truncated-after-lt": "<domain type='kvm'>\n  <",
    "truncated-in-text": "<domain type='kvm'>\n  <name>vm",
    "truncated-nested": "<domain type='kvm'>\n  <devices>\n    <disk type='file'>\n",
    "duplicate-attribute-then-another": (
        "<domain type='kvm' type='qemu' id='1'>\n  <name>vm</name>\n</domain>\n"
    ),
    "duplicate-attribute-self-closing": "<domain type='kvm'>\n  <name a='1' a='2' />\n</domain>\n",
    "attribute-value-then-no-space": "<domain type='kvm'id='1'>\n  <name>vm</name>\n</domain>\n",
    "attribute-without-value-then-another": "<domain type id='1'>\n</domain>\n",
    "unclosed-comment-in-prolog": "<!-- a comment\n",
    "comment-then-text-in-prolog": "<!-- a comment -->\nhello\n",
    "spaces-then-text": "  \n  hello\n",
    "crlf-mismatched-tag": "<domain type='kvm'>\r\n  <name>vm</nam>\r\n</domain>\r\n",
    "utf8-before-error": domain("  <description>caf\u00e9 &foo;</description>\n"),
    "mismatched-end-tag-with-spaces": "<domain type='kvm'>\n  <name>vm</nam  >\n</domain>\n",
    "junk-after-root-after-comment": domain() + "<!-- c -->\n  junk\n",
    "bad-char-reference": domain("  <description>a &#xZZ; b</description>\n"),
    "lt-in-text-before-digit": domain("  <description>a <1 b</description>\n"),
}

# Well-formed XML that virDomainDefParseXML (or its post-parse and validation steps) refuses.
SCHEMA: dict[str, str] = {
    "root-not-domain": "<vm type='kvm'/>\n",
    "root-disk": "<disk type='file'/>\n",
    "missing-domain-type": domain(head="<domain>\n  <name>vm</name>\n  <memory>1048576</memory>\n"),
    "empty-domain-type": domain(
        head="<domain type=''>\n  <name>vm</name>\n  <memory>1048576</memory>\n"
    ),
    "invalid-domain-type": domain(
        head="<domain type='bogus'>\n  <name>vm</name>\n  <memory>1048576</memory>\n"
    ),
    "missing-name": domain(head="<domain type='kvm'>\n  <memory>1048576</memory>\n"),
    "empty-name": domain(head="<domain type='kvm'>\n  <name></name>\n  <memory>1048576</memory>\n"),
    "blank-name": domain(
        head="<domain type='kvm'>\n  <name> </name>\n  <memory>1048576</memory>\n"
    ),
    "name-with-slash": domain(
        head="<domain type='kvm'>\n  <name>a/b</name>\n  <memory>1048576</memory>\n"
    ),
    "malformed-uuid": domain("  <uuid>not-a-uuid</uuid>\n"),
    "short-uuid": domain("  <uuid>1234</uuid>\n"),
    "missing-memory": domain(head="<domain type='kvm'>\n  <name>vm</name>\n"),
    "empty-memory": domain(head="<domain type='kvm'>\n  <name>vm</name>\n  <memory></memory>\n"),
    "memory-not-a-number": domain(
        head="<domain type='kvm'>\n  <name>vm</name>\n  <memory>x</memory>\n"
    ),
    "memory-negative": domain(
        head="<domain type='kvm'>\n  <name>vm</name>\n  <memory>-1</memory>\n"
    ),
    "memory-fraction": domain(
        head="<domain type='kvm'>\n  <name>vm</name>\n  <memory>1.5</memory>\n"
    ),
    "memory-bad-unit": domain(
        head="<domain type='kvm'>\n  <name>vm</name>\n  <memory unit='XiB'>1</memory>\n"
    ),
    "memory-bad-unit-long": domain(
        head="<domain type='kvm'>\n  <name>vm</name>\n  <memory unit='kilobytes'>1</memory>\n"
    ),
    "current-memory-not-a-number": domain("  <currentMemory>x</currentMemory>\n"),
    "vcpu-not-a-number": domain("  <vcpu>x</vcpu>\n"),
    "vcpu-zero": domain("  <vcpu>0</vcpu>\n"),
    "vcpu-current-above-max": domain("  <vcpu current='4'>2</vcpu>\n"),
    "vcpu-bad-placement": domain("  <vcpu placement='bogus'>2</vcpu>\n"),
    "missing-os-type": domain(os=""),
    "os-loader-bad-type": domain(
        os="  <os>\n    <type>hvm</type>\n    <loader type='bogus'>/usr/share/OVMF/x.fd</loader>\n"
        "  </os>\n"
    ),
    "os-loader-bad-readonly": domain(
        os="  <os>\n    <type>hvm</type>\n    <loader readonly='maybe'>/usr/share/OVMF/x.fd</loader>\n"
        "  </os>\n"
    ),
    "acpi-table-bad-type": domain(
        os="  <os>\n    <type>hvm</type>\n    <acpi>\n      <table type='msdm'>/a</table>\n"
        "    </acpi>\n  </os>\n"
    ),
    "acpi-two-tables": domain(
        os="  <os>\n    <type>hvm</type>\n    <acpi>\n      <table type='slic'>/a</table>\n"
        "      <table type='slic'>/b</table>\n    </acpi>\n  </os>\n"
    ),
    "disk-unknown-type": domain(devices=disk(SOURCE + TARGET, attrs="type='floppyish'")),
    "disk-unknown-device": domain(
        devices=disk(SOURCE + TARGET, attrs="type='file' device='floppy2'")
    ),
    "disk-without-target": domain(devices=disk(SOURCE)),
    "disk-target-without-dev": domain(devices=disk(SOURCE + "      <target bus='virtio'/>\n")),
    "disk-without-source-or-target": domain(devices=disk("")),
    "disk-bad-error-policy": domain(
        devices=disk("      <driver name='qemu' error_policy='bogus'/>\n" + SOURCE + TARGET)
    ),
    "disk-bad-rerror-policy": domain(
        devices=disk("      <driver name='qemu' rerror_policy='bogus'/>\n" + SOURCE + TARGET)
    ),
    "disk-duplicate-target": domain(
        devices=disk(SOURCE + TARGET)
        + disk("      <source file='/var/lib/libvirt/images/b.qcow2'/>\n" + TARGET)
    ),
    "disk-network": domain(devices=disk(TARGET, attrs="type='network' device='disk'")),
    "seclabel-bad-type": domain("  <seclabel type='bogus'/>\n"),
    "seclabel-bad-relabel": domain("  <seclabel type='dynamic' relabel='maybe'/>\n"),
    "seclabel-dynamic-no-relabel": domain("  <seclabel type='dynamic' relabel='no'/>\n"),
    "seclabel-none-relabel": domain("  <seclabel type='none' relabel='yes'/>\n"),
    "seclabel-static-without-label": domain("  <seclabel type='static'/>\n"),
    "seclabel-static-empty-label": domain(
        "  <seclabel type='static' model='dac'>\n    <label></label>\n  </seclabel>\n"
    ),
    "seclabel-static-no-relabel-with-label": domain(
        "  <seclabel type='static' model='selinux' relabel='no'>\n"
        "    <label>system_u:system_r:svirt_t:s0:c1,c2</label>\n  </seclabel>\n"
    ),
    "seclabel-bad-model": domain("  <seclabel type='dynamic' model='apparmor'/>\n"),
    "seclabel-duplicate-model": domain(
        "  <seclabel type='dynamic' model='selinux'/>\n"
        "  <seclabel type='dynamic' model='selinux'/>\n"
    ),
    "seclabel-bad-selinux-label": domain(
        "  <seclabel type='static' model='selinux'>\n    <label>garbage</label>\n  </seclabel>\n"
    ),
    "device-seclabel-bad-relabel": domain(
        devices=seclabel_source("<seclabel model='selinux' relabel='sometimes'/>")
    ),
    "device-seclabel-label-without-relabel": domain(
        devices=seclabel_source(
            "<seclabel model='selinux' relabel='no'><label>system_u:object_r:a_t:s0</label>"
            "</seclabel>"
        )
    ),
    "device-seclabel-no-relabel": domain(
        devices=seclabel_source("<seclabel model='selinux' relabel='no'/>")
    ),
    "chardev-unknown-type": domain(devices=chardev("<serial type='bogus'/>")),
    "chardev-file-without-path": domain(devices=chardev("<serial type='file'/>")),
    "chardev-unix-without-path": domain(
        devices=chardev(
            "<channel type='unix'><source mode='bind'/><target type='virtio'/></channel>"
        )
    ),
    "chardev-bad-mode": domain(
        devices=chardev("<serial type='unix'><source mode='bogus' path='/tmp/s'/></serial>")
    ),
    "chardev-device-seclabel-bad-relabel": domain(
        devices=chardev(
            "<serial type='file'><source path='/tmp/s.log'>"
            "<seclabel model='dac' relabel='maybe'/></source></serial>"
        )
    ),
    "memory-device-nvdimm-without-path": domain(
        devices=chardev(
            "<memory model='nvdimm'><target><size unit='KiB'>524288</size></target></memory>"
        )
    ),
    "memory-device-bad-model": domain(
        devices=chardev(
            "<memory model='bogus'><target><size unit='KiB'>524288</size></target></memory>"
        )
    ),
    "domain-type-xen": domain(
        head="<domain type='xen'>\n  <name>vm</name>\n  <memory>1048576</memory>\n"
    ),
    "domain-type-none": domain(
        head="<domain type='none'>\n  <name>vm</name>\n  <memory>1048576</memory>\n"
    ),
    "domain-type-hvf": domain(
        head="<domain type='hvf'>\n  <name>vm</name>\n  <memory>1048576</memory>\n"
    ),
    "domain-type-upper-case": domain(
        head="<domain type='KVM'>\n  <name>vm</name>\n  <memory>1048576</memory>\n"
    ),
    "name-with-spaces-around": domain(
        head="<domain type='kvm'>\n  <name> vm </name>\n  <memory>1048576</memory>\n"
    ),
    "disk-floppy": domain(
        devices=disk(
            SOURCE + "      <target dev='fda' bus='fdc'/>\n", attrs="type='file' device='floppy'"
        )
    ),
    "disk-empty-type": domain(devices=disk(SOURCE + TARGET, attrs="type='' device='disk'")),
    "disk-rerror-policy-enospace": domain(
        devices=disk("      <driver name='qemu' rerror_policy='enospace'/>\n" + SOURCE + TARGET)
    ),
    "device-seclabel-label-without-relabel-no-model": domain(
        devices=seclabel_source(
            "<seclabel relabel='no'><label>system_u:object_r:a_t:s0</label></seclabel>"
        )
    ),
    "seclabel-type-default": domain("  <seclabel type='default'/>\n"),
    "chardev-pipe-without-path": domain(devices=chardev("<serial type='pipe'/>")),
    "chardev-dev-without-path": domain(devices=chardev("<serial type='dev'/>")),
    "chardev-tcp-bad-mode": domain(
        devices=chardev(
            "<serial type='tcp'><source mode='bogus' host='127.0.0.1' service='4444'/></serial>"
        )
    ),
    "chardev-file-bad-mode": domain(
        devices=chardev("<serial type='file'><source mode='bogus' path='/tmp/s.log'/></serial>")
    ),
    "memory-device-without-model": domain(
        devices=chardev("<memory><target><size unit='KiB'>524288</size></target></memory>")
    ),
    "vcpu-placement-auto": domain("  <vcpu placement='auto'>2</vcpu>\n"),
    "os-loader-pflash": domain(
        os="  <os>\n    <type>hvm</type>\n    <loader readonly='yes' type='pflash'>"
        "/usr/share/OVMF/x.fd</loader>\n  </os>\n"
    ),
    "name-with-newline": domain(
        head="<domain type='kvm'>\n  <name>v\nm</name>\n  <memory>1048576</memory>\n"
    ),
    "name-with-slash-and-newline": domain(
        head="<domain type='kvm'>\n  <name>v/\nm</name>\n  <memory>1048576</memory>\n"
    ),
    "os-type-unknown": domain(os="  <os>\n    <type>hm</type>\n  </os>\n"),
    "os-type-xen": domain(os="  <os>\n    <type>xen</type>\n  </os>\n"),
    "os-type-linux": domain(os="  <os>\n    <type>linux</type>\n  </os>\n"),
    "os-type-exe": domain(os="  <os>\n    <type>exe</type>\n  </os>\n"),
    "os-type-uml": domain(os="  <os>\n    <type>uml</type>\n  </os>\n"),
    "os-type-with-spaces": domain(os="  <os>\n    <type> hvm </type>\n  </os>\n"),
    "disk-bad-bus": domain(devices=disk(SOURCE + "      <target dev='vda' bus='virti'/>\n")),
    "disk-bad-format": domain(
        devices=disk("      <driver name='qemu' type='qco2'/>\n" + SOURCE + TARGET)
    ),
    "disk-format-none": domain(
        devices=disk("      <driver name='qemu' type='none'/>\n" + SOURCE + TARGET)
    ),
    "disk-without-source": domain(devices=disk(TARGET)),
    "disk-source-without-file": domain(devices=disk("      <source/>\n" + TARGET)),
    "cdrom-without-source": domain(
        devices=disk("      <target dev='sda' bus='sata'/>\n", attrs="type='file' device='cdrom'")
    ),
    "disk-block-without-dev": domain(
        devices=disk(
            "      <source file='/dev/sdb'/>\n" + TARGET, attrs="type='block' device='disk'"
        )
    ),
    "disk-target-va": domain(devices=disk(SOURCE + "      <target dev='va' bus='virtio'/>\n")),
    "disk-target-vda1": domain(devices=disk(SOURCE + "      <target dev='vda1' bus='virtio'/>\n")),
    "disk-target-vdaa": domain(devices=disk(SOURCE + "      <target dev='vdaa' bus='virtio'/>\n")),
    "disk-target-sda": domain(devices=disk(SOURCE + "      <target dev='sda' bus='virtio'/>\n")),
    "disk-target-hdz": domain(devices=disk(SOURCE + "      <target dev='hdz' bus='virtio'/>\n")),
    "disk-target-xvda": domain(devices=disk(SOURCE + "      <target dev='xvda' bus='virtio'/>\n")),
    "disk-target-vd": domain(devices=disk(SOURCE + "      <target dev='vd' bus='virtio'/>\n")),
    "disk-target-VDA": domain(devices=disk(SOURCE + "      <target dev='VDA' bus='virtio'/>\n")),
    "disk-target-fda": domain(devices=disk(SOURCE + "      <target dev='fda' bus='virtio'/>\n")),
    "disk-target-ubda": domain(devices=disk(SOURCE + "      <target dev='ubda' bus='virtio'/>\n")),
    "disk-target-vdzz": domain(devices=disk(SOURCE + "      <target dev='vdzz' bus='virtio'/>\n")),
    "disk-target-vd0": domain(devices=disk(SOURCE + "      <target dev='vd0' bus='virtio'/>\n")),
    "disk-target-nvme0n1": domain(
        devices=disk(SOURCE + "      <target dev='nvme0n1' bus='virtio'/>\n")
    ),
    "disk-format-raw": domain(
        devices=disk("      <driver name='qemu' type='raw'/>\n" + SOURCE + TARGET)
    ),
    "disk-format-dir": domain(
        devices=disk("      <driver name='qemu' type='dir'/>\n" + SOURCE + TARGET)
    ),
    "disk-format-bochs": domain(
        devices=disk("      <driver name='qemu' type='bochs'/>\n" + SOURCE + TARGET)
    ),
    "disk-format-cloop": domain(
        devices=disk("      <driver name='qemu' type='cloop'/>\n" + SOURCE + TARGET)
    ),
    "disk-format-dmg": domain(
        devices=disk("      <driver name='qemu' type='dmg'/>\n" + SOURCE + TARGET)
    ),
    "disk-format-iso": domain(
        devices=disk("      <driver name='qemu' type='iso'/>\n" + SOURCE + TARGET)
    ),
    "disk-format-vpc": domain(
        devices=disk("      <driver name='qemu' type='vpc'/>\n" + SOURCE + TARGET)
    ),
    "disk-format-vdi": domain(
        devices=disk("      <driver name='qemu' type='vdi'/>\n" + SOURCE + TARGET)
    ),
    "disk-format-fat": domain(
        devices=disk("      <driver name='qemu' type='fat'/>\n" + SOURCE + TARGET)
    ),
    "disk-format-vhd": domain(
        devices=disk("      <driver name='qemu' type='vhd'/>\n" + SOURCE + TARGET)
    ),
    "disk-format-ploop": domain(
        devices=disk("      <driver name='qemu' type='ploop'/>\n" + SOURCE + TARGET)
    ),
    "disk-format-cow": domain(
        devices=disk("      <driver name='qemu' type='cow'/>\n" + SOURCE + TARGET)
    ),
    "disk-format-qcow": domain(
        devices=disk("      <driver name='qemu' type='qcow'/>\n" + SOURCE + TARGET)
    ),
    "disk-format-qed": domain(
        devices=disk("      <driver name='qemu' type='qed'/>\n" + SOURCE + TARGET)
    ),
    "disk-format-vmdk": domain(
        devices=disk("      <driver name='qemu' type='vmdk'/>\n" + SOURCE + TARGET)
    ),
    "disk-format-luks": domain(
        devices=disk("      <driver name='qemu' type='luks'/>\n" + SOURCE + TARGET)
    ),
    "disk-format-QCOW2": domain(
        devices=disk("      <driver name='qemu' type='QCOW2'/>\n" + SOURCE + TARGET)
    ),
    "disk-bus-ide": domain(devices=disk(SOURCE + "      <target dev='vda' bus='ide'/>\n")),
    "disk-bus-fdc": domain(devices=disk(SOURCE + "      <target dev='vda' bus='fdc'/>\n")),
    "disk-bus-scsi": domain(devices=disk(SOURCE + "      <target dev='vda' bus='scsi'/>\n")),
    "disk-bus-xen": domain(devices=disk(SOURCE + "      <target dev='vda' bus='xen'/>\n")),
    "disk-bus-usb": domain(devices=disk(SOURCE + "      <target dev='vda' bus='usb'/>\n")),
    "disk-bus-uml": domain(devices=disk(SOURCE + "      <target dev='vda' bus='uml'/>\n")),
    "disk-bus-sata": domain(devices=disk(SOURCE + "      <target dev='vda' bus='sata'/>\n")),
    "disk-bus-sd": domain(devices=disk(SOURCE + "      <target dev='vda' bus='sd'/>\n")),
    "disk-bus-none": domain(devices=disk(SOURCE + "      <target dev='vda' bus='none'/>\n")),
    "disk-target-bad-name-with-address": domain(
        devices=disk(
            SOURCE
            + "      <target dev='va' bus='virtio'/>\n"
            + "      <address type='pci' domain='0x0000' bus='0x00' slot='0x07' function='0x0'/>\n"
        )
    ),
    "os-type-exe-with-init": domain(
        os="  <os>\n    <type>exe</type>\n    <init>/bin/sh</init>\n  </os>\n"
    ),
    "serial-unix-without-path": domain(
        devices=chardev("<serial type='unix'><source mode='bind'/></serial>")
    ),
    "seclabels-two-without-model": domain(
        "  <seclabel type='dynamic'/>\n  <seclabel type='dynamic' model='dac'/>\n"
    ),
    "seclabels-two-second-without-model": domain(
        "  <seclabel type='dynamic' model='selinux'/>\n  <seclabel type='none'/>\n"
    ),
    "os-arch-unknown": domain(os="  <os>\n    <type arch='x8664'>hvm</type>\n  </os>\n"),
    "os-arch-aarch64": domain(os="  <os>\n    <type arch='aarch64'>hvm</type>\n  </os>\n"),
    "os-arch-i686": domain(os="  <os>\n    <type arch='i686'>hvm</type>\n  </os>\n"),
    "os-arch-x86_64": domain(os="  <os>\n    <type arch='x86_64'>hvm</type>\n  </os>\n"),
    "uuid-braces": domain("  <uuid>{4dea22b3-1d52-d8f3-2516-782e98ab3fa0}</uuid>\n"),
    "uuid-urn": domain("  <uuid>urn:uuid:4dea22b3-1d52-d8f3-2516-782e98ab3fa0</uuid>\n"),
    "uuid-no-dashes": domain("  <uuid>4dea22b31d52d8f32516782e98ab3fa0</uuid>\n"),
    "uuid-odd-dashes": domain("  <uuid>4d-ea-22b3-1d52d8f3-2516-782e98ab3fa0</uuid>\n"),
    "uuid-inner-space": domain("  <uuid>4dea22b3-1d52-d8f3-2516-782e98ab 3fa0</uuid>\n"),
    "uuid-surrounding-space": domain("  <uuid> 4dea22b3-1d52-d8f3-2516-782e98ab3fa0 </uuid>\n"),
    "uuid-upper-case": domain("  <uuid>4DEA22B3-1D52-D8F3-2516-782E98AB3FA0</uuid>\n"),
    "uuid-too-long": domain("  <uuid>4dea22b3-1d52-d8f3-2516-782e98ab3fa0ff</uuid>\n"),
    "uuid-split-pair": domain("  <uuid>4dea22b3-1d52-d8f3-2516-782e98ab3fa-0</uuid>\n"),
    "uuid-empty": domain("  <uuid></uuid>\n"),
    "backing-store-ok": domain(
        devices=disk(
            SOURCE
            + "      <backingStore type='file'>\\n        <format type='raw'/>\\n        <source file='/var/lib/libvirt/images/b.img'/>\\n      </backingStore>\\n"
            + TARGET
        )
    ),
    "backing-store-empty-element": domain(
        devices=disk(
            SOURCE + "      <backingStore type='file'>\\n      </backingStore>\\n" + TARGET
        )
    ),
    "backing-store-no-type": domain(
        devices=disk(
            SOURCE
            + "      <backingStore>\\n        <format type='raw'/>\\n        <source file='/var/lib/libvirt/images/b.img'/>\\n      </backingStore>\\n"
            + TARGET
        )
    ),
    "backing-store-no-format": domain(
        devices=disk(
            SOURCE
            + "      <backingStore type='file'>\\n        <source file='/var/lib/libvirt/images/b.img'/>\\n      </backingStore>\\n"
            + TARGET
        )
    ),
    "backing-store-no-source": domain(
        devices=disk(
            SOURCE
            + "      <backingStore type='file'>\\n        <format type='raw'/>\\n      </backingStore>\\n"
            + TARGET
        )
    ),
    "backing-store-bad-type": domain(
        devices=disk(
            SOURCE
            + "      <backingStore type='fie'>\\n        <format type='raw'/>\\n        <source file='/var/lib/libvirt/images/b.img'/>\\n      </backingStore>\\n"
            + TARGET
        )
    ),
    "backing-store-bad-type-no-format": domain(
        devices=disk(
            SOURCE
            + "      <backingStore type='fie'>\\n        <source file='/var/lib/libvirt/images/b.img'/>\\n      </backingStore>\\n"
            + TARGET
        )
    ),
    "backing-store-bad-format": domain(
        devices=disk(
            SOURCE
            + "      <backingStore type='file'>\\n        <format type='aw'/>\\n        <source file='/var/lib/libvirt/images/b.img'/>\\n      </backingStore>\\n"
            + TARGET
        )
    ),
    "backing-store-bad-format-no-source": domain(
        devices=disk(
            SOURCE
            + "      <backingStore type='file'>\\n        <format type='aw'/>\\n      </backingStore>\\n"
            + TARGET
        )
    ),
    "backing-store-format-none": domain(
        devices=disk(
            SOURCE
            + "      <backingStore type='file'>\\n        <format type='none'/>\\n        <source file='/var/lib/libvirt/images/b.img'/>\\n      </backingStore>\\n"
            + TARGET
        )
    ),
    "backing-store-format-luks": domain(
        devices=disk(
            SOURCE
            + "      <backingStore type='file'>\\n        <format type='luks'/>\\n        <source file='/var/lib/libvirt/images/b.img'/>\\n      </backingStore>\\n"
            + TARGET
        )
    ),
    "backing-store-type-network": domain(
        devices=disk(
            SOURCE
            + "      <backingStore type='network'>\\n        <format type='raw'/>\\n        <source file='/var/lib/libvirt/images/b.img'/>\\n      </backingStore>\\n"
            + TARGET
        )
    ),
    "backing-store-type-block": domain(
        devices=disk(
            SOURCE
            + "      <backingStore type='block'>\\n        <format type='raw'/>\\n        <source dev='/dev/sdb'/>\\n      </backingStore>\\n"
            + TARGET
        )
    ),
    "backing-store-self-closing": domain(
        devices=disk(SOURCE + "      <backingStore/>\\n" + TARGET)
    ),
    "memory-device-without-size": domain(
        devices=chardev("<memory model='dimm'><target><node>0</node></target></memory>")
    ),
    "memory-device-bad-size": domain(
        devices=chardev("<memory model='dimm'><target><size unit='KiB'>5x</size></target></memory>")
    ),
    "memory-device-bad-size-unit": domain(
        devices=chardev(
            "<memory model='dimm'><target><size unit='iB'>524288</size></target></memory>"
        )
    ),
    "memory-device-empty-size": domain(
        devices=chardev("<memory model='dimm'><target><size unit='KiB'></size></target></memory>")
    ),
    "memory-devices-above-total": domain(
        devices=chardev("<memory model='dimm'><target><size unit='GiB'>2</size></target></memory>")
    ),
    "memory-devices-equal-to-total": domain(
        devices=chardev("<memory model='dimm'><target><size unit='GiB'>1</size></target></memory>")
    ),
    "two-errors-disk-then-chardev": domain(
        devices=disk(SOURCE)
        + chardev("<serial type='unix'><source mode='bogus' path='/x'/></serial>")
    ),
    "two-errors-chardev-then-disk": domain(
        devices=chardev("<serial type='file'/>")
        + disk("      <driver name='qemu' type='qco2'/>\n" + SOURCE + TARGET)
    ),
    "two-errors-disk-and-seclabel": domain(
        "  <seclabel type='bogus'/>\n",
        devices=disk("      <backingStore type='file'/>\n" + SOURCE + TARGET),
    ),
    "two-errors-seclabel-no-model-then-bad-relabel": domain(
        "  <seclabel type='dynamic'/>\n  <seclabel type='dynamic' model='dac' relabel='x'/>\n"
    ),
    "two-errors-seclabel-duplicate-then-bad-relabel": domain(
        "  <seclabel type='dynamic' model='dac'/>\n  <seclabel type='dynamic' model='dac'/>\n"
        "  <seclabel type='dynamic' model='selinux' relabel='x'/>\n"
    ),
    "two-errors-driver-format-and-error-policy": domain(
        devices=disk("      <driver name='qemu' type='qco2' error_policy='x'/>\n" + SOURCE + TARGET)
    ),
    "two-errors-error-policy-and-backing-store": domain(
        devices=disk(
            "      <driver name='qemu' type='qcow2' error_policy='x'/>\n"
            + SOURCE
            + "      <backingStore type='fie'><format type='raw'/><source file='/b'/></backingStore>\n"
            + TARGET
        )
    ),
    "hostdev": domain(
        devices=chardev(
            "<hostdev mode='subsystem' type='pci'><source><address domain='0x0000' bus='0x00'"
            " slot='0x01' function='0x0'/></source></hostdev>"
        )
    ),
}

# Definitions libvirt's test driver accepts: the lab must accept them too (or say it cannot).
VALID: dict[str, str] = {
    "valid-minimal": domain(),
    "valid-with-disk": domain(devices=disk(SOURCE + TARGET)),
    "valid-unknown-element": domain("  <bogus-element/>\n"),
    "default-namespace": domain(
        head="<domain type='kvm' xmlns='http://example.org/ns'>\n  <name>vm</name>\n  <memory unit='GiB'>1</memory>\n"
    ),
    "qemu-namespace-commandline": domain(
        "  <qemu:commandline>\n    <qemu:arg value='-S'/>\n  </qemu:commandline>\n",
        head="<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n"
        "  <name>vm</name>\n  <memory unit='GiB'>1</memory>\n",
    ),
}


def all_cases() -> dict[str, str]:
    """Every case by name, in the corpus's order."""
    cases: dict[str, str] = {}
    for group in (MALFORMED, SCHEMA, VALID):
        for name, text in group.items():
            assert name not in cases, name
            cases[name] = text
    return cases
