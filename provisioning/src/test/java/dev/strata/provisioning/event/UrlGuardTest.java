package dev.strata.provisioning.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.domain.shared.FieldError;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UrlGuardTest {

    /** A resolver of literals, plus a few names: no DNS in tests. */
    private static InetAddress[] resolve(String host) throws UnknownHostException {
        Map<String, String[]> names = Map.of("hooks.example.com", new String[] {"93.184.216.34"},
                "rebind.example.com", new String[] {"93.184.216.34", "10.0.0.5"});
        if (names.containsKey(host)) {
            List<InetAddress> out = new ArrayList<>();
            for (String a : names.get(host)) {
                out.add(InetAddress.getByName(a));
            }
            return out.toArray(InetAddress[]::new);
        }
        if (host.matches("[0-9a-fA-F:.]+")) {
            return new InetAddress[] {InetAddress.getByName(host)};
        }
        throw new UnknownHostException(host);
    }

    private static final Set<Integer> OWN = Set.of(8080, 8048, 9000, 15432);

    private static UrlGuard guard(String allowed, boolean controlPlane) {
        List<Cidr> networks = allowed.isEmpty() ? List.of()
                : java.util.Arrays.stream(allowed.split(",")).map(c -> Cidr.parse("STRATA_WEBHOOK_ALLOWED_NETWORKS", c)).toList();
        return new UrlGuard(networks, controlPlane, OWN::contains, a -> a.isLoopbackAddress() || a.getHostAddress().equals("192.168.1.10"),
                UrlGuardTest::resolve);
    }

    private static String refusal(UrlGuard g, String url) {
        return g.refusal(URI.create(url));
    }

    @Test
    void publicAddressesAreAllowed() {
        assertThat(refusal(guard("", false), "https://hooks.example.com/strata")).isNull();
        assertThat(refusal(guard("", false), "http://93.184.216.34:8080/")).isNull(); // port 8080 of another machine
        assertThat(refusal(guard("", false), "https://[2606:2800:220:1:248:1893:25c8:1946]/")).isNull();
    }

    @Test
    void eachSpecialAddressClassIsRefusedWithTheSettingThatAllowsIt() {
        UrlGuard g = guard("", false);
        assertThat(refusal(g, "http://127.0.0.1:3000/")).isEqualTo(
                "url resolves to 127.0.0.1, a loopback address; set STRATA_WEBHOOK_ALLOWED_NETWORKS to allow it");
        assertThat(refusal(g, "http://[::1]/")).contains("a loopback address");
        assertThat(refusal(g, "http://169.254.169.254/latest/meta-data/")).contains("169.254.169.254, a link-local address");
        assertThat(refusal(g, "http://[fe80::1]/")).contains("a link-local address");
        assertThat(refusal(g, "http://10.1.2.3/")).contains("a private (site-local) address");
        assertThat(refusal(g, "http://172.16.0.1/")).contains("a private (site-local) address");
        assertThat(refusal(g, "http://192.168.1.1/")).contains("a private (site-local) address");
        assertThat(refusal(g, "http://[fd12:3456::1]/")).contains("a unique-local IPv6 address");
        assertThat(refusal(g, "http://0.0.0.0/")).contains("an any-local address");
        assertThat(refusal(g, "http://[::]/")).contains("an any-local address");
        assertThat(refusal(g, "http://224.0.0.1/")).contains("a multicast address");
        assertThat(refusal(g, "http://[ff02::1]/")).contains("a multicast address");
        assertThat(refusal(g, "http://100.64.0.1/")).contains("carrier-grade NAT");
        assertThat(refusal(g, "http://[::ffff:127.0.0.1]/")).contains("127.0.0.1, a loopback address");
        assertThat(refusal(g, "http://rebind.example.com/")).contains("10.0.0.5, a private (site-local) address");
        assertThat(refusal(g, "http://nowhere.invalid/")).isEqualTo("the host nowhere.invalid of url does not resolve");
        UrlGuard throwing = new UrlGuard(List.of(), false, p -> false, a -> false, h -> {
            throw new IllegalArgumentException("no such interface");
        });
        assertThat(throwing.refusal(URI.create("http://[fe80::1%25nope]/"))).contains("does not resolve");
    }

    @Test
    void reservedRangesAndIpv6FormsCarryingASpecialIpv4AreRefused() {
        UrlGuard g = guard("", false);
        assertThat(refusal(g, "http://192.0.0.8/")).isEqualTo(
                "url resolves to 192.0.0.8, an IETF protocol assignment address (192.0.0.0/24); set STRATA_WEBHOOK_ALLOWED_NETWORKS to allow it");
        assertThat(refusal(g, "http://198.18.0.1/")).contains("a benchmarking address (198.18.0.0/15)");
        assertThat(refusal(g, "http://198.19.255.254/")).contains("a benchmarking address");
        assertThat(refusal(g, "http://240.0.0.1/")).contains("a reserved address (240.0.0.0/4)");
        assertThat(refusal(g, "http://254.1.2.3/")).contains("a reserved address");
        assertThat(refusal(g, "http://255.255.255.255/")).contains("the broadcast address");
        // NAT64 and 6to4 carry an IPv4 address: refused when it is special, allowed when it is public
        assertThat(refusal(g, "http://[64:ff9b::7f00:1]/")).isEqualTo("url resolves to 64:ff9b:0:0:0:0:7f00:1, a NAT64 address"
                + " (64:ff9b::/96) of 127.0.0.1, a loopback address; set STRATA_WEBHOOK_ALLOWED_NETWORKS to allow it");
        assertThat(refusal(g, "http://[64:ff9b::a9fe:a9fe]/")).contains("a NAT64 address (64:ff9b::/96) of 169.254.169.254, a link-local address");
        assertThat(refusal(g, "http://[64:ff9b::10.0.0.1]/")).contains("of 10.0.0.1, a private (site-local) address");
        assertThat(refusal(g, "http://[64:ff9b::5db8:d822]/")).isNull(); // 93.184.216.34
        assertThat(refusal(g, "http://[2002:a9fe:a9fe::1]/")).contains("a 6to4 address (2002::/16) of 169.254.169.254, a link-local address");
        assertThat(refusal(g, "http://[2002:7f00:1::]/")).contains("of 127.0.0.1, a loopback address");
        assertThat(refusal(g, "http://[2002:c0a8:101::1]/")).contains("of 192.168.1.1, a private (site-local) address");
        assertThat(refusal(g, "http://[2002:5db8:d822::1]/")).isNull();
        // the deprecated IPv4-compatible form, whatever it carries
        assertThat(refusal(g, "http://[::127.0.0.1]/")).contains("an IPv4-compatible IPv6 address (::a.b.c.d, deprecated)");
        assertThat(refusal(g, "http://[::10.0.0.1]/")).contains("an IPv4-compatible IPv6 address");
        assertThat(refusal(g, "http://[::93.184.216.34]/")).contains("an IPv4-compatible IPv6 address");
        // neighbours of the new ranges stay public
        assertThat(refusal(g, "http://192.0.1.1/")).isNull();
        assertThat(refusal(g, "http://198.20.0.1/")).isNull();
        assertThat(refusal(g, "http://198.17.255.255/")).isNull();
        assertThat(refusal(g, "http://239.255.255.255/")).contains("a multicast address");
        assertThat(refusal(g, "http://[64:ff9b:1::7f00:1]/")).isNull(); // not the well-known prefix
        // an operator can still allow them
        assertThat(refusal(guard("198.18.0.0/15,64:ff9b::/96", false), "http://198.18.0.1/")).isNull();
        assertThat(refusal(guard("198.18.0.0/15,64:ff9b::/96", false), "http://[64:ff9b::7f00:1]:3000/")).isNull();
    }

    @Test
    void anAllowedNetworkLetsItsAddressesThroughButNotOthers() {
        UrlGuard g = guard("127.0.0.1/32,10.1.0.0/16", false);
        assertThat(refusal(g, "http://127.0.0.1:3000/")).isNull();
        assertThat(refusal(g, "http://10.1.200.7/")).isNull();
        assertThat(refusal(g, "http://10.2.0.1/")).contains("a private (site-local) address");
        assertThat(refusal(g, "http://127.0.0.2/")).contains("a loopback address");
    }

    @Test
    void strataOwnPortsOnThisMachineStayRefusedUnlessTheControlPlaneIsAllowed() {
        UrlGuard g = guard("127.0.0.0/8,192.168.0.0/16", false);
        assertThat(refusal(g, "http://127.0.0.1:8080/api")).isEqualTo("url points at port 8080 of 127.0.0.1, one of Strata's own ports"
                + " on this machine; set STRATA_WEBHOOK_ALLOW_CONTROL_PLANE=true to allow it");
        assertThat(refusal(g, "http://127.0.0.1:8048/")).contains("port 8048");
        assertThat(refusal(g, "http://127.0.0.1:15432/")).contains("port 15432");
        assertThat(refusal(g, "http://192.168.1.10:9000/")).contains("port 9000 of 192.168.1.10"); // a local interface's address
        assertThat(refusal(g, "http://192.168.1.11:9000/")).isNull(); // another machine of the allowed network
        assertThat(refusal(g, "http://127.0.0.1:3000/")).isNull();
        assertThat(refusal(guard("127.0.0.0/8", true), "http://127.0.0.1:8080/")).isNull();
        // without a port: 80 and 443
        assertThat(UrlGuard.port(URI.create("https://h/"))).isEqualTo(443);
        assertThat(UrlGuard.port(URI.create("http://h/"))).isEqualTo(80);
    }

    @Test
    void theFormOfTheUrlIsA400() {
        List<FieldError> errors = new ArrayList<>();
        assertThat(UrlGuard.parse("url", "https://hooks.example.com/x?y=1", errors)).isNotNull();
        assertThat(errors).isEmpty();
        UrlGuard.parse("url", null, errors);
        UrlGuard.parse("url", "ftp://hooks.example.com/", errors);
        UrlGuard.parse("url", "https://user:pw@hooks.example.com/", errors);
        UrlGuard.parse("url", "https://" + "a".repeat(2048), errors);
        UrlGuard.parse("url", "not a url", errors);
        UrlGuard.parse("url", "https:///path", errors);
        UrlGuard.parse("url", "/relative", errors);
        assertThat(errors).hasSize(7).allSatisfy(e -> assertThat(e.field()).isEqualTo("url"));
        assertThat(errors.get(1).message()).isEqualTo("url must be an http or https URL (got 'ftp://hooks.example.com/')");
        assertThat(errors.get(2).message()).contains("must not contain user info");
        assertThat(errors.get(3).message()).contains("at most 2048 characters");
    }

    @Test
    void networksParseAsCidrs() {
        assertThat(Cidr.parse("S", "10.0.0.0/8").contains(addr("10.255.1.1"))).isTrue();
        assertThat(Cidr.parse("S", "10.0.0.0/8").contains(addr("11.0.0.1"))).isFalse();
        assertThat(Cidr.parse("S", "172.16.0.0/12").contains(addr("172.31.255.255"))).isTrue();
        assertThat(Cidr.parse("S", "172.16.0.0/12").contains(addr("172.32.0.0"))).isFalse();
        assertThat(Cidr.parse("S", "127.0.0.1").contains(addr("127.0.0.1"))).isTrue();
        assertThat(Cidr.parse("S", "fd00::/8").contains(addr("fd12::1"))).isTrue();
        assertThat(Cidr.parse("S", "fd00::/8").contains(addr("10.0.0.1"))).isFalse();
        assertThat(Cidr.parse("S", "0.0.0.0/0").contains(addr("8.8.8.8"))).isTrue();
        assertThatThrownBy(() -> Cidr.parse("STRATA_WEBHOOK_ALLOWED_NETWORKS", "10.0.0.0/33")).hasMessageContaining("between 0 and 32");
        assertThatThrownBy(() -> Cidr.parse("STRATA_WEBHOOK_ALLOWED_NETWORKS", "example.com/8")).hasMessageContaining("is not a network");
    }

    private static InetAddress addr(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
