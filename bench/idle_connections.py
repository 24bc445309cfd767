#!/usr/bin/env python3
"""Holds N idle SMTP connections open to an mxfront on loopback and reports heap and RSS per
connection. Bounded: N connections (default 10000) from 127.0.0.x source addresses, held for a few
seconds, then closed. Usage: bench/idle_connections.py [N]   (run as root for the file limit)."""
import os, resource, socket, subprocess, sys, tempfile, time, urllib.request, json

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
resource.setrlimit(resource.RLIMIT_NOFILE, (N + 4096, N + 4096))

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

work = tempfile.mkdtemp(prefix="mxfront-idle.")
smtp, http = free_port(), free_port()
with open(f"{work}/mx.yml", "w") as f:
    f.write(f"""server: {{ hostname: mx.bench }}
smtp: {{ listen: 127.0.0.1:{smtp}, max-connections: {N + 100}, command-timeout: 10m }}
downstream: {{ address: 127.0.0.1:9 }}
state-directory: {work}/state
metrics: {{ listen: 127.0.0.1:{http} }}
checks:
  connection-limit: {{ max-per-client: {N} }}
""")
jdk = subprocess.run(["bash", "-c", f". {here}/bin/jdk.sh && echo $JAVA_HOME"], capture_output=True, text=True).stdout.strip()
proc = subprocess.Popen([f"{jdk}/bin/java", "-Xmx1g", "-XX:+UseZGC", "-jar", f"{here}/target/mxfront.jar", "run",
                         "--config", f"{work}/mx.yml"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (N + 4096, N + 4096)))
try:
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", http), 0.2).close(); break
        except OSError:
            time.sleep(0.1)

    def scrape():
        m = urllib.request.urlopen(f"http://127.0.0.1:{http}/metrics").read().decode()
        heap = sum(float(l.split()[-1]) for l in m.splitlines() if l.startswith("jvm_memory_used_bytes{area=\"heap\""))
        rss = int([l for l in open(f"/proc/{proc.pid}/status") if l.startswith("VmRSS")][0].split()[1]) * 1024
        threads = int([l for l in open(f"/proc/{proc.pid}/status") if l.startswith("Threads")][0].split()[1])
        return heap, rss, threads

    subprocess.run(["bash", "-c", f"curl -s -o /dev/null http://127.0.0.1:{http}/healthz"])
    time.sleep(2)
    h0, r0, t0 = scrape()
    socks, errors = [], 0
    start = time.time()
    for i in range(N):
        src = f"127.0.{1 + i // 250}.{1 + i % 250}"
        try:
            s = socket.socket(); s.bind((src, 0)); s.settimeout(10); s.connect(("127.0.0.1", smtp))
            socks.append(s)
        except OSError:
            errors += 1
    greeted = 0
    for s in socks:
        try:
            if s.recv(100).startswith(b"220 "): greeted += 1
        except OSError:
            errors += 1
    took = time.time() - start
    time.sleep(3)
    h1, r1, t1 = scrape()
    n = max(greeted, 1)
    print(json.dumps({"connections": N, "greeted": greeted, "errors": errors, "open_seconds": round(took, 1),
                      "heap_before_mib": round(h0 / 2**20, 1), "heap_after_mib": round(h1 / 2**20, 1),
                      "heap_per_conn_kib": round((h1 - h0) / n / 1024, 1),
                      "rss_before_mib": round(r0 / 2**20, 1), "rss_after_mib": round(r1 / 2**20, 1),
                      "rss_per_conn_kib": round((r1 - r0) / n / 1024, 1), "os_threads": [t0, t1]}, indent=1))
    for s in socks: s.close()
finally:
    proc.terminate(); proc.wait(30)
