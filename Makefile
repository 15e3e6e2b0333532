# had: one entry point. `make` builds everything, `make run` plays the simulated chassis,
# `make test` runs every test, `make bench` prints the benchmark figures.
MVN      ?= mvn -B -q
BRIDGE   := picmg-bridge/build/libpicmg-bridge.so
JAR      := target/had-0.1.0.jar
HAD      := bin/had

.PHONY: all native java run test test-native test-java test-lab lab bench fuzz clean check

all: native java

native:
	$(MAKE) -C picmg-bridge

java: native
	$(MVN) package -DskipTests

run: all
	$(HAD) --simulate -c conf/had.conf -d conf/pcidrivers.conf --scenario demo

check: all
	$(HAD) --check -c conf/had.conf -d conf/pcidrivers.conf

test: test-native test-java test-lab

test-native:
	$(MAKE) -C picmg-bridge test

# Not quiet: Surefire's summary ("Tests run: N, Failures: 0, ...") is the proof tests ran.
test-java: native
	mvn -B --no-transfer-progress verify

# The virtual chassis (had/lab/README.md): a real kernel with bonding and PCI hot-plug under QEMU.
lab: all
	had/lab/lab.sh

test-lab: all
	had/lab/tests/run.sh

# The same JVM settings as the daemon (bin/had), so the figures are the daemon's.
bench: all
	java -Xms16m -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
	    -Dhad.bridge.lib=$(CURDIR)/$(BRIDGE) -cp "$(JAR):target/lib/*:target/test-classes" had.bench.Bench

fuzz:
	$(MAKE) -C picmg-bridge fuzz

clean:
	$(MAKE) -C picmg-bridge clean
	$(MVN) clean
