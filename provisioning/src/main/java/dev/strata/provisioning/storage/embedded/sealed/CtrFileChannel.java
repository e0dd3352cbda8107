package dev.strata.provisioning.storage.embedded.sealed;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;

/**
 * A file channel over an encrypted file: AES-256 in counter mode, where the keystream at byte {@code p} is the
 * encryption of (initial counter + p / 16) from byte p % 16 on. Reads decrypt and writes encrypt at whatever
 * position they happen, so positioned reads (HTTP ranges), streams and transfers between channels all work, and the
 * file is exactly as long as its content. Not mappable (a mapping would expose the ciphertext).
 */
final class CtrFileChannel extends FileChannel {

    private static final int CHUNK = 64 * 1024;
    private static final BigInteger TWO_128 = BigInteger.ONE.shiftLeft(128);

    private final FileChannel file;
    /** Opens the file's key at the first read or write: s3proxy opens a file before judging the request's SSE-C key. */
    interface KeyOpener {
        DataKeys.FileKey open() throws IOException;
    }

    private final KeyOpener opener;
    private DataKeys.FileKey key;
    private final byte[] buffer = new byte[CHUNK];
    private Cipher cipher;
    /** The file offset the cipher's keystream has reached; -1 before the first use. */
    private long cipherAt = -1;

    CtrFileChannel(FileChannel file, DataKeys.FileKey key) {
        this.file = file;
        this.key = key;
        this.opener = null;
    }

    CtrFileChannel(FileChannel file, KeyOpener opener) {
        this.file = file;
        this.opener = opener;
    }

    /** XORs {@code len} bytes of {@code buf} in place with the keystream at file offset {@code position}. */
    private void crypt(byte[] buf, int len, long position) throws IOException {
        if (key == null) {
            key = opener.open();
        }
        try {
            if (cipher == null || cipherAt != position) {
                Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
                c.init(Cipher.ENCRYPT_MODE, key.key(), new IvParameterSpec(counterAt(key.counter(), position / 16)));
                int skip = (int) (position % 16);
                if (skip > 0) {
                    c.update(new byte[skip]);
                }
                cipher = c;
            }
            int n = cipher.update(buf, 0, len, buf, 0);
            if (n != len) {
                throw new IOException("the stream cipher returned " + n + " of " + len + " bytes");
            }
            cipherAt = position + len;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encrypt or decrypt a stored file: " + e.getMessage(), e);
        }
    }

    /** The 128-bit counter block {@code blocks} after {@code initial}, wrapping around as counter mode does. */
    static byte[] counterAt(byte[] initial, long blocks) {
        BigInteger v = new BigInteger(1, initial).add(BigInteger.valueOf(blocks)).mod(TWO_128);
        byte[] raw = v.toByteArray();
        byte[] out = new byte[16];
        int copy = Math.min(raw.length, 16);
        System.arraycopy(raw, raw.length - copy, out, 16 - copy, copy);
        return out;
    }

    @Override
    public synchronized int read(ByteBuffer dst, long position) throws IOException {
        int want = Math.min(dst.remaining(), CHUNK);
        if (want == 0) {
            return 0;
        }
        int n = file.read(ByteBuffer.wrap(buffer, 0, want), position);
        if (n <= 0) {
            return n;
        }
        crypt(buffer, n, position);
        dst.put(buffer, 0, n);
        return n;
    }

    @Override
    public synchronized int read(ByteBuffer dst) throws IOException {
        long p = file.position();
        int n = read(dst, p);
        if (n > 0) {
            file.position(p + n);
        }
        return n;
    }

    @Override
    public synchronized long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            while (dsts[i].hasRemaining()) {
                int n = read(dsts[i]);
                if (n <= 0) {
                    return total == 0 && n < 0 ? -1 : total;
                }
                total += n;
            }
        }
        return total;
    }

    @Override
    public synchronized int write(ByteBuffer src, long position) throws IOException {
        int total = 0;
        while (src.hasRemaining()) {
            int n = Math.min(src.remaining(), CHUNK);
            src.get(buffer, 0, n);
            crypt(buffer, n, position + total);
            ByteBuffer out = ByteBuffer.wrap(buffer, 0, n);
            long at = position + total;
            while (out.hasRemaining()) {
                at += file.write(out, at);
            }
            total += n;
        }
        return total;
    }

    @Override
    public synchronized int write(ByteBuffer src) throws IOException {
        long p = file.position();
        int n = write(src, p);
        file.position(p + n);
        return n;
    }

    @Override
    public synchronized long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += write(srcs[i]);
        }
        return total;
    }

    @Override
    public long position() throws IOException {
        return file.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        file.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return file.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        file.truncate(size);
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        file.force(metaData);
    }

    /** Decrypts into {@code target} (which encrypts again if it is another sealed file, under its own key). */
    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        long total = 0;
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        while (total < count) {
            chunk.clear().limit((int) Math.min(CHUNK, count - total));
            int n = read(chunk, position + total);
            if (n <= 0) {
                break;
            }
            chunk.flip();
            while (chunk.hasRemaining()) {
                target.write(chunk);
            }
            total += n;
        }
        return total;
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        long total = 0;
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        while (total < count) {
            chunk.clear().limit((int) Math.min(CHUNK, count - total));
            int n = src.read(chunk);
            if (n <= 0) {
                break;
            }
            chunk.flip();
            total += write(chunk, position + total);
        }
        return total;
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) {
        throw new UnsupportedOperationException("an encrypted file cannot be mapped");
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return file.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return file.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        file.close();
    }
}
