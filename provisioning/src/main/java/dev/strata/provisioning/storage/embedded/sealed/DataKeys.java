package dev.strata.provisioning.storage.embedded.sealed;

import dev.strata.provisioning.secrets.SecretBox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * How each stored file is encrypted: with a data key of its own (AES-256, random) in counter mode from a random
 * initial counter, so that any byte range can be read without reading what precedes it and the file is exactly as
 * long as its content. The data key is kept in an extended attribute of the file ({@value #ATTRIBUTE}), sealed:
 * <ul>
 * <li>by Strata's master key (SSE-S3 semantics: Strata can read the object for anyone S3 lets read it), as
 * {@code s1;m;<initial counter>;<data key sealed by SecretBox>}, or</li>
 * <li>by a named key of Strata's key service ({@link KmsKeys}; SSE-KMS), as
 * {@code s1;k;<key id>;<initial counter>;<nonce, data key and tag of AES-GCM under that key>}, or</li>
 * <li>by the key the client sent with the write (SSE-C: the object can be read only by a request presenting that key
 * again; Strata keeps neither the key nor anything it could be recovered from), as
 * {@code s1;c;<initial counter>;<nonce, data key and tag of AES-GCM under the client's key>}.</li>
 * </ul>
 * A file without the attribute was written before Strata encrypted objects; it is read as it is until the migration
 * at start ({@link SealAtRest}) has sealed it.
 */
public final class DataKeys {

    public static final String ATTRIBUTE = "user.strata.sealed";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] CUSTOMER_AAD = "strata sse-c data key".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] KMS_AAD = "strata sse-kms data key".getBytes(StandardCharsets.US_ASCII);

    private final SecretBox master;
    private final KmsKeys kms;

    public DataKeys(SecretBox master) {
        this(master, null);
    }

    public DataKeys(SecretBox master, KmsKeys kms) {
        this.master = master;
        this.kms = kms;
    }

    /** Whether new files can be sealed under the key service's key {@code kmsKeyId} (it is listed in STRATA_KMS_KEYS). */
    boolean offersKmsKey(String kmsKeyId) {
        return kms != null && kms.offers(kmsKeyId);
    }

    /** The key and initial counter a file's bytes are encrypted with. */
    record FileKey(SecretKeySpec key, byte[] counter) {
    }

    /** A fresh key for a file about to be written, and the attribute to keep beside it. */
    record NewKey(FileKey key, String attribute) {
    }

    /** A new data key, sealed by the master key, or by the client's key (SSE-C) or a named KMS key (SSE-KMS) when the write names one. */
    NewKey newKey(byte[] customerKey, String kmsKeyId) {
        byte[] dataKey = new byte[32];
        RANDOM.nextBytes(dataKey);
        byte[] counter = new byte[16];
        RANDOM.nextBytes(counter);
        String iv = b64(counter);
        String attribute;
        if (customerKey != null) {
            attribute = "s1;c;" + iv + ";" + b64(gcm(true, new SecretKeySpec(customerKey, "AES"), CUSTOMER_AAD, counter, dataKey));
        } else if (kmsKeyId != null) {
            if (kms == null) {
                throw new IllegalStateException("SSE-KMS without a key service");
            }
            byte[] aad = (new String(KMS_AAD, StandardCharsets.US_ASCII) + " " + kmsKeyId).getBytes(StandardCharsets.UTF_8);
            attribute = "s1;k;" + b64(kmsKeyId.getBytes(StandardCharsets.UTF_8)) + ";" + iv + ";"
                    + b64(gcm(true, kms.keyUnchecked(kmsKeyId, true), aad, counter, dataKey));
        } else {
            attribute = "s1;m;" + iv + ";" + master.seal(b64(dataKey));
        }
        return new NewKey(new FileKey(new SecretKeySpec(dataKey, "AES"), counter), attribute);
    }

    /** AES-GCM with a 12-byte nonce in front of the output; sealing or opening. */
    private static byte[] gcm(boolean seal, SecretKeySpec kek, byte[] aad, byte[] counter, byte[] in) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            if (seal) {
                byte[] nonce = new byte[12];
                RANDOM.nextBytes(nonce);
                c.init(Cipher.ENCRYPT_MODE, kek, new GCMParameterSpec(128, nonce));
                c.updateAAD(aad);
                c.updateAAD(counter);
                byte[] sealed = c.doFinal(in);
                byte[] out = new byte[nonce.length + sealed.length];
                System.arraycopy(nonce, 0, out, 0, nonce.length);
                System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
                return out;
            }
            c.init(Cipher.DECRYPT_MODE, kek, new GCMParameterSpec(128, in, 0, 12));
            c.updateAAD(aad);
            c.updateAAD(counter);
            return c.doFinal(in, 12, in.length - 12);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The key of a file from its attribute; {@code customerKey} is the key the reading request presents, if any. */
    FileKey open(String attribute, byte[] customerKey) throws IOException {
        String[] f = attribute.split(";");
        if (f.length < 4 || !f[0].equals("s1")) {
            throw new IOException("unknown encryption record on a stored file: " + f[0]);
        }
        switch (f[1]) {
            case "m" -> {
                byte[] dataKey = Base64.getDecoder().decode(master.open(attribute.split(";", 4)[3]));
                return new FileKey(new SecretKeySpec(dataKey, "AES"), Base64.getDecoder().decode(f[2]));
            }
            case "c" -> {
                if (customerKey == null) {
                    throw new CustomerKeyException("the object is encrypted with a customer-provided key (SSE-C) and the request presents none");
                }
                byte[] counter = Base64.getDecoder().decode(f[2]);
                try {
                    return new FileKey(new SecretKeySpec(gcm(false, new SecretKeySpec(customerKey, "AES"), CUSTOMER_AAD, counter,
                            Base64.getDecoder().decode(f[3])), "AES"), counter);
                } catch (IllegalArgumentException e) {
                    throw new CustomerKeyException("the customer-provided key is not the one the object was written with");
                }
            }
            case "k" -> {
                if (kms == null || f.length != 5) {
                    throw new IOException("an object encrypted under SSE-KMS, and no key service to open it");
                }
                String id = new String(Base64.getDecoder().decode(f[2]), StandardCharsets.UTF_8);
                byte[] counter = Base64.getDecoder().decode(f[3]);
                byte[] aad = (new String(KMS_AAD, StandardCharsets.US_ASCII) + " " + id).getBytes(StandardCharsets.UTF_8);
                try {
                    return new FileKey(new SecretKeySpec(gcm(false, kms.key(id, false), aad, counter, Base64.getDecoder().decode(f[4])), "AES"), counter);
                } catch (IllegalArgumentException e) {
                    throw new IOException("the data key of an SSE-KMS object does not open with KMS key " + id);
                }
            }
            default -> throw new IOException("unknown encryption record on a stored file: " + f[1]);
        }
    }

    /** Reading a file sealed by a client's key without that key. */
    public static final class CustomerKeyException extends IOException {
        CustomerKeyException(String message) {
            super(message);
        }
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
