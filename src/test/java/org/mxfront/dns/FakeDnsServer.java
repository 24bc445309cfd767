// A tiny in-process DNS server for unit tests (integration tests use real servers: rbldnsd, NSD):
// answers from records the test adds, NXDOMAIN/NODATA with an SOA for the rest, and can be told to
// answer SERVFAIL or never to answer a name. Counts the queries it receives.
package org.mxfront.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

public final class FakeDnsServer implements AutoCloseable {
    private final DatagramSocket socket;
    private final List<Record> records = new CopyOnWriteArrayList<>();
    private final Set<String> servfail = ConcurrentHashMap.newKeySet();
    private final Set<String> silent = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> queries = new ConcurrentHashMap<>();
    private final Thread thread;
    /** TTL and minimum of the SOA sent with negative answers. */
    public volatile long negativeTtl = 600;

    public FakeDnsServer() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = Thread.ofVirtual().start(this::serve);
    }

    public int port() { return socket.getLocalPort(); }

    public String address() { return "127.0.0.1:" + port(); }

    /** Adds a record in zone-file syntax, e.g. {@code host.test. 300 IN A 127.0.0.2}. */
    public FakeDnsServer add(String line) {
        try {
            String[] p = line.trim().split("\\s+", 5);
            Name name = Name.fromString(p[0]);
            records.add(Record.fromString(name, Type.value(p[3]), DClass.IN, Long.parseLong(p[1]), p[4], Name.root));
        } catch (IOException e) {
            throw new IllegalArgumentException(line, e);
        }
        return this;
    }

    /** Queries for this name get SERVFAIL. */
    public void servfail(String name) { servfail.add(key(name)); }

    /** Queries for this name get no answer at all. */
    public void silence(String name) { silent.add(key(name)); }

    /** Queries received for a name and type. */
    public int queries(String name, int type) {
        AtomicInteger n = queries.get(key(name) + "/" + type);
        return n == null ? 0 : n.get();
    }

    private static String key(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n : n + ".";
    }

    private void serve() {
        byte[] buf = new byte[4096];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
                Message q = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                Record question = q.getQuestion();
                String name = key(question.getName().toString());
                queries.computeIfAbsent(name + "/" + question.getType(), k -> new AtomicInteger()).incrementAndGet();
                if (silent.contains(name)) continue;
                byte[] out = answer(q, question, name).toWire(512);
                socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) return;
            }
        }
    }

    private Message answer(Message q, Record question, String name) throws TextParseException {
        Message r = new Message(q.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.AA);
        r.getHeader().setFlag(Flags.RA);
        if (q.getHeader().getFlag(Flags.RD)) r.getHeader().setFlag(Flags.RD);
        r.addRecord(question, Section.QUESTION);
        if (servfail.contains(name)) {
            r.getHeader().setRcode(Rcode.SERVFAIL);
            return r;
        }
        boolean exists = false;
        for (Record rec : records) {
            if (!key(rec.getName().toString()).equals(name)) continue;
            exists = true;
            if (rec.getType() == question.getType()) r.addRecord(rec, Section.ANSWER);
        }
        if (r.getSection(Section.ANSWER).isEmpty()) {
            // An alias answers every type with itself; the resolver follows it.
            for (Record rec : records) {
                if (rec.getType() == Type.CNAME && key(rec.getName().toString()).equals(name)) {
                    r.addRecord(rec, Section.ANSWER);
                    return r;
                }
            }
            if (!exists) r.getHeader().setRcode(Rcode.NXDOMAIN);
            r.addRecord(new SOARecord(Name.fromString("test."), DClass.IN, negativeTtl, Name.fromString("ns.test."),
                    Name.fromString("hostmaster.test."), 1, 3600, 600, 86400, negativeTtl), Section.AUTHORITY);
        }
        return r;
    }

    @Override
    public void close() {
        socket.close();
        thread.interrupt();
    }
}
