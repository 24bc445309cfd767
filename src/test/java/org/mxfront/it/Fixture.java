// The start-up chain the real-process ITs share (a work directory, then smtp-sink, Postfix, rbldnsd,
// nsd, clamd, redis, mxfront; closed in reverse order) as JUnit 5 extensions, instead of the same
// @BeforeAll/@AfterAll copied into each IT. A fixture in a static @RegisterExtension field lives
// for the test class, one in an instance field for each test. It starts what it depends on first,
// whatever order JUnit calls the extensions in, and skips the tests when its program is missing; so a
// fixture that only serves another (Postfix's sink, mxfront's Postfix) needs no registration of its own.
package org.mxfront.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real process (or an in-process mxfront) that tests use, started before them and closed after.
 *
 * @param <T> the running thing ({@link SmtpSink}, {@link PostfixInstance}, {@link Mxfront} ...)
 */
abstract class Fixture<T extends AutoCloseable> implements BeforeAllCallback, BeforeEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(Fixture.class);

    private final List<Fixture<?>> dependencies;
    private final Starter<T> starter;
    private final Supplier<String> missing;
    private T running;

    /** How a fixture starts its thing in a directory of its own. */
    @FunctionalInterface
    interface Starter<T> {
        T start(Path dir) throws Exception;
    }

    /** For a subclass that overrides {@link #start} (and {@link #missing} if it can be missing). */
    Fixture(Fixture<?>... dependencies) {
        this(null, () -> null, dependencies);
    }

    /** Started by {@code starter}, skipped when {@code missing} gives a reason (see {@link #missing()}). */
    Fixture(Starter<T> starter, Supplier<String> missing, Fixture<?>... dependencies) {
        this.starter = starter;
        this.missing = missing;
        this.dependencies = List.of(dependencies);
    }

    /** Starts the thing in a directory of its own (created for it, readable by the users daemons drop to). */
    T start(Path dir) throws Exception {
        if (starter == null) throw new IllegalStateException(getClass().getSimpleName() + " overrides neither start nor passes a starter");
        return starter.start(dir);
    }

    /** Null when the fixture can run on this machine, else why not: the tests are then skipped. */
    String missing() {
        return missing.get();
    }

    /** For {@link #missing()}: null if the program is installed, else the Debian package to install. */
    static String missingProgram(String path, String debianPackage) {
        return Files.isExecutable(Path.of(path)) ? null : "needs " + path + " (Debian's " + debianPackage + " package)";
    }

    /** The running thing. */
    final T get() {
        if (running == null) {
            throw new IllegalStateException(getClass().getSimpleName() + " is not running: is it a @RegisterExtension field?");
        }
        return running;
    }

    @Override
    public final void beforeAll(ExtensionContext context) throws Exception {
        ensureStarted(context);
    }

    @Override
    public final void beforeEach(ExtensionContext context) throws Exception {
        ensureStarted(context); // a no-op for a class fixture, already started
    }

    private void ensureStarted(ExtensionContext context) throws Exception {
        if (running != null) return;
        String why = missing();
        assumeTrue(why == null, why);
        for (Fixture<?> d : dependencies) d.ensureStarted(context);
        Scope scope = context.getStore(NS).getOrComputeIfAbsent("scope " + context.getUniqueId(), k -> new Scope(), Scope.class);
        T t = start(scope.directory(getClass().getSimpleName()));
        running = t;
        scope.closeAtEnd(() -> {
            running = null;
            t.close();
        });
    }

    /**
     * What one test class (or one test) started: closed newest first when JUnit closes its context,
     * after the @AfterAll (@AfterEach) methods, then its directory is deleted.
     */
    private static final class Scope implements ExtensionContext.Store.CloseableResource {
        private final Deque<AutoCloseable> started = new ArrayDeque<>();
        private Path dir;

        synchronized Path directory(String name) throws IOException {
            if (dir == null) dir = traversable(Files.createTempDirectory("mxfront-it-"));
            return traversable(Files.createTempDirectory(dir, name + "-"));
        }

        synchronized void closeAtEnd(AutoCloseable c) {
            started.push(c);
        }

        @Override
        public synchronized void close() throws Exception {
            Exception first = null;
            while (!started.isEmpty()) {
                try {
                    started.pop().close();
                } catch (Exception e) {
                    if (first == null) first = e;
                    else first.addSuppressed(e);
                }
            }
            if (dir != null) deleteQuietly(dir);
            if (first != null) throw first;
        }

        /** smtp-sink and rbldnsd run as nobody, Postfix's daemons as postfix: they must traverse the tree. */
        private static Path traversable(Path p) throws IOException {
            return Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }

        private static void deleteQuietly(Path root) {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException | RuntimeException e) {
                // best effort: a daemon may still be writing its last log line
            }
        }
    }
}
