// How greylisting names a client and a tuple: the client's network (IPv4 /24, IPv6 /64) or the
// organisational domain of its verified reverse name, and the sender normalized as postgrey does
// (lower case, BATV and SRS unwrapped, +extension stripped, stand-alone numbers folded to '#').
package org.mxfront.checks.greylist;

import com.google.common.net.InternetDomainName;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mxfront.mail.Mailbox;
import org.mxfront.net.Networks;

/** Key building for greylisting. Stateless. */
public final class TupleKeys {
    private TupleKeys() {}

    private static final Pattern BATV = Pattern.compile("(?:prvs|msprvs1)=[^=@]+=(.+)");
    private static final Pattern SRS0 = Pattern.compile("srs0[=+-][^=]*=[^=]*=([^=]+)=(.+)");
    private static final Pattern SRS1 = Pattern.compile("srs1[=+-][^=]*=[^=]+=[=+-][^=]*=[^=]*=([^=]+)=(.+)");
    private static final Pattern NUMBER = Pattern.compile("\\b\\d+\\b");

    /** The network of an address as text: {@code 192.0.2.0/24}, {@code 2001:db8:1:2::/64}. */
    public static String network(InetAddress address, int ipv4Prefix, int ipv6Prefix) {
        if (address instanceof Inet4Address) {
            // the common case, without the general parser: mask the bytes and print them
            byte[] b = address.getAddress();
            int v = ((b[0] & 255) << 24) | ((b[1] & 255) << 16) | ((b[2] & 255) << 8) | (b[3] & 255);
            v &= ipv4Prefix == 0 ? 0 : -1 << (32 - ipv4Prefix);
            return ((v >>> 24) & 255) + "." + ((v >>> 16) & 255) + "." + ((v >>> 8) & 255) + "." + (v & 255) + "/" + ipv4Prefix;
        }
        IPAddress a = new IPAddressString(Networks.text(address)).getAddress();
        return a.isIPv4() ? a.toPrefixBlock(ipv4Prefix).toCanonicalString()
                : a.toPrefixBlock(ipv6Prefix).toCompressedString();
    }

    /**
     * The organisational domain of a host name (the registrable domain by the Public Suffix List:
     * {@code mail-a.outbound.protection.outlook.com} gives {@code outlook.com}); null when the name
     * has none (a bare public suffix, not a domain name).
     */
    public static String organisationalDomain(String hostname) {
        if (hostname == null) return null;
        String h = hostname.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        try {
            InternetDomainName d = InternetDomainName.from(h);
            if (d.isUnderPublicSuffix()) return d.topPrivateDomain().toString();
            return null;
        } catch (IllegalArgumentException | IllegalStateException e) {
            return null;
        }
    }

    /** The sender as the tuple holds it; the null sender is the empty string. */
    public static String sender(Mailbox sender, GreylistConfig.SenderNormalization n) {
        if (sender == null || sender.isNullSender()) return "";
        String local = sender.plainLocalPart();
        String domain = sender.domain().toLowerCase(Locale.ROOT);
        if (n.unwrapBatv() && (local.startsWith("prvs=") || local.startsWith("msprvs1="))) {
            Matcher m = BATV.matcher(local);
            if (m.matches()) local = m.group(1);
        }
        if (n.unwrapSrs() && local.startsWith("srs")) {
            Matcher m1 = SRS1.matcher(local);
            Matcher m0 = SRS0.matcher(local);
            if (m1.matches()) {
                domain = m1.group(1);
                local = m1.group(2);
            } else if (m0.matches()) {
                domain = m0.group(1);
                local = m0.group(2);
            }
        }
        if (n.stripExtension()) {
            int plus = local.indexOf('+');
            if (plus > 0) local = local.substring(0, plus);
        }
        if (n.foldDigits() && hasDigit(local)) local = NUMBER.matcher(local).replaceAll("#");
        return local + "@" + domain;
    }

    private static boolean hasDigit(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') return true;
        }
        return false;
    }

    /** The recipient as the tuple holds it: lower-cased, unquoted. */
    public static String recipient(Mailbox r) {
        return r.plainLocalPart() + "@" + r.domain().toLowerCase(Locale.ROOT);
    }
}
