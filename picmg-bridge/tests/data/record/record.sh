#!/bin/bash
# Records raw kernel uevents of PCI hot-plug in a virtual chassis (QEMU q35, pciehp slots 2 and
# 16, Debian's 6.1 kernel) into picmg-bridge/tests/data/uevents-6.1/. See that directory's README.
#
#   sudo ./record.sh            # needs: qemu-system-x86 busybox-static cpio kmod python3 gcc apt
#   OUT=/some/dir ./record.sh   # elsewhere; WORK=dir keeps the downloaded kernel between runs
#
# Nothing downloaded goes into the repository: the kernel package and the initramfs live in WORK.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-$HERE/../uevents-6.1}
WORK=${WORK:-$(mktemp -d /tmp/uevent-record.XXXXXX)}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
QEMU_PID=
cleanup() {
    if [ -n "$QEMU_PID" ] && kill -0 "$QEMU_PID" 2>/dev/null; then
        kill "$QEMU_PID" 2>/dev/null || true
        sleep 1
        kill -9 "$QEMU_PID" 2>/dev/null || true
    fi
}
trap cleanup EXIT
log() { echo "record: $*" >&2; }

# 1. Debian's 6.1 kernel, the ABI that linux-image-amd64 currently points at.
if [ -z "${KPKG:-}" ]; then
    meta=$(apt-cache depends linux-image-amd64 | sed -n 's/.*Depends: \(linux-image-6\.1\.0-[0-9]*-amd64\)$/\1/p' | head -1)
    KPKG=${meta:+$meta-unsigned}
    [ -n "$KPKG" ] || KPKG=$(apt-cache search '^linux-image-6.1.0-[0-9]+-amd64-unsigned$' | awk '{print $1}' | sort -V | tail -1)
fi
if [ ! -d "$WORK/kroot/boot" ]; then
    log "downloading $KPKG"
    (cd "$WORK" && apt-get download "$KPKG" >/dev/null)
    dpkg-deb -x "$WORK"/"$KPKG"_*.deb "$WORK/kroot"
fi
KVER=$(ls "$WORK/kroot/lib/modules" | head -1)
VMLINUZ="$WORK/kroot/boot/vmlinuz-$KVER"
log "kernel $KVER"

# 2. initramfs: busybox, the recorder, the few modules the guest loads, /init.
IR="$WORK/initramfs"
rm -rf "$IR"
mkdir -p "$IR"/{bin,proc,sys,dev,out,lib/modules/$KVER}
cp /bin/busybox "$IR/bin/busybox"
gcc -static -O2 -Wall -Wextra -Werror -o "$IR/bin/uevent-recorder" "$HERE/uevent-recorder.c"
for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci netfs fscache \
         9pnet 9pnet_virtio 9p e1000e; do
    f=$(cd "$WORK/kroot/lib/modules/$KVER" && find kernel -name "$m.ko*" | head -1)
    [ -n "$f" ] || { log "module $m not in $KPKG"; exit 1; }
    mkdir -p "$IR/lib/modules/$KVER/$(dirname "$f")"
    cp "$WORK/kroot/lib/modules/$KVER/$f" "$IR/lib/modules/$KVER/$f"
done
cp "$WORK/kroot/lib/modules/$KVER"/modules.{order,builtin,builtin.modinfo} "$IR/lib/modules/$KVER/" 2>/dev/null || true
depmod -b "$IR" "$KVER"
cp "$HERE/guest-init.sh" "$IR/init"
chmod +x "$IR/init"
(cd "$IR" && find . | cpio -o -H newc --quiet | gzip -1) > "$WORK/initramfs.gz"

# 3. Boot: q35, native PCIe hot-plug, root ports as chassis slots 2 and 16, a 9p share for output.
rm -rf "$WORK/out"
mkdir -p "$WORK/out"
CONSOLE="$WORK/console.log"
QMP="$WORK/qmp.sock"
: > "$CONSOLE"
qemu-system-x86_64 -M q35 -accel tcg -m 512 -smp 1 -nographic -no-reboot -nic none \
    -global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off \
    -device pcie-root-port,id=rp2,chassis=1,slot=2,bus=pcie.0,addr=0x4 \
    -device pcie-root-port,id=rp16,chassis=1,slot=16,bus=pcie.0,addr=0x5 \
    -virtfs local,path="$WORK/out",mount_tag=out,security_model=none,id=out \
    -kernel "$VMLINUZ" -initrd "$WORK/initramfs.gz" \
    -append "console=ttyS0 panic=-1 rdinit=/init" \
    -qmp unix:"$QMP",server=on,wait=off \
    -serial file:"$CONSOLE" -monitor none -display none </dev/null >"$WORK/qemu.log" 2>&1 &
QEMU_PID=$!

# One QMP command: qmp EXECUTE 'JSON-ARGUMENTS'
qmp() {
    python3 - "$QMP" "$1" "${2:-{\}}" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile("rw")
def call(cmd, args):
    f.write(json.dumps({"execute": cmd, "arguments": args}) + "\n"); f.flush()
    while True:
        r = json.loads(f.readline())
        if "return" in r: return r["return"]
        if "error" in r: sys.exit("qmp %s: %s" % (cmd, r["error"]))
json.loads(f.readline())  # greeting
call("qmp_capabilities", {})
print(json.dumps(call(sys.argv[2], json.loads(sys.argv[3]))))
PY
}
# Waits for a console line containing $1 (at most $2 seconds).
await() {
    local t=$(($2 * 10))
    until grep -q "$1" "$CONSOLE"; do
        grep -q "@@ FAIL" "$CONSOLE" && { log "guest: $(grep '@@ FAIL' "$CONSOLE")"; exit 1; }
        kill -0 "$QEMU_PID" 2>/dev/null || { log "qemu exited"; cat "$WORK/qemu.log" >&2; exit 1; }
        t=$((t - 1)); [ $t -le 0 ] && { log "timeout waiting for '$1'"; tail -20 "$CONSOLE" >&2; exit 1; }
        sleep 0.1
    done
}

await "@@ STEP1" 120
log "inserting a dual-port e1000e into slot 2 (function 1, then 0) and a single port into slot 16"
qmp device_add '{"driver":"e1000e","id":"s2f1","bus":"rp2","addr":"0.1","multifunction":"on"}' >/dev/null
qmp device_add '{"driver":"e1000e","id":"s2f0","bus":"rp2","addr":"0.0","multifunction":"on"}' >/dev/null
qmp device_add '{"driver":"e1000e","id":"s16f0","bus":"rp16","addr":"0.0"}' >/dev/null
await "@@ STEP2" 180
log "pulling the card from slot 16 (device_del = attention button)"
qmp device_del '{"id":"s16f0"}' >/dev/null
await "@@ DONE" 120
for i in $(seq 100); do kill -0 "$QEMU_PID" 2>/dev/null || break; sleep 0.1; done
cleanup
QEMU_PID=

# 4. Results into OUT (raw datagrams, index, sysfs snapshots, guest console).
mkdir -p "$OUT"
rm -f "$OUT"/raw/*.bin
mkdir -p "$OUT/raw"
cp "$WORK"/out/raw/*.bin "$WORK/out/raw/index.txt" "$OUT/raw/"
for d in "$WORK"/out/sysfs-*; do rm -rf "$OUT/${d##*/}"; cp -r "$d" "$OUT/"; done
tr -d '\r' < "$CONSOLE" | sed -e 's/\x1bc//g' -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' > "$OUT/console.log"
{ echo "$KPKG"; grep -ao 'Linux version .*' "$CONSOLE" | head -1 | tr -d '\r'; } > "$OUT/kernel.txt"
qemu-system-x86_64 --version | head -1 > "$OUT/qemu.txt"
log "$(ls "$OUT"/raw/*.bin | wc -l) datagrams in $OUT/raw"
