// Sender normalization as postgrey does it (table), client networks (IPv4 /24, IPv6 /64,
// IPv4-mapped IPv6) and organisational domains from reverse names.
package org.mxfront.checks.greylist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mxfront.checks.CheckFixtures;
import org.mxfront.mail.Mailbox;

class TupleKeysTest {
    static final GreylistConfig.SenderNormalization ALL = new GreylistConfig.SenderNormalization(null, null, null, null);
    static final GreylistConfig.SenderNormalization NONE = new GreylistConfig.SenderNormalization(false, false, false, false);

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "Alice@Example.COM|alice@example.com",
            "prvs=1234abcdef=alice@example.com|alice@example.com",
            "PRVS=0123ABCDEF=Alice@Example.com|alice@example.com",
            "msprvs1=19322J6TNcLkd=bounces-123@bounce.example.com|bounces-#@bounce.example.com",
            "SRS0=HHH=TT=orig.example=alice@forwarder.example|alice@orig.example",
            "SRS0+x1Yz=2B=orig.example=alice@forwarder.example|alice@orig.example",
            "SRS1=HHH=first.example==HHH=TT=orig.example=alice@second.example|alice@orig.example",
            "alice+newsletter@example.com|alice@example.com",
            "alice+tag+more@example.com|alice@example.com",
            "bounce-12345-678@lists.example|bounce-#-#@lists.example",
            "user123@example.com|user123@example.com",
            "2024.report@example.com|#.report@example.com",
            "prvs=1234abcdef=list+bob=example.org-42@lists.example|list@lists.example",
            "+only@example.com|+only@example.com"})
    void senderNormalization(String in, String out) {
        assertEquals(out, TupleKeys.sender(CheckFixtures.mailbox(in), ALL));
    }

    @Test
    void eachNormalizationHasItsOwnSwitch() {
        Mailbox m = CheckFixtures.mailbox("prvs=1234abcdef=Bob+x-42@Example.com");
        assertEquals("prvs=1234abcdef=bob+x-42@example.com", TupleKeys.sender(m, NONE));
        assertEquals("bob+x-42@example.com", TupleKeys.sender(m, new GreylistConfig.SenderNormalization(true, false, false, false)));
        assertEquals("bob@example.com", TupleKeys.sender(m, new GreylistConfig.SenderNormalization(true, false, true, false)));
        assertEquals("prvs=1234abcdef=bob+x-#@example.com", TupleKeys.sender(m, new GreylistConfig.SenderNormalization(false, false, false, true)));
        Mailbox srs = CheckFixtures.mailbox("SRS0=HHH=TT=orig.example=alice@fwd.example");
        assertEquals("srs0=hhh=tt=orig.example=alice@fwd.example", TupleKeys.sender(srs, NONE));
    }

    @Test
    void nullSenderIsEmpty() {
        assertEquals("", TupleKeys.sender(Mailbox.NULL_SENDER, ALL));
    }

    @Test
    void quotedLocalPartsAreUnquoted() {
        assertEquals("a b@example.com", TupleKeys.sender(new Mailbox("\"A B\"", "example.com", false), ALL));
        assertEquals("bob@example.com", TupleKeys.recipient(new Mailbox("Bob", "Example.COM", false)));
    }

    @ParameterizedTest(name = "{0}/{1},{2} -> {3}")
    @CsvSource({
            "192.0.2.77,24,64,192.0.2.0/24",
            "192.0.2.77,32,64,192.0.2.77/32",
            "198.51.100.200,16,64,198.51.0.0/16",
            "2001:db8:1:2:aaaa:bbbb:cccc:dddd,24,64,2001:db8:1:2::/64",
            "2001:db8:1:2::1,24,64,2001:db8:1:2::/64",
            "2001:db8:1:3::1,24,64,2001:db8:1:3::/64",
            "2001:db8:1:2:aaaa::1,24,48,2001:db8:1::/48",
            "::ffff:192.0.2.77,24,64,192.0.2.0/24"})
    void clientNetworks(String ip, int v4, int v6, String network) {
        assertEquals(network, TupleKeys.network(CheckFixtures.address(ip), v4, v6));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "mail-eopbgr80052.outbound.protection.outlook.com,outlook.com",
            "a48-93.smtp-out.amazonses.com,amazonses.com",
            "mail-sor-f41.google.com.,google.com",
            "mx.example.co.uk,example.co.uk",
            "mail.city.kawasaki.jp,city.kawasaki.jp"})
    void organisationalDomains(String name, String org) {
        assertEquals(org, TupleKeys.organisationalDomain(name));
    }

    @Test
    void noOrganisationalDomainForSuffixesAndJunk() {
        assertNull(TupleKeys.organisationalDomain("co.uk"));
        assertNull(TupleKeys.organisationalDomain("not a name"));
        assertNull(TupleKeys.organisationalDomain(null));
    }
}
