package dev.countersign.local.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** A real PostgreSQL server from zonky's binaries, with a throw-away data directory. */
public final class LocalPostgres implements AutoCloseable, FaultHandle {

    private final EmbeddedPostgres postgres;
    private final PostgresEndpoint endpoint;
    private final Path dataDir;
    /** The postmaster started by {@link #restart()}, if any; a child of this JVM rather than pg_ctl's. */
    private Process restarted;
    private List<String> commandLine;

    private LocalPostgres(EmbeddedPostgres postgres, PostgresEndpoint endpoint, Path dataDir) {
        this.postgres = postgres;
        this.endpoint = endpoint;
        this.dataDir = dataDir;
    }

    /**
     * @param dataDir  removed again on close
     * @param binaries where the binaries are unpacked; kept between runs as a cache
     */
    public static LocalPostgres start(Path dataDir, Path binaries, String password) {
        // zonky's builder creates its default working directory (java.io.tmpdir/embedded-pg) before
        // any override applies; point the default at the cache, so nothing lands in the temp dir.
        System.setProperty("ot.epg.working-dir", binaries.toString());
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setPort(FreePorts.pick())
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(true)
                    .setOverrideWorkingDirectory(binaries.toFile())
                    // A throw-away server: durability buys nothing here and costs seconds per test run.
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .start();
            try (Connection c = postgres.getPostgresDatabase().getConnection();
                    Statement s = c.createStatement()) {
                s.execute("CREATE ROLE " + PostgresEndpoint.DEFAULT_USER + " LOGIN PASSWORD '" + password + "'");
                s.execute("CREATE DATABASE " + PostgresEndpoint.DEFAULT_DATABASE
                        + " OWNER " + PostgresEndpoint.DEFAULT_USER);
            }
            return new LocalPostgres(postgres, new PostgresEndpoint("127.0.0.1", postgres.getPort(),
                    PostgresEndpoint.DEFAULT_DATABASE, PostgresEndpoint.DEFAULT_USER, password), dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start", e);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL setup failed", e);
        }
    }

    /**
     * The postmaster's process id (the first line of its {@code postmaster.pid}): pg_ctl detaches
     * the server, so it is no descendant of this JVM.
     */
    public Optional<Long> serverPid() {
        try (Stream<String> lines = Files.lines(dataDir.resolve("postmaster.pid"))) {
            return lines.findFirst().map(String::strip).filter(s -> s.matches("[0-9]+")).map(Long::valueOf);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public PostgresEndpoint endpoint() {
        return endpoint;
    }

    @Override
    public synchronized long pid() {
        return serverPid().orElseThrow(() -> new IllegalStateException("PostgreSQL is not running"));
    }

    /** Freezes the postmaster first (no new backends), then every backend and helper process. */
    @Override
    public synchronized void pause() {
        Signals.send("STOP", Signals.tree(pid()));
    }

    /** Thaws the backends, then the postmaster. */
    @Override
    public synchronized void resume() {
        List<Long> tree = new ArrayList<>(Signals.tree(pid()));
        java.util.Collections.reverse(tree);
        Signals.send("CONT", tree);
    }

    /** SIGKILL to the postmaster and its backends: a crash, recovered from the WAL at {@link #restart()}. */
    @Override
    public synchronized void kill() {
        long pid = pid();
        commandLine = commandLine(pid);
        Signals.killTree(pid);
    }

    /** Starts the postmaster again with the command line it had (same port, data and settings) and waits until it accepts logins. */
    @Override
    public synchronized void restart() {
        if (commandLine == null) {
            throw new IllegalStateException("restart() follows kill()");
        }
        try {
            restarted = new ProcessBuilder(commandLine).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolveSibling(dataDir.getFileName() + "-restarted.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start again", e);
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        for (;;) {
            try (Connection c = DriverManager.getConnection(endpoint.jdbcUrl(), endpoint.username(), endpoint.password())) {
                return;
            } catch (SQLException notYet) {
                if (!restarted.isAlive() || Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("PostgreSQL did not accept logins again", notYet);
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** {@code /proc/<pid>/cmdline}: the postgres binary with the data directory, port and settings pg_ctl gave it. */
    private static List<String> commandLine(long pid) {
        try {
            String raw = Files.readString(Path.of("/proc/" + pid + "/cmdline"));
            return List.of(raw.split("\0"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read PostgreSQL's command line", e);
        }
    }

    @Override
    public synchronized void close() {
        if (restarted != null) {
            // Ours, not pg_ctl's: SIGTERM is PostgreSQL's smart shutdown.
            restarted.destroy();
            try {
                if (!restarted.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    restarted.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
