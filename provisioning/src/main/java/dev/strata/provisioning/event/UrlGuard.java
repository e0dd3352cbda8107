package dev.strata.provisioning.event;

import dev.strata.domain.shared.FieldError;
import dev.strata.domain.shared.Shown;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * The SSRF guard of webhook URLs: which URLs Strata may POST to. A URL's host is resolved and every address it
 * resolves to must be a public one, or lie inside an allowed network (STRATA_WEBHOOK_ALLOWED_NETWORKS); loopback,
 * link-local (169.254.169.254, the cloud metadata service, among them), private, unique-local, any-local, multicast,
 * shared, reserved, benchmarking and IETF-assignment addresses, and IPv6 addresses carrying such an IPv4 address (NAT64,
 * 6to4, IPv4-compatible), are refused otherwise. Even inside an allowed network, Strata's own ports on this machine (dashboard and
 * API, Payara's admin port, the S3 endpoint, the metadata database, the database port range) are refused unless
 * STRATA_WEBHOOK_ALLOW_CONTROL_PLANE is true. Checked when a webhook is created and again before each delivery.
 */
public final class UrlGuard {

    /** Resolves a host name to its addresses (the system's resolver; tests give their own). */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final List<Cidr> allowed;
    private final boolean allowControlPlane;
    private final IntPredicate ownPort;
    private final Predicate<InetAddress> local;
    private final Resolver resolver;

    /**
     * @param ownPort whether a port is one of Strata's own (on a local address)
     * @param local   whether an address is one of this machine's
     */
    public UrlGuard(List<Cidr> allowed, boolean allowControlPlane, IntPredicate ownPort, Predicate<InetAddress> local, Resolver resolver) {
        this.allowed = List.copyOf(allowed);
        this.allowControlPlane = allowControlPlane;
        this.ownPort = ownPort;
        this.local = local;
        this.resolver = resolver;
    }

    /**
     * The URL as a URI when its form is acceptable (http or https, a host, no user info, at most 2048 characters);
     * null after adding the reason to {@code errors} otherwise.
     */
    public static URI parse(String field, String url, List<FieldError> errors) {
        if (url == null || url.isBlank()) {
            errors.add(new FieldError(field, field + " is required: the http or https URL that receives the events"));
            return null;
        }
        if (url.length() > 2048) {
            errors.add(new FieldError(field, field + " must be at most 2048 characters (got " + url.length() + ")"));
            return null;
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            errors.add(new FieldError(field, field + " is not a valid URL (" + Shown.text(e.getReason()) + "): " + Shown.quoted(url)));
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            errors.add(new FieldError(field, field + " must be an http or https URL (got " + Shown.quoted(url) + ")"));
            return null;
        }
        if (uri.getRawUserInfo() != null) {
            errors.add(new FieldError(field, field + " must not contain user info (user:password@); authenticate the requests by their signature"));
            return null;
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            errors.add(new FieldError(field, field + " must name a host (got " + Shown.quoted(url) + ")"));
            return null;
        }
        return uri;
    }

    /** Null when Strata may send to {@code uri} now, else why not (a sentence for users, naming the setting that allows it). */
    public String refusal(URI uri) {
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException | RuntimeException e) {
            // RuntimeException: a literal the resolver cannot take (an IPv6 scope of no interface, for one)
            return "the host " + Shown.text(host) + " of url does not resolve";
        }
        if (addresses == null || addresses.length == 0) {
            return "the host " + Shown.text(host) + " of url does not resolve";
        }
        int port = port(uri);
        for (InetAddress a : addresses) {
            String refused = refusal(a, port);
            if (refused != null) {
                return refused;
            }
        }
        return null;
    }

    private String refusal(InetAddress a, int port) {
        String kind = specialKind(a);
        if (kind != null && allowed.stream().noneMatch(n -> n.contains(a))) {
            return "url resolves to " + a.getHostAddress() + ", " + kind + "; set STRATA_WEBHOOK_ALLOWED_NETWORKS to allow it";
        }
        if (!allowControlPlane && ownPort.test(port) && (a.isLoopbackAddress() || a.isAnyLocalAddress() || local.test(a))) {
            return "url points at port " + port + " of " + a.getHostAddress() + ", one of Strata's own ports on this machine;"
                    + " set STRATA_WEBHOOK_ALLOW_CONTROL_PLANE=true to allow it";
        }
        return null;
    }

    /** What makes {@code a} an address webhooks do not go to by default, in words; null for a public address. */
    static String specialKind(InetAddress a) {
        byte[] b = a.getAddress();
        if (a.isAnyLocalAddress() || b.length == 4 && b[0] == 0) {
            return "an any-local address";
        }
        if (a.isLoopbackAddress()) {
            return "a loopback address";
        }
        if (a.isLinkLocalAddress() || b.length == 4 && (b[0] & 0xff) == 169 && (b[1] & 0xff) == 254) {
            return "a link-local address";
        }
        if (a.isSiteLocalAddress()) {
            return "a private (site-local) address";
        }
        if (a instanceof Inet6Address && (b[0] & 0xfe) == 0xfc) {
            return "a unique-local IPv6 address";
        }
        if (a.isMulticastAddress()) {
            return "a multicast address";
        }
        if (b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64) {
            return "a shared (carrier-grade NAT) address";
        }
        if (b.length == 4 && (b[0] & 0xff) == 255 && (b[1] & 0xff) == 255 && (b[2] & 0xff) == 255 && (b[3] & 0xff) == 255) {
            return "the broadcast address";
        }
        if (b.length == 4 && (b[0] & 0xff) == 192 && b[1] == 0 && b[2] == 0) {
            return "an IETF protocol assignment address (192.0.0.0/24)";
        }
        if (b.length == 4 && (b[0] & 0xff) == 198 && (b[1] & 0xfe) == 18) {
            return "a benchmarking address (198.18.0.0/15)";
        }
        if (b.length == 4 && (b[0] & 0xf0) == 240) {
            return "a reserved address (240.0.0.0/4)";
        }
        if (b.length == 16) {
            return embeddedKind(b);
        }
        return null;
    }

    /**
     * IPv6 addresses that carry an IPv4 address a gateway or the host's stack may turn them into: NAT64
     * ({@code 64:ff9b::/96}) and 6to4 ({@code 2002::/16}) are refused when the IPv4 address they carry is; the
     * deprecated IPv4-compatible form ({@code ::a.b.c.d}) always. (IPv4-mapped {@code ::ffff:a.b.c.d} arrives as the
     * IPv4 address itself.)
     */
    private static String embeddedKind(byte[] b) {
        if (zeros(b, 0, 12)) {
            return "an IPv4-compatible IPv6 address (::a.b.c.d, deprecated)";
        }
        if (b[0] == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && zeros(b, 4, 12)) {
            return carried("a NAT64 address (64:ff9b::/96)", b, 12);
        }
        if (b[0] == 0x20 && b[1] == 0x02) {
            return carried("a 6to4 address (2002::/16)", b, 2);
        }
        return null;
    }

    private static String carried(String what, byte[] b, int from) {
        try {
            InetAddress v4 = InetAddress.getByAddress(Arrays.copyOfRange(b, from, from + 4));
            String kind = specialKind(v4);
            return kind == null ? null : what + " of " + v4.getHostAddress() + ", " + kind;
        } catch (UnknownHostException e) {
            return null; // four bytes are always an address
        }
    }

    private static boolean zeros(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
}
