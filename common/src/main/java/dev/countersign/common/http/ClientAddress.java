package dev.countersign.common.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Who the client is, from the direct peer and {@code X-Forwarded-For}, believing the header only
 * as far as it was written by trusted proxies (DESIGN: {@code countersign.trusted-proxies}).
 *
 * <p>A peer outside the trusted CIDRs is the client, whatever it claims. Behind a trusted peer the
 * header is read from the right (each proxy appends the address it saw), skipping trusted proxies;
 * the first untrusted address is the client. Everything left of it may have been sent by the
 * client itself and is never read. If every hop is trusted, the leftmost is the client. An entry
 * that is no IP address stops the walk at the trusted hop that wrote it: garbage is never believed.
 *
 * <p>Addresses are parsed by hand, never through {@code InetAddress.getByName}, which would look a
 * hostname up in DNS. The answer is canonical (RFC 5952 for IPv6, IPv4-mapped IPv6 as IPv4, no
 * port, no zone id) so that one client has one spelling, e.g. in a rate-limit key.
 */
public final class ClientAddress {

    private final List<Cidr> trusted;

    private ClientAddress(List<Cidr> trusted) {
        this.trusted = trusted;
    }

    /**
     * A resolver trusting these CIDRs ({@code 10.0.0.0/8}, {@code ::1/128}, or a bare address for a
     * single host).
     *
     * @throws IllegalArgumentException for an entry that is no CIDR, so bad configuration stops a service
     */
    public static ClientAddress trusting(List<String> trustedProxyCidrs) {
        List<Cidr> cidrs = new ArrayList<>();
        if (trustedProxyCidrs != null) {
            for (String cidr : trustedProxyCidrs) {
                if (cidr != null && !cidr.isBlank()) {
                    cidrs.add(Cidr.parse(cidr.trim()));
                }
            }
        }
        return new ClientAddress(List.copyOf(cidrs));
    }

    /** The client address for a request from {@code remoteAddress} carrying {@code xForwardedFor} (may be null). */
    public static String resolve(String remoteAddress, String xForwardedFor, List<String> trustedProxyCidrs) {
        return trusting(trustedProxyCidrs).of(remoteAddress, xForwardedFor);
    }

    /**
     * The client address; {@code xForwardedFor} may hold several header lines joined by commas.
     * A peer that is no IP address (none at all, a Unix socket) is answered as given.
     */
    public String of(String remoteAddress, String xForwardedFor) {
        Optional<byte[]> peer = parseAddress(remoteAddress);
        if (peer.isEmpty()) {
            return remoteAddress;
        }
        byte[] current = peer.get();
        if (!isTrusted(current) || xForwardedFor == null) {
            return format(current);
        }
        String[] hops = xForwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (hop.isEmpty()) {
                continue;
            }
            Optional<byte[]> address = parseAddress(hop);
            if (address.isEmpty()) {
                // The trusted hop in `current` wrote something we cannot read: believe no further.
                return format(current);
            }
            current = address.get();
            if (!isTrusted(current)) {
                return format(current);
            }
        }
        return format(current);
    }

    /** Whether {@code address} lies in a trusted CIDR; false for anything that is no IP address. */
    public boolean isTrusted(String address) {
        return parseAddress(address).map(this::isTrusted).orElse(false);
    }

    private boolean isTrusted(byte[] address) {
        for (Cidr cidr : trusted) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The canonical form of an address, or empty if it is none. Accepts {@code 1.2.3.4},
     * {@code 1.2.3.4:port}, {@code 2001:db8::1}, {@code [2001:db8::1]}, {@code [2001:db8::1]:port} and zone ids.
     */
    public static Optional<String> canonical(String address) {
        return parseAddress(address).map(ClientAddress::format);
    }

    /**
     * The /64 network of an IPv6 address (where one subscriber usually holds the whole /64), or the
     * address itself for IPv4; empty if it is no address. For per-address limits that one host
     * cannot dodge by cycling through its own addresses.
     */
    public static Optional<String> network(String address) {
        return parseAddress(address).map(bytes -> {
            if (bytes.length == 16) {
                byte[] network = Arrays.copyOf(bytes, 16);
                Arrays.fill(network, 8, 16, (byte) 0);
                return format(network) + "/64";
            }
            return format(bytes);
        });
    }

    /**
     * Whether a per-address budget counts this client: every address but the host's own (127.0.0.0/8,
     * ::1). A loopback client is a tool on the server's machine — the operator, a local test harness,
     * the run command's own edge for a local browser — not a member of the public; behind a proxy the
     * real client's address is counted once the proxy is listed in {@code countersign.trusted-proxies}.
     * Per-user budgets and back-off apply to everyone.
     */
    public static boolean isBudgeted(String address) {
        return parseAddress(address).map(bytes -> !isLoopback(bytes)).orElse(true);
    }

    private static boolean isLoopback(byte[] bytes) {
        if (bytes.length == 4) {
            return bytes[0] == 127;
        }
        for (int i = 0; i < 15; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[15] == 1;
    }

    /** 4 bytes for IPv4 (also for IPv4-mapped IPv6), 16 for IPv6; empty for anything else. */
    static Optional<byte[]> parseAddress(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.trim();
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                return Optional.empty();
            }
            String rest = s.substring(close + 1);
            if (!rest.isEmpty() && !isPort(rest)) {
                return Optional.empty();
            }
            return parseIpv6(stripZone(s.substring(1, close))).map(ClientAddress::unmapIpv4);
        }
        int firstColon = s.indexOf(':');
        if (firstColon < 0) {
            return parseIpv4(s);
        }
        if (s.indexOf(':', firstColon + 1) < 0) {
            // One colon: IPv4 with a port (no IPv6 address has a single colon).
            return isPort(s.substring(firstColon)) ? parseIpv4(s.substring(0, firstColon)) : Optional.empty();
        }
        return parseIpv6(stripZone(s)).map(ClientAddress::unmapIpv4);
    }

    private static boolean isPort(String colonAndDigits) {
        if (colonAndDigits.length() < 2 || colonAndDigits.length() > 6 || colonAndDigits.charAt(0) != ':') {
            return false;
        }
        for (int i = 1; i < colonAndDigits.length(); i++) {
            if (!isDigit(colonAndDigits.charAt(i))) {
                return false;
            }
        }
        return Integer.parseInt(colonAndDigits.substring(1)) <= 65535;
    }

    private static String stripZone(String s) {
        int percent = s.indexOf('%');
        return percent < 0 ? s : s.substring(0, percent);
    }

    /** Strict dotted quad: four decimal parts 0-255 without leading zeros (which some parsers read as octal). */
    private static Optional<byte[]> parseIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
                return Optional.empty();
            }
            for (int c = 0; c < part.length(); c++) {
                if (!isDigit(part.charAt(c))) {
                    return Optional.empty();
                }
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                return Optional.empty();
            }
            bytes[i] = (byte) value;
        }
        return Optional.of(bytes);
    }

    /** RFC 4291 text forms: eight groups, one {@code ::} for a run of zero groups, a trailing dotted quad. */
    private static Optional<byte[]> parseIpv6(String s) {
        if (s.isEmpty() || s.length() > 45) {
            return Optional.empty();
        }
        int doubleColon = s.indexOf("::");
        if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
            return Optional.empty();
        }
        List<Integer> head;
        List<Integer> tail;
        if (doubleColon >= 0) {
            Optional<List<Integer>> before = groups(s.substring(0, doubleColon), false);
            Optional<List<Integer>> after = groups(s.substring(doubleColon + 2), true);
            if (before.isEmpty() || after.isEmpty() || before.get().size() + after.get().size() > 7) {
                return Optional.empty();
            }
            head = before.get();
            tail = after.get();
        } else {
            Optional<List<Integer>> all = groups(s, true);
            if (all.isEmpty() || all.get().size() != 8) {
                return Optional.empty();
            }
            head = all.get();
            tail = List.of();
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < head.size(); i++) {
            bytes[2 * i] = (byte) (head.get(i) >> 8);
            bytes[2 * i + 1] = (byte) (int) head.get(i);
        }
        int offset = 8 - tail.size();
        for (int i = 0; i < tail.size(); i++) {
            bytes[2 * (offset + i)] = (byte) (tail.get(i) >> 8);
            bytes[2 * (offset + i) + 1] = (byte) (int) tail.get(i);
        }
        return Optional.of(bytes);
    }

    /** Colon-separated 16-bit groups; the last may be a dotted quad (two groups) when allowed. */
    private static Optional<List<Integer>> groups(String s, boolean dottedQuadAllowed) {
        List<Integer> groups = new ArrayList<>();
        if (s.isEmpty()) {
            return Optional.of(groups);
        }
        String[] parts = s.split(":", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (dottedQuadAllowed && i == parts.length - 1 && part.indexOf('.') >= 0) {
                Optional<byte[]> v4 = parseIpv4(part);
                if (v4.isEmpty()) {
                    return Optional.empty();
                }
                byte[] b = v4.get();
                groups.add(((b[0] & 0xff) << 8) | (b[1] & 0xff));
                groups.add(((b[2] & 0xff) << 8) | (b[3] & 0xff));
                continue;
            }
            if (part.isEmpty() || part.length() > 4) {
                return Optional.empty();
            }
            int value = 0;
            for (int c = 0; c < part.length(); c++) {
                int digit = Character.digit(part.charAt(c), 16);
                if (digit < 0) {
                    return Optional.empty();
                }
                value = value * 16 + digit;
            }
            groups.add(value);
        }
        return Optional.of(groups);
    }

    /** {@code ::ffff:a.b.c.d} is the IPv4 client of a dual-stack socket: treat it as that IPv4 address. */
    private static byte[] unmapIpv4(byte[] v6) {
        for (int i = 0; i < 10; i++) {
            if (v6[i] != 0) {
                return v6;
            }
        }
        if (v6[10] != (byte) 0xff || v6[11] != (byte) 0xff) {
            return v6;
        }
        return Arrays.copyOfRange(v6, 12, 16);
    }

    static String format(byte[] bytes) {
        if (bytes.length == 4) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        // RFC 5952: compress the longest run of two or more zero groups, the first one on a tie.
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** A network: address bytes and prefix length; a family's addresses only match its own family. */
    private record Cidr(byte[] network, int prefix) {

        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            String address = slash < 0 ? text : text.substring(0, slash);
            Optional<byte[]> parsed = address.contains("%") ? Optional.empty() : parseCidrAddress(address);
            if (parsed.isEmpty()) {
                throw new IllegalArgumentException("Not a CIDR: " + text);
            }
            byte[] bytes = parsed.get();
            int bits = bytes.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                String length = text.substring(slash + 1);
                if (length.isEmpty() || length.length() > 3 || !length.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw new IllegalArgumentException("Not a CIDR: " + text);
                }
                prefix = Integer.parseInt(length);
                // ::ffff:10.0.0.0/104 was unmapped to 10.0.0.0: its prefix counts IPv6 bits.
                if (bytes.length == 4 && address.contains(":")) {
                    prefix -= 96;
                }
                if (prefix < 0 || prefix > bits) {
                    throw new IllegalArgumentException("Not a CIDR: " + text);
                }
            }
            return new Cidr(bytes, prefix);
        }

        private static Optional<byte[]> parseCidrAddress(String address) {
            // No ports and no brackets in configuration: a bare IPv4 or IPv6 address.
            if (address.contains("[") || (address.indexOf(':') >= 0 && address.indexOf(':') == address.lastIndexOf(':'))) {
                return Optional.empty();
            }
            return address.indexOf(':') >= 0 ? parseIpv6(address).map(ClientAddress::unmapIpv4) : parseIpv4(address);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int fullBytes = prefix / 8;
            for (int i = 0; i < fullBytes; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[fullBytes] & mask) == (network[fullBytes] & mask);
        }
    }
}
