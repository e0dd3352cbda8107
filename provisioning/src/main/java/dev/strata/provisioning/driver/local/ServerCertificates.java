package dev.strata.provisioning.driver.local;

import dev.strata.domain.database.InstanceSpec;
import dev.strata.provisioning.config.StrataConfig;
import dev.strata.provisioning.config.TlsMode;
import dev.strata.provisioning.tls.CertificateAuthority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS files of each local server, in {@code <instance>/tls/}: {@code server.key} (0600, the servers' account),
 * {@code server.crt} signed by Strata's {@link CertificateAuthority} for the host names of the connection info plus
 * the loopback names, and {@code ca.crt}. A certificate is renewed (new key, files replaced by rename) when less
 * than {@link #renewBefore} of it is left or its names no longer match; the driver then has the running server
 * re-read its files. The check runs on every reconciler pass, so it is kept cheap: the certificate's end and
 * names are read from disk once and remembered.
 */
@ApplicationScoped
public class ServerCertificates {

    /** How long a server certificate is valid; package-private so a test can make it short. */
    Duration validity = Duration.ofDays(90);
    /** A certificate with less than this left is renewed. */
    Duration renewBefore = Duration.ofDays(30);

    @Inject
    StrataConfig config;

    @Inject
    LocalInstances instances;

    @Inject
    HostAccount account;

    @Inject
    CertificateAuthority authority;

    private record Known(Instant notAfter, List<String> names) {
    }

    private final Map<Path, Known> known = new ConcurrentHashMap<>();
    private volatile SSLContext clientContext;

    public TlsMode mode() {
        return config.tlsMode();
    }

    public Path certificate(InstanceSpec spec) {
        return dir(spec).resolve("server.crt");
    }

    public Path key(InstanceSpec spec) {
        return dir(spec).resolve("server.key");
    }

    public Path authorityFile(InstanceSpec spec) {
        return dir(spec).resolve("ca.crt");
    }

    private Path dir(InstanceSpec spec) {
        return instances.dir(spec).resolve("tls");
    }

    /**
     * The names a server's certificate carries: the host of its connection info ({@code STRATA_PUBLIC_HOST}), the
     * address it is bound to when that is a specific one, and the loopback names. Sorted, so that a change is seen.
     */
    List<String> names() {
        TreeSet<String> names = new TreeSet<>(List.of("localhost", "127.0.0.1", "::1"));
        names.add(config.publicHost());
        String bind = config.bindAddress();
        if (!bind.equals("0.0.0.0") && !bind.equals("::")) {
            names.add(bind);
        }
        return List.copyOf(names);
    }

    /**
     * Makes the instance's TLS files exist and be current (the instance directory must exist). True when they were
     * (re)written: a running server must then re-read them. A no-op answering false when TLS is off.
     */
    public boolean ensure(InstanceSpec spec) throws IOException {
        if (!mode().enabled()) {
            return false;
        }
        Path crt = certificate(spec);
        List<String> names = names();
        Known k = Files.exists(crt) && Files.exists(key(spec)) ? known.computeIfAbsent(crt, ServerCertificates::read) : null;
        if (k != null && k.names().equals(names) && Instant.now().plus(renewBefore).isBefore(k.notAfter())) {
            return Files.exists(reloadMarker(spec));
        }
        write(spec, names);
        return true;
    }

    /** The running server has re-read its files (or was started after they were written). */
    public void reloaded(InstanceSpec spec) throws IOException {
        Files.deleteIfExists(reloadMarker(spec));
    }

    /** Present from a renewal until the server has re-read its files: a reload that failed is tried again. */
    private Path reloadMarker(InstanceSpec spec) {
        return dir(spec).resolve("reload-pending");
    }

    private synchronized void write(InstanceSpec spec, List<String> names) throws IOException {
        Path d = dir(spec);
        if (!Files.isDirectory(d)) {
            Files.createDirectory(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        account.own(d);
        CertificateAuthority.Issued issued = authority.issue(names, validity);
        // the certificate last: a key newer than its certificate is a renewal a crash interrupted (see read)
        instances.writePrivate(key(spec), issued.privateKeyPem());
        instances.writePrivate(authorityFile(spec), authority.certificatePem());
        instances.writePrivate(certificate(spec), issued.certificatePem());
        Files.writeString(reloadMarker(spec), issued.notAfter() + "\n");
        known.put(certificate(spec), new Known(issued.notAfter(), names));
    }

    private static Known read(Path crt) {
        try {
            if (Files.getLastModifiedTime(crt.resolveSibling("server.key")).compareTo(Files.getLastModifiedTime(crt)) > 0) {
                return new Known(Instant.EPOCH, List.of());
            }
            var cert = CertificateAuthority.parse(Files.readString(crt));
            return new Known(cert.getNotAfter().toInstant(), CertificateAuthority.subjectNames(cert).stream().sorted().toList());
        } catch (IOException | IllegalStateException e) {
            // unreadable: written anew
            return new Known(Instant.EPOCH, List.of());
        }
    }

    /** A client context that trusts Strata's authority only (Strata's own health checks over TLS). */
    public SSLContext clientContext() {
        if (clientContext == null) {
            try {
                KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
                trust.load(null, null);
                trust.setCertificateEntry("strata-ca", authority.certificate());
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
                SSLContext c = SSLContext.getInstance("TLS");
                c.init(null, tmf.getTrustManagers(), null);
                clientContext = c;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot trust Strata's certificate authority: " + e.getMessage(), e);
            }
        }
        return clientContext;
    }
}
