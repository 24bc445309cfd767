// Known phishing addresses (XM-RJCT12): the envelope sender at MAIL, and the addresses of the
// From: and Reply-To: fields at DATA (a phisher's reply address is what the list is for). Entries
// come from the operators' list files, re-read on every configuration reload (SIGHUP).
package org.mxfront.checks.phishing;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.mxfront.checks.CheckContext;
import org.mxfront.codes.Code;
import org.mxfront.dmarc.FromAddresses;
import org.mxfront.lists.AddressList;
import org.mxfront.policy.Check;
import org.mxfront.policy.Facts;
import org.mxfront.policy.HeaderSection;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

/** The phishing-address check, at MAIL and at the end of the header section. Thread-safe. */
public final class PhishingCheck implements Check {
    private final PhishingConfig config;
    private final AddressList list;

    public PhishingCheck(PhishingConfig config, CheckContext ctx) {
        if (config.files().isEmpty()) throw new IllegalArgumentException("files: at least one list file is needed");
        this.config = config;
        this.list = AddressList.read(config.files().stream().map(Path::of).toList());
    }

    @Override
    public Set<Stage> stages() { return Set.of(Stage.MAIL, Stage.HEADERS); }

    @Override
    public Verdict evaluate(Stage stage, Facts f) {
        if (stage == Stage.MAIL) {
            if (f.sender() == null || f.sender().isNullSender()) return Verdict.CONTINUE;
            return listed(f.sender().address());
        }
        HeaderSection h = f.headers();
        if (h == null) return Verdict.CONTINUE;
        for (HeaderSection.Field field : h.fields()) {
            if (!wanted(field.name())) continue;
            for (String a : FromAddresses.parse(field.value())) {
                Verdict v = listed(a);
                if (v.negative()) return v;
            }
        }
        return Verdict.CONTINUE;
    }

    private boolean wanted(String name) {
        for (String n : config.headers()) if (n.equalsIgnoreCase(name)) return true;
        return false;
    }

    private Verdict listed(String address) {
        return list.match(address) == null ? Verdict.CONTINUE
                : Verdict.reject(Code.PHISHING_ADDRESS, Map.of("address", address));
    }
}
