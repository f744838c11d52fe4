package dev.countersign.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP/1.1 over a plain socket, one request per connection: the request target and header values
 * go out byte for byte (control characters, raw UTF-8, dot segments), which every HTTP client
 * library refuses or normalises before sending.
 */
final class RawHttp {

    record Header(String name, String value) {
        @Override
        public String toString() {
            String shown = value.length() > 80 ? value.substring(0, 80) + "…(" + value.length() + " chars)" : value;
            return name + ": " + shown;
        }
    }

    /** {@code status} -1 when the server closed the connection without an answer. */
    record Answer(int status, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final String host;
    private final int port;

    RawHttp(String host, int port) {
        this.host = host;
        this.port = port;
    }

    Answer send(String method, String target, List<Header> headers, byte[] body) {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        write(request, method + " " + target + " HTTP/1.1\r\n");
        write(request, "Host: " + host + ":" + port + "\r\n");
        if (headers.stream().noneMatch(h -> h.name().equalsIgnoreCase("Connection"))) {
            write(request, "Connection: close\r\n");
        }
        for (Header header : headers) {
            write(request, header.name() + ": " + header.value() + "\r\n");
        }
        // A request declared chunked gets its body (maybe empty) chunked: a declared body that never
        // comes is the client's hang, not the server's fault.
        boolean chunked = headers.stream().anyMatch(h -> h.name().equalsIgnoreCase("Transfer-Encoding")
                && h.value().strip().equalsIgnoreCase("chunked"));
        if (body != null && !chunked) {
            write(request, "Content-Length: " + body.length + "\r\n");
        }
        write(request, "\r\n");
        if (chunked) {
            if (body != null && body.length > 0) {
                write(request, Integer.toHexString(body.length) + "\r\n");
                request.writeBytes(body);
                write(request, "\r\n");
            }
            write(request, "0\r\n\r\n");
        } else if (body != null) {
            request.writeBytes(body);
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.toByteArray());
                out.flush();
            } catch (SocketException e) {
                // The server may answer and close before reading everything (413, 431): read the answer.
            }
            return parse(readAll(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Up to the end of the answer: the connection may stay open (keep-alive, the head of a 101). */
    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                all.write(buffer, 0, n);
                if (complete(all.toByteArray())) {
                    break;
                }
            }
        } catch (SocketException e) {
            // A reset after the answer (the server closed with unread request bytes): keep what came.
        }
        return all.toByteArray();
    }

    private static boolean complete(byte[] sofar) {
        int end = indexOf(sofar, CRLF_CRLF, 0);
        if (end < 0) {
            return false;
        }
        String head = new String(sofar, 0, end, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        if (head.startsWith("http/1.1 101") || head.startsWith("http/1.0 101")) {
            return true;
        }
        Matcher length = CONTENT_LENGTH.matcher(head);
        if (length.find()) {
            return sofar.length - end - 4 >= Long.parseLong(length.group(1));
        }
        if (head.contains("\r\ntransfer-encoding: chunked")) {
            return indexOf(sofar, LAST_CHUNK, end) >= 0;
        }
        return false;
    }

    private static final Pattern CONTENT_LENGTH = Pattern.compile("\r\ncontent-length:\\s*(\\d+)");
    private static final byte[] LAST_CHUNK = {'\r', '\n', '0', '\r', '\n', '\r', '\n'};

    private static Answer parse(byte[] raw) {
        int end = indexOf(raw, CRLF_CRLF, 0);
        if (end < 0) {
            return new Answer(-1, Map.of(), new String(raw, StandardCharsets.UTF_8));
        }
        String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        byte[] body = Arrays.copyOfRange(raw, end + 4, raw.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] CRLF_CRLF = {'\r', '\n', '\r', '\n'};

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int at = 0;
        while (at < chunked.length) {
            int lineEnd = indexOf(chunked, CRLF, at);
            if (lineEnd < 0) {
                break;
            }
            String sizeLine = new String(chunked, at, lineEnd - at, StandardCharsets.ISO_8859_1);
            int size = Integer.parseInt(sizeLine.split(";")[0].strip(), 16);
            if (size == 0) {
                break;
            }
            body.write(chunked, lineEnd + 2, Math.min(size, chunked.length - lineEnd - 2));
            at = lineEnd + 2 + size + 2;
        }
        return body.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }
}
