# SPDX-License-Identifier: GPL-2.0
#
# kdtls top-level Makefile.  Everything runs as root on Debian 12:
#   make check   install what is missing, build, lint, run every test in
#                QEMU guests of both kernels; ends "N passed, N failed"
#   make demo    install what is missing, build, show it working in a guest
#   make check-debug  the suite, KUnit and kmemleak on the debug kernel
#                (KASAN, lockdep, kmemleak, KFENCE, UBSAN), built if missing
#   make fuzz    the pure pieces under libFuzzer in user space, FUZZ_SECONDS
#                (60) per target, after replaying fuzz/regress (fuzz/Makefile)
# Other targets: all (build), module, tools, selftests, lint, setup, ynl,
# debug-kernel, manifest, fuzz-regress, deb, dkms-install, dkms-remove, clean.  KERNELS picks the guest kernels (default "6.12 6.1 7").

KERNELS ?= 6.12 6.1 7
LSRC := build/linux-source-6.12
YNL := $(LSRC)/tools/net/ynl/ynl-gen-c.py
SPEC := Documentation/netlink/specs/dtls.yaml

.PHONY: all setup module tools selftests check demo ynl clean debug-kernel check-debug manifest

all: module tools selftests

setup:
	@KERNELS="$(KERNELS)" tools/setup.sh

module: setup
	@tools/build-module.sh $(KERNELS) >/dev/null

tools: setup
	@$(MAKE) -s -C tools

selftests: tools
	@$(MAKE) -s -C selftests

check: all
	@tools/check.sh $(KERNELS)

demo: all
	@tools/demo.sh

# The record-layer benchmark: a one-vCPU guest with the icount plugin,
# tables of instructions per record (tools/bench/run.sh).  bench-hs: the
# same for a handshake, and the kernel memory of a session
# (tools/bench/hs-run.sh).  bench-listen: one server port and up to
# 10,000 sessions, a listener against one socket per peer: the cost of a
# record as sessions are added, of establishing them, and the memory of
# an idle one (tools/bench/listen-run.sh).  bench-profile: where one
# span of the record benchmark spends its instructions, by guest function
# (tools/bench/profile.sh; PROFILE="MODE CIPHER SIZE [PHASE]", e.g.
# "kdtls-gro16 aes-128-gcm 1200").  Not part of check: they measure, they
# do not test.
.PHONY: bench bench-hs bench-listen bench-profile
bench: setup
	@tools/bench/run.sh

bench-hs: setup
	@tools/bench/hs-run.sh

bench-listen: setup
	@tools/bench/listen-run.sh

PROFILE ?= kdtls-gro16 aes-128-gcm 1200
bench-profile: setup
	@tools/bench/profile.sh $(PROFILE)

# DKMS (dkms.conf, tools/dkms.sh): dkms-install puts the module's source
# in /usr/src/kdtls-VERSION and builds and installs it for every kernel
# whose headers are installed, and again on each kernel upgrade;
# dkms-remove undoes it.  Neither loads the module.
.PHONY: dkms-install dkms-remove
dkms-install:
	@tools/dkms.sh install

dkms-remove:
	@tools/dkms.sh remove

# Debian packages (debian/, tools/deb.sh) into build/deb/: kdtls-dkms,
# kdtls-tools, libdtls0, libdtls-dev; lintian must be clean.
.PHONY: deb
deb:
	@tools/deb.sh

# The debug kernel is cached outside the clone (tools/debug-kernel/build.sh).
debug-kernel: setup
	@tools/debug-kernel/build.sh

check-debug: tools selftests
	@tools/check-debug.sh

# selftests/manifest: every selftest binary and KUnit suite the checks
# must see run, with its test count.  Rerun after adding or removing
# tests, and commit it (tools/manifest.sh).
manifest: selftests
	@tools/manifest.sh

# Regenerate the netlink code from the YNL spec (the output is committed).
# The generator finds the tree top by MAINTAINERS and the schema next to
# the spec's directory.
ynl: setup
	cp $(LSRC)/Documentation/netlink/genetlink-legacy.yaml Documentation/netlink/
	/usr/bin/python3 $(YNL) --mode kernel --header --spec $(SPEC) -o net/dtls/generated/genl.h
	/usr/bin/python3 $(YNL) --mode kernel --source --spec $(SPEC) -o net/dtls/generated/genl.c
	/usr/bin/python3 $(YNL) --mode uapi --header --spec $(SPEC) -o include/uapi/linux/dtls_netlink.h

# The pure pieces (record header, messages, reassembly, cookies, replay
# window, the handshake's steps) built for user space against fuzz/shim/ and run under libFuzzer
# with ASan and UBSan, one target at a time (README.md, "Fuzzing").
# fuzz-regress replays the corpus and every crash reproducer only.
FUZZ_SECONDS ?= 60
.PHONY: fuzz fuzz-regress
fuzz: setup
	@$(MAKE) -s -C fuzz regress
	@$(MAKE) -s -C fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS)

fuzz-regress: setup
	@$(MAKE) -s -C fuzz regress

clean:
	rm -rf build/mod fuzz/build build/mod-debug build/check-*.log
	-$(MAKE) -s -C tools clean
	-$(MAKE) -s -C selftests clean
