# had: one entry point. `make` builds everything, `make run` plays the simulated chassis,
# `make test` runs every test, `make bench` prints the benchmark figures.
MVN      ?= mvn -B -q
BRIDGE   := picmg-bridge/build/libpicmg-bridge.so
JAR      := target/had-0.1.0.jar
HAD      := bin/had

.PHONY: all native java run test test-native test-java bench clean check

all: native java

native:
	$(MAKE) -C picmg-bridge

java: native
	$(MVN) package -DskipTests

run: all
	$(HAD) --simulate conf/had.conf --drivers conf/pcidrivers.conf

check: all
	$(HAD) --check -c conf/had.conf -d conf/pcidrivers.conf

test: test-native test-java

test-native:
	$(MAKE) -C picmg-bridge test

test-java: native
	$(MVN) verify

bench: all
	java -cp "$(JAR):target/lib/*:target/test-classes" had.bench.Bench

clean:
	$(MAKE) -C picmg-bridge clean
	$(MVN) clean
