package dev.countersign.notifier.kiosk;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;

/**
 * The kiosk page: plain HTML, CSS and our own script (no third-party bundle, nothing to build) that
 * opens the kiosk socket for {@code ?tenantId=…}, shows each challenge as a QR code drawn here by
 * ZXing, blurs it once claimed, shows the outcome, and starts a fresh challenge before expiry.
 */
@Path("/kiosk")
public class KioskResource {

    /** A challenge id as challenge-service makes them (UUIDs); anything else is not drawn. */
    private static final Pattern CHALLENGE_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    /** Same origin only; inline script and style are never needed. */
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final String PAGE = resource("kiosk/index.html");
    private static final String SCRIPT = resource("kiosk/kiosk.js");
    private static final String STYLE = resource("kiosk/kiosk.css");

    private final QrCodes qrCodes;

    public KioskResource(QrCodes qrCodes) {
        this.qrCodes = qrCodes;
    }

    @GET
    @Produces("text/html; charset=utf-8")
    public Response page() {
        return asset(PAGE, "text/html; charset=utf-8");
    }

    @GET
    @Path("kiosk.js")
    @Produces("text/javascript; charset=utf-8")
    public Response script() {
        return asset(SCRIPT, "text/javascript; charset=utf-8");
    }

    @GET
    @Path("kiosk.css")
    @Produces("text/css; charset=utf-8")
    public Response style() {
        return asset(STYLE, "text/css; charset=utf-8");
    }

    /** The QR code of a challenge; it carries {@link QrCodes#payload}, nothing secret. */
    @GET
    @Path("qr.svg")
    @Produces("image/svg+xml")
    public Response qr(@QueryParam("challengeId") String challengeId) {
        if (challengeId == null || !CHALLENGE_ID.matcher(challengeId).matches()) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "challengeId must be 1-128 letters, digits, '-' or '_'");
        }
        return Response.ok(qrCodes.svg(challengeId), "image/svg+xml")
                .header("Cache-Control", "no-store")
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", CSP)
                .build();
    }

    private static Response asset(String body, String type) {
        return Response.ok(body, type)
                .header("Cache-Control", "no-cache")
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", CSP)
                .header("Referrer-Policy", "no-referrer")
                .build();
    }

    private static String resource(String name) {
        try (InputStream in = KioskResource.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
