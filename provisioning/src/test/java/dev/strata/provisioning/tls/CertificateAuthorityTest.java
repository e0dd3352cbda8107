package dev.strata.provisioning.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.provisioning.secrets.SecretBox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {

    private static final byte[] MASTER = new byte[32];

    @TempDir
    Path data;

    private CertificateAuthority authority() {
        return new CertificateAuthority(data.resolve("tls"), new SecretBox(MASTER));
    }

    @Test
    void the_authority_is_made_once_and_kept_across_restarts() throws Exception {
        CertificateAuthority first = authority();
        String pem = first.certificatePem();
        X509Certificate ca = first.certificate();

        assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(ca.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(Duration.between(Instant.now(), ca.getNotAfter().toInstant())).isGreaterThan(Duration.ofDays(3640));
        // a second Strata start over the same data directory keeps the same authority
        assertThat(authority().certificatePem()).isEqualTo(pem);
        assertThat(Files.list(data.resolve("tls")).map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("ca.crt", "ca.key.sealed");
    }

    @Test
    void the_private_key_is_sealed_on_disk_and_private() throws Exception {
        authority().certificatePem();
        Path key = data.resolve("tls/ca.key.sealed");
        String stored = Files.readString(key);

        assertThat(stored).startsWith("v1:").doesNotContain("PRIVATE KEY");
        assertThat(new SecretBox(MASTER).open(stored.trim())).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(data.resolve("tls"))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        // another master key cannot use it
        byte[] other = new byte[32];
        other[0] = 1;
        assertThatThrownBy(() -> new CertificateAuthority(data.resolve("tls"), new SecretBox(other)).certificatePem())
                .hasMessageContaining("STRATA_MASTER_KEY");
    }

    @Test
    void an_interrupted_first_start_is_made_again() throws Exception {
        Files.createDirectories(data.resolve("tls"));
        Files.writeString(data.resolve("tls/ca.key.sealed"), "v1:half-written");

        assertThat(authority().certificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Files.readString(data.resolve("tls/ca.key.sealed"))).isNotEqualTo("v1:half-written");
    }

    @Test
    void a_server_certificate_names_its_hosts_and_chains_to_the_authority() throws Exception {
        CertificateAuthority ca = authority();
        CertificateAuthority.Issued issued = ca.issue(List.of("db.example.com", "localhost", "127.0.0.1", "::1"), Duration.ofDays(90));
        X509Certificate cert = CertificateAuthority.parse(issued.certificatePem());

        assertThat(CertificateAuthority.subjectNames(cert)).containsExactly("db.example.com", "localhost", "127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(cert.getSubjectAlternativeNames().stream().map(san -> (Integer) san.get(0)).toList()).containsExactly(2, 2, 7, 7); // dNSName, iPAddress
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1"); // serverAuth
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(issued.notAfter()).isEqualTo(cert.getNotAfter().toInstant());
        assertThat(Duration.between(Instant.now(), issued.notAfter())).isBetween(Duration.ofDays(89), Duration.ofDays(90));
        assertThat(issued.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(issued.toString()).doesNotContain("PRIVATE");

        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca.certificate(), null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(cert)), params);
    }

    @Test
    void every_certificate_has_its_own_key_and_serial() {
        CertificateAuthority ca = authority();
        CertificateAuthority.Issued a = ca.issue(List.of("localhost"), Duration.ofDays(90));
        CertificateAuthority.Issued b = ca.issue(List.of("localhost"), Duration.ofDays(90));

        assertThat(a.privateKeyPem()).isNotEqualTo(b.privateKeyPem());
        assertThat(CertificateAuthority.parse(a.certificatePem()).getSerialNumber())
                .isNotEqualTo(CertificateAuthority.parse(b.certificatePem()).getSerialNumber());
    }
}
