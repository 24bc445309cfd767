#!/usr/bin/env python3
"""Latency one transaction takes (connect, EHLO, MAIL, RCPT, DATA, 4 KiB, QUIT) directly against
smtp-sink and through mxfront in front of the same sink, measured in the same run, one client at a
time. Bounded: N transactions each (default 2000) to 127.0.0.1, after WARMUP seconds (default 60) of
smtp-source load on mxfront. Usage: [WARMUP=60] bench/latency.py [N]"""
import os, socket, statistics, subprocess, sys, tempfile, time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def wait(port):
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close(); return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"port {port} never opened")

BODY = b"Subject: latency\r\n\r\n" + (b"x" * 78 + b"\r\n") * 51 + b".\r\n"

def transaction(port):
    t = time.perf_counter()
    s = socket.create_connection(("127.0.0.1", port)); f = s.makefile("rb")
    def reply():
        while True:
            l = f.readline()
            if l[3:4] != b"-": return l
    reply()
    for c in (b"EHLO client.bench.example\r\n", b"MAIL FROM:<s@sender.example>\r\n", b"RCPT TO:<u@example.com>\r\n", b"DATA\r\n"):
        s.sendall(c); r = reply()
    s.sendall(BODY); r = reply()
    assert r.startswith(b"250"), r
    s.sendall(b"QUIT\r\n"); reply(); s.close()
    return (time.perf_counter() - t) * 1000

work = tempfile.mkdtemp(prefix="mxfront-lat."); os.chmod(work, 0o755)
sink, mx = free_port(), free_port()
user = ["-u", "nobody"] if os.geteuid() == 0 else []
procs = [subprocess.Popen(["smtp-sink", *user, f"127.0.0.1:{sink}", "256"])]
with open(f"{work}/mx.yml", "w") as f:
    f.write(f"""server: {{ hostname: mx.bench }}
smtp: {{ listen: 127.0.0.1:{mx} }}
downstream: {{ address: 127.0.0.1:{sink} }}
relay-networks: []
state-directory: {work}/state
metrics: {{ listen: "" }}
logging: {{ format: text }}
checks:
  connection-limit: {{ max-per-client: 1000 }}
  helo: {{}}
  relay: {{}}
  recipient-limit: {{}}
  message-size: {{}}
  received-hops: {{}}
""")
jdk = subprocess.run(["bash", "-c", f". {here}/bin/jdk.sh && echo $JAVA_HOME"], capture_output=True, text=True).stdout.strip()
procs.append(subprocess.Popen([f"{jdk}/bin/java", "-jar", f"{here}/target/mxfront.jar", "run", "--config", f"{work}/mx.yml"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
try:
    wait(sink); wait(mx)
    # JIT warm-up: WARMUP seconds (default 60) of smtp-source load, as in bench/throughput.sh, then
    # 500 transactions of this client's own shape.
    warm = int(os.environ.get("WARMUP", "60"))
    if warm > 0:
        subprocess.run(["timeout", str(warm), "smtp-source", "-s", "20", "-m", "1000000", "-l", "4096",
                        "-M", "client.bench.example", "-f", "s@sender.example", "-t", "u@example.com", f"127.0.0.1:{mx}"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(500): transaction(mx)
    res = {}
    for name, port in (("direct", sink), ("mxfront", mx)):
        xs = sorted(transaction(port) for _ in range(N))
        res[name] = (xs[len(xs) // 2], xs[int(len(xs) * 0.99)])
    d, m = res["direct"], res["mxfront"]
    print(f"transactions: {N} each, one client at a time")
    print(f"direct to smtp-sink : p50 {d[0]:.2f} ms  p99 {d[1]:.2f} ms")
    print(f"through mxfront     : p50 {m[0]:.2f} ms  p99 {m[1]:.2f} ms")
    print(f"added by mxfront    : p50 {m[0]-d[0]:.2f} ms  p99 {m[1]-d[1]:.2f} ms")
finally:
    for p in procs: p.terminate()
