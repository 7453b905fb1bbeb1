#!/usr/bin/env python3
"""Where portfw's CPU went, from async-profiler's collapsed stacks (bench/compare.sh PROFILE=FILE).

    bench/profile_summary.py FILE [TOP]

Prints the share of the JIT compiler, the garbage collector, each system call, exceptions (stack
traces filled in) and the rest of Java, then the TOP (default 25) Java methods of portfw and Netty
by inclusive share of the event loops' samples.
"""
import collections
import re
import sys

SYSCALL = re.compile(r'^(?:__GI_+|__libc_|__)?(accept4?|close|connect|epoll_ctl|epoll_wait|epoll_pwait2?|getpeername|'
                     r'getsockname|getsockopt|read|readv|recv|recvfrom|recvmmsg|recvmsg|send|sendmmsg|sendmsg|sendto|'
                     r'setsockopt|shutdown|socket|write|writev)$')


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    total = 0
    kinds = collections.Counter()
    loop_total = 0
    inclusive = collections.Counter()
    for line in open(path):
        stack, n = line.rsplit(' ', 1)
        n = int(n)
        frames = stack.split(';')
        total += n
        if frames[0] == 'start_thread' or frames[0].startswith('thread_native_entry'):
            joined = ';'.join(frames)
            if 'Compile' in joined or 'Phase' in joined:
                kinds['JIT compiler'] += n
            elif 'GC' in joined or 'Gang' in joined or 'PSPromotion' in joined or 'PSScavenge' in joined:
                kinds['garbage collector'] += n
            else:
                kinds['other JVM threads'] += n
            continue
        syscall = SYSCALL.match(frames[-1])
        if syscall:
            kinds['syscall ' + syscall.group(1)] += n
        elif any('fill_in_stack_trace' in f or 'fillInStackTrace' in f for f in frames):
            kinds['exceptions (stack traces)'] += n
        else:
            kinds['Java and the rest'] += n
        if any('EventLoop' in f or 'EventExecutor' in f for f in frames):
            loop_total += n
            for f in set(frames):
                if f.startswith(('io/portfw', 'io/netty')):
                    inclusive[f] += n
    print(f'{total} samples')
    for kind, n in kinds.most_common():
        print(f'{100 * n / total:5.1f}%  {kind}')
    if loop_total:
        print(f'\nevent loops: {loop_total} samples; methods by inclusive share of them')
        for f, n in inclusive.most_common(top):
            print(f'{100 * n / loop_total:5.1f}%  {f}')


if __name__ == '__main__':
    main()
