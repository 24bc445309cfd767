// RFC 7208's check_host(), written for mxfront's own cached resolver: TXT records only (type 99 is
// gone since RFC 7208), every mechanism (all, include, a, mx, ptr, ip4, ip6, exists), the redirect=
// and exp= modifiers, macros, and the processing limits: 10 DNS-querying terms (include, a, mx, ptr,
// exists, redirect) per evaluation including nested ones, 2 void lookups (NXDOMAIN or no answer), 10
// MX names per mx, 10 PTR names per ptr. Include loops end at the term limit (permerror), as the RFC
// intends. Why not jSPF: it follows RFC 4408 in places (no void-lookup limit, type 99 first).
package org.mxfront.spf;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mxfront.dns.DnsResult;
import org.mxfront.spf.SpfResult.Result;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** Evaluates SPF for one connection's identities. Immutable and thread-safe; each call has its own counters. */
public final class SpfEvaluator {
    /** RFC 7208 4.6.4: DNS-querying terms per evaluation. */
    public static final int MAX_DNS_TERMS = 10;
    /** RFC 7208 4.6.4: lookups that may return NXDOMAIN or no answer. */
    public static final int MAX_VOID_LOOKUPS = 2;
    static final int MAX_MX_NAMES = 10;
    static final int MAX_PTR_NAMES = 10;
    static final String DEFAULT_EXPLANATION = "SPF check failed";

    private static final Pattern CIDR_SUFFIX = Pattern.compile("(?:/(\\d{1,3}))?(?://(\\d{1,3}))?$");
    private static final Pattern MODIFIER_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.\\-]*");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final Pattern TOPLABEL = Pattern.compile("(?=.*[A-Za-z])[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?");

    private final SpfDns dns;
    private final String receiver;
    private final Clock clock;

    /**
     * @param dns      where records come from
     * @param receiver our host name (the {@code %{r}} macro of explanations)
     */
    public SpfEvaluator(SpfDns dns, String receiver, Clock clock) {
        this.dns = dns;
        this.receiver = receiver;
        this.clock = clock;
    }

    /**
     * The MAIL FROM identity (RFC 7208 2.4), or the HELO identity when the sender is null (2.3):
     * {@code check_host(ip, domain, sender)}.
     *
     * @param sender the envelope sender ({@code user@domain}), or null/empty for {@code <>}
     * @param helo   the HELO name (also the {@code %{h}} macro); may be null
     */
    public SpfResult check(InetAddress ip, String sender, String helo) {
        boolean heloIdentity = sender == null || sender.isEmpty();
        String identity = heloIdentity ? "helo" : "mailfrom";
        String s = heloIdentity ? "postmaster@" + (helo == null ? "" : helo) : sender;
        int at = s.lastIndexOf('@');
        String local = at <= 0 ? "postmaster" : s.substring(0, at);
        String domain = at < 0 ? "" : s.substring(at + 1).toLowerCase(Locale.ROOT);
        if (domain.endsWith(".")) domain = domain.substring(0, domain.length() - 1);
        if (!validDomain(domain)) return new SpfResult(Result.NONE, identity, domain, s, null, "not a domain name");
        Run run = new Run(ip, local, domain, s, helo);
        Outcome o;
        try {
            o = run.evaluate(domain, true);
        } catch (SpfError e) {
            o = new Outcome(e.result, e.getMessage(), null);
        }
        String expl = o.result == Result.FAIL ? (o.explanation != null ? o.explanation : DEFAULT_EXPLANATION) : null;
        return new SpfResult(o.result, identity, domain, s, expl, o.reason);
    }

    /** A domain as check_host accepts it (4.3): several labels, none empty or over 63, at most 253 in all. */
    static boolean validDomain(String d) {
        if (d.isEmpty() || d.length() > 253 || d.startsWith("[") || d.indexOf('.') < 0) return false;
        for (String label : d.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) return false;
        }
        return true;
    }

    private record Outcome(Result result, String reason, String explanation) {}

    /** A result that ends the evaluation at once (temperror, permerror). */
    private static final class SpfError extends RuntimeException {
        final Result result;

        SpfError(Result result, String message) {
            super(message, null, false, false);
            this.result = result;
        }
    }

    private static SpfError perm(String m) { return new SpfError(Result.PERMERROR, m); }
    private static SpfError temp(String m) { return new SpfError(Result.TEMPERROR, m); }

    /** One mechanism or modifier of a record. */
    private record Term(char qualifier, String name, String domainSpec, int cidr4, int cidr6, byte[] network, String text) {}

    /** The counters and macro values of one check_host() call, nested evaluations included. */
    private final class Run {
        final InetAddress ip;
        final boolean v4;
        final String local;
        final String senderDomain;
        final String sender;
        final String helo;
        int dnsTerms;
        int voids;

        Run(InetAddress ip, String local, String senderDomain, String sender, String helo) {
            this.ip = ip;
            this.v4 = ip instanceof Inet4Address;
            this.local = local;
            this.senderDomain = senderDomain;
            this.sender = sender;
            this.helo = helo;
        }

        Outcome evaluate(String domain, boolean top) {
            String record = record(domain);
            if (record == null) return new Outcome(Result.NONE, "no SPF record at " + domain, null);
            List<Term> terms = parse(record);
            Term redirect = null;
            Term exp = null;
            for (Term t : terms) {
                if (t.name.equals("redirect")) redirect = t;
                else if (t.name.equals("exp")) exp = t;
            }
            for (Term t : terms) {
                if (t.qualifier == '=') continue;
                if (matches(t, domain)) {
                    Result r = switch (t.qualifier) {
                        case '-' -> Result.FAIL;
                        case '~' -> Result.SOFTFAIL;
                        case '?' -> Result.NEUTRAL;
                        default -> Result.PASS;
                    };
                    String expl = r == Result.FAIL && exp != null ? explanation(exp, domain) : null;
                    return new Outcome(r, "matched " + t.text + " at " + domain, expl);
                }
            }
            if (redirect != null) {
                countTerm();
                String target = expandDomain(redirect.domainSpec, domain);
                Outcome o = evaluate(target, false);
                if (o.result == Result.NONE) throw perm("redirect to " + target + " without an SPF record");
                return o;
            }
            return new Outcome(Result.NEUTRAL, "no mechanism matched at " + domain, null);
        }

        /** The domain's one SPF record, null when it has none (4.4, 4.5). */
        String record(String domain) {
            DnsResult r = dns.lookup(domain, Type.TXT).join();
            if (r.failed()) throw temp("TXT lookup of " + domain + " failed: " + r.detail());
            if (r.negative()) return null;
            String found = null;
            for (Record rec : r.records()) {
                if (!(rec instanceof TXTRecord txt)) continue;
                String text = String.join("", txt.getStrings());
                String lower = text.toLowerCase(Locale.ROOT);
                if (lower.equals("v=spf1") || lower.startsWith("v=spf1 ")) {
                    if (found != null) throw perm("more than one SPF record at " + domain);
                    found = text;
                }
            }
            return found;
        }

        List<Term> parse(String record) {
            List<Term> out = new ArrayList<>();
            boolean seenRedirect = false;
            boolean seenExp = false;
            String[] parts = record.substring(6).trim().split(" +");
            for (String p : parts) {
                if (p.isEmpty()) continue;
                int eq = -1;
                for (int i = 0; i < p.length(); i++) {
                    char ch = p.charAt(i);
                    if (ch == '=') {
                        eq = i;
                        break;
                    }
                    if (ch == ':' || ch == '/') break;
                }
                if (eq > 0) {
                    String name = p.substring(0, eq);
                    if (!MODIFIER_NAME.matcher(name).matches()) throw perm("bad term '" + p + "'");
                    String value = p.substring(eq + 1);
                    String lname = name.toLowerCase(Locale.ROOT);
                    if (lname.equals("redirect") || lname.equals("exp")) {
                        if (lname.equals("redirect") ? seenRedirect : seenExp) throw perm("two " + lname + "= modifiers");
                        if (lname.equals("redirect")) seenRedirect = true;
                        else seenExp = true;
                        checkDomainSpec(value, p);
                        out.add(new Term('=', lname, value, 32, 128, null, p));
                    } else {
                        checkMacros(value, false, p); // unknown modifiers are ignored, but must be well formed
                    }
                    continue;
                }
                out.add(mechanism(p));
            }
            return out;
        }

        Term mechanism(String p) {
            char q = '+';
            String s = p;
            if ("+-~?".indexOf(s.charAt(0)) >= 0) {
                q = s.charAt(0);
                s = s.substring(1);
            }
            int end = 0;
            while (end < s.length() && s.charAt(end) != ':' && s.charAt(end) != '/') end++;
            String name = s.substring(0, end).toLowerCase(Locale.ROOT);
            String rest = s.substring(end);
            switch (name) {
                case "all" -> {
                    if (!rest.isEmpty()) throw perm("bad term '" + p + "'");
                    return new Term(q, name, null, 32, 128, null, p);
                }
                case "include", "exists" -> {
                    if (!rest.startsWith(":") || rest.length() == 1) throw perm("'" + p + "' needs a domain");
                    String spec = rest.substring(1);
                    checkDomainSpec(spec, p);
                    return new Term(q, name, spec, 32, 128, null, p);
                }
                case "a", "mx", "ptr" -> {
                    Matcher m = CIDR_SUFFIX.matcher(rest);
                    int c4 = 32;
                    int c6 = 128;
                    String spec = rest;
                    if (!name.equals("ptr") && m.find() && m.start() >= 0 && (m.group(1) != null || m.group(2) != null)) {
                        spec = rest.substring(0, m.start());
                        if (m.group(1) != null) c4 = cidr(m.group(1), 32, p);
                        if (m.group(2) != null) c6 = cidr(m.group(2), 128, p);
                    }
                    String domainSpec = null;
                    if (!spec.isEmpty()) {
                        if (!spec.startsWith(":") || spec.length() == 1) throw perm("bad term '" + p + "'");
                        domainSpec = spec.substring(1);
                        checkDomainSpec(domainSpec, p);
                    }
                    return new Term(q, name, domainSpec, c4, c6, null, p);
                }
                case "ip4", "ip6" -> {
                    if (!rest.startsWith(":")) throw perm("'" + p + "' needs an address");
                    String a = rest.substring(1);
                    int slash = a.indexOf('/');
                    boolean four = name.equals("ip4");
                    int max = four ? 32 : 128;
                    int c = slash < 0 ? max : cidr(a.substring(slash + 1), max, p);
                    String addr = slash < 0 ? a : a.substring(0, slash);
                    byte[] net = literal(addr, four);
                    if (net == null) throw perm("bad address in '" + p + "'");
                    return new Term(q, name, null, four ? c : 32, four ? 128 : c, net, p);
                }
                default -> throw perm("unknown mechanism '" + p + "'");
            }
        }

        int cidr(String digits, int max, String term) {
            if (digits.isEmpty() || digits.length() > 1 && digits.charAt(0) == '0') throw perm("bad prefix in '" + term + "'");
            int n;
            try {
                n = Integer.parseInt(digits);
            } catch (NumberFormatException e) {
                throw perm("bad prefix in '" + term + "'");
            }
            if (n > max) throw perm("bad prefix in '" + term + "'");
            return n;
        }

        boolean matches(Term t, String domain) {
            switch (t.name) {
                case "all" -> {
                    return true;
                }
                case "ip4", "ip6" -> {
                    if (t.name.equals("ip4") != v4) return false;
                    return inNetwork(ip.getAddress(), t.network, v4 ? t.cidr4 : t.cidr6);
                }
                case "a" -> {
                    countTerm();
                    String target = t.domainSpec == null ? domain : expandDomain(t.domainSpec, domain);
                    DnsResult r = addressLookup(target, true);
                    return anyInNetwork(r, v4 ? t.cidr4 : t.cidr6);
                }
                case "mx" -> {
                    countTerm();
                    String target = t.domainSpec == null ? domain : expandDomain(t.domainSpec, domain);
                    DnsResult r = lookup(target, Type.MX, true);
                    List<String> hosts = new ArrayList<>();
                    for (Record rec : r.records()) {
                        if (rec instanceof MXRecord mx) hosts.add(mx.getTarget().toString(true));
                    }
                    if (hosts.size() > MAX_MX_NAMES) throw perm("mx:" + target + " has more than " + MAX_MX_NAMES + " names");
                    List<CompletableFuture<DnsResult>> asked = new ArrayList<>();
                    for (String h : hosts) asked.add(dns.lookup(h, v4 ? Type.A : Type.AAAA));
                    for (int i = 0; i < asked.size(); i++) {
                        DnsResult a = asked.get(i).join();
                        if (a.failed()) throw temp("address lookup of " + hosts.get(i) + " failed: " + a.detail());
                        if (anyInNetwork(a, v4 ? t.cidr4 : t.cidr6)) return true;
                    }
                    return false;
                }
                case "ptr" -> {
                    countTerm();
                    String target = (t.domainSpec == null ? domain : expandDomain(t.domainSpec, domain)).toLowerCase(Locale.ROOT);
                    for (String name : validatedNames()) {
                        if (name.equals(target) || name.endsWith("." + target)) return true;
                    }
                    return false;
                }
                case "exists" -> {
                    countTerm();
                    String target = expandDomain(t.domainSpec, domain);
                    DnsResult r = lookup(target, Type.A, true);
                    return r.status() == DnsResult.Status.ANSWER;
                }
                case "include" -> {
                    countTerm();
                    String target = expandDomain(t.domainSpec, domain);
                    Outcome o = evaluate(target, false);
                    return switch (o.result) {
                        case PASS -> true;
                        case FAIL, SOFTFAIL, NEUTRAL -> false;
                        case TEMPERROR -> throw temp(o.reason);
                        case PERMERROR -> throw perm(o.reason);
                        case NONE -> throw perm("include:" + target + " has no SPF record");
                    };
                }
                default -> throw new IllegalStateException(t.name);
            }
        }

        void countTerm() {
            if (++dnsTerms > MAX_DNS_TERMS) throw perm("more than " + MAX_DNS_TERMS + " DNS-querying terms");
        }

        DnsResult addressLookup(String name, boolean countVoid) {
            return lookup(name, v4 ? Type.A : Type.AAAA, countVoid);
        }

        /** A mechanism's own query: errors are temperror, empty answers count toward the void limit. */
        DnsResult lookup(String name, int type, boolean countVoid) {
            DnsResult r = dns.lookup(name, type).join();
            if (r.failed()) throw temp(Type.string(type) + " lookup of " + name + " failed: " + r.detail());
            if (r.negative() && countVoid && ++voids > MAX_VOID_LOOKUPS) {
                throw perm("more than " + MAX_VOID_LOOKUPS + " void lookups");
            }
            return r;
        }

        boolean anyInNetwork(DnsResult r, int prefix) {
            byte[] a = ip.getAddress();
            for (InetAddress x : r.addresses()) {
                if (inNetwork(a, x.getAddress(), prefix)) return true;
            }
            return false;
        }

        /** The client's PTR names whose A/AAAA records include its address (5.5); DNS errors just drop names. */
        List<String> validatedNames() {
            DnsResult ptr = dns.lookup(ReverseMap.fromAddress(ip).toString(), Type.PTR).join();
            if (ptr.status() != DnsResult.Status.ANSWER) return List.of();
            List<String> names = new ArrayList<>();
            for (Record rec : ptr.records()) {
                if (rec instanceof PTRRecord p && names.size() < MAX_PTR_NAMES) {
                    names.add(p.getTarget().toString(true).toLowerCase(Locale.ROOT));
                }
            }
            List<CompletableFuture<DnsResult>> asked = new ArrayList<>();
            for (String n : names) asked.add(dns.lookup(n, v4 ? Type.A : Type.AAAA));
            List<String> ok = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                if (asked.get(i).join().addresses().contains(ip)) ok.add(names.get(i));
            }
            return ok;
        }

        String explanation(Term exp, String domain) {
            try {
                String target = expandDomain(exp.domainSpec, domain);
                DnsResult r = dns.lookup(target, Type.TXT).join();
                if (r.status() != DnsResult.Status.ANSWER || r.records().size() != 1
                        || !(r.records().get(0) instanceof TXTRecord txt)) {
                    return null;
                }
                String text = String.join("", txt.getStrings());
                return expand(text, domain, true);
            } catch (SpfError e) {
                return null; // a broken explanation is no explanation (6.2)
            }
        }

        // ---- macros (7) ----

        void checkDomainSpec(String spec, String term) {
            checkMacros(spec, false, term);
            if (spec.endsWith("}") || spec.endsWith("%%") || spec.endsWith("%_") || spec.endsWith("%-")) return;
            String s = spec.endsWith(".") ? spec.substring(0, spec.length() - 1) : spec;
            int dot = s.lastIndexOf('.');
            if (dot < 0 || !TOPLABEL.matcher(s.substring(dot + 1)).matches()) throw perm("bad domain in '" + term + "'");
        }

        void checkMacros(String s, boolean exp, String term) {
            expandOrCheck(s, "", exp, false, term);
        }

        String expandDomain(String spec, String domain) {
            String d = expand(spec, domain, false);
            if (d.endsWith(".")) d = d.substring(0, d.length() - 1);
            while (d.length() > 253) {
                int dot = d.indexOf('.');
                if (dot < 0) break;
                d = d.substring(dot + 1);
            }
            return d;
        }

        String expand(String s, String domain, boolean exp) {
            return expandOrCheck(s, domain, exp, true, s);
        }

        String expandOrCheck(String s, String domain, boolean exp, boolean expand, String term) {
            StringBuilder out = new StringBuilder(s.length() + 16);
            int i = 0;
            while (i < s.length()) {
                char ch = s.charAt(i);
                if (ch != '%') {
                    if (!exp && (ch < 0x21 || ch > 0x7e)) throw perm("bad character in '" + term + "'");
                    out.append(ch);
                    i++;
                    continue;
                }
                if (i + 1 >= s.length()) throw perm("bad macro in '" + term + "'");
                char n = s.charAt(i + 1);
                if (n == '%') out.append('%');
                else if (n == '_') out.append(' ');
                else if (n == '-') out.append("%20");
                else if (n == '{') {
                    int close = s.indexOf('}', i);
                    if (close < 0) throw perm("bad macro in '" + term + "'");
                    out.append(macro(s.substring(i + 2, close), domain, exp, expand, term));
                    i = close + 1;
                    continue;
                } else {
                    throw perm("bad macro in '" + term + "'");
                }
                i += 2;
            }
            return out.toString();
        }

        String macro(String body, String domain, boolean exp, boolean expand, String term) {
            if (body.isEmpty()) throw perm("bad macro in '" + term + "'");
            char letter = body.charAt(0);
            char lower = Character.toLowerCase(letter);
            if ("slodipvh".indexOf(lower) < 0 && !(exp && "crt".indexOf(lower) >= 0)) throw perm("bad macro in '" + term + "'");
            int j = 1;
            while (j < body.length() && Character.isDigit(body.charAt(j))) j++;
            String digits = body.substring(1, j);
            boolean reverse = j < body.length() && Character.toLowerCase(body.charAt(j)) == 'r';
            if (reverse) j++;
            String delims = body.substring(j);
            for (char c : delims.toCharArray()) {
                if (".-+,/_=".indexOf(c) < 0) throw perm("bad macro in '" + term + "'");
            }
            int keep = -1;
            if (!digits.isEmpty()) {
                if (digits.length() > 3) throw perm("bad macro in '" + term + "'");
                keep = Integer.parseInt(digits);
                if (keep == 0) throw perm("bad macro in '" + term + "'");
            }
            if (!expand) return "";
            String value = switch (lower) {
                case 's' -> sender;
                case 'l' -> local;
                case 'o' -> senderDomain;
                case 'd' -> domain;
                case 'i' -> dotted(ip);
                case 'p' -> pName(domain);
                case 'v' -> v4 ? "in-addr" : "ip6";
                case 'h' -> helo == null || helo.isEmpty() ? "unknown" : helo;
                case 'c' -> ip.getHostAddress();
                case 'r' -> receiver;
                case 't' -> Long.toString(clock.instant().getEpochSecond());
                default -> throw new IllegalStateException();
            };
            List<String> parts = split(value, delims.isEmpty() ? "." : delims);
            if (reverse) Collections.reverse(parts);
            if (keep > 0 && keep < parts.size()) parts = parts.subList(parts.size() - keep, parts.size());
            String v = String.join(".", parts);
            if (Character.isUpperCase(letter)) v = URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20");
            return v;
        }

        /** %{p}: a validated name of the client, preferring the domain itself, then its subdomains (7.3). */
        String pName(String domain) {
            List<String> names = validatedNames();
            String d = domain.toLowerCase(Locale.ROOT);
            for (String n : names) if (n.equals(d)) return n;
            for (String n : names) if (n.endsWith("." + d)) return n;
            return names.isEmpty() ? "unknown" : names.get(0);
        }
    }

    static List<String> split(String value, String delims) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            if (delims.indexOf(value.charAt(i)) >= 0) {
                parts.add(value.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(value.substring(start));
        return parts;
    }

    /** %{i}: dotted quad, or 32 dot-separated nibbles for IPv6 (7.3). */
    static String dotted(InetAddress ip) {
        byte[] a = ip.getAddress();
        if (a.length == 4) return ip.getHostAddress();
        StringBuilder sb = new StringBuilder(63);
        for (byte b : a) {
            if (!sb.isEmpty()) sb.append('.');
            sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append('.').append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }

    static boolean inNetwork(byte[] addr, byte[] net, int prefix) {
        if (addr.length != net.length) return false;
        int full = prefix / 8;
        for (int i = 0; i < full; i++) if (addr[i] != net[i]) return false;
        int rest = prefix % 8;
        if (rest == 0) return true;
        int mask = 0xff << (8 - rest) & 0xff;
        return (addr[full] & mask) == (net[full] & mask);
    }

    /** An ip4/ip6 literal as bytes, null when it is not one of the asked family. */
    static byte[] literal(String text, boolean four) {
        if (four) {
            if (!IPV4.matcher(text).matches()) return null;
            byte[] b = new byte[4];
            String[] p = text.split("\\.");
            for (int i = 0; i < 4; i++) {
                int v = Integer.parseInt(p[i]);
                if (v > 255) return null;
                b[i] = (byte) v;
            }
            return b;
        }
        if (text.indexOf(':') < 0 || !IPV6_CHARS.matcher(text).matches()) return null;
        try {
            byte[] b = InetAddress.getByName(text).getAddress();
            return b.length == 16 ? b : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
