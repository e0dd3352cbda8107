package dev.strata.provisioning.backup;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * How Strata stores a backup stream that the engine's tool does not encrypt itself (mariadb-backup's xbstream, a
 * Redis RDB): compressed with zstd, then encrypted with AES-256-GCM in chunks of 1 MiB under a key derived
 * (HMAC-SHA-256) from the database's backup key and the backup's id. Each chunk has its own random nonce and is
 * authenticated together with its index and whether it is the last one, so a reordered, altered or truncated
 * object fails to open. Format: {@code STRATA-BACKUP-1\n}, then per chunk a 4-byte length, the 12-byte nonce and
 * the ciphertext with its tag.
 */
public final class SealedStream {

    static final byte[] MAGIC = "STRATA-BACKUP-1\n".getBytes(StandardCharsets.US_ASCII);
    static final int CHUNK = 1024 * 1024;
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private SealedStream() {
    }

    /** The AES key of one backup: HMAC-SHA-256(database backup key, backup id). */
    static SecretKeySpec key(String backupKey, String backupId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(backupKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return new SecretKeySpec(mac.doFinal(("strata backup " + backupId).getBytes(StandardCharsets.UTF_8)), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive a backup key", e);
        }
    }

    /** A stream that compresses and encrypts into {@code sink}; closing it writes the last chunk and closes the sink. */
    public static Sealing seal(OutputStream sink, String backupKey, String backupId) throws IOException {
        return new Sealing(sink, key(backupKey, backupId));
    }

    /** The plain stream of a sealed object; reading past a damaged or truncated chunk throws. */
    public static InputStream open(InputStream sealed, String backupKey, String backupId) throws IOException {
        return new ZstdInputStream(new Opening(sealed, key(backupKey, backupId)));
    }

    /** SHA-256 of everything written (the plain stream), to compare with a read-back. */
    public static final class Sealing extends FilterOutputStream {
        private final MessageDigest digest;
        private final Encrypting encrypting;
        private long plainBytes;

        private Sealing(OutputStream sink, SecretKeySpec key) throws IOException {
            this(new Encrypting(sink, key));
        }

        private Sealing(Encrypting encrypting) throws IOException {
            this(encrypting, sha256());
        }

        private Sealing(Encrypting encrypting, MessageDigest digest) throws IOException {
            super(new DigestOutputStream(new ZstdOutputStream(encrypting, 3), digest));
            this.encrypting = encrypting;
            this.digest = digest;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            plainBytes += len;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            plainBytes++;
        }

        public byte[] sha256Digest() {
            return digest.digest();
        }

        public long plainBytes() {
            return plainBytes;
        }

        public long storedBytes() {
            return encrypting.written;
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a sealed object to its end and returns the SHA-256 of its plain stream (every chunk's tag checked). */
    public static byte[] digestOf(InputStream sealed, String backupKey, String backupId) throws IOException {
        MessageDigest d = sha256();
        try (InputStream in = open(sealed, backupKey, backupId)) {
            byte[] buf = new byte[256 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                d.update(buf, 0, n);
            }
        }
        return d.digest();
    }

    private static byte[] aad(long index, boolean last) {
        return ByteBuffer.allocate(9).putLong(index).put((byte) (last ? 1 : 0)).array();
    }

    private static final class Encrypting extends OutputStream {
        private final OutputStream sink;
        private final SecretKeySpec key;
        private final byte[] buffer = new byte[CHUNK];
        private int filled;
        private long index;
        private long written;
        private boolean closed;

        Encrypting(OutputStream sink, SecretKeySpec key) throws IOException {
            this.sink = sink;
            this.key = key;
            sink.write(MAGIC);
            written += MAGIC.length;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (filled == buffer.length) {
                    chunk(false);
                }
                int n = Math.min(len, buffer.length - filled);
                System.arraycopy(b, off, buffer, filled, n);
                filled += n;
                off += n;
                len -= n;
            }
        }

        private void chunk(boolean last) throws IOException {
            try {
                byte[] nonce = new byte[NONCE];
                RANDOM.nextBytes(nonce);
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
                c.updateAAD(aad(index++, last));
                byte[] ct = c.doFinal(buffer, 0, filled);
                sink.write(ByteBuffer.allocate(4).putInt(ct.length).array());
                sink.write(nonce);
                sink.write(ct);
                written += 4 + NONCE + ct.length;
                filled = 0;
            } catch (GeneralSecurityException e) {
                throw new IOException("encrypting a backup chunk failed", e);
            }
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            chunk(true);
            sink.close();
        }
    }

    private static final class Opening extends InputStream {
        private final DataInputStream in;
        private final SecretKeySpec key;
        private byte[] plain = new byte[0];
        private int pos;
        private long index;
        private boolean last;

        Opening(InputStream sealed, SecretKeySpec key) throws IOException {
            this.in = new DataInputStream(sealed);
            this.key = key;
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException("not a Strata backup object (bad header)");
            }
        }

        private boolean fill() throws IOException {
            while (pos >= plain.length) {
                if (last) {
                    return false;
                }
                int len;
                try {
                    len = in.readInt();
                } catch (EOFException e) {
                    throw new IOException("the backup object is truncated (its last chunk is missing)");
                }
                if (len < TAG_BITS / 8 || len > CHUNK + TAG_BITS / 8) {
                    throw new IOException("the backup object is damaged (chunk length " + len + ")");
                }
                byte[] nonce = new byte[NONCE];
                byte[] ct = new byte[len];
                in.readFully(nonce);
                in.readFully(ct);
                plain = decrypt(nonce, ct);
                pos = 0;
            }
            return true;
        }

        private byte[] decrypt(byte[] nonce, byte[] ct) throws IOException {
            for (boolean isLast : new boolean[] {false, true}) {
                try {
                    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                    c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
                    c.updateAAD(aad(index, isLast));
                    byte[] p = c.doFinal(ct);
                    index++;
                    last = isLast;
                    if (last && in.read() != -1) {
                        throw new IOException("the backup object has data after its last chunk");
                    }
                    return p;
                } catch (javax.crypto.AEADBadTagException e) {
                    // try as the last chunk; fails below when neither authenticates
                } catch (GeneralSecurityException e) {
                    throw new IOException("decrypting a backup chunk failed", e);
                }
            }
            throw new IOException("the backup object is damaged or was not made with this key (chunk " + index + " does not authenticate)");
        }

        @Override
        public int read() throws IOException {
            if (!fill()) {
                return -1;
            }
            return plain[pos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, plain.length - pos);
            System.arraycopy(plain, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** For tests: seal bytes in memory. */
    static byte[] sealBytes(byte[] plain, String backupKey, String backupId) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Sealing s = seal(out, backupKey, backupId)) {
            s.write(plain);
        }
        return out.toByteArray();
    }
}
