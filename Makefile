# SPDX-License-Identifier: MIT
# motet: `make` builds the nucleus and the actors, `make run` boots the
# demo in QEMU, `make test` runs the host unit tests and the QEMU
# integration tests, `make iso` builds a GRUB image, `make debug` waits for
# gdb.  Each command first installs the Debian packages it lacks
# (tools/deps.sh).

CC       ?= gcc
B        := build
ARCH     := nucleus/arch/x86_64
QEMU     ?= qemu-system-x86_64
SMP      ?= 2
MEM      ?= 256

WARN     := -Wall -Wextra -Wno-unused-parameter
NCFLAGS  := -std=gnu11 -ffreestanding -fno-pic -mcmodel=kernel -mno-red-zone \
            -mgeneral-regs-only -fno-stack-protector -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
            -fno-builtin -O2 -g $(WARN) -Inucleus -I$(ARCH) -Iabi -MMD -MP
ACFLAGS  := -std=gnu11 -ffreestanding -fpie -mno-red-zone -fno-stack-protector \
            -fno-omit-frame-pointer -O2 -g $(WARN) -Ilib/include -Iabi -MMD -MP
ALDFLAGS := -nostdlib -static-pie -Wl,--no-dynamic-linker -Wl,-z,noexecstack \
            -Wl,--build-id=none

NSRC := $(wildcard $(ARCH)/*.c $(ARCH)/*.S nucleus/kern/*.c nucleus/vm/*.c nucleus/ipc/*.c) \
        lib/fmt.c lib/string.c lib/siphash.c
NOBJ := $(patsubst %,$(B)/n/%.o,$(NSRC))
LSRC := lib/crt0.S lib/start.c lib/print.c lib/sync.c lib/thread.c lib/malloc.c \
        lib/fmt.c lib/string.c lib/siphash.c $(wildcard lib/server.c lib/cap.c)
LOBJ := $(patsubst %,$(B)/a/%.o,$(LSRC))
ACTORS_SRC := $(wildcard tests/actors/*.c servers/demo/*.c)
ACTORS := $(patsubst %.c,$(B)/actors/%,$(notdir $(ACTORS_SRC)))
# The UNIX servers: one actor per folder of servers/ (all its .c files).
SERVERS := $(filter-out demo include,$(notdir $(wildcard servers/*)))
SERVER_BINS := $(patsubst %,$(B)/actors/%,$(SERVERS))

.PHONY: all run test unit qemu-test iso debug clean deps bench-core bench
all: $(B)/nucleus.bin $(ACTORS) $(SERVER_BINS) $(B)/root.cpio $(B)/root-test.cpio $(B)/om-test.cpio

# Linux programs for the tests: static, with musl.
MUSLCC   ?= musl-gcc
UTESTS   := $(patsubst user/tests/%.c,$(B)/user/%,$(wildcard user/tests/*.c)) $(B)/user/t_pie

# Root file systems for om: busybox and its links (+ the UNIX tests).
BUSYBOX ?= /bin/busybox
$(B)/root.cpio: tools/mkroot.sh $(wildcard user/root/* user/root/*/*) $(BUSYBOX)
	tools/mkroot.sh $@
$(B)/root-test.cpio: tools/mkroot.sh $(wildcard user/root/* user/root/*/* tests/unix/* tests/unix/*/*) $(BUSYBOX) $(UTESTS)
	tools/mkroot.sh $@ tests/unix=tests $(B)/user=tests/bin
$(B)/om-test.cpio: tools/mkcpio-test.sh
	tools/mkcpio-test.sh $@

$(B)/user/%: user/tests/%.c user/tests/t.h
	@mkdir -p $(dir $@)
	$(MUSLCC) -static -O2 -Wall -Wl,-Ttext-segment=0x10000000 -o $@ $<
# a static PIE without libc (nothing to relocate): what the loader must do alone
$(B)/user/t_pie: user/pie/t_pie.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -ffreestanding -fpie -static-pie -nostdlib -Wl,--no-dynamic-linker \
		-Wl,-z,noexecstack -Wl,--build-id=none -o $@ $<

deps:
	@tools/deps.sh

$(B)/n/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(NCFLAGS) -c $< -o $@
$(B)/n/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(NCFLAGS) -D__ASSEMBLER__ -c $< -o $@

# Two links: the second carries the symbol table of the first.
$(B)/nucleus.elf: $(NOBJ) $(ARCH)/nucleus.ld tools/ksyms.sh
	tools/ksyms.sh - $(B)/ksyms0.S
	$(CC) $(NCFLAGS) -c $(B)/ksyms0.S -o $(B)/ksyms0.o
	$(CC) -nostdlib -static -Wl,-T,$(ARCH)/nucleus.ld -Wl,-z,max-page-size=4096 \
		-Wl,--build-id=none -o $(B)/nucleus0.elf $(NOBJ) $(B)/ksyms0.o -lgcc
	tools/ksyms.sh $(B)/nucleus0.elf $(B)/ksyms.S
	$(CC) $(NCFLAGS) -c $(B)/ksyms.S -o $(B)/ksyms.o
	$(CC) -nostdlib -static -Wl,-T,$(ARCH)/nucleus.ld -Wl,-z,max-page-size=4096 \
		-Wl,--build-id=none -o $@ $(NOBJ) $(B)/ksyms.o -lgcc
	@nm $(B)/nucleus0.elf | grep ' [tT] ' | sort > $(B)/t0; \
	 nm $@ | grep ' [tT] ' | sort > $(B)/t1; \
	 cmp -s $(B)/t0 $(B)/t1 || { echo "ksyms: text moved between links"; exit 1; }

$(B)/nucleus.bin: $(B)/nucleus.elf
	objcopy -O binary $< $@

$(B)/a/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ACFLAGS) -c $< -o $@
$(B)/a/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(ACFLAGS) -D__ASSEMBLER__ -c $< -o $@
$(B)/libmotet.a: $(LOBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/actors/%: $(B)/a/tests/actors/%.c.o $(B)/libmotet.a
	@mkdir -p $(dir $@)
	$(CC) $(ALDFLAGS) -o $@ $< $(B)/libmotet.a -lgcc
$(B)/actors/%: $(B)/a/servers/demo/%.c.o $(B)/libmotet.a
	@mkdir -p $(dir $@)
	$(CC) $(ALDFLAGS) -o $@ $< $(B)/libmotet.a -lgcc

$(B)/s/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ACFLAGS) -Iservers/include -c $< -o $@
define server_rule
$(B)/actors/$(1): $(patsubst %.c,$(B)/s/%.c.o,$(wildcard servers/$(1)/*.c)) $(B)/libmotet.a
	@mkdir -p $$(dir $$@)
	$$(CC) $$(ALDFLAGS) -o $$@ $$(filter %.o,$$^) $(B)/libmotet.a -lgcc
endef
$(foreach s,$(SERVERS),$(eval $(call server_rule,$(s))))

run: deps all
	tools/qemu.sh run boot/run.conf

debug: deps all
	@echo "QEMU waits for gdb: gdb $(B)/nucleus.elf -ex 'target remote :1234'"
	tools/qemu.sh debug boot/run.conf

iso: deps all
	tools/mkiso.sh boot/run.conf $(B)/motet.iso

unit: deps
	$(MAKE) -C tests/unit B=$(abspath $(B))/unit

test: deps all
	tools/test.sh

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# Nucleus core costs in instructions (-icount shift=0).
bench-core: deps all
	tools/bench-core.sh

# motet against Linux in the same QEMU (tools/bench.sh).
bench: deps all $(B)/user/bench
	tools/bench.sh
$(B)/user/bench: user/bench/bench.c
	@mkdir -p $(dir $@)
	$(MUSLCC) -static -O2 -Wall -Wl,-Ttext-segment=0x10000000 -o $@ $<
