# had: one entry point. `make` builds everything, `make run` plays the simulated chassis,
# `make test` runs every test, `make bench` prints the benchmark figures.
MVN      ?= mvn -B -q
BRIDGE   := picmg-bridge/build/libpicmg-bridge.so
VERSION  := 0.1.0
JAR      := target/had-$(VERSION).jar
CDS      := target/had.jsa
HAD      := bin/had
DEB_DIR  := build/deb
DEB_VERSION := $(VERSION)-1
DEB      = $(DEB_DIR)/had_$(DEB_VERSION)_$(shell dpkg --print-architecture).deb

.PHONY: all native java cds run test test-native test-java test-metrics test-lab test-deb lab deb bench soak fuzz clean check

all: native java cds

native:
	$(MAKE) -C picmg-bridge

java: native
	$(MVN) package -DskipTests

# had's class data sharing archive: the classes a run of the demo scenario loads, dumped at its
# exit; bin/had maps it. (The Debian package dumps its own on the target: an archive serves only
# the JVM build and the class path it was dumped with.)
cds: $(CDS)
$(CDS): $(JAR) $(BRIDGE) packaging/had.jvm.options
	rm -f $@ && rm -rf build/cds && mkdir -p build
	HAD_JAVA_OPTS=-XX:ArchiveClassesAtExit=$@ $(HAD) --simulate -c conf/had.conf -d conf/pcidrivers.conf \
	    --state-dir build/cds --scenario demo --exit-after-scenario >build/cds.log 2>&1 || \
	    { cat build/cds.log; exit 1; }
	rm -rf build/cds

deb: all
	packaging/build-deb $(DEB_VERSION) $(DEB_DIR)

run: all
	$(HAD) --simulate -c conf/had.conf -d conf/pcidrivers.conf --scenario demo

check: all
	$(HAD) --check -c conf/had.conf -d conf/pcidrivers.conf

test: test-native test-java test-metrics test-deb test-lab

test-native:
	$(MAKE) -C picmg-bridge test
	$(MAKE) -C picmg-bridge fuzz FUZZ_SECONDS=5

# Not quiet: Surefire's summary ("Tests run: N, Failures: 0, ...") is the proof tests ran. A test
# skipped without a reason in had/src/test/skips/allowed fails the stage.
test-java: native
	mvn -B --no-transfer-progress verify
	had/src/test/skips/check target/surefire-reports had/src/test/skips/allowed

# had's metrics scraped by a real Prometheus (loopback, free ports), checked with PromQL against
# what the simulated chassis did; the shipped alert rules' unit tests; the dashboard's metric names.
test-metrics: all
	packaging/prometheus/test-prometheus

# The virtual chassis (had/lab/README.md): a real kernel with bonding and PCI hot-plug under QEMU.
lab: all
	had/lab/lab.sh

# One run: a failed or blocked check fails the stage (had/lab/RESULTS.md keeps what it measured).
# The lab's ping accounting is tested first, on made-up ping outputs (no QEMU).
test-lab: all deb
	had/lab/tests/pingstat-test.sh
	had/lab/tests/run.sh

# The Debian package installed into a clean Debian root (debootstrap), had --check and hadctl
# run from the installed paths there. The root is cached in build/debroot between runs.
test-deb: deb
	packaging/test-deb $(DEB)

# The same JVM settings as the daemon (bin/had), so the figures are the daemon's. path-bench sends
# had's probes without had, to take the peers' answers apart from had's figure.
# The benchmarks run had's classes as bin/had and the package do: its JVM options and its class
# data sharing archive, which maps only under the class path it was dumped with (bin/had's);
# -Xshare:on, so that a JVM that cannot map it stops instead of measuring another had.
bench: all
	$(MAKE) -C picmg-bridge build/path-bench
	cp=$(JAR); for j in target/lib/*.jar; do cp=$$cp:$$j; done; \
	java @packaging/had.jvm.options -XX:SharedArchiveFile=$(CDS) -Xshare:on \
	    -Dhad.bridge.lib=$(CURDIR)/$(BRIDGE) -cp "$$cp:target/test-classes" had.bench.Bench

# Long: 10,000 slot cycles (SOAK_CYCLES=N for another count); not part of make test or make bench.
soak: all
	java @packaging/had.jvm.options -cp "$(JAR):target/lib/*:target/test-classes" had.bench.SoakBench

fuzz:
	$(MAKE) -C picmg-bridge fuzz

clean:
	$(MAKE) -C picmg-bridge clean
	$(MVN) clean
