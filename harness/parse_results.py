#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge one VM run of the rig.

Reads the results serial port log (sections "rig-begin NAME" ..
"rig-end NAME rc=N", "rig-splat ...", "rig-setup-error ...",
"rig-done pass|fail"), parses each KTAP/TAP section with the kernel's own
tools/testing/kunit/kunit.py parse, and writes one verdict per test case to
--out as "PASS|FAIL|SKIP|XFAIL name: detail".  Exits 0 only if QEMU's exit
code says pass and every expected test ran, finished and passed.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

SPLAT = re.compile(r'(Kernel panic|WARNING:|BUG:|KASAN|UBSAN|Oops|general protection'
                   r'|possible circular|possible recursive|inconsistent lock'
                   r'|blocked for more than|RIP:)')


def kunit_parse(tree, text):
    """Test cases of a KTAP/TAP text as [(name, status)], via kunit.py parse."""
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tree', required=True)
    ap.add_argument('--exit', type=int, required=True)
    ap.add_argument('--verdict', required=True)
    ap.add_argument('--console', required=True)
    ap.add_argument('--results', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--show', action='store_true', help='print each test output')
    ap.add_argument('tests', nargs='*')
    args = ap.parse_args()

    try:
        with open(args.results, 'rb') as f:
            lines = f.read().decode('utf-8', 'replace').replace('\r', '').split('\n')
    except OSError:
        lines = []
    sections, ended, splats, setup_errors, done = {}, {}, [], [], None
    current = None
    for line in lines:
        if line.startswith('rig-begin '):
            current = line.split(' ', 1)[1].strip()
            sections[current] = []
        elif line.startswith('rig-end ') and current:
            m = re.match(r'rig-end (\S+) rc=(\d+)', line)
            if m and m.group(1) == current:
                ended[current] = int(m.group(2))
            current = None
        elif line.startswith('rig-splat '):
            splats.append(line[len('rig-splat '):])
        elif line.startswith('rig-setup-error '):
            setup_errors.append(line[len('rig-setup-error '):])
        elif line.startswith('rig-done '):
            done = line.split(' ', 1)[1].strip()
        elif current is not None:
            sections[current].append(line)

    if args.show:
        for t in args.tests:
            for line in sections.get(t, []):
                print(line)
        print()

    verdicts = []   # (status, name, detail)
    for t in args.tests:
        if t not in sections:
            verdicts.append(('FAIL', t, 'never started (the guest died or hung before it)'))
            continue
        if t not in ended:
            verdicts.append(('FAIL', t, 'did not finish (the guest died or hung during it)'))
            continue
        rc = ended[t]
        text = '\n'.join(sections[t]) + '\n'
        if t.startswith('script:'):
            verdicts.append(('PASS' if rc == 0 else 'FAIL', t,
                             'exit 0' if rc == 0 else 'exit %d' % rc))
            continue
        cases, log = kunit_parse(args.tree, text)
        if cases is None:
            verdicts.append(('FAIL', t, 'kunit.py parse failed: ' + log.strip()[-300:]))
            continue
        if not cases:
            verdicts.append(('FAIL', t, 'no test results in its output (rc=%d)' % rc))
            continue
        xfails = set(re.findall(r'^ok \d+ (\S+).*# XFAIL', text, re.M))
        xpasses = set(re.findall(r'^ok \d+ (\S+).*# XPASS', text, re.M))
        failed = 0
        for name, status in cases:
            short = name.split('.', 1)[-1] if '.' in name else name
            if status == 'PASS' and (short in xpasses or name in xpasses):
                failed += 1
                verdicts.append(('FAIL', '%s: %s' % (t, name),
                                 'XPASS: marked as an expected failure but passed or '
                                 'skipped: if the defect is fixed, drop its XFAIL_ADD()'))
            elif status == 'PASS' and (short in xfails or name in xfails):
                verdicts.append(('XFAIL', '%s: %s' % (t, name), 'expected failure'))
            elif status == 'PASS':
                verdicts.append(('PASS', '%s: %s' % (t, name), ''))
            elif status == 'SKIP':
                verdicts.append(('SKIP', '%s: %s' % (t, name),
                                 'skipped: in the rig every device is present, so a skip is a setup bug'))
            else:
                failed += 1
                test = name.rsplit('.', 1)[-1]
                why = [l.split(':' + test + ':', 1)[1].strip() for l in sections[t]
                       if re.match(r'^#\s*\S+:\d+:%s:' % re.escape(test), l)]
                why = [w for w in why if 'Expected' in w] or why[-2:]
                why += [l.split(':', 1)[1].strip() for l in sections[t]
                        if re.match(r'^#\s*%s: Test terminated by (timeout|signal)' % re.escape(test), l)]
                verdicts.append(('FAIL', '%s: %s' % (t, name),
                                 '; '.join([status] + why[:3])))
        if rc != 0 and not failed:
            verdicts.append(('FAIL', t, 'exited %d although no case failed' % rc))
    for e in setup_errors:
        verdicts.append(('FAIL', 'guest setup', e))
    if splats:
        verdicts.append(('FAIL', 'guest kernel splat', '; '.join(splats[:5])))

    if args.exit == 35 and any(v[0] == 'FAIL' for v in verdicts):
        pass    # the guest's failure is already named above
    elif args.exit != 33:
        detail = args.verdict
        try:
            with open(args.console, 'rb') as f:
                con = f.read().decode('utf-8', 'replace').replace('\r', '').split('\n')
        except OSError:
            con = []
        hits = [l.strip() for l in con if SPLAT.search(l)]
        if hits:
            detail += '; console: ' + ' | '.join(hits[:4])
        elif con:
            detail += '; last console line: ' + next((l for l in reversed(con) if l.strip()), '')
        verdicts.append(('FAIL', 'vm', detail))
    elif done != 'pass' and not any(v[0] == 'FAIL' for v in verdicts):
        verdicts.append(('FAIL', 'vm', 'exit code says pass but no "rig-done pass" on the results port'))

    with open(args.out, 'w') as f:
        for status, name, detail in verdicts:
            f.write('%s %s%s\n' % (status, name, (': ' + detail) if detail else ''))
    for status, name, detail in verdicts:
        print('    %-5s %s%s' % (status, name, (': ' + detail) if detail and status != 'PASS' else ''))
    npass = sum(1 for v in verdicts if v[0] in ('PASS', 'XFAIL'))
    nfail = sum(1 for v in verdicts if v[0] in ('FAIL', 'SKIP'))
    print('    vm: %d passed, %d failed' % (npass, nfail))
    return 0 if nfail == 0 and args.exit == 33 else 1


if __name__ == '__main__':
    sys.exit(main())
