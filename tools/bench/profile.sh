#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/bench/profile.sh - where a record-bench span's instructions go, by
# guest function.
#
#   tools/bench/profile.sh [-n TOP] [--again] MODE CIPHER SIZE [PHASE]
#
# e.g. "kdtls-gro16 aes-128-gcm 1200" or "kdtls chacha20-poly1305 16000
# recv".  Runs record-bench --quick in one 6.12 guest (one vCPU) with the
# icount plugin and the iprof plugin (tools/bench/iprof.c), sums the
# profiles of the spans that match (PHASE defaults to loop: all its
# repetitions), names each address by the guest's /proc/kallsyms, printed
# after the run, and prints the TOP (default 40)
# functions in instructions per record.  The raw files stay in build/bench/;
# --again reads the last run's instead of running the guest (another span,
# more functions).
set -eu

top_n=40
again=
while [ $# -gt 0 ]; do
	case $1 in
	-n) [ $# -ge 2 ] || { echo "$0: -n wants a number" >&2; exit 2; }
	    top_n=$2; shift 2 ;;
	--again) again=1; shift ;;
	*) break ;;
	esac
done
[ $# -ge 3 ] || { echo "usage: $0 [-n TOP] [--again] MODE CIPHER SIZE [PHASE]" >&2; exit 2; }
mode=$1 cipher=$2 size=$3 phase=${4:-loop}

. "$(dirname "$0")/lib.sh"
bench_init
if [ -n "$again" ]; then
	out=$(grep -l '^KSYMS-END' $(ls -t build/bench/prof-*.out 2>/dev/null) \
		/dev/null 2>/dev/null | head -n1)
	[ -n "$out" ] || die "no earlier complete profile in build/bench"
	raw=$top/${out%.out}.raw
else
	bench_build
	hdr=$(find build/icount -name qemu-plugin.h | head -n1)
	[ -f "$hdr" ] || die "qemu-plugin.h not found under build/icount"
	inc=$(dirname "$hdr")
	iprof=$top/build/icount/iprof.so
	gcc -shared -fPIC -O2 -Wall -I"$inc" $(pkg-config --cflags glib-2.0) \
		-o "$iprof" tools/bench/iprof.c

	mkdir -p build/bench
	stamp=$(date -u +%Y%m%d-%H%M%S)
	raw=$top/build/bench/prof-$stamp.raw
	out=build/bench/prof-$stamp.out

	say "profiling $mode $cipher $size $phase in a $kernel guest"
	# The guest's text symbols, compressed: Debian's System.map holds none.
	tools/vm/run -k "$kernel" -t 1800 \
		-q "-smp 1 -plugin $plugin -plugin $iprof,out=$raw" \
		-M "$guest_mods" -m "$ko" -- sh -c \
	'tools/out/record-bench --quick && echo KSYMS-BEGIN &&
		    grep " [tT] " /proc/kallsyms | gzip -1 | base64 -w 0 && echo &&
		    echo KSYMS-END' \
		>"$out" 2>"${out%.out}.err" ||
		die "the guest run failed; see $out and ${out%.out}.err"
fi

python3 - "$out" "$raw" "$mode" "$cipher" "$size" "$phase" "$top_n" <<'EOF'
import base64, bisect, gzip, sys
outf, rawf, mode, cipher, size, phase, top_n = sys.argv[1:]
syms, spans, records, blob = [], set(), 0, None
for line in open(outf, errors='replace'):
    line = line.strip()
    if line == 'KSYMS-BEGIN':
        blob = ''
    elif line == 'KSYMS-END':
        for s in gzip.decompress(base64.b64decode(blob)).decode().splitlines():
            w = s.split()
            syms.append((int(w[0], 16), ' '.join(w[2:])))
        blob = None
    elif blob is not None:
        blob += line
    elif line.startswith('SPAN '):
        kv = dict(x.split('=', 1) for x in line.split()[1:])
        if (kv['mode'], kv['cipher'], kv['size'], kv['phase']) == \
           (mode, cipher, size, phase):
            spans.add(int(kv['idx']))
            records += int(kv['records'])
if not spans or not records:
    sys.exit('profile: no span %s %s %s %s' % (mode, cipher, size, phase))
if len(syms) < 1000 or not any(a for a, _ in syms):
    sys.exit('profile: the guest printed no usable /proc/kallsyms')
syms.sort()
addrs = [a for a, _ in syms]
per, user, cur = {}, 0, None
for line in open(rawf):
    w = line.split()
    if w[0] == 'span':
        cur = int(w[1])
        continue
    if cur not in spans:
        continue
    pc, n = int(w[0], 16), int(w[1])
    if pc < 0xffff800000000000:
        user += n
        continue
    i = bisect.bisect_right(addrs, pc) - 1
    name = syms[i][1] if i >= 0 else '?'
    per[name] = per.get(name, 0) + n
total = sum(per.values()) + user
print('%s %s %s %s: %d spans, %d records, %d instructions a record '
      '(user %d)' % (mode, cipher, size, phase, len(spans), records,
                     total / records, user / records))
print('| function | instructions a record | share |')
print('|---|--:|--:|')
for name, n in sorted(per.items(), key=lambda x: -x[1])[:int(top_n)]:
    print('| %s | %d | %.1f%% |' % (name, n / records, 100.0 * n / total))
EOF
