# A clean Debian 12 root, made once with debootstrap and kept, for what installs had's package
# the way a chassis controller would (packaging/test-deb, and the lab's systemd boot in
# had/lab/lib.sh). Sourced; needs root (debootstrap, chroot). Functions:
#   debroot_base WORK PACKAGES...  WORK/base: debootstrap --variant=minbase bookworm (once), with
#                                  PACKAGES and their dependencies downloaded into its apt cache
#                                  (not installed), so each copy installs them without the network
#   debroot_mount ROOT             /proc, /sys and /dev in ROOT for what runs inside
#   debroot_unmount                undoes every debroot_mount, newest first (safe to call twice)
#   debroot_in ROOT COMMAND...     COMMAND in ROOT (chroot) with a clean environment
# The archive: the one this machine's apt uses, or $HAD_DEB_MIRROR. rm -rf WORK/base starts over.

DEBROOT_SUITE=bookworm
DEBROOT_MOUNTED=()

debroot_say() { printf 'debroot: %s\n' "$*" >&2; }

# The Debian archive this machine's apt uses (deb822 or one-line sources): a URI ending in
# /debian (not -security, not third-party archives). No archive is named anywhere in the
# project: the machine's apt configuration, or HAD_DEB_MIRROR, is the source.
debroot_mirror() {
    if [ -n "${HAD_DEB_MIRROR:-}" ]; then echo "$HAD_DEB_MIRROR"; return 0; fi
    local m
    m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
        sed -n -e 's/^URIs:[[:space:]]*//p' -e 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]*\).*/\2/p' |
        tr ' ' '\n' | grep -E '/debian/?$' | head -n1 || true)
    if [ -z "$m" ]; then
        debroot_say "no Debian archive found: /etc/apt/sources.list{,.d/*} name no URI ending in /debian."
        debroot_say "set HAD_DEB_MIRROR to the Debian archive to debootstrap from (the URI apt would use)."
        return 2
    fi
    echo "$m"
}

debroot_mount() {
    mount -t proc proc "$1/proc" && DEBROOT_MOUNTED+=("$1/proc")
    mount -t sysfs sysfs "$1/sys" && DEBROOT_MOUNTED+=("$1/sys")
    mount --bind /dev "$1/dev" && DEBROOT_MOUNTED+=("$1/dev")
}

debroot_unmount() {
    local i m
    for ((i = ${#DEBROOT_MOUNTED[@]} - 1; i >= 0; i--)); do
        m=${DEBROOT_MOUNTED[i]}
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || debroot_say "cannot unmount $m"
    done
    DEBROOT_MOUNTED=()
}

debroot_in() {
    local root=$1; shift
    chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

debroot_base() {
    local work=$1; shift
    local base=$work/base start=$SECONDS mirror m
    for m in debootstrap chroot dpkg; do
        command -v $m >/dev/null || { debroot_say "$m is not installed (apt-get install debootstrap)"; return 1; }
    done
    [ "$(id -u)" = 0 ] || { debroot_say "needs root (debootstrap, chroot)"; return 1; }
    # Anything an interrupted run left mounted under WORK goes first.
    for m in $(awk -v w="$work/" 'index($2, w) == 1 {print $2}' /proc/mounts | sort -r); do umount -l "$m" || true; done
    if [ ! -f "$base/.complete" ]; then
        mirror=$(debroot_mirror) || return 2
        debroot_say "debootstrap --variant=minbase $DEBROOT_SUITE from $mirror (once; kept in $base)"
        rm -rf "$base"
        mkdir -p "$work"
        debootstrap --variant=minbase "$DEBROOT_SUITE" "$base" "$mirror" >"$work/debootstrap.log" 2>&1 ||
            { tail -20 "$work/debootstrap.log" >&2; debroot_say "debootstrap failed"; return 1; }
        touch "$base/.complete"
        debroot_say "clean root made in $((SECONDS - start)) s"
    fi
    # What was downloaded before, one package a line; only a package not among them downloads again.
    local missing=()
    for m in "$@"; do grep -qxF "$m" "$base/.downloaded" 2>/dev/null || missing+=("$m"); done
    if [ ${#missing[@]} -gt 0 ]; then
        debroot_mount "$base"
        debroot_in "$base" apt-get install -y -qq --download-only --no-install-recommends "$@" >"$work/download.log" 2>&1
        local rc=$?
        debroot_unmount
        [ $rc = 0 ] || { tail -20 "$work/download.log" >&2; debroot_say "downloading $* failed"; return 1; }
        printf '%s\n' "${missing[@]}" >> "$base/.downloaded"
    fi
}
