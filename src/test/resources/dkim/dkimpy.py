# Test-side driver of Debian's python3-dkim (dkimpy), the third-party signer and second opinion of
# mxfront's DKIM tests.
#   dkimpy.py sign KEYFILE SELECTOR DOMAIN ALGORITHM HEADER/BODY LENGTH(0|1) HEADERS(a:b:c or "")  < message > signed message
#   dkimpy.py verify RECORDS.json  < message   -> one line per signature: pass | fail | error:<what>
#   dkimpy.py signdir KEYFILE SELECTOR DOMAIN DIR   signs DIR/N.eml with the canonicalisation and l= in
#                                                   DIR/N.args ("relaxed/simple 1") into DIR/N.signed
#   dkimpy.py verifydir RECORDS.json DIR            prints "N verdict" for every DIR/N.check (first signature)
# KEYFILE: a PKCS#8 PEM for rsa-*, the base64 32-byte seed for ed25519-sha256.
import json
import sys

import dkim


def sign(argv):
    key, sel, dom, alg, canon, length, headers = argv
    msg = sys.stdin.buffer.read()
    h, b = canon.split('/')
    kw = {}
    if headers:
        kw['include_headers'] = [x.encode() for x in headers.split(':')]
    keydata = open(key, 'rb').read()
    if alg == 'ed25519-sha256':
        keydata = keydata.strip()
    sig = dkim.sign(msg, sel.encode(), dom.encode(), keydata, canonicalize=(h.encode(), b.encode()),
                    signature_algorithm=alg.encode(), length=(length == '1'), linesep=b'\r\n', **kw)
    sys.stdout.buffer.write(sig + msg)


def verify(argv):
    records = json.load(open(argv[0]))
    msg = sys.stdin.buffer.read()

    def dnsfunc(name, timeout=5):
        n = name.decode() if isinstance(name, bytes) else name
        r = records.get(n.rstrip('.'))
        return r.encode() if r is not None else None

    d = dkim.DKIM(msg)
    count = len([h for h in d.headers if h[0].lower() == b'dkim-signature'])
    for idx in range(count):
        try:
            ok = d.verify(idx=idx, dnsfunc=dnsfunc)
            print('pass' if ok else 'fail')
        except Exception as e:
            print('error:' + type(e).__name__ + ':' + str(e).replace('\n', ' '))


def signdir(argv):
    import os
    key, sel, dom, d = argv
    keydata = open(key, 'rb').read()
    for f in sorted(os.listdir(d)):
        if not f.endswith('.eml'):
            continue
        n = f[:-4]
        canon, length = open(os.path.join(d, n + '.args')).read().split()
        h, b = canon.split('/')
        msg = open(os.path.join(d, f), 'rb').read()
        sig = dkim.sign(msg, sel.encode(), dom.encode(), keydata, canonicalize=(h.encode(), b.encode()),
                        length=(length == '1'), linesep=b'\r\n')
        open(os.path.join(d, n + '.signed'), 'wb').write(sig + msg)


def verifydir(argv):
    import os
    records = json.load(open(argv[0]))
    d = argv[1]

    def dnsfunc(name, timeout=5):
        n = name.decode() if isinstance(name, bytes) else name
        r = records.get(n.rstrip('.'))
        return r.encode() if r is not None else None

    for f in sorted(os.listdir(d)):
        if not f.endswith('.check'):
            continue
        try:
            ok = dkim.DKIM(open(os.path.join(d, f), 'rb').read()).verify(idx=0, dnsfunc=dnsfunc)
            print(f[:-6], 'pass' if ok else 'fail')
        except Exception as e:
            print(f[:-6], 'error:' + type(e).__name__)


if __name__ == '__main__':
    {'sign': sign, 'verify': verify, 'signdir': signdir, 'verifydir': verifydir}[sys.argv[1]](sys.argv[2:])
