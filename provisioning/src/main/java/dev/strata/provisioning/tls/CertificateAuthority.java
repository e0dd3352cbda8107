package dev.strata.provisioning.tls;

import dev.strata.provisioning.config.StrataConfig;
import dev.strata.provisioning.secrets.SecretBox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Strata's own certificate authority: one per installation, made once into {@code STRATA_DATA_DIR/tls/}
 * ({@code ca.crt} in PEM, what clients trust; {@code ca.key.sealed}, its EC P-256 private key sealed by
 * {@link SecretBox} like every other secret). It signs the server certificates of local databases. The private key
 * is never written in the clear and never logged.
 */
@ApplicationScoped
public class CertificateAuthority {

    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SIGNATURE = "SHA256withECDSA";

    @Inject
    StrataConfig config;

    @Inject
    SecretBox box;

    private Path dir;
    private volatile Loaded loaded;

    /** A key and certificate issued by the authority, both in PEM; the key is a secret. */
    public record Issued(String certificatePem, String privateKeyPem, Instant notAfter) {
        @Override
        public String toString() {
            return "Issued[notAfter=" + notAfter + "]";
        }
    }

    private record Loaded(X509Certificate certificate, String pem, PrivateKey key) {
    }

    /** For CDI. */
    public CertificateAuthority() {
    }

    /** An authority kept in {@code dir} with its key sealed by {@code box} (tests). */
    public CertificateAuthority(Path dir, SecretBox box) {
        this.dir = dir;
        this.box = box;
    }

    /** Where the authority lives: {@code STRATA_DATA_DIR/tls}. */
    public Path directory() {
        return dir != null ? dir : config.dataDir().resolve("tls");
    }

    /** The authority's certificate in PEM, what clients put in their CA file. Made on first use. */
    public String certificatePem() {
        return load().pem();
    }

    public X509Certificate certificate() {
        return load().certificate();
    }

    /**
     * A new EC P-256 key and a server certificate for {@code names} (host names, or IP addresses in their usual
     * notation), valid from a minute ago for {@code validity}.
     */
    public Issued issue(List<String> names, Duration validity) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one name");
        }
        Loaded ca = load();
        try {
            KeyPair pair = newKeyPair();
            Instant notBefore = Instant.now().minus(Duration.ofMinutes(1));
            Instant notAfter = notBefore.plus(validity);
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.certificate(), serial(), Date.from(notBefore), Date.from(notAfter),
                    new X500Name("CN=" + names.get(0).replace(",", "\\,").replace("=", "\\=")), pair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.stream().map(CertificateAuthority::generalName)
                    .toArray(GeneralName[]::new)));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.certificate()));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(SIGNATURE).build(ca.key())));
            return new Issued(pem(cert), pem(pair.getPrivate()), cert.getNotAfter().toInstant());
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot issue a certificate: " + e.getMessage(), e);
        }
    }

    /** The names of a certificate's subjectAltName extension (DNS names and IP addresses), in its order. */
    public static List<String> subjectNames(X509Certificate cert) {
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            List<String> names = new ArrayList<>();
            if (sans != null) {
                for (List<?> san : sans) {
                    names.add(String.valueOf(san.get(1)));
                }
            }
            return names;
        } catch (java.security.cert.CertificateParsingException e) {
            throw new IllegalStateException("a certificate's names cannot be read: " + e.getMessage(), e);
        }
    }

    /** Reads one certificate in PEM. */
    public static X509Certificate parse(String pem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("not a certificate in PEM: " + e.getMessage(), e);
        }
    }

    /** IP addresses as iPAddress names (what clients compare an IP host against), everything else as a dNSName. */
    private static GeneralName generalName(String name) {
        return isIpAddress(name) ? new GeneralName(GeneralName.iPAddress, name) : new GeneralName(GeneralName.dNSName, name);
    }

    static boolean isIpAddress(String name) {
        return name.matches("[0-9.]+") && name.chars().filter(c -> c == '.').count() == 3 || name.contains(":");
    }

    private synchronized Loaded load() {
        if (loaded != null) {
            return loaded;
        }
        Path crt = directory().resolve("ca.crt");
        Path key = directory().resolve("ca.key.sealed");
        try {
            // ca.crt is renamed into place last: without it, whatever else is there is an interrupted first start
            if (!Files.exists(crt)) {
                create(crt, key);
            }
            String pem = Files.readString(crt, StandardCharsets.US_ASCII);
            loaded = new Loaded(parse(pem), pem, privateKey(box.open(Files.readString(key, StandardCharsets.US_ASCII).trim())));
            return loaded;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or create Strata's certificate authority in " + directory() + ": " + e.getMessage(), e);
        }
    }

    private void create(Path crt, Path key) throws IOException {
        Path d = directory();
        if (!Files.isDirectory(d)) {
            Files.createDirectories(d.getParent());
            Files.createDirectory(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        try {
            KeyPair pair = newKeyPair();
            Instant notBefore = Instant.now().minus(Duration.ofMinutes(1));
            X500Name name = new X500Name("CN=Strata certificate authority " + Long.toHexString(RANDOM.nextLong() >>> 16) + ",O=Strata");
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(notBefore), Date.from(notBefore.plus(CA_VALIDITY)),
                    name, pair.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            b.addExtension(Extension.subjectKeyIdentifier, false, new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(SIGNATURE).build(pair.getPrivate())));
            writeAtomically(key, box.seal(pem(pair.getPrivate())) + "\n");
            writeAtomically(crt, pem(cert));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot create Strata's certificate authority: " + e.getMessage(), e);
        }
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, content, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    /** PEM of a certificate, or of a private key as PKCS#8 ({@code BEGIN PRIVATE KEY}), which every engine's OpenSSL reads. */
    static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter p = new JcaPEMWriter(w)) {
            p.writeObject(o instanceof PrivateKey k ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null) : o);
        }
        return w.toString();
    }

    private static PrivateKey privateKey(String pem) throws IOException {
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            Object o = p.readObject();
            if (!(o instanceof PrivateKeyInfo info)) {
                throw new IOException("the sealed CA key is not a PKCS#8 private key");
            }
            return new JcaPEMKeyConverter().getPrivateKey(info);
        }
    }
}
