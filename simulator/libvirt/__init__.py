"""libvirt's QEMU driver as far as labelling goes: qemu.conf, domain XML, MCS labels,
remembered labels, the SELinux and DAC security drivers and their stack."""
