#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The rig's results: the one place that writes, reads and judges them.

A result file (build/results/NAME.txt) holds one verdict per line:

    STATUS NAME[: DETAIL]

STATUS is PASS or XFAIL (counted as passed), FAIL or SKIP (counted as
failed: in the rig every device is present, so a skip is a setup bug).

Commands:
  add FILE STATUS NAME [DETAIL]   append one verdict and print it
  reset FILE                      empty FILE (a check starts)
  has FILE STATUS [NAME]          exit 0 if FILE has a verdict STATUS
                                  (whose name starts with NAME)
  failed FILE                     exit 0 if FILE has a FAIL or a SKIP
  show FILE                       print FILE's verdicts, indented
  vm ...                          judge one VM run (see vm --help)
  kunit ...                       judge a kunit.py run (see kunit --help)
  summary FILE...                 print the failures and the final line
                                  "N passed, N failed"; exit 0 only if
                                  nothing failed and something passed
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STATUSES = ('PASS', 'XFAIL', 'FAIL', 'SKIP')
PASSED = ('PASS', 'XFAIL')


def splat_re():
    """The splat patterns of guest/splats, which the guest greps too."""
    with open(os.path.join(ROOT, 'guest', 'splats')) as f:
        pats = [l.rstrip('\n') for l in f if l.strip() and not l.startswith('#')]
    return re.compile('|'.join('(?:%s)' % p for p in pats))


def line(status, name, detail=''):
    """One verdict, on one line whatever NAME and DETAIL hold."""
    assert status in STATUSES, status
    name, detail = ' '.join(name.split()), ' '.join(detail.split())
    return '%s %s%s' % (status, name, ': ' + detail if detail else '')


def read(path):
    """Verdicts of a result file as [(status, name, detail)]; none if absent."""
    try:
        with open(path, errors='replace') as f:
            text = f.read()
    except OSError:
        return []
    out = []
    for l in text.splitlines():
        m = re.match(r'(%s) (.*?)(?:: (.*))?$' % '|'.join(STATUSES), l)
        if m:
            out.append((m.group(1), m.group(2), m.group(3) or ''))
        elif l.strip():
            out.append(('FAIL', os.path.basename(path),
                        'malformed result line: ' + l[:200]))
    return out


def write(path, verdicts, mode='a', quiet=False):
    with open(path, mode) as f:
        for v in verdicts:
            f.write(line(*v) + '\n')
    if not quiet:
        show(verdicts)


def show(verdicts):
    for v in verdicts:
        print('    %-5s %s' % (v[0], line(*v)[len(v[0]) + 1:]))


def count(verdicts):
    npass = sum(1 for v in verdicts if v[0] in PASSED)
    return npass, len(verdicts) - npass


def kunit_parse(tree, text):
    """Test cases of a KTAP/TAP text as [(name, status)], by the tree's own
    tools/testing/kunit/kunit.py parse; (None, its output) if it fails."""
    kunit = os.path.join(tree, 'tools/testing/kunit/kunit.py')
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, 'tap.txt')
        out = os.path.join(tmp, 'tap.json')
        with open(src, 'w') as f:
            f.write(text)
        proc = subprocess.run([sys.executable, kunit, 'parse', '--json=' + out, src],
                              capture_output=True, text=True)
        if not os.path.exists(out):
            return None, proc.stdout + proc.stderr
        with open(out) as f:
            data = json.load(f)
    cases = []

    def walk(group, prefix):
        name = group.get('name') or ''
        here = prefix + [name] if name and name != 'KUnit Test Group' else prefix
        for c in group.get('test_cases', []):
            cases.append(('.'.join(here + [c['name']]), c['status']))
        for g in group.get('sub_groups', []):
            walk(g, here)
    walk(data, [])
    return cases, proc.stdout + proc.stderr


def why_failed(lines, case):
    """The kselftest harness's own lines that say why CASE failed."""
    test = case.rsplit('.', 1)[-1]
    why = [l.split(':' + test + ':', 1)[1].strip() for l in lines
           if re.match(r'^#\s*\S+:\d+:%s:' % re.escape(test), l)]
    why = [w for w in why if 'Expected' in w] or why[-2:]
    why += [l.split(':', 1)[1].strip() for l in lines
            if re.match(r'^#\s*%s: Test terminated by (timeout|signal)' % re.escape(test), l)]
    return why[:3]


def judge_section(tree, test, lines, rc):
    """Verdicts of one guest test's output (a selftest's TAP, KUnit's KTAP,
    or a script's exit status)."""
    if test.startswith('script:'):
        return [('PASS' if rc == 0 else 'FAIL', test, 'exit %d' % rc)]
    text = '\n'.join(lines) + '\n'
    cases, log = kunit_parse(tree, text)
    if cases is None:
        return [('FAIL', test, 'kunit.py parse failed: ' + log.strip()[-300:])]
    if not cases:
        return [('FAIL', test, 'no test results in its output (rc=%d)' % rc)]
    xfails = set(re.findall(r'^ok \d+ (\S+).*# XFAIL', text, re.M))
    xpasses = set(re.findall(r'^ok \d+ (\S+).*# XPASS', text, re.M))
    out = []
    for name, status in cases:
        short = name.split('.', 1)[-1]
        full = '%s: %s' % (test, name)
        if status == 'PASS' and (short in xpasses or name in xpasses):
            out.append(('FAIL', full, 'XPASS: marked as an expected failure but passed '
                        'or skipped: if the defect is fixed, drop its XFAIL_ADD()'))
        elif status == 'PASS':
            xf = short in xfails or name in xfails
            out.append(('XFAIL' if xf else 'PASS', full, 'expected failure' if xf else ''))
        elif status == 'SKIP':
            out.append(('SKIP', full, 'skipped: in the rig every device is present, '
                        'so a skip is a setup bug'))
        else:
            out.append(('FAIL', full, '; '.join([status] + why_failed(lines, name))))
    if rc != 0 and all(v[0] in PASSED for v in out):
        out.append(('FAIL', test, 'exited %d although no case failed' % rc))
    return out


def vm_exit(rc, timeout):
    """What QEMU's exit code says of the guest (isa-debug-exit: 0x10 -> 33
    pass, 0x11 -> 35 fail; 124 and 137 from timeout(1))."""
    return {
        33: 'guest reported pass',
        35: 'guest reported failure',
        124: 'guest hung: no verdict after %ss (killed)' % timeout,
        137: 'QEMU was killed (SIGKILL: hung past the timeout, or out of memory)',
        0: 'guest died without a verdict (kernel panic or reboot)',
    }.get(rc, 'QEMU failed (exit %d)' % rc)


def read_port(path):
    """The guest's results port: sections 'rig-begin T' .. 'rig-end T rc=N',
    'rig-splat', 'rig-setup-error' and 'rig-done' lines."""
    try:
        with open(path, 'rb') as f:
            lines = f.read().decode('utf-8', 'replace').replace('\r', '').split('\n')
    except OSError:
        lines = []
    port = {'sections': {}, 'rc': {}, 'splats': [], 'setup': [], 'done': None}
    current = None
    for l in lines:
        if l.startswith('rig-begin '):
            current = l.split(' ', 1)[1].strip()
            port['sections'][current] = []
        elif l.startswith('rig-end ') and current:
            m = re.match(r'rig-end (\S+) rc=(\d+)', l)
            if m and m.group(1) == current:
                port['rc'][current] = int(m.group(2))
            current = None
        elif l.startswith('rig-splat '):
            port['splats'].append(l[len('rig-splat '):])
        elif l.startswith('rig-setup-error '):
            port['setup'].append(l[len('rig-setup-error '):])
        elif l.startswith('rig-done '):
            port['done'] = l.split(' ', 1)[1].strip()
        elif current is not None:
            port['sections'][current].append(l)
    return port


def judge_vm(args):
    """Every verdict of one VM run: each expected test started, finished
    and passed, no splat, no setup error, and QEMU's exit code says pass."""
    port = read_port(os.path.join(args.run, 'results.log'))
    if args.show:
        for t in args.tests:
            print('\n'.join(port['sections'].get(t, [])))
    out = []
    for t in args.tests:
        if t not in port['sections']:
            out.append(('FAIL', t, 'never started (the guest died or hung before it)'))
        elif t not in port['rc']:
            out.append(('FAIL', t, 'did not finish (the guest died or hung during it)'))
        else:
            out += judge_section(args.tree, t, port['sections'][t], port['rc'][t])
    out += [('FAIL', 'guest setup', e) for e in port['setup']]
    if port['splats']:
        out.append(('FAIL', 'guest kernel splat', '; '.join(port['splats'][:5])))
    failed = any(v[0] not in PASSED for v in out)
    if args.exit == 35 and failed:
        pass        # the guest's failure is named above
    elif args.exit != 33:
        detail = vm_exit(args.exit, args.timeout)
        try:
            with open(os.path.join(args.run, 'qemu.log'), errors='replace') as f:
                qemu = ' '.join(f.read(300).split())
        except OSError:
            qemu = ''
        if args.exit not in (0, 33, 35, 124, 137) and qemu:
            detail += ': ' + qemu
        try:
            with open(os.path.join(args.run, 'console.log'), 'rb') as f:
                con = f.read().decode('utf-8', 'replace').replace('\r', '').split('\n')
        except OSError:
            con = []
        splat = splat_re()
        hits = [l.strip() for l in con if splat.search(l)]
        if hits:
            detail += '; console: ' + ' | '.join(hits[:4])
        elif con:
            detail += '; last console line: ' + next((l for l in reversed(con) if l.strip()), '')
        out.append(('FAIL', 'vm', detail))
    elif port['done'] != 'pass' and not failed:
        out.append(('FAIL', 'vm', 'exit code says pass but no "rig-done pass" on the results port'))
    return out


def judge_kunit(args):
    """Verdicts of a raw KUnit console log (kunit32.sh): one per case, a
    FAIL if no case ran, and a FAIL for the first splat."""
    with open(args.log, errors='replace') as f:
        text = f.read()
    cases, why = kunit_parse(args.tree, text)
    out = []
    if not cases:
        out.append(('FAIL', args.name, 'no results (exit %d): %s'
                    % (args.rc, why.strip()[-200:])))
    for name, status in cases or []:
        out.append(('PASS' if status == 'PASS' else 'FAIL', '%s: %s' % (args.name, name),
                    '' if status == 'PASS' else status))
    if args.rc != 0 and cases and all(v[0] == 'PASS' for v in out):
        out.append(('FAIL', args.name, 'the run exited %d although no case failed'
                    % args.rc))
    splat = splat_re()
    hit = next((l.strip() for l in text.splitlines() if splat.search(l)), None)
    if hit:
        out.append(('FAIL', args.name, 'splat: ' + hit[:200]))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('add')
    p.add_argument('file')
    p.add_argument('status', choices=STATUSES)
    p.add_argument('name')
    p.add_argument('detail', nargs='?', default='')
    p = sub.add_parser('reset')
    p.add_argument('file')
    p = sub.add_parser('has')
    p.add_argument('file')
    p.add_argument('status', choices=STATUSES)
    p.add_argument('name', nargs='?', default='')
    p = sub.add_parser('failed')
    p.add_argument('file')
    p = sub.add_parser('show')
    p.add_argument('file')
    p = sub.add_parser('vm', help='judge one VM run')
    p.add_argument('--tree', required=True, help='the kernel tree (its kunit.py parses)')
    p.add_argument('--run', required=True, help='the run directory (results.log, console.log, qemu.log)')
    p.add_argument('--exit', type=int, required=True, help="QEMU's exit code")
    p.add_argument('--timeout', required=True, help='the timeout the run had, in s')
    p.add_argument('--out', required=True)
    p.add_argument('--show', action='store_true', help="print each test's output")
    p.add_argument('tests', nargs='*')
    p = sub.add_parser('kunit', help='judge a kunit.py exec log')
    p.add_argument('--tree', required=True)
    p.add_argument('--log', required=True)
    p.add_argument('--rc', type=int, required=True, help="kunit.py's exit code")
    p.add_argument('--name', required=True, help='prefix of the verdicts')
    p.add_argument('--out', required=True)
    p = sub.add_parser('summary')
    p.add_argument('files', nargs='*')
    args = ap.parse_args()

    if args.cmd == 'add':
        write(args.file, [(args.status, args.name, args.detail)])
    elif args.cmd == 'reset':
        open(args.file, 'w').close()
    elif args.cmd == 'has':
        # NAME is matched against the whole verdict: names hold ": ".
        return 0 if any(v[0] == args.status and
                        line(*v)[len(v[0]) + 1:].startswith(args.name)
                        for v in read(args.file)) else 1
    elif args.cmd == 'failed':
        return 0 if any(v[0] not in PASSED for v in read(args.file)) else 1
    elif args.cmd == 'show':
        show(read(args.file))
    elif args.cmd in ('vm', 'kunit'):
        verdicts = judge_vm(args) if args.cmd == 'vm' else judge_kunit(args)
        write(args.out, verdicts, mode='w', quiet=True)
        show((s, n, d if s != 'PASS' else '') for s, n, d in verdicts)
        npass, nfail = count(verdicts)
        print('    %s: %d passed, %d failed' % (args.name if args.cmd == 'kunit' else 'vm', npass, nfail))
        ok = nfail == 0 and npass > 0
        return 0 if ok and (args.cmd != 'vm' or args.exit == 33) else 1
    elif args.cmd == 'summary':
        # Files of several queues (build/QUEUE/results/NAME.txt): each
        # verdict shown is named with its queue, and each queue counted.
        def queue(f):
            return os.path.basename(os.path.dirname(os.path.dirname(os.path.abspath(f))))
        files = [f for f in args.files if os.path.exists(f)]
        queues = list(dict.fromkeys(queue(f) for f in files))
        verdicts = []
        for f in files:
            vs = read(f)
            if len(queues) > 1:
                vs = [(s, '[%s] %s' % (queue(f), n), d) for s, n, d in vs]
            verdicts += vs
        show(v for v in verdicts if v[0] not in PASSED)
        if len(queues) > 1:
            for q in queues:
                qp, qf = count([v for v in verdicts if v[1].startswith('[%s] ' % q)])
                print('    %s: %d passed, %d failed' % (q, qp, qf))
        npass, nfail = count(verdicts)
        print('%d passed, %d failed' % (npass, nfail))
        return 0 if nfail == 0 and npass > 0 else 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
