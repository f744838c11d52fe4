package dev.countersign.local.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.stream.Stream;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** A real PostgreSQL server from zonky's binaries, with a throw-away data directory. */
public final class LocalPostgres implements AutoCloseable {

    private final EmbeddedPostgres postgres;
    private final PostgresEndpoint endpoint;
    private final Path dataDir;

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
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
