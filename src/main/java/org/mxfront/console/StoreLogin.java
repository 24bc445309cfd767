// Console logins for the policy store's users (the API's users table): the name, and one of the
// user's API tokens (mxf_...) as the password — the store keeps no passwords, only Argon2id hashes of
// token secrets. The role, domains and address are the store's, so the console shows a user exactly
// what the API lets them change. A store that does not answer refuses the login.
package org.mxfront.console;

import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import org.mxfront.store.PolicyStore;
import org.mxfront.store.PolicyStoreService;
import org.mxfront.store.Tokens;

/** Store users, authenticated by one of their API tokens. */
public final class StoreLogin implements Authenticator {
    private final PolicyStoreService service;

    public StoreLogin(PolicyStoreService service) {
        this.service = service;
    }

    @Override
    public Optional<Principal> authenticate(String name, char[] password) throws Unavailable {
        Tokens.Parsed t = Tokens.parse(new String(password));
        if (t == null) return Optional.empty();
        try {
            Optional<PolicyStore.Token> token = service.store().token(t.id());
            if (token.isEmpty() || !token.get().user().equalsIgnoreCase(name) || !Tokens.verify(t.secret(), token.get().hash())) {
                return Optional.empty();
            }
            if (token.get().expiresAt() != null && !Instant.now().isBefore(token.get().expiresAt())) return Optional.empty();
            Optional<PolicyStore.User> u = service.store().user(token.get().user());
            if (u.isEmpty()) return Optional.empty();
            Role role = Role.of(u.get().role());
            return Optional.of(new Principal(u.get().name(), role,
                    role == Role.DOMAIN_ADMIN ? new HashSet<>(u.get().domains()) : java.util.Set.of(),
                    role == Role.USER ? u.get().address().toLowerCase(Locale.ROOT) : null));
        } catch (SQLException e) {
            throw new Unavailable("the policy store does not answer: " + e.getMessage(), e);
        }
    }
}
