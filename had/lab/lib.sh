# The virtual chassis, as bash functions: Debian's 6.1 kernel under QEMU (q35, TCG), one
# pcie-root-port per chassis slot (pciehp), the host's root shared read-only over 9p so the guest
# runs the freshly built had, and a network namespace that plays two switches with an ISL and a
# peer. Sourced by lab.sh (make lab), tests/run.sh (make test-lab) and
# picmg-bridge/tests/data/record/record.sh.
#
# Variables a caller may set before lab_* calls:
#   LAB_CACHE   where downloads and built images go (default: TOP/build/lab)
#   LAB_KPKG    the kernel package (default: what linux-image-amd64 depends on, -unsigned)

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_TOP=$(cd "$LAB_DIR/../.." && pwd)
LAB_CACHE=${LAB_CACHE:-$LAB_TOP/build/lab}
LAB_PEER_BOND=10.0.1.100/24     # the peer's address in bond0's subnet (conf/had.conf)
LAB_PEER_CONFIG1=10.0.2.100/24  # and in config1's
LAB_QEMU_PID=
LAB_NS=
LAB_RUN=
LAB_BOOT_QEMU=()

lab_log() { echo "lab: $*" >&2; }
lab_die() { echo "lab: $*" >&2; exit 1; }
lab_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# --- the kernel ---------------------------------------------------------------------------------

# Resolves the kernel package, downloads and extracts it once into $LAB_CACHE/kroot, runs depmod.
# Sets LAB_KVER and LAB_KROOT.
lab_kernel() {
    mkdir -p "$LAB_CACHE"
    LAB_KROOT=$LAB_CACHE/kroot
    if [ ! -f "$LAB_KROOT/.done" ]; then
        local pkg=${LAB_KPKG:-}
        if [ -z "$pkg" ]; then
            local meta
            meta=$(apt-cache depends linux-image-amd64 2>/dev/null |
                sed -n 's/.*Depends: \(linux-image-6\.1\.0-[0-9]*-amd64\)$/\1/p' | head -1)
            pkg=${meta:+$meta-unsigned}
            [ -n "$pkg" ] || pkg=$(apt-cache search '^linux-image-6.1.0-[0-9]+-amd64-unsigned$' |
                awk '{print $1}' | sort -V | tail -1)
        fi
        [ -n "$pkg" ] || lab_die "no linux-image-6.1.0-N-amd64-unsigned known to apt (apt-get update?)"
        lab_log "downloading $pkg into $LAB_CACHE"
        mkdir -p "$LAB_CACHE/dl"
        rm -f "$LAB_CACHE"/dl/*.deb
        (cd "$LAB_CACHE/dl" && apt-get download "$pkg" >/dev/null 2>&1) || lab_die "apt-get download $pkg failed"
        rm -rf "$LAB_KROOT"
        dpkg-deb -x "$LAB_CACHE"/dl/"$pkg"_*.deb "$LAB_KROOT"
        local v
        v=$(ls "$LAB_KROOT/lib/modules" | head -1)
        depmod -b "$LAB_KROOT" "$v"
        echo "$pkg" > "$LAB_KROOT/.done"
    fi
    LAB_KVER=$(ls "$LAB_KROOT/lib/modules" | head -1)
    LAB_VMLINUZ=$LAB_KROOT/boot/vmlinuz-$LAB_KVER
    LAB_KPKG=$(cat "$LAB_KROOT/.done")
}

# What a guest needs to reach the host's files: virtio and 9p, loaded in this order.
LAB_9P_MODULES="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci netfs fscache 9pnet 9pnet_virtio 9p"

# lab_initramfs OUT INIT [EXTRA-MODULES...]: busybox, the 9p modules (and EXTRA-MODULES), INIT as
# /init, packed into OUT. INIT starts with ". /lib/lab-base.sh": busybox's applets, /proc, /sys,
# /dev, fail() and the 9p modules loaded. Files to add can be put in $LAB_IR_EXTRA beforehand.
lab_initramfs() {
    local out=$1 init=$2; shift 2
    local ir
    ir=$(mktemp -d "$LAB_CACHE/initramfs.XXXXXX")
    mkdir -p "$ir"/{bin,proc,sys,dev,host,lib/modules/$LAB_KVER}
    cp /bin/busybox "$ir/bin/busybox"
    local m f
    for m in $LAB_9P_MODULES "$@"; do
        f=$(cd "$LAB_KROOT/lib/modules/$LAB_KVER" && find kernel -name "$m.ko*" | head -1)
        [ -n "$f" ] || lab_die "module $m not in $LAB_KPKG"
        mkdir -p "$ir/lib/modules/$LAB_KVER/$(dirname "$f")"
        cp "$LAB_KROOT/lib/modules/$LAB_KVER/$f" "$ir/lib/modules/$LAB_KVER/$f"
    done
    cp "$LAB_KROOT/lib/modules/$LAB_KVER"/modules.{order,builtin,builtin.modinfo} "$ir/lib/modules/$LAB_KVER/" 2>/dev/null || true
    depmod -b "$ir" "$LAB_KVER"
    [ -n "${LAB_IR_EXTRA:-}" ] && cp -r "$LAB_IR_EXTRA"/. "$ir/"
    cat > "$ir/lib/lab-base.sh" <<EOF
# Written by lab_initramfs (had/lab/lib.sh): the start of every lab guest's /init.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
fail() { echo "@@ FAIL \$*"; poweroff -f; }
# TOP, CACHE: the host's tree and the lab's cache, as lab_boot puts them on the command line.
for w in \$(cat /proc/cmdline); do
    case \$w in
        lab.top=*) TOP=\${w#lab.top=} ;;
        lab.cache=*) CACHE=\${w#lab.cache=} ;;
    esac
done
for m in $LAB_9P_MODULES; do
    modprobe "\$m" || fail "modprobe \$m"
done
EOF
    cp "$init" "$ir/init"
    chmod +x "$ir/init"
    (cd "$ir" && find . | cpio -o -H newc --quiet | gzip -1) > "$out.tmp"
    mv "$out.tmp" "$out"
    rm -rf "$ir"
}

# The lab's own guest image and tools (idempotent; rebuilt when their sources change).
lab_build() {
    lab_kernel
    mkdir -p "$LAB_CACHE/bin"
    local w=$LAB_CACHE/bin/labwatch
    if [ ! -x "$w" ] || [ "$LAB_DIR/guest/labwatch.c" -nt "$w" ]; then
        gcc -static -O2 -Wall -Wextra -Werror -o "$w" "$LAB_DIR/guest/labwatch.c" || lab_die "cannot build labwatch"
    fi
    LAB_INITRD=$LAB_CACHE/initramfs-lab.gz
    if [ ! -f "$LAB_INITRD" ] || [ "$LAB_DIR/guest/init.sh" -nt "$LAB_INITRD" ] || [ "$LAB_DIR/lib.sh" -nt "$LAB_INITRD" ]; then
        lab_initramfs "$LAB_INITRD" "$LAB_DIR/guest/init.sh"
    fi
    [ -f "$LAB_TOP/target/had-0.1.0.jar" ] && [ -f "$LAB_TOP/picmg-bridge/build/libpicmg-bridge.so" ] ||
        lab_die "had is not built: run 'make' first"
}

# --- the systemd guest ------------------------------------------------------------------------

# The packages a chassis controller's Debian has besides had's own dependencies: systemd as PID 1
# with udev (which names the ports and loads drivers at boot, as it does on any Debian), procps and
# iproute2 for the checks.
LAB_SYSROOT_PACKAGES="systemd systemd-sysv udev procps iproute2 openjdk-17-jre-headless kmod adduser"

# lab_sysroot DEB: LAB_SYSROOT, an ext4 image of a Debian 12 root with had installed from DEB by
# apt, made from the clean root that packaging/test-deb uses (build/debroot, debootstrapped once);
# made again when DEB or the recipe changes. The guest writes to a snapshot, never to the image.
# Its /lib/modules is the lab kernel's, shared at boot (guest/init-systemd.sh).
lab_sysroot() {
    local deb=$1 key
    LAB_SYSROOT=$LAB_CACHE/sysroot.img
    key="$(cat "$deb" "$LAB_DIR/lib.sh" "$LAB_TOP/packaging/debroot.sh" | sha256sum | cut -c1-32)"
    [ -f "$LAB_SYSROOT" ] && [ "$(cat "$LAB_SYSROOT.key" 2>/dev/null)" = "$key" ] && return 0
    lab_log "a Debian 12 root with systemd and $(basename "$deb") installed by apt, into $LAB_SYSROOT"
    (
        . "$LAB_TOP/packaging/debroot.sh"
        trap debroot_unmount EXIT
        # Under build/debroot: what an interrupted run left mounted there is unmounted first.
        work=$LAB_TOP/build/debroot root=$LAB_TOP/build/debroot/sysroot
        # shellcheck disable=SC2086 # a list of packages
        debroot_base "$work" $LAB_SYSROOT_PACKAGES || exit 1
        rm -rf --one-file-system "$root" && cp -a "$work/base" "$root" || exit 1
        debroot_mount "$root"
        cp "$deb" "$root/tmp/had.deb"
        # shellcheck disable=SC2086
        debroot_in "$root" apt-get install -y -qq --no-install-recommends $LAB_SYSROOT_PACKAGES /tmp/had.deb \
            >"$LAB_CACHE/sysroot-install.log" 2>&1 || { tail -20 "$LAB_CACHE/sysroot-install.log" >&2; exit 1; }
        debroot_in "$root" apt-get clean
        # What README.md tells an operator to do once the chassis' had.conf is right (the shipped
        # one is the lab's chassis): check it, enable had.
        debroot_in "$root" had --check >&2 && debroot_in "$root" systemctl enable had.service 2>&1 | grep -v '^Created symlink' >&2
        [ "${PIPESTATUS[0]}" = 0 ] || exit 1
        debroot_unmount
        rm -f "$root/tmp/had.deb"
        echo had-lab > "$root/etc/hostname"
        # Nothing scheduled that would run apt or scrub disks in the middle of a measurement.
        for u in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service fstrim.timer; do
            ln -sf /dev/null "$root/etc/systemd/system/$u"
        done
        mkdir -p "$root/lib/modules"
        local mb
        mb=$(( $(du -sm "$root" | cut -f1) * 5 / 4 + 256 ))
        rm -f "$LAB_SYSROOT.tmp" && truncate -s "${mb}M" "$LAB_SYSROOT.tmp" || exit 1
        mke2fs -q -t ext4 -L had-lab -d "$root" "$LAB_SYSROOT.tmp" || exit 1
        rm -rf --one-file-system "$root"
    ) || lab_die "cannot make the systemd guest's root (log: $LAB_CACHE/sysroot-install.log)"
    mv "$LAB_SYSROOT.tmp" "$LAB_SYSROOT"
    echo "$key" > "$LAB_SYSROOT.key"
}

# lab_systemd_guest: LAB_BOOT_INITRD and LAB_BOOT_QEMU for a boot of the systemd guest (after
# lab_sysroot): its disk (a snapshot of the image: what the guest writes is gone at power-off) and
# the lab kernel's modules.
lab_systemd_guest() {
    local ir=$LAB_CACHE/initramfs-systemd.gz
    if [ ! -f "$ir" ] || [ "$LAB_DIR/guest/init-systemd.sh" -nt "$ir" ] || [ "$LAB_DIR/lib.sh" -nt "$ir" ]; then
        lab_initramfs "$ir" "$LAB_DIR/guest/init-systemd.sh" virtio_blk crc16 mbcache jbd2 crc32c_generic ext4
    fi
    LAB_BOOT_INITRD=$ir
    LAB_BOOT_QEMU+=(-drive "file=$LAB_SYSROOT,if=virtio,format=raw,snapshot=on"
                    -virtfs "local,path=$LAB_KROOT/lib/modules,mount_tag=kmods,security_model=none,readonly=on")
}

# --- slots ------------------------------------------------------------------------------------

# The chassis slots of a had.conf: its [slot N] sections.
lab_conf_slots() { sed -n 's/^[[:space:]]*\[slot[[:space:]]\+\([0-9]\+\)\].*/\1/p' "$1" | sort -n | uniq | tr '\n' ' '; }

# --- the network --------------------------------------------------------------------------------

# lab_net_up: namespace $LAB_NS with bridges swA and swB (two switches), the ISL between them
# (veth islA-islB), and the peer namespace $LAB_NS-peer on switch A's "port3" with
# 10.0.1.100/24 and 10.0.2.100/24. Cards' ports are taps added by lab_tap.
lab_net_up() {
    LAB_NS=hadlab$$
    local ns=$LAB_NS peer=$LAB_NS-peer
    ip netns add "$ns" || lab_die "cannot create network namespace $ns"
    ip netns add "$peer" || lab_die "cannot create network namespace $peer"
    local x="ip netns exec $ns"
    $x sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip netns exec "$peer" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    $x ip link set lo up
    local sw
    for sw in swA swB; do
        $x ip link add "$sw" type bridge stp_state 0 forward_delay 0
        $x ip link set "$sw" up
    done
    $x ip link add islA type veth peer name islB
    $x ip link set islA master swA up
    $x ip link set islB master swB up
    $x ip link add port3 type veth peer name peer0 netns "$peer"
    $x ip link set port3 master swA up
    local p="ip netns exec $peer"
    $p ip link set lo up
    $p ip addr add "$LAB_PEER_BOND" dev peer0
    $p ip addr add "$LAB_PEER_CONFIG1" dev peer0
    $p ip link set peer0 up
}

# lab_tap SLOT PORT: the tap of a card's port, plugged into switch A (even ports) or B (odd).
lab_tap() {
    local t=s$1p$2 sw=swA
    [ $(($2 % 2)) = 1 ] && sw=swB
    local x="ip netns exec $LAB_NS"
    if ! $x ip link show "$t" >/dev/null 2>&1; then
        $x ip tuntap add dev "$t" mode tap
        $x ip link set "$t" master "$sw"
    fi
    $x ip link set "$t" up
    echo "$t"
}

# lab_cut SLOT PORT / lab_restore SLOT PORT: the switch side of a port stops forwarding (or
# starts again); the card keeps its carrier, as when a switch fails behind a live link.
# (iproute2's "ip link set ... type bridge_slave state" is accepted but has no effect: bridge.)
lab_cut() { ip netns exec "$LAB_NS" bridge link set dev "s$1p$2" state 0; }
lab_restore() { ip netns exec "$LAB_NS" bridge link set dev "s$1p$2" state 3; }

# lab_ping ARGS...: ping from the peer.
lab_ping() { ip netns exec "$LAB_NS-peer" ping "$@"; }

# --- QEMU ---------------------------------------------------------------------------------------

# lab_boot RUNDIR SLOTS...: starts QEMU inside $LAB_NS, one root port per slot, waits for the
# guest agent. RUNDIR gets console.log, qmp.sock, agent.sock and state/ (the guest's
# /run/lab/state: had's audit log and log). The guest is the busybox one (guest/init.sh) unless
# LAB_BOOT_INITRD names another initramfs; LAB_BOOT_QEMU (an array) adds QEMU arguments (a
# disk, cards seated at power-on: lab_seated).
lab_boot() {
    LAB_RUN=$1; shift
    mkdir -p "$LAB_RUN/state"
    rm -f "$LAB_RUN"/{qmp.sock,agent.sock,perform.sock} "$LAB_RUN"/state/*
    local ports=() i=0 s
    for s in "$@"; do
        ports+=(-device "pcie-root-port,id=rp$s,chassis=1,slot=$s,bus=pcie.0,addr=$(printf 0x%x $((4 + i)))")
        i=$((i + 1))
    done
    : > "$LAB_RUN/console.log"
    ip netns exec "$LAB_NS" qemu-system-x86_64 -M q35 -accel tcg -m 1024 -smp 2 -no-reboot -nic none \
        -global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off "${ports[@]}" \
        -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
        -virtfs local,path="$LAB_RUN/state",mount_tag=state,security_model=none \
        -kernel "$LAB_VMLINUZ" -initrd "${LAB_BOOT_INITRD:-$LAB_INITRD}" "${LAB_BOOT_QEMU[@]}" \
        -append "console=ttyS0 panic=-1 rdinit=/init quiet lab.top=$LAB_TOP lab.cache=$LAB_CACHE" \
        -qmp unix:"$LAB_RUN/qmp.sock",server=on,wait=off \
        -serial file:"$LAB_RUN/console.log" -serial unix:"$LAB_RUN/agent.sock",server=on,wait=off \
        -serial unix:"$LAB_RUN/perform.sock",server=on,wait=off \
        -monitor none -display none -nographic </dev/null >"$LAB_RUN/qemu.log" 2>&1 &
    LAB_QEMU_PID=$!
    local t=0
    until [ -S "$LAB_RUN/qmp.sock" ] && [ -S "$LAB_RUN/agent.sock" ] && [ -S "$LAB_RUN/perform.sock" ]; do
        kill -0 "$LAB_QEMU_PID" 2>/dev/null || lab_die "qemu exited: $(cat "$LAB_RUN/qemu.log")"
        t=$((t + 1)); [ $t -gt 100 ] && lab_die "qemu sockets did not appear"
        sleep 0.1
    done
    lab_qmp_open
    lab_agent_open
    lab_perform_open
    lab_await_console "@@ READY" 120
}

# lab_await_console TEXT SECONDS
lab_await_console() {
    local t=$(($2 * 10))
    until grep -aq "$1" "$LAB_RUN/console.log"; do
        grep -aq "@@ FAIL" "$LAB_RUN/console.log" && lab_die "guest: $(grep -a '@@ FAIL' "$LAB_RUN/console.log")"
        kill -0 "$LAB_QEMU_PID" 2>/dev/null || lab_die "qemu exited: $(tail -5 "$LAB_RUN/console.log")"
        t=$((t - 1)); [ $t -le 0 ] && { tail -20 "$LAB_RUN/console.log" >&2; lab_die "timeout waiting for '$1'"; }
        sleep 0.1
    done
}

# QMP over one socat connection kept open for the lab's life.
lab_qmp_open() {
    mkfifo "$LAB_RUN/qmp.in" "$LAB_RUN/qmp.out"
    socat - UNIX-CONNECT:"$LAB_RUN/qmp.sock" <"$LAB_RUN/qmp.in" >"$LAB_RUN/qmp.out" 2>/dev/null &
    LAB_QMP_SOCAT=$!
    exec {LAB_QIN}>"$LAB_RUN/qmp.in" {LAB_QOUT}<"$LAB_RUN/qmp.out"
    local greeting
    IFS= read -r -t 10 greeting <&"$LAB_QOUT" || lab_die "no QMP greeting"
    lab_qmp qmp_capabilities >/dev/null
}

# lab_qmp COMMAND [JSON-ARGUMENTS]: prints the "return" line; status 1 and the error on stderr.
lab_qmp() {
    printf '{"execute":"%s","arguments":%s}\n' "$1" "${2:-{\}}" >&"$LAB_QIN"
    local line
    while IFS= read -r -t 30 line <&"$LAB_QOUT"; do
        case $line in
            *'"return"'*) echo "$line"; return 0 ;;
            *'"error"'*) echo "qmp $1: $line" >&2; return 1 ;;
        esac
    done
    echo "qmp $1: no answer" >&2
    return 1
}

# The guest agent: a bash on the guest's second serial port, one command line in, its output and
# "@@<id> <status>" out.
lab_agent_open() {
    mkfifo "$LAB_RUN/agent.in" "$LAB_RUN/agent.out"
    socat - UNIX-CONNECT:"$LAB_RUN/agent.sock" <"$LAB_RUN/agent.in" >"$LAB_RUN/agent.out" 2>/dev/null &
    LAB_AGENT_SOCAT=$!
    exec {LAB_AIN}>"$LAB_RUN/agent.in" {LAB_AOUT}<"$LAB_RUN/agent.out"
    LAB_AGENT_ID=0
}

# lab_guest COMMAND-LINE: runs it in the guest (bash, chroot of the host's root), prints its
# output, returns its status. LAB_GUEST_TIMEOUT seconds (default 120).
lab_guest() {
    LAB_AGENT_ID=$((LAB_AGENT_ID + 1))
    local id=$LAB_AGENT_ID line started=
    printf '%s %s\n' "$id" "$1" >&"$LAB_AIN"
    # What is left of an earlier command (one that timed out, or whose reader stopped early) comes
    # before "@@ID start" and is dropped.
    while IFS= read -r -t "${LAB_GUEST_TIMEOUT:-120}" line <&"$LAB_AOUT"; do
        line=${line%$'\r'}
        case $line in
            "@@$id start") started=1 ;;
            "@@$id "*) [ -n "$started" ] && return "${line#@@$id }" ;;
            *) [ -n "$started" ] && printf '%s\n' "$line" ;;
        esac
    done
    echo "lab: guest command timed out: $1" >&2
    return 124
}

# The lab's hands for drills: requests from the guest's third serial port (guest/perform.sh,
# hadctl drill's --performer there), served on the host by lab_perform_serve.
lab_perform_open() {
    mkfifo "$LAB_RUN/perform.in" "$LAB_RUN/perform.out"
    socat - UNIX-CONNECT:"$LAB_RUN/perform.sock" <"$LAB_RUN/perform.in" >"$LAB_RUN/perform.out" 2>/dev/null &
    LAB_PERFORM_SOCAT=$!
    exec {LAB_PIN}>"$LAB_RUN/perform.in" {LAB_POUT}<"$LAB_RUN/perform.out"
}

# lab_perform_serve: answers "ID STEP WORDS..." lines with "@@ID ok" or "@@ID error WHY", one
# at a time, until killed; each request and its answer go to $LAB_RUN/perform-host.log. Run it in
# the background while a drill runs in the guest: it uses the QMP connection, so nothing else may
# then.
lab_perform_serve() {
    local line id msg rc
    while IFS= read -r line <&"$LAB_POUT"; do
        line=${line%$'\r'}
        id=${line%% *}
        [ -n "$id" ] && [ "$id" != "$line" ] || continue
        # shellcheck disable=SC2086 # the step's words are its arguments
        msg=$(lab_perform ${line#* } 2>&1); rc=$?
        msg=$(printf '%s\n' "$msg" | grep . | tail -1)
        if [ $rc = 0 ]; then printf '@@%s ok\n' "$id"; else printf '@@%s error %s\n' "$id" "${msg:-failed}"; fi >&"$LAB_PIN"
        printf '%s %s -> %s %s\n' "$(date +%T.%N)" "${line#* }" "$([ $rc = 0 ] && echo ok || echo error)" "$msg" >> "$LAB_RUN/perform-host.log"
    done
}

# lab_drill FILE: hadctl drill FILE in the guest against had on /run/lab/had.sock, the lab doing
# its physical steps (guest/perform.sh, served by lab_perform_serve meanwhile); prints the run,
# returns hadctl's exit status.
lab_drill() {
    local serve rc
    lab_perform_serve & serve=$!
    LAB_GUEST_TIMEOUT=900 lab_guest "HADCTL_SOCKET=/run/lab/had.sock bin/hadctl drill '$(readlink -f "$1")' --non-interactive --performer $LAB_DIR/guest/perform.sh"
    rc=$?
    kill "$serve" 2>/dev/null; wait "$serve" 2>/dev/null
    return $rc
}

# lab_perform STEP WORDS...: a drill's physical step, done to the virtual chassis (a card through
# QMP, a link through the NIC's link state, a path through the switch). Returns once QEMU has done
# it; the guest side (perform.sh) waits for what the guest kernel must see.
lab_perform() {
    case $1 in
        insert)
            [ $# = 4 ] || { echo "insert SLOT VVVV:DDDD PORTS"; return 1; }
            local model
            case $3 in
                8086:10d3) model=e1000e ;;
                8086:100e) model=e1000 ;;
                8086:100f) model=e1000-82545em ;;
                *) echo "the lab has no card $3 (it has 8086:10d3 e1000e, 8086:100e e1000, 8086:100f e1000-82545em; no subsystem ids)"; return 1 ;;
            esac
            [[ $4 =~ ^[1-8]$ ]] || { echo "the lab's cards have 1 to 8 ports, not $4"; return 1; }
            [ -z "$(lab_present "$2")" ] || { echo "slot $2 already holds a card"; return 1; }
            lab_insert "$2" "$4" "$model" ;;
        pull|yank)
            [ $# = 2 ] || { echo "$1 SLOT"; return 1; }
            # A card had powered off is already out of the machine (QEMU drops it at power-off).
            if [ -n "$(lab_present "$2")" ]; then
                [ "$1" = pull ] && { echo "slot $2's card is still in the machine: had has not powered it off"; return 1; }
                lab_yank "$2" || return 1
            fi
            # device_del is pciehp's attention button: the guest powers the slot off 5 s later.
            local i
            for i in $(seq 1 300); do [ -z "$(lab_present "$2")" ] && return 0; sleep 0.1; done
            echo "slot $2's card still in the machine 30 s after device_del"; return 1 ;;
        link)
            [ $# = 4 ] || { echo "link SLOT PORT up|down"; return 1; }
            lab_present "$2" | grep -qx "c$2p$3" || { echo "slot $2 has no port $3"; return 1; }
            lab_qmp set_link "{\"name\":\"c$2p$3\",\"up\":$([ "$4" = up ] && echo true || echo false)}" >/dev/null ;;
        path)
            [ $# = 4 ] || { echo "path SLOT PORT up|down"; return 1; }
            lab_present "$2" | grep -qx "c$2p$3" || { echo "slot $2 has no port $3"; return 1; }
            if [ "$4" = up ]; then lab_restore "$2" "$3"; else lab_cut "$2" "$3"; fi ;;
        *) echo "the lab has no hands for '$1'"; return 1 ;;
    esac
}

# --- cards --------------------------------------------------------------------------------------

# lab_insert SLOT [PORTS [MODEL]]: a card with PORTS functions (1..8, default 2), the highest
# function added first and function 0 last, as a multi-function card appears. MODEL is a QEMU
# NIC (e1000e = Intel 82574L 8086:10d3, e1000 = 82540EM 8086:100e, e1000-82545em 8086:100f).
lab_insert() {
    local slot=$1 ports=${2:-2} model=${3:-e1000e} f t
    for ((f = ports - 1; f >= 0; f--)); do
        t=$(lab_tap "$slot" "$f")
        lab_qmp netdev_del "{\"id\":\"n${slot}p$f\"}" >/dev/null 2>&1 || true
        lab_qmp netdev_add "$(lab_netdev_json "$slot" "$f" "$t")" >/dev/null || return 1
        lab_qmp device_add "$(lab_card_json "$slot" "$f" "$model")" >/dev/null || return 1
    done
}

# lab_seated SLOT [PORTS [MODEL]]: the same card seated before power-on: its QEMU arguments are
# added to LAB_BOOT_QEMU for the next lab_boot (needs lab_net_up first: the taps).
lab_seated() {
    local slot=$1 ports=${2:-2} model=${3:-e1000e} f
    for ((f = 0; f < ports; f++)); do
        LAB_BOOT_QEMU+=(-netdev "$(lab_netdev_json "$slot" "$f" "$(lab_tap "$slot" "$f")")"
                        -device "$(lab_card_json "$slot" "$f" "$model")")
    done
}

# A card's function F in QEMU's JSON (QMP and the command line take the same): its tap, its NIC.
lab_netdev_json() { printf '{"type":"tap","id":"n%sp%s","ifname":"%s","script":"no","downscript":"no"}' "$1" "$2" "$3"; }
lab_card_json() {
    printf '{"driver":"%s","id":"c%sp%s","bus":"rp%s","addr":"0.%s","multifunction":true,"netdev":"n%sp%s","mac":"52:54:00:00:%02x:%02x"}' \
        "$3" "$1" "$2" "$1" "$2" "$1" "$2" "$1" "$2"
}

# lab_yank SLOT: the card is pulled with no request (QMP device_del: pciehp's attention button;
# after its 5 s the guest powers the slot off and every function goes at once).
lab_yank() { lab_qmp device_del "{\"id\":\"c$1p0\"}" >/dev/null; }

# The QEMU ids of the functions present in a slot.
lab_present() {
    lab_qmp qom-list "{\"path\":\"/machine/peripheral\"}" | grep -o "\"name\": *\"c$1p[0-9]\"" | grep -o "c$1p[0-9]"
}

# --- teardown -----------------------------------------------------------------------------------

# Everything the lab made goes: QEMU, the socat helpers, both namespaces (and every tap, bridge
# and veth in them). Safe to call twice and from a trap.
lab_cleanup() {
    local p
    for p in "$LAB_QEMU_PID" "${LAB_QMP_SOCAT:-}" "${LAB_AGENT_SOCAT:-}" "${LAB_PERFORM_SOCAT:-}"; do
        if [ -n "$p" ]; then kill "$p" 2>/dev/null || true; fi
    done
    if [ -n "$LAB_QEMU_PID" ]; then
        for _ in $(seq 30); do kill -0 "$LAB_QEMU_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$LAB_QEMU_PID" 2>/dev/null || true
        wait "$LAB_QEMU_PID" 2>/dev/null || true
    fi
    LAB_QEMU_PID=; LAB_QMP_SOCAT=; LAB_AGENT_SOCAT=; LAB_PERFORM_SOCAT=
    LAB_BOOT_QEMU=(); LAB_BOOT_INITRD=
    if [ -n "${LAB_QIN:-}" ]; then exec {LAB_QIN}>&- {LAB_QOUT}<&-; LAB_QIN=; fi
    if [ -n "${LAB_AIN:-}" ]; then exec {LAB_AIN}>&- {LAB_AOUT}<&-; LAB_AIN=; fi
    if [ -n "${LAB_PIN:-}" ]; then exec {LAB_PIN}>&- {LAB_POUT}<&-; LAB_PIN=; fi
    if [ -n "$LAB_NS" ]; then
        ip netns pids "$LAB_NS" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
        ip netns pids "$LAB_NS-peer" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
        ip netns del "$LAB_NS" 2>/dev/null || true
        ip netns del "$LAB_NS-peer" 2>/dev/null || true
        LAB_NS=
    fi
    if [ -n "$LAB_RUN" ]; then rm -f "$LAB_RUN"/{qmp,agent,perform}.{in,out}; fi
    return 0
}

# --- had in the guest ---------------------------------------------------------------------------

# lab_had_start HAD.CONF PCIDRIVERS.CONF [OPTIONS...]: starts had in the guest (the tree's
# bin/had: the kernel backplane, LinuxNetwork, modprobe), its control socket /run/lab/had.sock;
# its log is $LAB_RUN/state/had.log, its audit log $LAB_RUN/state/audit.log. Prints had's pid.
# LAB_HAD_ENV: NAME=VALUE words for had's environment (e.g. NOTIFY_SOCKET=...).
# had runs at the priority its unit gives it on a chassis (packaging/had.service, Nice=).
LAB_HAD_NICE=$(sed -n 's/^Nice=//p' "$LAB_TOP/packaging/had.service")
lab_had_start() {
    local conf=$1 drivers=$2; shift 2
    lab_guest "${LAB_HAD_ENV:+env $LAB_HAD_ENV }setsid nice -n ${LAB_HAD_NICE:-0} bin/had -c '$conf' -d '$drivers' --state-dir /run/lab/state --socket /run/lab/had.sock $* >>/run/lab/state/had.log 2>&1 </dev/null & echo \$!"
}

# lab_extract_request SLOT: a software extraction request, as an operator's opened handle gives it.
lab_extract_request() { lab_guest "bin/hadctl --socket /run/lab/had.sock extract $1"; }
