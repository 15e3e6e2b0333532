#!/bin/bash
# Runs the picmg-bridge kernel backend once on a real kernel: Debian's 6.1 under QEMU (q35, TCG,
# native PCIe hot-plug, chassis slots 2 and 16), a static kernel-probe in a busybox initramfs.
# The host inserts a dual-port e1000e into slot 2 over QMP (function 1 first, then 0), waits
# until the probe has both ports up, takes the link of function 0 down (QMP set_link on its peer;
# if the guest does not see it, the probe sets a port down itself after 8 s); the probe
# then powers slot 2 off with pb_slot_power and tries to power it on again.
#
#   sudo ./kernel-check.sh      # needs: qemu-system-x86 busybox-static cpio kmod python3 gcc apt
#   WORK=dir keeps the downloaded kernel between runs; OUT=dir receives the transcript
#   (default ../data/kernel-6.1). Nothing downloaded goes into the repository.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
PB=$(cd "$HERE/../.." && pwd)
OUT=${OUT:-$PB/tests/data/kernel-6.1}
WORK=${WORK:-$(mktemp -d /tmp/kernel-check.XXXXXX)}
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
log() { echo "kernel-check: $*" >&2; }

# 1. Debian's 6.1 kernel (the ABI linux-image-amd64 points at), as record.sh gets it.
if [ ! -d "$WORK/kroot/boot" ]; then
    meta=$(apt-cache depends linux-image-amd64 | sed -n 's/.*Depends: \(linux-image-6\.1\.0-[0-9]*-amd64\)$/\1/p' | head -1)
    KPKG=${KPKG:-${meta:+$meta-unsigned}}
    [ -n "$KPKG" ] || KPKG=$(apt-cache search '^linux-image-6.1.0-[0-9]+-amd64-unsigned$' | awk '{print $1}' | sort -V | tail -1)
    log "downloading $KPKG"
    (cd "$WORK" && apt-get download "$KPKG" >/dev/null)
    dpkg-deb -x "$WORK"/"$KPKG"_*.deb "$WORK/kroot"
fi
KVER=$(ls "$WORK/kroot/lib/modules" | head -1)
log "kernel $KVER"

# 2. initramfs: busybox, the probe (static, the library's own sources), e1000e, /init.
IR="$WORK/initramfs-check"
rm -rf "$IR"
mkdir -p "$IR"/{bin,proc,sys,dev,lib/modules/$KVER}
cp /bin/busybox "$IR/bin/busybox"
gcc -static -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$PB/include" -I"$PB/src" \
    -o "$IR/bin/kernel-probe" "$HERE/kernel-probe.c" "$PB"/src/*.c -lpthread
f=$(cd "$WORK/kroot/lib/modules/$KVER" && find kernel -name "e1000e.ko*" | head -1)
mkdir -p "$IR/lib/modules/$KVER/$(dirname "$f")"
cp "$WORK/kroot/lib/modules/$KVER/$f" "$IR/lib/modules/$KVER/$f"
cp "$WORK/kroot/lib/modules/$KVER"/modules.{order,builtin,builtin.modinfo} "$IR/lib/modules/$KVER/" 2>/dev/null || true
depmod -b "$IR" "$KVER"
cp "$HERE/kernel-check-init.sh" "$IR/init"
chmod +x "$IR/init"
(cd "$IR" && find . | cpio -o -H newc --quiet | gzip -1) > "$WORK/initramfs-check.gz"

# 3. Boot.
CONSOLE="$WORK/check-console.log"
QMP="$WORK/check-qmp.sock"
: > "$CONSOLE"
qemu-system-x86_64 -M q35 -accel tcg -m 512 -smp 1 -nographic -no-reboot -nic none \
    -global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off \
    -device pcie-root-port,id=rp2,chassis=1,slot=2,bus=pcie.0,addr=0x4 \
    -device pcie-root-port,id=rp16,chassis=1,slot=16,bus=pcie.0,addr=0x5 \
    -kernel "$WORK/kroot/boot/vmlinuz-$KVER" -initrd "$WORK/initramfs-check.gz" \
    -append "console=ttyS0 panic=-1 rdinit=/init" \
    -qmp unix:"$QMP",server=on,wait=off \
    -serial file:"$CONSOLE" -monitor none -display none </dev/null >"$WORK/check-qemu.log" 2>&1 &
QEMU_PID=$!

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
json.loads(f.readline())
call("qmp_capabilities", {})
print(json.dumps(call(sys.argv[2], json.loads(sys.argv[3]))))
PY
}
await() {
    local t=$(($2 * 10))
    until grep -q "$1" "$CONSOLE"; do
        grep -q "@@ FAIL" "$CONSOLE" && { log "guest: $(grep '@@ FAIL' "$CONSOLE")"; tail -30 "$CONSOLE" >&2; exit 1; }
        kill -0 "$QEMU_PID" 2>/dev/null || { log "qemu exited"; cat "$WORK/check-qemu.log" >&2; tail -30 "$CONSOLE" >&2; exit 1; }
        t=$((t - 1)); [ $t -le 0 ] && { log "timeout waiting for '$1'"; tail -30 "$CONSOLE" >&2; exit 1; }
        sleep 0.1
    done
}
stamp() { echo "host $(date +%T.%N | cut -c1-12): $*" >> "$WORK/check-host.log"; log "$*"; }
: > "$WORK/check-host.log"

await "@@ READY" 120
stamp "device_add e1000e function 1, then function 0, into slot 2"
# Each port gets a peer (a port of QEMU's internal hub): a NIC without one never has a link.
qmp netdev_add '{"type":"hubport","id":"n1","hubid":0}' >/dev/null
qmp netdev_add '{"type":"hubport","id":"n0","hubid":0}' >/dev/null
qmp device_add '{"driver":"e1000e","id":"s2f1","bus":"rp2","addr":"0.1","multifunction":"on","netdev":"n1"}' >/dev/null
qmp device_add '{"driver":"e1000e","id":"s2f0","bus":"rp2","addr":"0.0","multifunction":"on","netdev":"n0"}' >/dev/null
await "@@ LINKS UP" 120
stamp "set_link n0 down (the peer of function 0: its link goes)"
qmp set_link '{"name":"n0","up":false}' >/dev/null
await "@@ PROBE DONE" 120
for i in $(seq 100); do kill -0 "$QEMU_PID" 2>/dev/null || break; sleep 0.1; done
cleanup
QEMU_PID=

mkdir -p "$OUT"
tr -d '\r' < "$CONSOLE" | sed -e 's/\x1bc//g' -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' > "$OUT/console.log"
sed -n '/^pb_open(kernel/,/^@@ PROBE DONE/p' "$OUT/console.log" | grep -Ev '^\[ *[0-9]+\.[0-9]{6}\]' > "$OUT/transcript.txt" || true
cp "$WORK/check-host.log" "$OUT/host.txt"
{ grep -ao 'Linux version .*' "$CONSOLE" | head -1 | tr -d '\r'; qemu-system-x86_64 --version | head -1; } > "$OUT/versions.txt"
log "transcript in $OUT/transcript.txt"
