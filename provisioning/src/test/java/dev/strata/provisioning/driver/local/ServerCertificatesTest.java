package dev.strata.provisioning.driver.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.domain.database.CpuQuantity;
import dev.strata.domain.database.Engine;
import dev.strata.domain.database.InstanceSpec;
import dev.strata.domain.database.MemoryQuantity;
import dev.strata.domain.database.StorageSize;
import dev.strata.provisioning.config.StrataConfig;
import dev.strata.provisioning.config.TlsMode;
import dev.strata.provisioning.secrets.SecretBox;
import dev.strata.provisioning.tls.CertificateAuthority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a server's certificate is (re)written, without any server: the reconciler's cheap check on every pass. */
class ServerCertificatesTest {

    @TempDir
    Path data;

    private volatile String publicHost = "db.example.com";
    private volatile TlsMode mode = TlsMode.PREFER;
    private ServerCertificates certificates;
    private final InstanceSpec spec = new InstanceSpec("db_certtest", "ws_test", null, Engine.POSTGRESQL, "15", CpuQuantity.parse("250m"),
            MemoryQuantity.parse("256Mi"), new StorageSize(1), "local", 36499, "app", "app", "pw", "admin-pw", false, null);

    @BeforeEach
    void setUp() throws Exception {
        StrataConfig config = new StrataConfig() {
            @Override
            public Path dataDir() {
                return data;
            }

            @Override
            public String publicHost() {
                return publicHost;
            }

            @Override
            public TlsMode tlsMode() {
                return mode;
            }
        };
        HostAccount account = new HostAccount(config);
        LocalInstances instances = new LocalInstances();
        instances.config = config;
        instances.account = account;
        instances.removals = new DeferredRemovals();
        certificates = new ServerCertificates();
        certificates.config = config;
        certificates.instances = instances;
        certificates.account = account;
        certificates.authority = new CertificateAuthority(data.resolve("tls"), new SecretBox(new byte[32]));
        Files.createDirectories(instances.dir(spec));
    }

    private CertificateAuthority.Issued current() throws Exception {
        var cert = CertificateAuthority.parse(Files.readString(certificates.certificate(spec)));
        return new CertificateAuthority.Issued(Files.readString(certificates.certificate(spec)), null, cert.getNotAfter().toInstant());
    }

    @Test
    void written_once_then_left_alone_until_reloaded_and_current() throws Exception {
        assertThat(certificates.ensure(spec)).as("first pass writes").isTrue();
        String first = current().certificatePem();
        assertThat(certificates.ensure(spec)).as("not reloaded yet: asked again").isTrue();
        certificates.reloaded(spec);
        assertThat(certificates.ensure(spec)).isFalse();
        assertThat(current().certificatePem()).isEqualTo(first);
        assertThat(CertificateAuthority.subjectNames(CertificateAuthority.parse(first)))
                .containsExactlyInAnyOrder("127.0.0.1", "0:0:0:0:0:0:0:1", "db.example.com", "localhost");
        assertThat(Files.readString(certificates.authorityFile(spec))).isEqualTo(certificates.authority.certificatePem());
        assertThat(Duration.between(Instant.now(), current().notAfter())).isBetween(Duration.ofDays(89), Duration.ofDays(90));
    }

    @Test
    void renewed_when_less_than_the_threshold_is_left() throws Exception {
        certificates.ensure(spec);
        certificates.reloaded(spec);
        String first = current().certificatePem();
        certificates.renewBefore = Duration.ofDays(91); // the 90 days left are too few now: renewed
        assertThat(certificates.ensure(spec)).isTrue();
        certificates.reloaded(spec);
        assertThat(current().certificatePem()).isNotEqualTo(first);
        certificates.renewBefore = Duration.ofDays(30);
        assertThat(certificates.ensure(spec)).as("the renewed certificate is current").isFalse();
    }

    @Test
    void renewed_when_the_host_names_change() throws Exception {
        certificates.ensure(spec);
        certificates.reloaded(spec);
        publicHost = "10.1.2.3";
        assertThat(certificates.ensure(spec)).isTrue();
        assertThat(CertificateAuthority.subjectNames(CertificateAuthority.parse(current().certificatePem()))).contains("10.1.2.3")
                .doesNotContain("db.example.com");
    }

    @Test
    void a_renewal_a_crash_interrupted_is_done_again_after_a_restart() throws Exception {
        certificates.ensure(spec);
        certificates.reloaded(spec);
        String first = current().certificatePem();
        // the key was replaced, the certificate not yet (a crash between the two renames), and Strata starts afresh
        Files.setLastModifiedTime(certificates.key(spec), FileTime.from(Instant.now().plusSeconds(5)));
        ServerCertificates restarted = new ServerCertificates();
        restarted.config = certificates.config;
        restarted.instances = certificates.instances;
        restarted.account = certificates.account;
        restarted.authority = certificates.authority;
        assertThat(restarted.ensure(spec)).isTrue();
        assertThat(current().certificatePem()).isNotEqualTo(first);
    }

    @Test
    void nothing_when_tls_is_off() throws Exception {
        mode = TlsMode.OFF;
        assertThat(certificates.ensure(spec)).isFalse();
        assertThat(certificates.certificate(spec)).doesNotExist();
    }
}
