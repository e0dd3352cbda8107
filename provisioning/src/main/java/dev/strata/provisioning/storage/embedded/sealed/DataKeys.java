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

    private final SecretBox master;

    public DataKeys(SecretBox master) {
        this.master = master;
    }

    /** The key and initial counter a file's bytes are encrypted with. */
    record FileKey(SecretKeySpec key, byte[] counter) {
    }

    /** A fresh key for a file about to be written, and the attribute to keep beside it. */
    record NewKey(FileKey key, String attribute) {
    }

    /** A new data key, sealed by the client's key when the write carries one ({@code customerKey}), else by the master key. */
    NewKey newKey(byte[] customerKey) {
        byte[] dataKey = new byte[32];
        RANDOM.nextBytes(dataKey);
        byte[] counter = new byte[16];
        RANDOM.nextBytes(counter);
        String iv = b64(counter);
        String attribute;
        if (customerKey == null) {
            attribute = "s1;m;" + iv + ";" + master.seal(b64(dataKey));
        } else {
            try {
                byte[] nonce = new byte[12];
                RANDOM.nextBytes(nonce);
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(customerKey, "AES"), new GCMParameterSpec(128, nonce));
                c.updateAAD(CUSTOMER_AAD);
                c.updateAAD(counter);
                byte[] sealed = c.doFinal(dataKey);
                byte[] out = new byte[nonce.length + sealed.length];
                System.arraycopy(nonce, 0, out, 0, nonce.length);
                System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
                attribute = "s1;c;" + iv + ";" + b64(out);
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("the customer-provided key cannot seal a data key: " + e.getMessage(), e);
            }
        }
        return new NewKey(new FileKey(new SecretKeySpec(dataKey, "AES"), counter), attribute);
    }

    /** Whether a file with this attribute can be read only with the key its writer sent (SSE-C). */
    static boolean needsCustomerKey(String attribute) {
        return attribute.startsWith("s1;c;");
    }

    /** The key of a file from its attribute; {@code customerKey} is the key the reading request presents, if any. */
    FileKey open(String attribute, byte[] customerKey) throws IOException {
        String[] f = attribute.split(";", 4);
        if (f.length != 4 || !f[0].equals("s1")) {
            throw new IOException("unknown encryption record on a stored file: " + f[0]);
        }
        byte[] counter = Base64.getDecoder().decode(f[2]);
        switch (f[1]) {
            case "m" -> {
                byte[] dataKey = Base64.getDecoder().decode(master.open(f[3]));
                return new FileKey(new SecretKeySpec(dataKey, "AES"), counter);
            }
            case "c" -> {
                if (customerKey == null) {
                    throw new CustomerKeyException("the object is encrypted with a customer-provided key (SSE-C) and the request presents none");
                }
                byte[] in = Base64.getDecoder().decode(f[3]);
                try {
                    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                    c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(customerKey, "AES"), new GCMParameterSpec(128, in, 0, 12));
                    c.updateAAD(CUSTOMER_AAD);
                    c.updateAAD(counter);
                    return new FileKey(new SecretKeySpec(c.doFinal(in, 12, in.length - 12), "AES"), counter);
                } catch (GeneralSecurityException e) {
                    throw new CustomerKeyException("the customer-provided key is not the one the object was written with");
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
