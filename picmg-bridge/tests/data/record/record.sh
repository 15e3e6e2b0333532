#!/bin/bash
# Records raw kernel uevents of PCI hot-plug in a virtual chassis (QEMU q35, pciehp slots 2 and
# 16, Debian's 6.1 kernel) into picmg-bridge/tests/data/uevents-6.1/. See that directory's README.
#
#   sudo ./record.sh            # needs: qemu-system-x86 busybox-static cpio kmod socat gcc apt
#   OUT=/some/dir ./record.sh   # elsewhere; WORK=dir for the downloads (default: build/lab, the lab's)
#
# Nothing downloaded goes into the repository: the kernel package and the initramfs live in WORK.
# The kernel, initramfs and QMP pieces are the lab's (had/lab/lib.sh).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-$HERE/../uevents-6.1}
# The kernel, the initramfs and QMP come from the lab (had/lab/lib.sh); WORK defaults to its cache.
[ -n "${WORK:-}" ] && { mkdir -p "$WORK"; LAB_CACHE=$(cd "$WORK" && pwd); }
. "$HERE/../../../../had/lab/lib.sh"
WORK=$LAB_CACHE/record
LAB_RUN=$WORK
mkdir -p "$WORK"
trap lab_cleanup EXIT
log() { echo "record: $*" >&2; }

# 1. Debian's 6.1 kernel, the ABI that linux-image-amd64 currently points at.
lab_kernel
KPKG=$LAB_KPKG
log "kernel $LAB_KVER"

# 2. initramfs: busybox, the recorder, the 9p modules and e1000e, /init.
LAB_IR_EXTRA=$WORK/ir-extra
rm -rf "$LAB_IR_EXTRA"; mkdir -p "$LAB_IR_EXTRA"/{bin,out}
gcc -static -O2 -Wall -Wextra -Werror -o "$LAB_IR_EXTRA/bin/uevent-recorder" "$HERE/uevent-recorder.c"
lab_initramfs "$WORK/initramfs.gz" "$HERE/guest-init.sh" e1000e

# 3. Boot: q35, native PCIe hot-plug, root ports as chassis slots 2 and 16, a 9p share for output.
rm -rf "$WORK/out" "$WORK"/qmp.*
mkdir -p "$WORK/out"
CONSOLE="$WORK/console.log"
QMP="$WORK/qmp.sock"
: > "$CONSOLE"
qemu-system-x86_64 -M q35 -accel tcg -m 512 -smp 1 -nographic -no-reboot -nic none \
    -global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off \
    -device pcie-root-port,id=rp2,chassis=1,slot=2,bus=pcie.0,addr=0x4 \
    -device pcie-root-port,id=rp16,chassis=1,slot=16,bus=pcie.0,addr=0x5 \
    -virtfs local,path="$WORK/out",mount_tag=out,security_model=none,id=out \
    -kernel "$LAB_VMLINUZ" -initrd "$WORK/initramfs.gz" \
    -append "console=ttyS0 panic=-1 rdinit=/init" \
    -qmp unix:"$QMP",server=on,wait=off \
    -serial file:"$CONSOLE" -monitor none -display none </dev/null >"$WORK/qemu.log" 2>&1 &
LAB_QEMU_PID=$!
QEMU_PID=$LAB_QEMU_PID
for _ in $(seq 100); do [ -S "$QMP" ] && break; sleep 0.1; done
lab_qmp_open
qmp() { lab_qmp "$@"; }

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
lab_cleanup

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
