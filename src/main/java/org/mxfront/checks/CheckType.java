// Binds a check's configuration key to its config record and constructor.
package org.mxfront.checks;

import java.util.function.BiFunction;
import org.mxfront.policy.Check;

/**
 * A kind of check as the configuration names it.
 *
 * @param name       the key under {@code checks:} (e.g. {@code helo})
 * @param configType the record the check's settings bind to; omitted settings take the record's defaults
 * @param factory    builds a check from its settings
 */
public record CheckType<C>(String name, Class<C> configType, BiFunction<C, CheckContext, Check> factory) {
    @SuppressWarnings("unchecked")
    public Check create(Object config, CheckContext ctx) {
        return factory.apply((C) config, ctx);
    }
}
