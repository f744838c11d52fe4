package dev.countersign.common.http;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;

/**
 * Who the client is, from the direct peer and {@code X-Forwarded-For}, believing the header only
 * as far as it was written by trusted proxies ({@code countersign.trusted-proxies}).
 *
 * <p>A peer outside the trusted CIDRs is the client, whatever it claims. Behind a trusted peer the
 * header is read from the right (each proxy appends the address it saw), skipping trusted proxies;
 * the first untrusted address is the client. Everything left of it may have been sent by the
 * client itself and is never read. If every hop is trusted, the leftmost is the client. An entry
 * that is no IP address stops the walk at the trusted hop that wrote it: garbage is never believed.
 *
 * <p>Only the header forms (brackets, port, zone id) are taken apart here. The JDK reads the
 * literal, and only once it cannot be a hostname: a strict dotted quad, or IPv6 in brackets, which
 * {@code InetAddress.getByName} refuses rather than looks up in DNS. Netty formats the answer
 * (RFC 5952) and matches the CIDRs. The answer is canonical (IPv4-mapped IPv6 as IPv4, no port,
 * no zone id) so that one client has one spelling, e.g. in a rate-limit key.
 */
public final class ClientAddress {

    /** Four decimal parts 0-255 without leading zeros (which some parsers read as octal). */
    private static final Pattern IPV4 = Pattern.compile(
            "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:\\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    /** What an IPv6 literal is made of; the JDK checks the rest. */
    private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final Pattern PORT = Pattern.compile(":[0-9]{1,5}");
    private static final Pattern PREFIX_LENGTH = Pattern.compile("[0-9]{1,3}");

    private final List<IpSubnetFilterRule> trusted;

    private ClientAddress(List<IpSubnetFilterRule> trusted) {
        this.trusted = trusted;
    }

    /**
     * A resolver trusting these CIDRs ({@code 10.0.0.0/8}, {@code ::1/128}, or a bare address for a
     * single host).
     *
     * @throws IllegalArgumentException for an entry that is no CIDR, so bad configuration stops a service
     */
    public static ClientAddress trusting(List<String> trustedProxyCidrs) {
        List<IpSubnetFilterRule> cidrs = new ArrayList<>();
        if (trustedProxyCidrs != null) {
            for (String cidr : trustedProxyCidrs) {
                if (cidr != null && !cidr.isBlank()) {
                    cidrs.add(cidr(cidr.trim()));
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
        return client(remoteAddress, xForwardedFor).address();
    }

    /**
     * The client address as {@link #of}, and whether it is the direct peer: {@code direct} is false
     * once an {@code X-Forwarded-For} entry was believed, whatever address that entry names.
     */
    public Client client(String remoteAddress, String xForwardedFor) {
        Optional<InetAddress> peer = parseAddress(remoteAddress);
        if (peer.isEmpty()) {
            return new Client(remoteAddress, true);
        }
        InetAddress current = peer.get();
        if (!isTrusted(current) || xForwardedFor == null) {
            return new Client(format(current), true);
        }
        boolean direct = true;
        String[] hops = xForwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (hop.isEmpty()) {
                continue;
            }
            Optional<InetAddress> address = parseAddress(hop);
            if (address.isEmpty()) {
                // The trusted hop in `current` wrote something we cannot read: believe no further.
                return new Client(format(current), direct);
            }
            current = address.get();
            direct = false;
            if (!isTrusted(current)) {
                return new Client(format(current), false);
            }
        }
        return new Client(format(current), direct);
    }

    /**
     * A resolved client: its address (canonical when it is one), and whether it is the peer that
     * opened the connection ({@code direct}) rather than an address a trusted proxy named.
     */
    public record Client(String address, boolean direct) {
    }

    /** Whether {@code address} lies in a trusted CIDR; false for anything that is no IP address. */
    public boolean isTrusted(String address) {
        return parseAddress(address).map(this::isTrusted).orElse(false);
    }

    /** A family's addresses only match its own family's CIDRs (the rule checks the address type). */
    private boolean isTrusted(InetAddress address) {
        InetSocketAddress socket = new InetSocketAddress(address, 0);
        return trusted.stream().anyMatch(cidr -> cidr.matches(socket));
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
        return parseAddress(address).map(parsed -> {
            if (parsed instanceof Inet6Address) {
                byte[] network = Arrays.copyOf(parsed.getAddress(), 16);
                Arrays.fill(network, 8, 16, (byte) 0);
                return format(byAddress(network)) + "/64";
            }
            return format(parsed);
        });
    }

    /** Whether {@code address} is the host's own (127.0.0.0/8, ::1); false for anything that is no IP address. */
    public static boolean isLoopback(String address) {
        return parseAddress(address).map(InetAddress::isLoopbackAddress).orElse(false);
    }

    /**
     * An address as a header or the peer gives it: a bare literal, {@code 1.2.3.4:port},
     * {@code [v6]}, {@code [v6]:port}, with or without a zone id; IPv4-mapped IPv6 comes back as IPv4.
     */
    static Optional<InetAddress> parseAddress(String text) {
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
            return parseIpv6(stripZone(s.substring(1, close)));
        }
        int firstColon = s.indexOf(':');
        if (firstColon < 0) {
            return parseIpv4(s);
        }
        if (s.indexOf(':', firstColon + 1) < 0) {
            // One colon: IPv4 with a port (no IPv6 address has a single colon).
            return isPort(s.substring(firstColon)) ? parseIpv4(s.substring(0, firstColon)) : Optional.empty();
        }
        return parseIpv6(stripZone(s));
    }

    private static boolean isPort(String colonAndDigits) {
        return PORT.matcher(colonAndDigits).matches() && Integer.parseInt(colonAndDigits.substring(1)) <= 65535;
    }

    private static String stripZone(String s) {
        int percent = s.indexOf('%');
        return percent < 0 ? s : s.substring(0, percent);
    }

    private static Optional<InetAddress> parseIpv4(String s) {
        return IPV4.matcher(s).matches() ? literal(s) : Optional.empty();
    }

    /** RFC 4291 text forms, checked by the JDK; a trailing dotted quad must be as strict as a bare one. */
    private static Optional<InetAddress> parseIpv6(String s) {
        if (!IPV6_CHARACTERS.matcher(s).matches()) {
            return Optional.empty();
        }
        String last = s.substring(s.lastIndexOf(':') + 1);
        if (last.indexOf('.') >= 0 && !IPV4.matcher(last).matches()) {
            return Optional.empty();
        }
        return literal("[" + s + "]");
    }

    /** A literal already checked to be one: the JDK parses it and never asks DNS (brackets force IPv6). */
    private static Optional<InetAddress> literal(String checked) {
        try {
            return Optional.of(InetAddress.getByName(checked));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static InetAddress byAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static String format(InetAddress address) {
        return NetUtil.toAddressString(address);
    }

    /**
     * A network from configuration: a bare IPv4 or IPv6 address (no brackets, port or zone id) with
     * an optional prefix length.
     */
    private static IpSubnetFilterRule cidr(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        Optional<InetAddress> parsed = address.indexOf(':') >= 0 ? parseIpv6(address) : parseIpv4(address);
        if (parsed.isEmpty()) {
            throw new IllegalArgumentException("Not a CIDR: " + text);
        }
        int bits = parsed.get().getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String length = text.substring(slash + 1);
            if (!PREFIX_LENGTH.matcher(length).matches()) {
                throw new IllegalArgumentException("Not a CIDR: " + text);
            }
            prefix = Integer.parseInt(length);
            // ::ffff:10.0.0.0/104 was unmapped to 10.0.0.0: its prefix counts IPv6 bits.
            if (bits == 32 && address.contains(":")) {
                prefix -= 96;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("Not a CIDR: " + text);
            }
        }
        return new IpSubnetFilterRule(parsed.get(), prefix, IpFilterRuleType.ACCEPT);
    }
}
