package dev.countersign.challenge.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Lua script of {@code src/main/resources/redis/}, read once when its class loads. Redis has no
 * include, so a script that needs a shared piece says so in its header, one line each
 * ({@code -- needs: prelude/keep-at-least}), and the named prelude files are prepended to it here:
 * the piece is written once, and Redis sees one self-contained script (whose SHA-1 is its name on
 * the server).
 */
public final class RedisScript {

    private static final String ROOT = "redis/";
    private static final Pattern NEEDS = Pattern.compile("^-- needs: (\\S+)$", Pattern.MULTILINE);

    private final String name;
    private final String source;
    private final String sha1;

    private RedisScript(String name, String source) {
        this.name = name;
        this.source = source;
        this.sha1 = sha1(source);
    }

    /** The script {@code redis/<name>.lua}, e.g. {@code qr/claim}, with the preludes it needs. */
    public static RedisScript load(String name) {
        String body = read(name);
        List<String> preludes = new ArrayList<>();
        Matcher needs = NEEDS.matcher(body);
        while (needs.find()) {
            if (!preludes.contains(needs.group(1))) {
                preludes.add(needs.group(1));
            }
        }
        StringBuilder source = new StringBuilder();
        for (String prelude : preludes) {
            source.append(read(prelude)).append('\n');
        }
        return new RedisScript(name, source.append(body).toString());
    }

    public String name() {
        return name;
    }

    /** The script as Redis runs it, preludes included. */
    public String source() {
        return source;
    }

    /** The script's SHA-1, lower-case hex, as {@code SCRIPT LOAD} answers it and {@code EVALSHA} takes it. */
    public String sha1() {
        return sha1;
    }

    @Override
    public String toString() {
        return name;
    }

    private static String read(String name) {
        String resource = ROOT + name + ".lua";
        try (InputStream in = RedisScript.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("No Redis script " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String source) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
