#!/bin/busybox sh
# /init of the lab's systemd guest: mounts the Debian root on the first disk (lab_sysroot's image,
# had installed by apt), the lab kernel's modules over 9p at its /lib/modules, adds the lab agent
# to it as a unit, and hands over to systemd as PID 1. The agent (guest/agent.sh, the host's tree
# shared read-only at /run/lab/host) answers on the second serial port once systemd started it.
# The root is a snapshot: what this adds is gone at power-off.
. /lib/lab-base.sh
[ -n "$TOP" ] && [ -n "$CACHE" ] || fail "lab.top= and lab.cache= missing on the kernel command line"
for m in virtio_blk crc32c_generic ext4; do modprobe $m || fail "modprobe $m"; done

R=/newroot
mkdir -p $R
n=0
until [ -b /dev/vda ]; do n=$((n + 1)); [ $n -gt 100 ] && fail "no /dev/vda"; sleep 0.1; done
mount -t ext4 -o rw /dev/vda $R || fail "mount /dev/vda"
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose kmods $R/lib/modules || fail "mount kmods"

# The agent: mounts the host's root and the lab's state share, then runs guest/agent.sh with the
# host's tree as LAB_TOP. It starts early and on its own: a failing had must not keep it away.
cat > $R/usr/local/sbin/lab-agent <<EOF
#!/bin/bash
mkdir -p /run/lab/host /run/lab/state /run/lab/tmp
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose hostroot /run/lab/host || exit 1
mount -t 9p -o trans=virtio,version=9p2000.L state /run/lab/state || exit 1
cat > /run/lab/env <<END
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LAB_TOP=/run/lab/host$TOP LAB_CACHE=/run/lab/host$CACHE LANG=C.UTF-8 TMPDIR=/run/lab/tmp
# The JVMs the lab starts (hadctl, as root or through runuser) with C1 alone, as in guest/init.sh:
# under TCG, both JIT compilers died at the entry of compiled methods (here once: hadctl status
# exited 134). had.service is not started from here: it keeps the package's options.
export JAVA_TOOL_OPTIONS=-XX:TieredStopAtLevel=1
END
stty -F /dev/ttyS1 raw -echo 115200
stty -F /dev/ttyS2 raw -echo 115200
echo "@@ READY kernel \$(uname -r), systemd \$(systemctl --version | head -1)" > /dev/ttyS0
exec /bin/bash /run/lab/host$TOP/had/lab/guest/agent.sh </dev/ttyS1 >/dev/ttyS1 2>&1
EOF
chmod +x $R/usr/local/sbin/lab-agent
cat > $R/etc/systemd/system/lab-agent.service <<EOF
[Unit]
Description=The lab's agent on the second serial port
DefaultDependencies=no
After=local-fs.target systemd-journald.service

[Service]
ExecStart=/usr/local/sbin/lab-agent
EOF
mkdir -p $R/etc/systemd/system/sysinit.target.wants
ln -sf ../lab-agent.service $R/etc/systemd/system/sysinit.target.wants/lab-agent.service

for d in dev proc sys; do mount --move /$d $R/$d || fail "mount --move /$d"; done
exec switch_root $R /lib/systemd/systemd
