package dev.countersign.local.infra;

import java.net.URI;

/** Where a PostgreSQL database is, in the two URL forms the services need. */
public record PostgresEndpoint(String host, int port, String database, String username, String password) {

    static final String DEFAULT_DATABASE = "countersign";
    static final String DEFAULT_USER = "countersign";

    /** For Vert.x' reactive client (Hibernate Reactive). */
    public String reactiveUrl() {
        return "postgresql://" + host + ":" + port + "/" + database;
    }

    /** For Flyway, which migrates over JDBC. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** Parses {@code postgresql://user:password@host:port/database}, how an operator names their own server. */
    public static PostgresEndpoint parse(String url) {
        URI uri = URI.create(url);
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
            throw new IllegalArgumentException("Expected postgresql://user:password@host:port/database, got " + url);
        }
        String userInfo = uri.getUserInfo() == null ? DEFAULT_USER : uri.getUserInfo();
        int colon = userInfo.indexOf(':');
        String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
        String password = colon < 0 ? "" : userInfo.substring(colon + 1);
        String database = uri.getPath() == null || uri.getPath().length() <= 1
                ? DEFAULT_DATABASE : uri.getPath().substring(1);
        return new PostgresEndpoint(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), database, user, password);
    }
}
