package dev.strata.provisioning.storage.embedded.sealed;

import dev.strata.provisioning.secrets.SecretBox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.crypto.spec.SecretKeySpec;

/**
 * Strata's built-in key service for SSE-KMS: named keys (the ids clients send as
 * {@code x-amz-server-side-encryption-aws-kms-key-id}) that the operator lists in {@code STRATA_KMS_KEYS}. Each is a
 * random AES-256 key, made at its first use and kept in {@code <dir>/<id>.key} sealed by the master key; an object
 * written under SSE-KMS has its data key sealed by the named key (not by the master key directly). A key removed
 * from the list can no longer encrypt, but still decrypts what it encrypted: nothing stored becomes unreadable by a
 * configuration change. There is no external key service (Vault, KMIP, AWS KMS), no rotation and no disabling.
 */
public final class KmsKeys {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_./:-]{0,255}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final SecretBox master;
    private final Set<String> offered;
    private final Map<String, SecretKeySpec> loaded = new ConcurrentHashMap<>();

    public KmsKeys(Path dir, SecretBox master, List<String> offered) {
        this.dir = dir;
        this.master = master;
        this.offered = Set.copyOf(offered.stream().map(String::trim).filter(s -> !s.isEmpty()).toList());
        for (String id : this.offered) {
            if (!ID.matcher(id).matches()) {
                throw new IllegalArgumentException("STRATA_KMS_KEYS: not a usable key id: " + id);
            }
        }
    }

    /** Parses {@code STRATA_KMS_KEYS} (comma-separated key ids; empty: SSE-KMS is refused). */
    public static List<String> parse(String setting) {
        return setting == null ? List.of() : List.of(setting.split(","));
    }

    /** Whether any key is offered (else SSE-KMS requests are answered 501). */
    public boolean enabled() {
        return !offered.isEmpty();
    }

    /** Whether new objects may be encrypted under {@code id}. */
    public boolean offers(String id) {
        return id != null && offered.contains(id);
    }

    /** The key named {@code id}, for sealing (only offered keys) or opening (any key that exists). */
    synchronized SecretKeySpec key(String id, boolean forSealing) throws IOException {
        SecretKeySpec k = loaded.get(id);
        if (k != null) {
            if (forSealing && !offers(id)) {
                throw new IOException("KMS key " + id + " is not offered (STRATA_KMS_KEYS)");
            }
            return k;
        }
        if (id == null || !ID.matcher(id).matches()) {
            throw new IOException("not a KMS key id: " + id);
        }
        Path file = dir.resolve(id.replace('/', '_').replace(':', '_') + ".key");
        Optional<String> sealed = Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.US_ASCII).trim()) : Optional.empty();
        if (sealed.isEmpty()) {
            if (!offers(id)) {
                throw new IOException("KMS key " + id + " does not exist");
            }
            byte[] raw = new byte[32];
            RANDOM.nextBytes(raw);
            String value = master.seal(Base64.getEncoder().encodeToString(raw));
            Files.createDirectories(dir);
            Path tmp = dir.resolve(file.getFileName() + ".tmp");
            Files.writeString(tmp, value, StandardCharsets.US_ASCII, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            sealed = Optional.of(value);
        } else if (forSealing && !offers(id)) {
            throw new IOException("KMS key " + id + " is not offered (STRATA_KMS_KEYS)");
        }
        k = new SecretKeySpec(Base64.getDecoder().decode(master.open(sealed.get())), "AES");
        loaded.put(id, k);
        return k;
    }

    /** {@link #key} without checked exceptions, for callers that validated the id. */
    SecretKeySpec keyUnchecked(String id, boolean forSealing) {
        try {
            return key(id, forSealing);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
