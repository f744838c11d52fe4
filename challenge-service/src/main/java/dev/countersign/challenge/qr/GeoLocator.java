package dev.countersign.challenge.qr;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.exception.GeoIp2Exception;
import com.maxmind.geoip2.model.CityResponse;

import dev.countersign.challenge.config.ChallengeConfig;
import dev.countersign.common.http.ClientAddress;

/**
 * The kiosk's location for the QR claim (docs/protocol/decisions.md#10-claim-binds-the-challenge), from an operator-provided MaxMind City
 * database ({@code countersign.challenge.geoip.database}, a {@code .mmdb} file). None configured:
 * no location. A configured file that cannot be read stops the service at start rather than
 * silently answering without locations. Lookups are local (memory-mapped), so they are cheap
 * enough for the request thread.
 */
@ApplicationScoped
public class GeoLocator {

    private static final Logger LOG = Logger.getLogger(GeoLocator.class);

    private final Optional<DatabaseReader> reader;

    public GeoLocator(ChallengeConfig config) {
        this.reader = config.geoip().database().filter(path -> !path.isBlank()).map(GeoLocator::open);
    }

    private static DatabaseReader open(String path) {
        try {
            return new DatabaseReader.Builder(new File(path)).build();
        } catch (IOException e) {
            throw new IllegalStateException("countersign.challenge.geoip.database: cannot read " + path, e);
        }
    }

    /** Where the address is, as far as the database knows; empty for no database, a bad or unknown address. */
    public Optional<Location> locate(Optional<String> address) {
        // Only a literal address reaches InetAddress, so no lookup ever goes to DNS.
        Optional<String> literal = address.flatMap(ClientAddress::canonical);
        if (reader.isEmpty() || literal.isEmpty()) {
            return Optional.empty();
        }
        try {
            Optional<CityResponse> found = reader.get().tryCity(InetAddress.getByName(literal.get()));
            return found.map(city -> new Location(city.getCity().getName(), city.getCountry().getName(),
                    city.getCountry().getIsoCode()))
                    .filter(location -> location.city() != null || location.countryCode() != null);
        } catch (IOException | GeoIp2Exception | UnsupportedOperationException e) {
            LOG.debugf("No location for a claim: %s", e.getMessage());
            return Optional.empty();
        }
    }

    @PreDestroy
    void close() {
        reader.ifPresent(open -> {
            try {
                open.close();
            } catch (IOException e) {
                LOG.debugf("GeoIP database not closed cleanly: %s", e.getMessage());
            }
        });
    }

    /** The claim's {@code location}; a value the database does not have is left out. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Location(String city, String country, String countryCode) {
    }
}
