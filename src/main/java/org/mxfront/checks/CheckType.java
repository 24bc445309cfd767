// Binds a check's configuration key to its config record and constructor, and names the checks
// whose results it reads at the same stage (they must be listed, and so run, before it).
package org.mxfront.checks;

import java.util.List;
import java.util.function.BiFunction;
import org.mxfront.policy.Check;

/**
 * A kind of check as the configuration names it.
 *
 * @param name       the key under {@code checks:} (e.g. {@code helo})
 * @param configType the record the check's settings bind to; omitted settings take the record's defaults
 * @param factory    builds a check from its settings
 * @param after      checks that, when configured, must come before this one in the list: the engine runs
 *                   a stage's checks in list order, and this check reads what they leave in the session
 *                   state at that stage (dmarc reads dkim's results at end of DATA)
 */
public record CheckType<C>(String name, Class<C> configType, BiFunction<C, CheckContext, Check> factory,
        List<String> after) {
    public CheckType(String name, Class<C> configType, BiFunction<C, CheckContext, Check> factory) {
        this(name, configType, factory, List.of());
    }

    public CheckType {
        after = List.copyOf(after);
    }

    /** The same kind, listed after these checks. */
    public CheckType<C> after(String... names) {
        return new CheckType<>(name, configType, factory, List.of(names));
    }

    @SuppressWarnings("unchecked")
    public Check create(Object config, CheckContext ctx) {
        return factory.apply((C) config, ctx);
    }
}
