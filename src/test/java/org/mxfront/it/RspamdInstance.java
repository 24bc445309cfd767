// A private rspamd (Debian's rspamd 3.4) started by a test in its own directory: its own
// LOCAL_CONFDIR (local.d/override.d files written here), normal worker and controller on free
// loopback ports, the controller's password required from loopback too (secure_ip, which would let
// 127.0.0.1 in without one, names a TEST-NET address), Bayes on
// the test's redis-server, no DNS (a dead resolver), rspamd's greylisting, RBL and ASN modules off
// so that verdicts do not depend on the network. Settings blocks with ids "strict" (reject at 2) and
// "grey" (greylist at 1) let tests prove that Settings-ID arrives. Start-up takes ~10-15 s (it compiles the TLD list):
// tests share one per class.
package org.mxfront.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

final class RspamdInstance implements AutoCloseable {
    static final String PASSWORD = "it-controller-secret";

    final int port;
    final int controllerPort;
    final Path dir;
    private Process process;

    private RspamdInstance(int port, int controllerPort, Path dir, Process process) {
        this.port = port;
        this.controllerPort = controllerPort;
        this.dir = dir;
        this.process = process;
    }

    /** The files of the local configuration, as the README's "Spam classification" shows them. */
    static List<String[]> localConfig(int port, int controllerPort, int redisPort, Path dir) {
        List<String[]> files = new ArrayList<>();
        // each worker on a loopback port and on a Unix socket (the controller's 0600: rspamd asks no password there)
        files.add(new String[] {"local.d/worker-normal.inc", "bind_socket = \"127.0.0.1:" + port + "\";\n"
                + "bind_socket = \"" + dir.resolve("run/normal.sock") + " mode=0660\";\ncount = 1;\n"});
        files.add(new String[] {"override.d/worker-controller.inc", "bind_socket = \"127.0.0.1:" + controllerPort + "\";\n"
                + "bind_socket = \"" + dir.resolve("run/controller.sock") + " mode=0600\";\ncount = 1;\n"
                + "password = \"" + PASSWORD + "\";\nsecure_ip = \"192.0.2.1\";\nstatic_dir = \"${WWWDIR}\";\n"});
        files.add(new String[] {"local.d/worker-proxy.inc", "enabled = false;\n"});
        files.add(new String[] {"local.d/options.inc", "dns { nameserver = [\"127.0.0.1:1\"]; timeout = 0.2s; retransmits = 1; }\n"});
        files.add(new String[] {"local.d/logging.inc", "type = \"file\"; filename = \"" + dir.resolve("rspamd.log") + "\"; level = \"info\";\n"});
        files.add(new String[] {"local.d/redis.conf", "servers = \"127.0.0.1:" + redisPort + "\";\n"});
        files.add(new String[] {"local.d/classifier-bayes.conf", "backend = \"redis\";\nservers = \"127.0.0.1:" + redisPort + "\";\n"
                + "min_learns = 1;\nautolearn = false;\n"});
        files.add(new String[] {"local.d/greylist.conf", "enabled = false;\n"});
        files.add(new String[] {"local.d/rbl.conf", "enabled = false;\n"});
        files.add(new String[] {"local.d/asn.conf", "enabled = false;\n"});
        // rspamd's greylist action (4 by default) would defer the tests' clean messages: at 11 here
        files.add(new String[] {"local.d/actions.conf", "greylist = 11;\n"});
        files.add(new String[] {"local.d/settings.conf", """
                strict {
                  id = "strict";
                  apply { actions { reject = 2.0; } }
                }
                grey {
                  id = "grey";
                  apply { actions { greylist = 1.0; } }
                }
                """});
        return files;
    }

    static RspamdInstance start(Path dir, int redisPort) throws Exception {
        int port = Ports.free();
        int controller = Ports.free();
        for (String sub : List.of("local.d", "override.d", "db", "run")) Files.createDirectories(dir.resolve(sub));
        for (String[] f : localConfig(port, controller, redisPort, dir)) Files.writeString(dir.resolve(f[0]), f[1]);
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/rspamd", "-f"));
        if (Ports.isRoot()) {
            PostfixInstance.run("chown", "-R", "_rspamd", dir.toString());
            cmd.addAll(List.of("-u", "_rspamd", "-g", "_rspamd"));
        }
        cmd.addAll(List.of("-c", "/etc/rspamd/rspamd.conf", "--var=LOCAL_CONFDIR=" + dir, "--var=DBDIR=" + dir.resolve("db"),
                "--var=RUNDIR=" + dir.resolve("run"), "--var=LOGDIR=" + dir));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("rspamd.out").toFile()).start();
        RspamdInstance r = new RspamdInstance(port, controller, dir, p);
        try {
            Ports.awaitListening(port, Duration.ofSeconds(90));
            Ports.awaitListening(controller, Duration.ofSeconds(30));
        } catch (AssertionError e) {
            r.close();
            throw new AssertionError("rspamd did not start: " + Files.readString(dir.resolve("rspamd.out")) + "\n" + r.log(), e);
        }
        return r;
    }

    String url() { return "http://127.0.0.1:" + port; }

    String controllerUrl() { return "http://127.0.0.1:" + controllerPort; }

    /** The normal worker's Unix socket, as mxfront's url. */
    String socketUrl() { return "unix:" + dir.resolve("run/normal.sock"); }

    /** The controller's Unix socket, as mxfront's controller. */
    String controllerSocketUrl() { return "unix:" + dir.resolve("run/controller.sock"); }

    String log() {
        return Processes.log(dir.resolve("rspamd.log"));
    }

    /** SIGKILL to rspamd's main process and its workers: the classifier is gone, mid-flight or not. */
    void kill() {
        if (process == null) return;
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Ports.await(() -> {
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 200);
                return false;
            } catch (IOException e) {
                return true;
            }
        }, Duration.ofSeconds(10), "rspamd's port closed");
        process = null;
    }

    @Override
    public void close() {
        if (process == null) return;
        Processes.stop(process);
        process = null;
    }
}
