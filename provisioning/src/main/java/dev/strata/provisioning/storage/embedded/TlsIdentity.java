package dev.strata.provisioning.storage.embedded;

import dev.strata.provisioning.secrets.SecretBox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The certificate of the embedded S3 endpoint's TLS port: self-signed for {@code localhost} and 127.0.0.1, made
 * once with the JDK's {@code keytool} into {@code <data>/objects-tls/} (a PKCS#12 key store, its password, and the
 * certificate in PEM for clients to trust: pgBackRest speaks S3 only over verified TLS). The directory is private
 * to Strata; the certificate file is public by nature and readable by the account servers run as.
 */
public final class TlsIdentity {

    private final Path dir;

    public TlsIdentity(Path dataDir) {
        this.dir = dataDir.resolve("objects-tls");
    }

    public Path keyStore() {
        return dir.resolve("endpoint.p12");
    }

    /** The certificate in PEM (what a client's CA file holds). */
    public Path certificate() {
        return dir.resolve("endpoint.crt");
    }

    public String keyStorePassword() throws IOException {
        return Files.readString(dir.resolve("endpoint.p12.password")).trim();
    }

    /** Makes the key store and certificate unless both exist; a half-made pair (a crash) is made again. */
    public synchronized void ensure() throws IOException {
        if (Files.exists(keyStore()) && Files.exists(certificate()) && Files.exists(dir.resolve("endpoint.p12.password"))) {
            return;
        }
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        String password = SecretBox.randomPassword(32);
        Path store = dir.resolve("endpoint.p12.tmp");
        Path pem = dir.resolve("endpoint.crt.tmp");
        Files.deleteIfExists(store);
        Files.deleteIfExists(pem);
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(List.of(keytool, "-genkeypair", "-alias", "strata-s3", "-keyalg", "EC", "-groupname", "secp256r1",
                "-sigalg", "SHA256withECDSA", "-validity", "3650", "-dname", "CN=localhost, O=Strata embedded S3",
                "-ext", "san=dns:localhost,ip:127.0.0.1,ip:::1", "-ext", "bc:c",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass:env", "STRATA_KS_PASS"), password);
        run(List.of(keytool, "-exportcert", "-rfc", "-alias", "strata-s3", "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass:env", "STRATA_KS_PASS", "-file", pem.toString()), password);
        Path pass = dir.resolve("endpoint.p12.password");
        Files.deleteIfExists(pass);
        Files.createFile(pass, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(pass, password);
        Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(pem, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(store, keyStore(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.move(pem, certificate(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void run(List<String> command, String password) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        pb.environment().put("STRATA_KS_PASS", password); // never on the command line
        Process p = pb.start();
        try {
            if (!p.waitFor(Duration.ofMinutes(1).toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException("keytool did not finish within a minute");
            }
            String out = new String(p.getInputStream().readAllBytes());
            if (p.exitValue() != 0) {
                throw new IOException("keytool failed: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making the S3 endpoint's certificate", e);
        }
    }
}
